#include "http/WebSocketSession.h"

#include "app/Metrics.h"
#include "app/Settings.h"
#include "chat/Announcer.h"
#include "chat/Attendance.h"
#include "chat/Cursor.h"
#include "chat/Doorbell.h"
#include "chat/Mailbox.h"
#include "chat/Nickname.h"
#include "chat/People.h"
#include "chat/RateLimiter.h"
#include "chat/Room.h"
#include "http/ServerContext.h"
#include "http/StreamError.h"
#include "http/TextFrame.h"
#include "util/Utf8.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/NetException.h>
#include <Poco/String.h>

namespace hchat
{

using Poco::Net::WebSocket;

namespace
{
const std::size_t sliceSize = 100; // messages taken from the room per look

void appendSlice(const Cursor::Slice& slice, std::string& out)
{
    if (slice.skipped)
        TextFrame::append(out, StreamError::gone(slice.skippedFrom, slice.resumedAt));
    for (const MessagePtr& m : slice.messages)
        TextFrame::append(out, m->json());
}
} // namespace

WebSocketSession::WebSocketSession(const ServerContext& context, std::unique_ptr<WebSocket> socket,
                                   std::shared_ptr<Room> room, std::uint64_t from,
                                   std::string limitKey, std::string personKey,
                                   std::string wantedNick, std::string peer)
    : _context(context), _socket(std::move(socket)), _room(std::move(room)),
      _outbox(_socket->impl()->sockfd(), _room, from, appendSlice),
      _bell(std::make_shared<Doorbell>()), _mailbox(std::make_shared<Mailbox>(_bell)),
      _limitKey(std::move(limitKey)), _personKey(std::move(personKey)),
      _wantedNick(std::move(wantedNick)), _guestName(Nickname::guestName(_personKey)),
      _peer(std::move(peer)), _log(Poco::Logger::get("hchatd.ws"))
{
}

void WebSocketSession::run()
{
    const int maxMessage = _context.settings.maxMessageBytes * 6 + 256;
    _socket->setMaxPayloadSize(maxMessage);
    _socket->setNoDelay(true);
    // A client that stops reading blocks only this thread, and only this long.
    _socket->setSendTimeout(Poco::Timespan(_context.settings.httpRequestTimeout, 0));
    // Read only when poll() says bytes are there; this bounds a frame that
    // arrives in pieces.
    _socket->setReceiveTimeout(Poco::Timespan(_context.settings.httpRequestTimeout, 0));

    Metrics& metrics = _context.metrics;
    metrics.webSockets.fetch_add(1, std::memory_order_relaxed);
    const int pingMs = _context.settings.webSocketPingInterval * 1000;
    _bell->setShortcut([this] { return _outbox.deliverNow(); });
    try
    {
        Attendance stay(_context.people, _context.announcer, _room, _personKey, _wantedNick,
                        _guestName, _bell, _mailbox);
        if (stay.arrival().taken)
            sendText(StreamError::make("nick-taken", "the nickname " + _wantedNick +
                                                         " is taken by someone online; you are " +
                                                         stay.arrival().name));
        bool handshakeBytes = true;
        while (!_closed)
        {
            _bell->clear(); // a message stored from here on rings it again
            {
                std::string out; // everything due goes out in one send()
                auto claim = _outbox.claim();
                deliver(out);
                for (const Mailbox::LetterPtr& letter : _mailbox->takeAll())
                    TextFrame::append(out, letter->json);
                if (_room->presenceVersion() != _presenceSent)
                    sendPresence(out);
                _outbox.write(out);
                _outbox.setOpen(true);
            }
            if (_room->isClosed())
            {
                close(WebSocket::WS_ENDPOINT_GOING_AWAY, "server shutting down");
                break;
            }
            // Frames that came with the handshake sit in POCO's buffer,
            // where poll() cannot see them; once it is empty, poll() can.
            if (handshakeBytes && _socket->available() > 0)
            {
                if (!readFrame())
                    break;
                continue;
            }
            handshakeBytes = false;
            pollfd waits[1] = {{_socket->impl()->sockfd(), POLLIN, 0}};
            int ready = _bell->wait(waits, 1, pingMs);
            if (ready < 0)
            {
                if (errno != EINTR)
                    break;
                continue; // rung: deliver
            }
            if (ready == 0)
            {
                if (_pingOutstanding)
                {
                    _log.information("WebSocket %s: no pong, dropped", _peer);
                    close(WebSocket::WS_ENDPOINT_GOING_AWAY, "no answer to ping");
                    break;
                }
                auto claim = _outbox.claim();
                _socket->sendFrame("", 0, WebSocket::FRAME_FLAG_FIN | WebSocket::FRAME_OP_PING);
                _pingOutstanding = true;
                continue;
            }
            if (waits[0].revents & (POLLIN | POLLHUP | POLLERR))
                if (!readFrame())
                    break;
        }
    }
    catch (const Poco::Net::WebSocketException& e)
    {
        if (e.code() == WebSocket::WS_ERR_PAYLOAD_TOO_BIG)
            close(WebSocket::WS_PAYLOAD_TOO_BIG, "message too big");
        else
            close(WebSocket::WS_PROTOCOL_ERROR, "protocol error");
        _log.information("WebSocket %s: %s", _peer, e.displayText());
    }
    catch (const Poco::Exception& e)
    {
        // The client went away, stopped reading (send timeout) or sent garbage.
        _log.debug("WebSocket %s ended: %s", _peer, e.displayText());
    }
    metrics.webSockets.fetch_sub(1, std::memory_order_relaxed);
}

void WebSocketSession::deliver(std::string& out)
{
    for (;;)
    {
        Cursor::Slice slice = _outbox.cursor().take(sliceSize);
        appendSlice(slice, out);
        if (slice.messages.empty())
            return;
    }
}

void WebSocketSession::sendPresence(std::string& out)
{
    // The version is read before the list: a change in between is sent again.
    _presenceSent = _room->presenceVersion();
    People::Frame frame = _context.people.presenceJson(_room->id());
    if (_presenceFrame && *frame == *_presenceFrame)
        return; // a change and its undoing (a reload) between two looks
    _presenceFrame = std::move(frame);
    TextFrame::append(out, *_presenceFrame);
}

bool WebSocketSession::readFrame()
{
    int flags = 0;
    _frame.resize(0);
    int n = _socket->receiveFrame(_frame, flags);
    if (n == 0 && flags == 0)
        return false;         // the peer closed the TCP connection
    _pingOutstanding = false; // anything it sends shows it is alive
    const int opcode = flags & WebSocket::FRAME_OP_BITMASK;
    const std::string payload(_frame.begin(), static_cast<std::size_t>(n));
    switch (opcode)
    {
    case WebSocket::FRAME_OP_PING:
    {
        auto claim = _outbox.claim();
        _socket->sendFrame(payload.data(), n, WebSocket::FRAME_FLAG_FIN | WebSocket::FRAME_OP_PONG);
        return true;
    }
    case WebSocket::FRAME_OP_PONG:
        return true;
    case WebSocket::FRAME_OP_CLOSE:
    {
        // Echo the client's code (RFC 6455 §5.5.1); no code: a plain 1000.
        Poco::UInt16 code = WebSocket::WS_NORMAL_CLOSE;
        if (n >= 2)
            code = static_cast<Poco::UInt16>((static_cast<unsigned char>(payload[0]) << 8) |
                                             static_cast<unsigned char>(payload[1]));
        close(code, "");
        return false;
    }
    case WebSocket::FRAME_OP_BINARY:
        close(WebSocket::WS_PAYLOAD_NOT_ACCEPTABLE, "text frames only");
        return false;
    case WebSocket::FRAME_OP_TEXT:
    case WebSocket::FRAME_OP_CONT:
        break;
    default:
        close(WebSocket::WS_PROTOCOL_ERROR, "unknown opcode");
        return false;
    }
    if ((opcode == WebSocket::FRAME_OP_TEXT) == _inFragments)
    {
        close(WebSocket::WS_PROTOCOL_ERROR, "bad fragment sequence");
        return false;
    }
    _partial += payload;
    if (_partial.size() > static_cast<std::size_t>(_socket->getMaxPayloadSize()))
    {
        close(WebSocket::WS_PAYLOAD_TOO_BIG, "message too big");
        return false;
    }
    _inFragments = (flags & WebSocket::FRAME_FLAG_FIN) == 0;
    if (_inFragments)
        return true;
    std::string text;
    text.swap(_partial);
    if (!Utf8::isValid(text))
    {
        close(WebSocket::WS_MALFORMED_PAYLOAD, "not UTF-8");
        return false;
    }
    return handleText(text);
}

bool WebSocketSession::handleText(const std::string& text)
{
    Poco::JSON::Object::Ptr request;
    try
    {
        request = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
    }
    catch (const Poco::Exception&)
    {
        sendText(StreamError::make("bad-request", "frames must be JSON objects"));
        return true;
    }
    const std::string type = request->optValue<std::string>("type", "");
    if (type == "send")
        return handleSend(*request);
    if (type == "privmsg")
        return handlePrivate(*request);
    if (type == "nick")
    {
        handleNick(*request);
        return true;
    }
    sendText(StreamError::make("bad-request", "unknown type '" + type + "'"));
    return true;
}

bool WebSocketSession::checkText(const std::string& text)
{
    if (Poco::trim(text).empty())
    {
        sendText(StreamError::make("empty", "the message is empty"));
        return false;
    }
    if (text.size() > static_cast<std::size_t>(_context.settings.maxMessageBytes))
    {
        sendText(StreamError::make(
            "too-long", "the message is too long (at most " +
                            std::to_string(_context.settings.maxMessageBytes) + " bytes)"));
        return false;
    }
    return true;
}

bool WebSocketSession::spendToken()
{
    Poco::Timespan retryAfter;
    if (_context.limiter.tryAcquire(_limitKey, Poco::Timestamp(), retryAfter))
        return true;
    _context.metrics.rateLimited.fetch_add(1, std::memory_order_relaxed);
    _log.warning("WebSocket %s: over the rate limit, closed", _peer);
    close(WebSocket::WS_POLICY_VIOLATION, "too many messages");
    return false;
}

bool WebSocketSession::handleSend(const Poco::JSON::Object& request)
{
    const std::string text = request.optValue<std::string>("text", "");
    if (!checkText(text))
        return true;
    if (!spendToken())
        return false;
    try
    {
        _room->append(MessageKind::Message, _context.people.nameOf(_personKey, _guestName), text);
        _context.metrics.messagesAppended.fetch_add(1, std::memory_order_relaxed);
    }
    catch (const Poco::Exception& e)
    {
        _log.error("cannot append to %s: %s", _room->id(), e.displayText());
        sendText(
            StreamError::make("not-stored", "the message could not be stored; nothing was sent"));
    }
    return true;
}

void WebSocketSession::handleNick(const Poco::JSON::Object& request)
{
    const std::string nick = request.optValue<std::string>("nick", "");
    if (!Nickname::isValid(nick))
    {
        sendText(StreamError::make("bad-nick",
                                   "use 1 to 32 letters, digits, '_', '-' or '.' for a nickname"));
        return;
    }
    People::Outcome outcome = _context.people.rename(_personKey, nick);
    if (outcome.taken)
        sendText(StreamError::make("nick-taken",
                                   "the nickname " + nick + " is taken by someone online"));
    else
        _context.announcer.renamed(outcome);
}

bool WebSocketSession::handlePrivate(const Poco::JSON::Object& request)
{
    const std::string to = request.optValue<std::string>("to", "");
    const std::string text = request.optValue<std::string>("text", "");
    if (!Nickname::isValid(to))
    {
        sendText(StreamError::make("bad-nick", "\"to\" must be the name of someone online"));
        return true;
    }
    if (!checkText(text))
        return true;
    if (!spendToken())
        return false;
    if (_context.people.sendPrivate(_personKey, to, text) == People::Delivery::NotOnline)
        sendText(StreamError::make("not-online", "nobody called " + to + " is online"));
    else
        _context.metrics.privateMessages.fetch_add(1, std::memory_order_relaxed);
    return true;
}

void WebSocketSession::sendText(const std::string& json)
{
    std::string frame;
    TextFrame::append(frame, json);
    auto claim = _outbox.claim();
    _outbox.write(frame);
}

void WebSocketSession::close(Poco::UInt16 code, const std::string& reason)
{
    if (_closed)
        return;
    _closed = true;
    try
    {
        auto claim = _outbox.claim();
        _outbox.setOpen(false); // nothing may follow the close frame
        _socket->shutdown(code, reason);
    }
    catch (const Poco::Exception&)
    {
        // The peer is gone already: nothing to tell it.
    }
}

} // namespace hchat
