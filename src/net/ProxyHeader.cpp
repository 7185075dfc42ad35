#include "net/ProxyHeader.h"

#include "net/AddressRange.h"

#include <Poco/NumberParser.h>

#include <algorithm>
#include <vector>

namespace hchat
{

namespace
{
const std::string_view prefix = "PROXY ";

bool parsePort(const std::string& text, Poco::UInt16& port)
{
    unsigned value = 0;
    if (text.empty() || text.size() > 5 || (text.size() > 1 && text[0] == '0') ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        !Poco::NumberParser::tryParseUnsigned(text, value) || value > 65535)
        return false;
    port = static_cast<Poco::UInt16>(value);
    return true;
}
} // namespace

bool ProxyHeader::mayBe(std::string_view start)
{
    const std::size_t n = std::min(start.size(), prefix.size());
    return start.substr(0, n) == prefix.substr(0, n);
}

ProxyHeader::Parsed ProxyHeader::parse(const std::string& line)
{
    Parsed out;
    if (line.size() + 2 > maxBytes || line.compare(0, prefix.size(), prefix) != 0)
        return out;
    if (line.compare(prefix.size(), std::string::npos, "UNKNOWN") == 0 ||
        line.compare(prefix.size(), 8, "UNKNOWN ") == 0)
    {
        out.valid = true;
        return out;
    }
    // Split on single spaces only: "a  b" has an empty field and fails.
    std::vector<std::string> fields;
    std::size_t from = 0;
    for (;;)
    {
        const std::size_t space = line.find(' ', from);
        fields.push_back(line.substr(from, space - from));
        if (space == std::string::npos)
            break;
        from = space + 1;
    }
    if (fields.size() != 6 || (fields[1] != "TCP4" && fields[1] != "TCP6"))
        return out;
    const auto family =
        fields[1] == "TCP4" ? Poco::Net::IPAddress::IPv4 : Poco::Net::IPAddress::IPv6;
    Poco::Net::IPAddress client, server;
    Poco::UInt16 clientPort = 0, serverPort = 0;
    if (!AddressRange::parseAddress(fields[2], client) || client.family() != family ||
        !AddressRange::parseAddress(fields[3], server) || server.family() != family ||
        !parsePort(fields[4], clientPort) || !parsePort(fields[5], serverPort))
        return out;
    out.valid = out.known = true;
    out.client = Poco::Net::SocketAddress(client, clientPort);
    return out;
}

} // namespace hchat
