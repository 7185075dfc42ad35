#pragma once

#include "net/AddressRange.h"

#include <Poco/Net/IPAddress.h>

#include <string>
#include <vector>

namespace Poco::Net
{
class HTTPServerRequest;
}

namespace hchat
{

class TrustedProxies
/// http.trustedProxies: the balancers and reverse proxies (addresses or
/// networks) whose X-Forwarded-For hchatd believes. Each proxy appends the
/// address it got the request from, so reading the header from its end, past
/// every trusted hop, the first address is the client's, whatever a client
/// wrote at the start itself. A request from anyone else is its socket
/// peer's, the header ignored. Immutable once built: thread-safe.
{
public:
    explicit TrustedProxies(const std::string& list);
    /// Addresses and networks (AddressRange) separated by commas or spaces;
    /// empty: none. Throws Poco::InvalidArgumentException naming a bad one.

    bool empty() const { return _ranges.empty(); }
    bool covers(const Poco::Net::IPAddress& address) const;

    Poco::Net::IPAddress clientOf(const Poco::Net::IPAddress& peer,
                                  const std::string& forwardedFor) const;
    /// The client of a request that came from peer carrying forwardedFor
    /// (every X-Forwarded-For field, joined with commas): peer itself when
    /// it is not trusted; otherwise the last hop not trusted, or the first
    /// when all are. A hop that is no address ends the walk at the one
    /// after it (a proxy writes addresses; anything else the client wrote).

    Poco::Net::IPAddress clientOf(const Poco::Net::HTTPServerRequest& request) const;
    /// The same for a request: its socket peer and X-Forwarded-For fields.

    std::string peerOf(const Poco::Net::HTTPServerRequest& request) const;
    /// The request's client as the log and ChatActions::Actor::peer write
    /// it: the socket's peer ("192.0.2.1:4711"), or the address a trusted
    /// proxy forwarded for ("203.0.113.5", no port).

private:
    std::vector<AddressRange> _ranges;
};

} // namespace hchat
