#pragma once

#include "http/RequestDispatcher.h"
#include "net/ConnectionGate.h"

#include <Poco/AutoPtr.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

namespace hchat
{

struct Metrics;

class TrackedConnectionFactory : public Poco::Net::TCPServerConnectionFactory
/// Makes a TrackedConnection for each accepted socket. Thread-safe (immutable).
{
public:
    TrackedConnectionFactory(Poco::Net::HTTPServerParams::Ptr params,
                             Poco::SharedPtr<RequestDispatcher> dispatcher,
                             Poco::AutoPtr<ConnectionGate> gate, Metrics& metrics);

    Poco::Net::TCPServerConnection*
    createConnection(const Poco::Net::StreamSocket& socket) override;

private:
    Poco::Net::HTTPServerParams::Ptr _params;
    Poco::SharedPtr<RequestDispatcher> _dispatcher;
    Poco::AutoPtr<ConnectionGate> _gate;
    Metrics& _metrics;
};

} // namespace hchat
