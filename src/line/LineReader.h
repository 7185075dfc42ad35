#pragma once

#include <cstddef>
#include <string>

namespace hchat
{

class LineReader
/// Cuts a TCP byte stream into lines (SPEC §5): a line ends with "\r\n" or a
/// bare "\n"; a line may arrive over many reads, and one read may hold many
/// lines. A line longer than `maxBytes` is reported once as too long and its
/// bytes are skipped up to its end, so it never becomes two messages, and
/// the reader never holds more than `maxBytes` of it.
/// Not thread-safe: one per connection.
{
public:
    enum class Result
    {
        Line,    ///< `line` holds the next line, without its ending
        TooLong, ///< a line over the limit was dropped (reported once)
        NeedMore ///< no complete line yet: feed more bytes
    };

    explicit LineReader(std::size_t maxBytes);

    void feed(const char* data, std::size_t size);
    Result next(std::string& line);

private:
    const std::size_t _maxBytes;
    std::string _buffer;      ///< bytes of lines not yet taken
    std::size_t _scanned = 0; ///< bytes of _buffer known to hold no '\n'
    bool _skipping = false;   ///< dropping the rest of a line that was too long
};

} // namespace hchat
