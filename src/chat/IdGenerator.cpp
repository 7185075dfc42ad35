#include "chat/IdGenerator.h"

#include <Poco/Exception.h>

#include <cerrno>
#include <sys/random.h>

namespace hchat
{

std::string IdGenerator::next()
{
    unsigned char bytes[16];
    std::size_t got = 0;
    while (got < sizeof bytes)
    {
        ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
        if (n < 0)
        {
            if (errno == EINTR)
                continue;
            throw Poco::SystemException("getrandom failed", errno);
        }
        got += static_cast<std::size_t>(n);
    }
    static const char digits[] = "0123456789abcdef";
    std::string id(32, '0');
    for (std::size_t i = 0; i < sizeof bytes; ++i)
    {
        id[2 * i] = digits[bytes[i] >> 4];
        id[2 * i + 1] = digits[bytes[i] & 0x0F];
    }
    return id;
}

bool IdGenerator::isValid(const std::string& id)
{
    if (id.size() != 32)
        return false;
    for (char c : id)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

} // namespace hchat
