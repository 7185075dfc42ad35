#pragma once

#include "chat/ChatActions.h"
#include "chat/Room.h"
#include "http/AfterRequest.h"
#include "http/HttpContext.h"

#include <Poco/Net/HTTPResponse.h>

#include <cstdint>
#include <memory>
#include <string>

namespace hchat
{

class Connection;
class LongPollAnswer;

class KeptAlivePoll : public AfterRequest
/// A long poll (GET /msg/<id>/<n>, see LongPollHandler) on a kept-alive
/// connection, waiting for n after POCO's request is gone. Its thread sleeps
/// on the socket, subscribed to the room (LongPollWait): the publisher of n
/// writes the 200 itself, and the thread wakes only for the client's next
/// request. When that is the same poll asked the same way (NextPoll), it is
/// read and served here too; anything else is given back to the socket for
/// POCO. A timeout is answered 204, as POCO would; a refusal (410, 403,
/// 503) is answered and the connection closed. Lives on its connection's
/// thread.
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
                  int timeoutSeconds);
    ~KeptAlivePoll() override;

    bool run() override;

private:
    Room::Lookup await(MessagePtr& message);
    /// Waits for the poll's number on the socket and the room at once; sets
    /// _answered when a publisher answered or the client left.
    bool takeNextRequest();
    /// Reads the client's next request when it is a plain long poll
    /// (NextPoll) for this room, asked as the first was, and sets the
    /// number; otherwise gives its bytes back for POCO and returns false.
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
    bool _answered = false;
    bool _nextRequestWaiting = false; ///< set with _answered: the client spoke since
    bool _keepAlive = true;
};

} // namespace hchat
