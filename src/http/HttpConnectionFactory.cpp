#include "http/HttpConnectionFactory.h"

#include "http/HttpConnection.h"

namespace hchat
{

HttpConnectionFactory::HttpConnectionFactory(Poco::Net::HTTPServerParams::Ptr params,
                                             Poco::SharedPtr<RequestDispatcher> dispatcher,
                                             Poco::AutoPtr<ConnectionGate> gate, HeadWatch& heads,
                                             OpenConnections& open, Metrics& metrics,
                                             int hstsSeconds, const TrustedProxies* proxies)
    : _params(std::move(params)), _dispatcher(std::move(dispatcher)), _gate(std::move(gate)),
      _heads(heads), _open(open), _metrics(metrics), _hstsSeconds(hstsSeconds), _proxies(proxies)
{
}

Poco::Net::TCPServerConnection*
HttpConnectionFactory::createConnection(const Poco::Net::StreamSocket& socket)
{
    return new HttpConnection(
        socket, {_params, _dispatcher, _gate, _heads, _open, _metrics, _hstsSeconds, _proxies});
}

} // namespace hchat
