#include "http/SseCodec.h"

#include "http/StreamError.h"

#include <Poco/NumberFormatter.h>

namespace hchat
{

namespace
{
const std::size_t keptBytes = 2048;

void appendEvent(std::string& events, const char* name, const std::string& data)
{
    events.append("event: ").append(name).append("\ndata: ").append(data).append("\n\n");
}
} // namespace

void SseCodec::chunk(const std::string& text, std::string& out)
{
    out.append(Poco::NumberFormatter::formatHex(text.size()))
        .append("\r\n")
        .append(text)
        .append("\r\n");
}

void SseCodec::event(const char* name, const std::string& data, std::string& out)
{
    std::string events;
    appendEvent(events, name, data);
    chunk(events, out);
}

void SseCodec::entries(const Cursor::Slice& slice, std::string& out)
{
    if (slice.messages.empty() && !slice.skipped && !slice.reset)
        return;
    // One buffer per thread: publishers format for thousands of streams.
    // A stream's own thread formats its history with it too, and keeps it
    // as long as the stream lives: more than a few messages' worth is
    // given back.
    thread_local std::string events;
    events.clear();
    if (slice.reset)
        appendEvent(events, "error", StreamError::historyReset(slice.skippedFrom, slice.resumedAt));
    else if (slice.skipped)
        appendEvent(events, "error", StreamError::gone(slice.skippedFrom, slice.resumedAt));
    for (const MessagePtr& m : slice.messages)
    {
        events.append("id: ").append(std::to_string(m->id())).append("\n");
        appendEvent(events, Message::kindName(m->kind()), m->json());
    }
    chunk(events, out);
    if (events.capacity() > keptBytes)
        std::string().swap(events);
}

} // namespace hchat
