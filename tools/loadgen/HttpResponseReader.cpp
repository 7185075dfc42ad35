#include "HttpResponseReader.h"

#include <cstdlib>
#include <stdexcept>
#include <strings.h>

namespace hchat::load
{

bool HttpResponseReader::next(int& status, std::string& body)
{
    std::size_t end = _buffer.find("\r\n\r\n");
    if (end == std::string::npos)
        return false;
    if (_buffer.compare(0, 9, "HTTP/1.1 ") != 0 && _buffer.compare(0, 9, "HTTP/1.0 ") != 0)
        throw std::runtime_error("not an HTTP response: " + _buffer.substr(0, 40));
    status = std::atoi(_buffer.c_str() + 9);

    long length = -1;
    std::size_t line = _buffer.find("\r\n") + 2;
    while (line < end)
    {
        std::size_t eol = _buffer.find("\r\n", line);
        if (eol - line > 15 && strncasecmp(_buffer.c_str() + line, "Content-Length:", 15) == 0)
            length = std::atol(_buffer.c_str() + line + 15);
        else if (eol - line > 18 &&
                 strncasecmp(_buffer.c_str() + line, "Transfer-Encoding:", 18) == 0)
            throw std::runtime_error("chunked responses are not expected");
        line = eol + 2;
    }
    if (length < 0)
        length = 0; // 204 and friends
    std::size_t total = end + 4 + static_cast<std::size_t>(length);
    if (_buffer.size() < total)
        return false;
    body.assign(_buffer, end + 4, static_cast<std::size_t>(length));
    _buffer.erase(0, total);
    return true;
}

} // namespace hchat::load
