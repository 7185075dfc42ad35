#include "http/NextPoll.h"

#include "util/TextRule.h"

#include <cstring>
#include <strings.h>

namespace hchat
{

namespace
{
bool isTokenChar(char c)
{
    // strchr() also finds the terminating NUL: that is no token character.
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

bool named(const char* name, std::size_t length, const char* want)
{
    return length == std::strlen(want) && ::strncasecmp(name, want, length) == 0;
}

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}
} // namespace

std::size_t NextPoll::parse(const char* data, std::size_t size)
{
    const char* const end = data + size;
    const char* p = data;
    auto lineEnd = [&end](const char* from) -> const char*
    {
        for (const char* q = from; q + 1 < end; ++q)
        {
            if (q[0] == '\r' && q[1] == '\n')
                return q;
            if (q[0] == '\r' || q[0] == '\n' || q[0] == '\0')
                return nullptr; // a bare CR or LF, or a NUL: not the plain form
        }
        return nullptr;
    };

    // Request line: GET /msg/<id>/<n> HTTP/1.1
    const char* eol = lineEnd(p);
    if (!eol)
        return 0;
    static const char prefix[] = "GET /msg/";
    static const char suffix[] = " HTTP/1.1";
    const std::size_t prefixLength = sizeof prefix - 1, suffixLength = sizeof suffix - 1;
    const auto lineLength = static_cast<std::size_t>(eol - p);
    if (lineLength < prefixLength + suffixLength + 3 || std::memcmp(p, prefix, prefixLength) != 0 ||
        std::memcmp(eol - suffixLength, suffix, suffixLength) != 0)
        return 0;
    const char* path = p + prefixLength;
    const char* pathEnd = eol - suffixLength;
    const char* slash = static_cast<const char*>(std::memchr(path, '/', pathEnd - path));
    if (!slash || slash == path || slash + 1 == pathEnd)
        return 0;
    for (const char* q = path; q < pathEnd; ++q)
        if ((q != slash && !isTokenChar(*q)) || *q == '%')
            return 0; // a second '/', a query, an escape, a space: POCO decides
    room = std::string_view(path, static_cast<std::size_t>(slash - path));
    number = std::string_view(slash + 1, static_cast<std::size_t>(pathEnd - slash - 1));
    p = eol + 2;

    bool hasHost = false;
    hasAccept = hasCookie = false;
    accept = cookie = std::string_view();
    // POCO's limits (MessageHeader): more fields, or a longer name, is a 400.
    const int fieldLimit = 100;
    const std::size_t nameLimit = 256;
    for (int fields = 0;; ++fields)
    {
        eol = lineEnd(p);
        if (!eol)
            return 0;
        if (eol == p) // the blank line
            return hasHost ? static_cast<std::size_t>(eol + 2 - data) : 0;
        const char* colon = static_cast<const char*>(std::memchr(p, ':', eol - p));
        if (!colon || colon == p || fields == fieldLimit ||
            static_cast<std::size_t>(colon - p) > nameLimit)
            return 0;
        for (const char* q = p; q < colon; ++q)
            if (!isTokenChar(*q))
                return 0; // also a folded line, which starts with a blank
        const auto nameLength = static_cast<std::size_t>(colon - p);
        const char* value = colon + 1;
        const char* valueEnd = eol;
        while (value < valueEnd && isBlank(*value))
            ++value;
        while (valueEnd > value && isBlank(valueEnd[-1]))
            --valueEnd;
        for (const char* q = value; q < valueEnd; ++q)
            if (TextRule::isControl(static_cast<unsigned char>(*q)) && *q != '\t')
                return 0; // RequestCheck refuses it
        if (named(p, nameLength, "Host"))
        {
            if (hasHost)
                return 0;
            hasHost = true;
        }
        else if (named(p, nameLength, "Accept"))
        {
            if (hasAccept)
                return 0;
            hasAccept = true;
            accept = std::string_view(value, static_cast<std::size_t>(valueEnd - value));
        }
        else if (named(p, nameLength, "Cookie"))
        {
            if (hasCookie)
                return 0;
            hasCookie = true;
            cookie = std::string_view(value, static_cast<std::size_t>(valueEnd - value));
        }
        else if (named(p, nameLength, "Connection") || named(p, nameLength, "Content-Length") ||
                 named(p, nameLength, "Transfer-Encoding") || named(p, nameLength, "Expect") ||
                 named(p, nameLength, "Upgrade"))
            return 0;
        p = eol + 2;
    }
}

} // namespace hchat
