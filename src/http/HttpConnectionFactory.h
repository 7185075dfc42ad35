#pragma once

#include "http/RequestDispatcher.h"
#include "net/ConnectionGate.h"

#include <Poco/AutoPtr.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

namespace hchat
{

class HeadWatch;
class OpenConnections;
class TrustedProxies;
struct Metrics;

class HttpConnectionFactory : public Poco::Net::TCPServerConnectionFactory
/// Makes an HttpConnection for each accepted socket. Thread-safe (immutable).
{
public:
    HttpConnectionFactory(Poco::Net::HTTPServerParams::Ptr params,
                          Poco::SharedPtr<RequestDispatcher> dispatcher,
                          Poco::AutoPtr<ConnectionGate> gate, HeadWatch& heads,
                          OpenConnections& open, Metrics& metrics, int hstsSeconds,
                          const TrustedProxies* proxies);
    /// hstsSeconds: tls.hsts, sent on answers over TLS when not 0.
    /// proxies: http.trustedProxies (null: none).

    Poco::Net::TCPServerConnection*
    createConnection(const Poco::Net::StreamSocket& socket) override;

private:
    Poco::Net::HTTPServerParams::Ptr _params;
    Poco::SharedPtr<RequestDispatcher> _dispatcher;
    Poco::AutoPtr<ConnectionGate> _gate;
    HeadWatch& _heads;
    OpenConnections& _open;
    Metrics& _metrics;
    const int _hstsSeconds;
    const TrustedProxies* _proxies;
};

} // namespace hchat
