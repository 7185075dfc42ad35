#pragma once

#include "http/RequestDispatcher.h"
#include "net/ConnectionGate.h"

#include <Poco/AutoPtr.h>
#include <Poco/Net/HTTPServerConnection.h>

namespace hchat
{

struct Metrics;

class TrackedConnection : public Poco::Net::HTTPServerConnection
/// POCO's HTTP connection, counted while it is open (per address for the
/// ConnectionGate, in total for /metrics), with Nagle off so each answer
/// leaves at once, and closed at once when made after the server stopped.
/// Lives on its connection thread.
{
public:
    TrackedConnection(const Poco::Net::StreamSocket& socket,
                      Poco::Net::HTTPServerParams::Ptr params,
                      Poco::SharedPtr<RequestDispatcher> dispatcher,
                      Poco::AutoPtr<ConnectionGate> gate, Metrics& metrics);
    ~TrackedConnection() override;

    void run() override;
    /// POCO's loop; a head POCO cannot even read (a Content-Length that is
    /// no number) closes the connection, counted as a client error.

private:
    Poco::AutoPtr<ConnectionGate> _gate;
    Metrics& _metrics;
};

} // namespace hchat
