#include "http/WebSocketSession.h"

#include "chat/People.h"
#include "chat/RoomActions.h"
#include "http/StreamError.h"
#include "stream/StreamSession.h"
#include "util/Metrics.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>

namespace hchat
{

namespace
{
// Refusals for the rate limit in a row before the connection is closed.
const int limitedBeforeClose = 20;

Poco::Logger& logger()
{
    return Poco::Logger::get("hchatd.ws");
}
} // namespace

WebSocketSession::WebSocketSession(ChatActions& actions, RoomActions& roomActions, People& people,
                                   Announcer& announcer, Metrics& metrics,
                                   Poco::Net::StreamSocket socket, StreamStart start,
                                   std::string early, int pingInterval)
    : _actions(actions), _roomActions(roomActions), _people(people), _announcer(announcer),
      _metrics(metrics), _socket(std::move(socket)), _actor(start.actor), _room(start.room),
      _watching(start.watching),
      _opening(std::make_unique<Opening>(Opening{std::move(start), std::move(early)})),
      _pingInterval(pingInterval), _codec(actions.maxMessageBytes() * 6 + 256)
{
}

void WebSocketSession::run()
{
    _metrics.webSockets.fetch_add(1, std::memory_order_relaxed);
    std::unique_ptr<Opening> opening = std::move(_opening);
    _session = std::make_shared<StreamSession>(*_socket.impl(), opening->start.sendTimeout,
                                               static_cast<StreamTransport&>(*this), _people,
                                               _announcer, _metrics, "ws client", _actor.peer);
    try
    {
        render(_actions.arrive(_actor, opening->start.wantedNick,
                               _session->enter(opening->start, true)));
        // Frames that came with the handshake were read with it; nothing
        // else of the opening is needed from here on.
        const std::string early = std::move(opening->early);
        opening.reset();
        _session->serve(early);
    }
    catch (const Poco::Exception& e)
    {
        // The client went away or stopped reading (send timeout).
        logger().debug("WebSocket %s ended: %s", _actor.peer, e.displayText());
    }
    _session->end();
    _metrics.webSockets.fetch_sub(1, std::memory_order_relaxed);
}

void WebSocketSession::entries(const Cursor::Slice& slice, std::string& out)
{
    if (slice.reset)
        WebSocketCodec::text(out, StreamError::historyReset(slice.skippedFrom, slice.resumedAt));
    else if (slice.skipped)
        WebSocketCodec::text(out, StreamError::gone(slice.skippedFrom, slice.resumedAt));
    for (const MessagePtr& m : slice.messages)
        WebSocketCodec::text(out, m->json());
}

void WebSocketSession::presence(const Room&, const std::string& frame, std::string& out)
{
    WebSocketCodec::text(out, frame);
}

void WebSocketSession::typing(const Room&, const std::string& frame, std::string& out)
{
    WebSocketCodec::text(out, frame);
}

void WebSocketSession::letter(const Mailbox::Letter& letter, std::string& out)
{
    WebSocketCodec::text(out, letter.json);
}

bool WebSocketSession::received(const char* data, std::size_t size)
{
    _codec.feed(data, size);
    for (;;)
    {
        using Event = WebSocketCodec::Event;
        const Event event = _codec.next();
        if (event != Event::NeedMore)
            _pingOutstanding = false; // anything it sends shows it is alive
        switch (event)
        {
        case Event::NeedMore:
            return true;
        case Event::Message:
            if (!handleText(_codec.payload()))
                return false;
            break;
        case Event::Ping:
        {
            std::string pong;
            WebSocketCodec::frame(pong, WebSocketCodec::Pong, _codec.payload());
            _session->queue(pong);
            break;
        }
        case Event::Pong:
            break;
        case Event::Closed:
            return closeWith(_codec.closeCode(), "");
        case Event::TooBig:
            return closeWith(1009, "message too big");
        case Event::NotText:
            return closeWith(1003, "text frames only");
        case Event::NotUtf8:
            return closeWith(1007, "not UTF-8");
        case Event::ProtocolError:
            logger().information("WebSocket %s: %s", _actor.peer, _codec.error());
            return closeWith(1002, "protocol error");
        }
    }
}

// {"type":"send","text":…} | {"type":"nick","nick":…} | {"type":"privmsg","to":…,"text":…}
// | {"type":"typing"}
// | {"type":"edit","id":n,"text":…} | {"type":"delete","id":n}
// | {"type":"kick","name":…} | {"type":"ban","name":…,"seconds":n} | {"type":"unban","name":…}
bool WebSocketSession::handleText(const std::string& text)
{
    Poco::JSON::Object::Ptr request;
    std::string type, field, body;
    Poco::UInt64 id = 0;
    int seconds = 0;
    try
    {
        request = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
        type = request->optValue<std::string>("type", "");
        field = request->optValue<std::string>(type == "nick" ? "nick" : "to", "");
        body = request->optValue<std::string>("text", "");
        if (type == "edit" || type == "delete")
            id = request->getValue<Poco::UInt64>("id");
        if (type == "kick" || type == "ban" || type == "unban")
        {
            field = request->getValue<std::string>("name");
            seconds = request->optValue<int>("seconds", 0);
        }
    }
    catch (const Poco::Exception&)
    {
        return render(_actions.refuse(_actor, ChatActions::Result::BadRequest,
                                      "frames must be JSON objects with the fields of their type",
                                      "Bad request"));
    }
    if (_watching)
        return render(_actions.refuse(
            _actor, ChatActions::Result::BadRequest,
            "this connection only watches the room: open it without watch=1 to take part",
            "Watching only"));
    if (type == "send")
    {
        Room* room = _session->room();
        const std::string author = _people.nameOf(_actor.key, _actor.defaultName());
        return render(_actions.send(_actor, *room, author, body));
    }
    if (type == "nick")
        return render(_actions.rename(_actor, field));
    if (type == "typing")
    {
        Room* room = _session->room();
        const std::string author = _people.nameOf(_actor.key, _actor.defaultName());
        return render(_actions.typing(_actor, *room, author));
    }
    if (type == "privmsg")
        return render(_actions.whisper(_actor, field, body));
    if (type == "edit" || type == "delete")
    {
        Room* room = _session->room();
        const std::string author = _people.nameOf(_actor.key, _actor.defaultName());
        return render(type == "edit" ? _roomActions.edit(_actor, *room, id, author, body)
                                     : _roomActions.remove(_actor, *room, id, author));
    }
    if (type == "kick" || type == "ban" || type == "unban")
    {
        const std::string author = _people.nameOf(_actor.key, _actor.defaultName());
        if (type == "kick")
            return render(_roomActions.kick(_actor, _room, field, author));
        if (type == "ban")
            return render(_roomActions.ban(_actor, _room, field, seconds, author));
        return render(_roomActions.unban(_actor, _room, field, author));
    }
    return render(_actions.refuse(_actor, ChatActions::Result::BadRequest,
                                  "unknown type '" + type + "'", "Bad request"));
}

bool WebSocketSession::render(const ChatActions::Outcome& outcome)
{
    if (outcome.done())
    {
        _limitedInARow = 0;
        return true;
    }
    // Over the rate limit a client is told, as on every transport; one that
    // goes on regardless is closed.
    if (outcome.result == ChatActions::Result::RateLimited && ++_limitedInARow > limitedBeforeClose)
        return closeWith(1008, "too many messages");
    std::string frame;
    WebSocketCodec::text(frame, StreamError::make(outcome.code(), outcome.detail));
    _session->queue(frame);
    return true;
}

bool WebSocketSession::closeWith(std::uint16_t code, const std::string& reason)
{
    std::string frame;
    WebSocketCodec::close(frame, code, reason);
    _session->queue(frame);
    return false;
}

int WebSocketSession::quietMs()
{
    return _pingInterval * 1000;
}

bool WebSocketSession::quiet()
{
    if (_pingOutstanding)
    {
        logger().information("WebSocket %s: no pong, dropped", _actor.peer);
        return closeWith(1001, "no answer to ping");
    }
    std::string ping;
    WebSocketCodec::frame(ping, WebSocketCodec::Ping, "");
    _session->queue(ping);
    _pingOutstanding = true;
    return true;
}

void WebSocketSession::closing(std::string& out)
{
    WebSocketCodec::close(out, 1001, "server shutting down");
}

bool WebSocketSession::removed(const Room&, Removal why, std::string& out)
{
    if (why == Removal::RoomDeleted)
    {
        WebSocketCodec::text(out, StreamError::make("room-deleted", "this room was deleted"));
        WebSocketCodec::close(out, 1000, "room deleted");
    }
    else
    {
        WebSocketCodec::text(out, StreamError::make("kicked", "you were removed from this room"));
        WebSocketCodec::close(out, 1008, "kicked");
    }
    return false;
}

} // namespace hchat
