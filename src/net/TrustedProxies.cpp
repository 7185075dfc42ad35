#include "net/TrustedProxies.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <algorithm>

namespace hchat
{

namespace
{
// One hop of X-Forwarded-For: "192.0.2.1", "2001:db8::1", or with a port
// as some proxies write it ("192.0.2.1:4711", "[2001:db8::1]:4711").
bool parseHop(std::string hop, Poco::Net::IPAddress& address)
{
    Poco::trimInPlace(hop);
    if (!hop.empty() && hop[0] == '[')
    {
        const std::size_t close = hop.find(']');
        if (close == std::string::npos)
            return false;
        hop = hop.substr(1, close - 1);
    }
    else if (std::count(hop.begin(), hop.end(), ':') == 1)
        hop.erase(hop.find(':'));
    return AddressRange::parseAddress(hop, address);
}
} // namespace

TrustedProxies::TrustedProxies(const std::string& list)
{
    Poco::StringTokenizer words(
        list, ", \t", Poco::StringTokenizer::TOK_IGNORE_EMPTY | Poco::StringTokenizer::TOK_TRIM);
    for (const std::string& word : words)
        _ranges.emplace_back(word);
}

bool TrustedProxies::covers(const Poco::Net::IPAddress& address) const
{
    return std::any_of(_ranges.begin(), _ranges.end(),
                       [&](const AddressRange& range) { return range.contains(address); });
}

Poco::Net::IPAddress TrustedProxies::clientOf(const Poco::Net::IPAddress& peer,
                                              const std::string& forwardedFor) const
{
    Poco::Net::IPAddress client = peer;
    if (!covers(peer))
        return client;
    std::size_t end = forwardedFor.size();
    while (end != std::string::npos && end > 0)
    {
        const std::size_t comma = forwardedFor.rfind(',', end - 1);
        const std::size_t start = comma == std::string::npos ? 0 : comma + 1;
        Poco::Net::IPAddress hop;
        if (!parseHop(forwardedFor.substr(start, end - start), hop))
            break;
        client = hop;
        if (!covers(hop) || comma == std::string::npos)
            break;
        end = comma;
    }
    return client;
}

Poco::Net::IPAddress TrustedProxies::clientOf(const Poco::Net::HTTPServerRequest& request) const
{
    const Poco::Net::IPAddress peer = request.clientAddress().host();
    if (_ranges.empty() || !covers(peer))
        return peer;
    std::string forwardedFor;
    for (auto it = request.find("X-Forwarded-For");
         it != request.end() && Poco::icompare(it->first, "X-Forwarded-For") == 0; ++it)
        forwardedFor += (forwardedFor.empty() ? "" : ",") + it->second;
    return clientOf(peer, forwardedFor);
}

std::string TrustedProxies::peerOf(const Poco::Net::HTTPServerRequest& request) const
{
    const Poco::Net::SocketAddress& peer = request.clientAddress();
    if (_ranges.empty())
        return peer.toString();
    const Poco::Net::IPAddress client = clientOf(request);
    return client == peer.host() ? peer.toString() : client.toString();
}

} // namespace hchat
