#include "line/LineReader.h"

namespace hchat
{

LineReader::LineReader(std::size_t maxBytes) : _maxBytes(maxBytes) {}

void LineReader::feed(const char* data, std::size_t size)
{
    _buffer.append(data, size);
}

LineReader::Result LineReader::next(std::string& line)
{
    for (;;)
    {
        const std::size_t end = _buffer.find('\n', _scanned);
        if (end == std::string::npos)
        {
            _scanned = _buffer.size();
            if (_skipping)
            {
                _buffer.clear(); // still inside the long line: keep nothing of it
                _scanned = 0;
                return Result::NeedMore;
            }
            // The ending may still come as "\r\n": one byte of slack for the "\r".
            if (_buffer.size() > _maxBytes + 1)
            {
                _buffer.clear();
                _scanned = 0;
                _skipping = true;
                return Result::TooLong;
            }
            return Result::NeedMore;
        }
        std::size_t length = end;
        if (length > 0 && _buffer[length - 1] == '\r')
            --length;
        const bool skipped = _skipping;
        const bool tooLong = !skipped && length > _maxBytes;
        if (!skipped && !tooLong)
            line.assign(_buffer, 0, length);
        _buffer.erase(0, end + 1);
        _scanned = 0;
        _skipping = false;
        if (skipped)
            continue; // the end of a line reported already
        return tooLong ? Result::TooLong : Result::Line;
    }
}

} // namespace hchat
