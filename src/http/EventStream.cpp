#include "http/EventStream.h"

#include "http/SseCodec.h"
#include "http/StreamError.h"
#include "stream/StreamSession.h"
#include "util/Metrics.h"

#include <Poco/Logger.h>

namespace hchat
{

EventStream::EventStream(ChatActions& actions, People& people, Announcer& announcer,
                         Metrics& metrics, Poco::Net::StreamSocket socket, StreamStart start,
                         std::string head, int keepAliveSeconds)
    : _actions(actions), _people(people), _announcer(announcer), _metrics(metrics),
      _socket(std::move(socket)), _start(std::move(start)), _head(std::move(head)),
      _keepAliveSeconds(keepAliveSeconds)
{
}

void EventStream::run()
{
    _metrics.sseStreams.fetch_add(1, std::memory_order_relaxed);
    _session = std::make_shared<StreamSession>(
        *_socket.impl(), _start.sendTimeout, static_cast<StreamTransport&>(*this), _people,
        _announcer, _metrics, "sse client", _start.actor.peer);
    try
    {
        std::string first = std::move(_head);      // the first send starts the response
        SseCodec::chunk("retry: 2000\n\n", first); // EventSource reconnects after 2 s
        const ChatActions::Outcome arrival =
            _actions.arrive(_start.actor, _start.wantedNick, _session->enter(_start, true));
        if (!arrival.done())
            SseCodec::event("error", StreamError::make(arrival.code(), arrival.detail), first);
        _session->queue(std::move(first));
        _session->serve();
    }
    catch (const Poco::Exception& e)
    {
        // The client went away or stopped reading (send timeout).
        Poco::Logger::get("hchatd.sse")
            .debug("event stream of %s ended: %s", _start.actor.peer, e.displayText());
    }
    _session->end();
    _metrics.sseStreams.fetch_sub(1, std::memory_order_relaxed);
}

void EventStream::entries(const Cursor::Slice& slice, std::string& out)
{
    SseCodec::entries(slice, out);
}

void EventStream::presence(const Room&, const std::string& frame, std::string& out)
{
    SseCodec::event("presence", frame, out);
}

void EventStream::typing(const Room&, const std::string& frame, std::string& out)
{
    SseCodec::event("typing", frame, out);
}

void EventStream::letter(const Mailbox::Letter& letter, std::string& out)
{
    SseCodec::event("private", letter.json, out);
}

bool EventStream::received(const char*, std::size_t)
{
    return false; // the client sends nothing after its request
}

int EventStream::quietMs()
{
    return _keepAliveSeconds * 1000;
}

bool EventStream::quiet()
{
    std::string comment;
    SseCodec::chunk(": keep-alive\n\n", comment);
    _session->queue(comment);
    return true;
}

void EventStream::closing(std::string& out)
{
    out += SseCodec::end();
}

bool EventStream::removed(const Room&, Removal why, std::string& out)
{
    // EventSource tries again: a deleted room answers 410, a ban 403,
    // which stops it; a kicked page may come back.
    if (why == Removal::RoomDeleted)
        SseCodec::event("error", StreamError::make("room-deleted", "this room was deleted"), out);
    else
        SseCodec::event("error", StreamError::make("kicked", "you were removed from this room"),
                        out);
    out += SseCodec::end();
    return false;
}

} // namespace hchat
