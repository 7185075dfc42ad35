#pragma once

#include "chat/ChatActions.h"
#include "stream/StreamStart.h"
#include "stream/StreamTransport.h"

#include <Poco/Net/StreamSocket.h>
#include <Poco/Runnable.h>

#include <cstdint>
#include <memory>
#include <string>

namespace hchat
{

class Announcer;
class People;
class Room;
class StreamSession;
struct Metrics;

class EventStream : public Poco::Runnable, private StreamTransport
/// One Server-Sent Events stream (the events EventStreamHandler documents)
/// on a StreamPool thread, on the socket the handler took from the HTTP
/// session: a StreamSession in SSE's wire form (SseCodec). The client sends
/// nothing after its request, so any byte or its close ends the stream.
/// Not thread-safe: one stream per thread.
{
public:
    EventStream(ChatActions& actions, People& people, Announcer& announcer, Metrics& metrics,
                Poco::Net::StreamSocket socket, StreamStart start, std::string head,
                int keepAliveSeconds);
    /// head: the HTTP response head (chunked), sent first; keepAliveSeconds:
    /// a comment after this long without an event.

    void run() override;
    /// Serves the client until it closes, stops reading, or the room closes
    /// (shutdown). Never throws.

private:
    void entries(const Cursor::Slice& slice, std::string& out) override;
    void presence(const Room& room, const std::string& frame, std::string& out) override;
    void typing(const Room& room, const std::string& frame, std::string& out) override;
    void letter(const Mailbox::Letter& letter, std::string& out) override;
    bool received(const char* data, std::size_t size) override;
    int quietMs() override;
    bool quiet() override;
    void closing(std::string& out) override;
    bool removed(const Room& room, Removal why, std::string& out) override;

    ChatActions& _actions;
    People& _people;
    Announcer& _announcer;
    Metrics& _metrics;
    Poco::Net::StreamSocket _socket;
    const StreamStart _start;
    std::string _head; ///< until it is queued
    const int _keepAliveSeconds;
    std::shared_ptr<StreamSession> _session;
};

} // namespace hchat
