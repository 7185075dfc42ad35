#pragma once

#include "chat/ChatActions.h"
#include "chat/Room.h"
#include "http/AfterRequest.h"
#include "http/HttpContext.h"
#include "http/LongPollWait.h"

#include <Poco/Net/HTTPResponse.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace hchat
{

class Connection;
class LongPollAnswer;

class KeptAlivePoll : public AfterRequest
/// A long poll (GET /msg/<id>/<n>, see LongPollHandler) on a kept-alive
/// connection, waiting for n after POCO's request is gone. Its thread
/// sleeps, subscribed to the room (LongPollWait): the publisher of n writes
/// the 200 itself. The client's next requests that are the same poll asked
/// the same way (NextPoll) are read and served without POCO, by the
/// NextRequestWatch's thread while this one sleeps on; anything else is
/// given back to the socket for POCO. Each request waits up to the timeout
/// from when it was read, or, read late, from the answer before it; the
/// thread wakes at least once a timeout, and marks the person seen for the
/// requests the watch read. A timeout is answered 204, as POCO would; a
/// refusal (410, 403, 503) is answered and the connection closed. Lives on
/// its connection's thread.
{
public:
    struct Asked
    /// What the first request asked, which the next ones served here repeat.
    {
        std::string roomId;
        std::uint64_t number = 0;
        ChatActions::Actor actor;
        bool servesNext = false; ///< HTTP/1.1 with at most one Accept and Cookie
        bool hasAccept = false;
        std::string accept;
        bool hasCookie = false;
        std::string cookie;
    };

    KeptAlivePoll(const HttpContext& context, std::shared_ptr<Room> room, Asked asked,
                  std::shared_ptr<Connection> connection, std::unique_ptr<LongPollAnswer> answer,
                  int timeoutSeconds, NextRequestWatch& watch);
    ~KeptAlivePoll() override;

    bool run() override;

private:
    static constexpr std::size_t requestCapacity = 4096; ///< longer heads are left to POCO

    Room::Lookup await(MessagePtr& message);
    /// Waits for the poll's number on the socket and the room at once; sets
    /// _answered when a publisher answered or the client left.
    bool takeNextRequest();
    /// Reads the client's next request when it is a plain long poll
    /// (NextPoll) for this room, asked as the first was, and sets the
    /// number; otherwise gives its bytes back for POCO and returns false.
    LongPollWait::Next readNextRequest(char* bytes, std::uint64_t& n) const;
    /// takeNextRequest() into bytes (requestCapacity), setting n only.
    LongPollWait::Next readForWatch(std::uint64_t& n) const;
    /// LongPollWait::NextRequest: readNextRequest() on the watch's thread,
    /// under the claim, and never in a restricted room (mayEnter is asked
    /// here).
    bool requestWaiting() const;
    /// Whether the client's next request (or its end) is there to read.
    std::chrono::steady_clock::time_point deadline() const;
    /// When the poll waited for now times out.
    bool clientLeft() const;
    bool respond(Room::Lookup found, const MessagePtr& message);
    /// Writes the answer for a lookup; true when the connection stays open.
    bool refuse(Poco::Net::HTTPResponse::HTTPStatus status, const std::string& why);
    /// Answers an error and closes: false.

    const HttpContext& _context;
    const std::shared_ptr<Room> _room;
    Asked _asked;
    const std::shared_ptr<Connection> _connection;
    const std::unique_ptr<LongPollAnswer> _answer;
    const int _timeoutSeconds;
    NextRequestWatch& _watch;
    std::chrono::steady_clock::time_point _since; ///< when the poll waited for now began
    bool _answered = false;
    bool _nextRequestWaiting = false; ///< set with _answered: the client spoke since
    bool _keepAlive = true;
};

} // namespace hchat
