#pragma once

#include <Poco/Logger.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Runnable.h>

#include <cstdint>
#include <memory>
#include <string>

namespace hchat
{

class Room;
struct ServerContext;

class EventStream : public Poco::Runnable
/// One Server-Sent Events stream (the events EventStreamHandler documents),
/// served by one StreamPool thread on the socket the handler took from the
/// HTTP session. It writes the HTTP chunked encoding itself: every wake-up's
/// events go out as one chunk in one send(), with no stream buffers kept
/// between wake-ups. New messages for a client that keeps up are sent by
/// the thread that published them, through the stream's Outbox.
///
/// The thread waits on a Doorbell that the room rings for new messages and
/// presence changes and the person's Mailbox for private messages, and on the
/// client's socket: the client sends nothing after its request, so its socket
/// turning readable means it closed, and its person starts to leave at once.
/// Not thread-safe: one stream per thread (publishers reach only its Outbox).
{
public:
    EventStream(const ServerContext& context, Poco::Net::StreamSocket socket, std::string head,
                std::shared_ptr<Room> room, std::uint64_t from, std::string personKey,
                std::string wantedNick);
    /// head: the HTTP response head (status line and headers, chunked),
    /// sent first; from: the first message to send.

    void run() override;
    /// Serves the client until it closes, stops reading for
    /// http.requestTimeout, or the room closes (shutdown). Never throws.

private:
    void serve();

    const ServerContext& _context;
    Poco::Net::StreamSocket _socket;
    const std::string _head;
    std::shared_ptr<Room> _room;
    const std::uint64_t _from;
    const std::string _personKey;
    const std::string _wantedNick;
    Poco::Logger& _log;
};

} // namespace hchat
