#include "http/SseCodec.h"

#include "http/StreamError.h"

#include <Poco/NumberFormatter.h>

namespace hchat
{

namespace
{
void appendEvent(std::string& events, const char* name, const std::string& data)
{
    events.append("event: ").append(name).append("\ndata: ").append(data).append("\n\n");
}

void sizeChunk(std::string& out, std::size_t start)
{
    // The chunk's text is out from start on; its size goes in front of it.
    const std::size_t size = out.size() - start;
    if (size == 0)
        return;
    out.insert(start, Poco::NumberFormatter::formatHex(size).append("\r\n"));
    out.append("\r\n");
}
} // namespace

void SseCodec::chunk(const std::string& text, std::string& out)
{
    const std::size_t start = out.size();
    out += text;
    sizeChunk(out, start);
}

void SseCodec::event(const char* name, const std::string& data, std::string& out)
{
    const std::size_t start = out.size();
    appendEvent(out, name, data);
    sizeChunk(out, start);
}

void SseCodec::entries(const Cursor::Slice& slice, std::string& out)
{
    if (slice.messages.empty() && !slice.skipped && !slice.reset)
        return;
    // Formatted in place: no buffer of its own, which a stream's thread
    // would keep (and its heap cache the steps of its growth) for as long
    // as the stream is held.
    const std::size_t start = out.size();
    if (slice.reset)
        appendEvent(out, "error", StreamError::historyReset(slice.skippedFrom, slice.resumedAt));
    else if (slice.skipped)
        appendEvent(out, "error", StreamError::gone(slice.skippedFrom, slice.resumedAt));
    for (const MessagePtr& m : slice.messages)
    {
        out.append("id: ").append(std::to_string(m->id())).append("\n");
        appendEvent(out, Message::kindName(m->kind()), m->json());
    }
    sizeChunk(out, start);
}

} // namespace hchat
