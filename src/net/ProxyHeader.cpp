#include "net/ProxyHeader.h"

#include "net/AddressRange.h"

#include <Poco/NumberParser.h>

#include <algorithm>
#include <string>
#include <vector>

namespace hchat
{

namespace
{
const std::string_view textPrefix = "PROXY ";
constexpr std::size_t textMaxBytes = 107;
const std::string_view binarySignature("\r\n\r\n\0\r\nQUIT\n", 12);
constexpr std::size_t binaryFixedBytes = 16; // signature, version/command, family, length

bool beginsWith(std::string_view start, std::string_view prefix)
{
    const std::size_t n = std::min(start.size(), prefix.size());
    return start.substr(0, n) == prefix.substr(0, n);
}

unsigned byteAt(std::string_view bytes, std::size_t i)
{
    return static_cast<unsigned char>(bytes[i]);
}

// A v2 header's whole length, from its fixed part (at least 16 bytes).
std::size_t binaryLength(std::string_view header)
{
    return binaryFixedBytes + (byteAt(header, 14) << 8 | byteAt(header, 15));
}

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

ProxyHeader::Parsed parseText(std::string_view header)
{
    ProxyHeader::Parsed out;
    if (header.size() > textMaxBytes || header.size() < 2 ||
        header.substr(header.size() - 2) != "\r\n")
        return out;
    const std::string line(header.substr(0, header.size() - 2));
    if (line.find_first_of("\r\n") != std::string::npos ||
        line.compare(0, textPrefix.size(), textPrefix) != 0)
        return out;
    if (line.compare(textPrefix.size(), std::string::npos, "UNKNOWN") == 0 ||
        line.compare(textPrefix.size(), 8, "UNKNOWN ") == 0)
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

ProxyHeader::Parsed parseBinary(std::string_view header)
{
    ProxyHeader::Parsed out;
    if (header.size() < binaryFixedBytes || header.size() != binaryLength(header))
        return out;
    const unsigned version = byteAt(header, 12) >> 4, command = byteAt(header, 12) & 0x0F;
    if (version != 2 || command > 1)
        return out;
    const std::string_view rest = header.substr(binaryFixedBytes);
    const unsigned family = byteAt(header, 13);
    // LOCAL (0): the balancer's own connection, whatever follows.
    if (command == 0 || (family != 0x11 && family != 0x21))
    {
        out.valid = true;
        return out;
    }
    // TCP over IPv4 (0x11) or IPv6 (0x21): source address, destination
    // address, source port, destination port, in network byte order.
    const std::size_t addressBytes = family == 0x11 ? 4 : 16;
    if (rest.size() < 2 * addressBytes + 4)
        return out;
    const Poco::Net::IPAddress client(rest.data(), static_cast<poco_socklen_t>(addressBytes));
    const std::size_t portAt = 2 * addressBytes;
    const auto port =
        static_cast<Poco::UInt16>(byteAt(rest, portAt) << 8 | byteAt(rest, portAt + 1));
    out.valid = out.known = true;
    out.client = Poco::Net::SocketAddress(client, port);
    return out;
}
} // namespace

ProxyHeader::Extent ProxyHeader::measure(std::string_view start)
{
    if (beginsWith(start, textPrefix))
    {
        const std::size_t end = start.substr(0, textMaxBytes).find("\r\n");
        if (end != std::string_view::npos)
            return {Shape::Whole, end + 2};
        return {start.size() >= textMaxBytes ? Shape::Bad : Shape::Partial, 0};
    }
    if (!beginsWith(start, binarySignature))
        return {};
    if (start.size() < binaryFixedBytes)
        return {Shape::Partial, 0};
    const std::size_t length = binaryLength(start);
    if ((byteAt(start, 12) >> 4) != 2 || length > maxBytes)
        return {Shape::Bad, 0};
    return {start.size() >= length ? Shape::Whole : Shape::Partial, length};
}

ProxyHeader::Parsed ProxyHeader::parse(std::string_view header)
{
    return header.substr(0, binarySignature.size()) == binarySignature ? parseBinary(header)
                                                                       : parseText(header);
}

} // namespace hchat
