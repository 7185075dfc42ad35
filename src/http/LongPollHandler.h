#pragma once

#include "chat/Room.h"
#include "http/EndpointHandler.h"

#include <memory>
#include <optional>
#include <string>

namespace hchat
{

class Connection;
class LongPollAnswer;

class LongPollHandler : public EndpointHandler
/// GET /msg/<id>/<n>
///
/// Message n of room <id>, the original hchatd's long poll. If n does not
/// exist yet, the request waits (costing no CPU) until it does, at most
/// longpoll.timeout seconds.
///
///   200 text/plain; charset=utf-8   body: the text exactly as sent
///       X-Chat-Id: n, X-Chat-Author: name, X-Chat-Time: 2026-11-22T03:01:08.123Z,
///       X-Chat-Kind: message|join|leave|nick|edit|delete|deleted|moderation
///   200 application/json (with Accept: application/json): the message object
///       {"type":"message","id":n,"kind":…,"author":…,"time":…,"text":…}
///   204 no message n before the timeout: ask again for the same n
///   400 n is not a non-negative integer
///   403 the room bans this person (RoomRoles::banOf)
///   404 no such room
///   410 n was dropped by retention: continue from GET /api/rooms/<id>/messages?from=n;
///       or the room was deleted (then that answers 410 too)
///   503 the daemon is shutting down: retry later
///
/// Numbers increase by one with no gaps, so a client reads n, n+1, … and
/// never misses or repeats a message. A poll marks its client as present.
/// A kept-alive poll waits on its socket, subscribed to the room
/// (LongPollWait: the publisher answers it); the client's next request, if
/// it is the same poll asked the same way (NextPoll), is served by this
/// handler too. Other polls wait on the room's condition variable.
{
public:
    LongPollHandler(const HttpContext& context, std::string roomId, std::string number,
                    int timeoutSeconds);
    ~LongPollHandler() override;

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;

private:
    bool answer(Poco::Net::HTTPServerResponse& response, Room& room, std::uint64_t n);
    /// Answers poll n (200, 204, or an HttpError). True when a publisher
    /// wrote the 200 and the client has sent more bytes since: the next
    /// request may be taken by takeNextRequest().
    Room::Lookup awaitWatching(Poco::Net::HTTPServerResponse& response, Room& room, std::uint64_t n,
                               MessagePtr& message);
    /// Waits for n on the socket and the room at once; sets _answered when
    /// a publisher answered or the client left.
    Room::Lookup awaitQuietly(Room& room, std::uint64_t n, MessagePtr& message);
    bool notePlainRequest(const Poco::Net::HTTPServerRequest& request);
    /// Keeps the first request's Accept and Cookie, which the next requests
    /// must repeat to be taken here. False when every request of the
    /// connection must go through POCO (not HTTP/1.1, repeated headers).
    bool takeNextRequest(std::uint64_t& n);
    /// Reads the client's next request off the socket when it is a plain
    /// long poll (NextPoll) for this room, asked as the first was, and sets
    /// n; otherwise gives its bytes back (Connection::unread) for POCO to read
    /// and returns false.
    bool clientLeft() const;

    std::string _roomId;
    std::string _number;
    const int _timeoutSeconds;
    std::shared_ptr<Connection> _connection; ///< POCO's socket, as publishers write to it
    std::unique_ptr<LongPollAnswer> _answer;
    bool _answered = false;
    bool _nextRequestWaiting = false; ///< set with _answered: the client spoke since
    bool _watchSocket = false;        ///< keep-alive, nothing buffered by POCO: awaitWatching()
    std::optional<ChatActions::Actor> _actor; ///< the first request's, which the next ones share
    bool _hasAccept = false;
    std::string _accept;
    bool _hasCookie = false;
    std::string _cookie;
};

} // namespace hchat
