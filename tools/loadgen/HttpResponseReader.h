#pragma once

#include <cstddef>
#include <string>

namespace hchat::load
{

class HttpResponseReader
/// Splits the bytes of one keep-alive HTTP/1.1 connection into responses,
/// however the bytes arrive (one at a time or many responses at once).
/// Understands Content-Length bodies, which is what hchatd sends.
/// Not thread-safe: one per connection.
{
public:
    void feed(const char* data, std::size_t size) { _buffer.append(data, size); }

    bool next(int& status, std::string& body);
    /// Takes the next complete response out of the buffer; false if there is
    /// none yet. Throws std::runtime_error on a response it cannot parse.

    void clear() { _buffer.clear(); }

private:
    std::string _buffer;
};

} // namespace hchat::load
