#include "chat/ChatActions.h"

#include "chat/Announcer.h"
#include "chat/IdGenerator.h"
#include "chat/Nickname.h"
#include "chat/People.h"
#include "chat/RateLimiter.h"
#include "chat/Room.h"
#include "chat/RoomRegistry.h"
#include "chat/RoomRoles.h"
#include "util/Metrics.h"
#include "util/Secrets.h"
#include "util/TextRule.h"
#include "util/Utf8.h"

#include <Poco/Logger.h>
#include <Poco/String.h>

#include <sstream>

namespace hchat
{

namespace
{
const std::size_t maxSubjectBytes = 200;
const char* const nameRule = "use 1 to 32 letters, digits, '_', '-' or '.'";

const char* const resultCodes[ChatActions::results] = {
    "done",        "empty",       "too-long",     "bad-utf8",     "bad-text",    "bad-nick",
    "nick-taken",  "not-online",  "rate-limited", "not-stored",   "not-found",   "bad-room",
    "not-in-room", "bad-request", "room-deleted", "bad-password", "wrong-login", "not-logged-in",
    "not-allowed", "no-message",  "too-late",     "banned",       "key-reused"};
const char* const transportNames[ChatActions::transports] = {"http", "sse", "ws", "line", "irc"};

std::size_t index(ChatActions::Result result)
{
    return static_cast<std::size_t>(result);
}

std::size_t index(ChatActions::Transport transport)
{
    return static_cast<std::size_t>(transport);
}

ChatActions::Outcome done(std::string name = "")
{
    ChatActions::Outcome outcome;
    outcome.name = std::move(name);
    return outcome;
}
} // namespace

std::string ChatActions::Actor::host() const
{
    // "192.0.2.1:4711" or "[2001:db8::1]:4711", as SocketAddress writes them.
    if (!peer.empty() && peer[0] == '[')
        return peer.substr(1, peer.find(']') - 1);
    const std::size_t colon = peer.find(':');
    return colon != std::string::npos && colon == peer.rfind(':') ? peer.substr(0, colon) : peer;
}

std::string ChatActions::Actor::defaultName() const
{
    return account.empty() ? Nickname::guestName(key) : account;
}

std::string ChatActions::Actor::nameFor(const std::string& wanted) const
{
    return account.empty() ? wanted : account;
}

std::string ChatActions::Actor::sender() const
{
    // 128 bits of the digest tell people apart; the key itself is not kept.
    // A person known only by an address (curl without a cookie) is anyone
    // behind it: none of them may change what it sent.
    if (key.empty() || key.compare(0, 5, "addr:") == 0)
        return "";
    return Secrets::digest(key).substr(0, 32);
}

const char* ChatActions::Outcome::code() const
{
    return resultCodes[index(result)];
}

ChatActions::ChatActions(RoomRegistry& rooms, People& people, Announcer& announcer,
                         RateLimiter& limiter, Metrics& metrics, const RoomRoles& roles,
                         std::size_t maxMessageBytes)
    : _rooms(rooms), _people(people), _announcer(announcer), _limiter(limiter), _metrics(metrics),
      _roles(roles), _maxMessageBytes(maxMessageBytes), _log(Poco::Logger::get("hchatd.chat"))
{
}

ChatActions::Outcome ChatActions::refuse(const Actor& actor, Result result, std::string detail,
                                         std::string brief)
{
    _refusals[index(actor.transport)][index(result)].fetch_add(1, std::memory_order_relaxed);
    Outcome outcome;
    outcome.result = result;
    outcome.detail = std::move(detail);
    outcome.brief = std::move(brief);
    // A flood of refusals is one client's doing: a warning names it once
    // per refusal, without the text it sent.
    const int priority = result == Result::RateLimited ? Poco::Message::PRIO_WARNING
                                                       : Poco::Message::PRIO_INFORMATION;
    if (_log.is(priority))
    {
        const std::string who =
            std::string(transportNames[index(actor.transport)]) + " client " + actor.peer;
        const std::string what = result == Result::RateLimited
                                     ? " over the rate limit: "
                                     : std::string(" refused (") + outcome.code() + "): ";
        _log.log(Poco::Message(_log.name(), who + what + outcome.detail,
                               static_cast<Poco::Message::Priority>(priority)));
    }
    return outcome;
}

ChatActions::Outcome ChatActions::checkText(const Actor& actor, std::string& text)
{
    switch (TextRule::apply(text))
    {
    case TextRule::Verdict::BadUtf8:
        return refuse(actor, Result::BadUtf8, "the message is not valid UTF-8", "Invalid UTF-8");
    case TextRule::Verdict::Control:
        return refuse(actor, Result::BadText,
                      "the message contains a control character (only tab and newline may be "
                      "sent)",
                      "Invalid text");
    case TextRule::Verdict::Fine:
        break;
    }
    if (Poco::trim(text).empty())
        return refuse(actor, Result::Empty, "the message is empty", "Empty message");
    if (text.size() > _maxMessageBytes)
        return refuse(actor, Result::TooLong,
                      "the message is too long (at most " + std::to_string(_maxMessageBytes) +
                          " bytes)",
                      "Message too long");
    return done();
}

ChatActions::Outcome ChatActions::checkName(const Actor& actor, const std::string& name)
{
    if (Nickname::isValid(name))
        return done();
    return refuse(actor, Result::BadName, std::string("bad nickname: ") + nameRule,
                  std::string("Invalid username: ") + nameRule);
}

ChatActions::Outcome ChatActions::spendToken(const Actor& actor, const std::string& detail,
                                             const std::string& brief)
{
    Poco::Timespan retryAfter;
    if (_limiter.tryAcquire(actor.limitKey, Poco::Timestamp(), retryAfter))
        return done();
    _metrics.rateLimited.fetch_add(1, std::memory_order_relaxed);
    Outcome outcome = refuse(actor, Result::RateLimited, detail, brief);
    outcome.retryAfter = retryAfter;
    return outcome;
}

ChatActions::Outcome ChatActions::spendMessageToken(const Actor& actor)
{
    Outcome outcome =
        spendToken(actor, "too many messages: slow down", "Too many messages, slow down");
    if (!outcome.done())
        return outcome;
    // And from the address's budget (limits.peoplePerAddress): people made
    // up at one address, with fresh cookies or connections, share it.
    Poco::Timespan retryAfter;
    if (_limiter.tryAcquireForAddress("sends:" + actor.host(), Poco::Timestamp(), retryAfter))
        return outcome;
    _metrics.rateLimited.fetch_add(1, std::memory_order_relaxed);
    outcome = refuse(actor, Result::RateLimited, "too many messages from this address: slow down",
                     "Too many messages, slow down");
    outcome.retryAfter = retryAfter;
    return outcome;
}

ChatActions::Outcome ChatActions::spendRoomToken(const Actor& actor)
{
    // Per person and per address: fresh cookies or connections from one
    // address do not make more rooms.
    const std::string addressKey = "addr:" + actor.host();
    if (addressKey != actor.limitKey)
    {
        Actor byAddress = actor;
        byAddress.limitKey = addressKey;
        Outcome outcome = spendToken(byAddress, "creating rooms too fast from this address",
                                     "Creating rooms too fast, slow down");
        if (!outcome.done())
            return outcome;
    }
    return spendToken(actor, "creating rooms too fast", "Creating rooms too fast, slow down");
}

ChatActions::Outcome ChatActions::send(const Actor& actor, Room& room, const std::string& author,
                                       std::string text, const std::string& request)
{
    Outcome outcome = checkText(actor, text);
    if (outcome.done() && !request.empty())
        if (MessagePtr earlier = room.sentWith(actor.sender(), request))
            return replay(actor, earlier, text);
    if (outcome.done())
        outcome = mayPost(actor, room, author);
    if (outcome.done())
        outcome = spendMessageToken(actor);
    if (!outcome.done())
        return outcome;
    try
    {
        _announcer.flushRoom(room.id()); // arrivals told before what is said
        outcome.message =
            room.append(MessageKind::Message, author, text, Crowd(),
                        {actor.account, actor.sender(), Message::noTarget, 0, request});
        room.sent(author);
    }
    catch (const Poco::ExistsException&)
    {
        // The same key sent twice at once: the other one is appended, or
        // still being stored.
        if (MessagePtr earlier = room.sentWith(actor.sender(), request))
            return replay(actor, earlier, text);
        return refuse(actor, Result::NotStored,
                      "a message with this request key is still being stored; try again",
                      "Message being stored, try again");
    }
    catch (const Poco::Exception& e)
    {
        if (room.isDeleted())
            return refuse(actor, Result::RoomDeleted, "this room was deleted", "Room deleted");
        _log.error("cannot append to %s: %s", room.id(), e.displayText());
        return refuse(actor, Result::NotStored,
                      "the message could not be stored; nothing was sent, try again",
                      "Message not stored, try again");
    }
    _metrics.messagesAppended.fetch_add(1, std::memory_order_relaxed);
    outcome.name = author;
    return outcome;
}

ChatActions::Outcome ChatActions::replay(const Actor& actor, const MessagePtr& earlier,
                                         const std::string& text)
{
    // An edited or deleted message says something else by now, rightly.
    if (earlier->kind() == MessageKind::Message && !earlier->isEdited() && earlier->text() != text)
        return refuse(actor, Result::KeyReused,
                      "this request key was sent with another message; use a new key for each",
                      "Request key used for another message");
    Outcome outcome;
    outcome.message = earlier;
    outcome.name = earlier->author();
    outcome.replayed = true;
    return outcome;
}

ChatActions::Outcome ChatActions::typing(const Actor& actor, Room& room, const std::string& name)
{
    Outcome outcome = mayEnter(actor, room, name);
    if (outcome.done())
        room.typed(name);
    return outcome;
}

ChatActions::Outcome ChatActions::mayEnter(const Actor& actor, const Room& room,
                                           const std::string& name)
{
    if (!room.isRestricted())
        return done(); // the common case, on every long poll: no copy, no look-up
    const RoomRecord record = room.record();
    if (_roles.roleOf(actor, record) >= Permissions::Role::Moderator)
        return done();
    if (RoomRoles::banOf(
            actor, name.empty() ? _people.nameOf(actor.key, actor.defaultName()) : name, record))
        return refuse(actor, Result::Banned, "you are banned from this room", "Banned");
    return done();
}

ChatActions::Outcome ChatActions::mayPost(const Actor& actor, Room& room, const std::string& name)
{
    if (!room.isRestricted())
        return done();
    const RoomRecord record = room.record();
    if (_roles.roleOf(actor, record) >= Permissions::Role::Moderator)
        return done();
    if (RoomRoles::banOf(actor, name, record))
        return refuse(actor, Result::Banned, "you are banned from this room", "Banned");
    if (record.posting == RoomRecord::Posting::Accounts && actor.account.empty())
        return refuse(actor, Result::NotAllowed,
                      "only people logged in to an account may post in this room", "Not allowed");
    if (record.posting == RoomRecord::Posting::Moderators)
        return refuse(actor, Result::NotAllowed, "only the room's moderators may post in this room",
                      "Not allowed");
    if (record.slowMode > 0)
    {
        const Poco::Timespan wait = room.slowModeWait(actor.key, record.slowMode);
        if (wait > 0)
        {
            Outcome outcome = refuse(actor, Result::RateLimited,
                                     "slow mode: one message every " +
                                         std::to_string(record.slowMode) + " s in this room",
                                     "Slow mode, wait");
            outcome.retryAfter = wait;
            return outcome;
        }
    }
    return done();
}

ChatActions::Outcome ChatActions::whisper(const Actor& actor, const std::string& to,
                                          std::string text)
{
    Outcome outcome = checkText(actor, text);
    if (!outcome.done())
        return outcome;
    // An invalid name is nobody's: it cannot be online.
    if (!Nickname::isValid(to))
        return refuse(actor, Result::NotOnline, "nobody called " + to + " is online",
                      "User not found");
    outcome = spendMessageToken(actor);
    if (!outcome.done())
        return outcome;
    People::Delivery delivery = People::Delivery::NotOnline;
    try
    {
        delivery = _people.sendPrivate(actor.key, to, text);
    }
    catch (const Poco::Exception& e)
    {
        // To someone on another daemon, through a shared store out of reach.
        _log.error("private message from %s to %s not sent: %s", actor.peer, to, e.displayText());
        return refuse(actor, Result::NotStored,
                      "the private message could not be sent; nothing was sent, try again",
                      "Message not sent, try again");
    }
    if (delivery == People::Delivery::NotOnline)
        return refuse(actor, Result::NotOnline, "nobody called " + to + " is online",
                      "User not found");
    _metrics.privateMessages.fetch_add(1, std::memory_order_relaxed);
    return outcome;
}

ChatActions::Outcome ChatActions::connect(const Actor& actor, const std::string& name,
                                          const std::shared_ptr<Mailbox>& mailbox)
{
    Outcome outcome = checkName(actor, name);
    if (!outcome.done())
        return outcome;
    People::Outcome person =
        _people.connect(actor.key, actor.nameFor(name), actor.defaultName(), mailbox);
    if (person.taken)
    {
        _people.disconnect(actor.key, mailbox);
        return refuse(actor, Result::NameTaken,
                      "the nickname " + name +
                          " is taken (someone online has it, or it is registered): choose another",
                      "Username taken");
    }
    return done(person.name);
}

ChatActions::Outcome ChatActions::rename(const Actor& actor, const std::string& name)
{
    Outcome outcome = checkName(actor, name);
    if (!outcome.done())
        return outcome;
    if (!actor.account.empty() && Nickname::folded(name) != Nickname::folded(actor.account))
        return refuse(actor, Result::BadName,
                      "you are logged in as " + actor.account +
                          ": that is your name here (log out to use another)",
                      "Logged in as " + actor.account);
    People::Outcome person = _people.rename(actor.key, name);
    if (person.taken)
        return refuse(actor, Result::NameTaken,
                      "the nickname " + name +
                          " is taken (someone online has it, or it is registered): choose another",
                      "Username taken");
    _announcer.renamed(person);
    return done(person.name);
}

ChatActions::Outcome ChatActions::arrive(const Actor& actor, const std::string& wanted,
                                         const People::Outcome& arrival)
{
    if (!arrival.taken)
        return done(arrival.name);
    return refuse(actor, Result::NameTaken,
                  "the nickname " + wanted +
                      " is taken (someone online has it, or it is registered); you are " +
                      arrival.name,
                  "Username taken");
}

ChatActions::Outcome ChatActions::markSeen(const Actor& actor, Room& room,
                                           const std::string& wanted)
{
    if (!wanted.empty())
    {
        Outcome outcome = checkName(actor, wanted);
        if (!outcome.done())
            return outcome;
    }
    People::Outcome person = _people.seen(room.id(), actor.key, actor.nameFor(wanted),
                                          actor.defaultName(), Poco::Timestamp());
    _announcer.renamed(person);
    if (person.taken)
        return refuse(actor, Result::NameTaken,
                      "the nickname " + wanted +
                          " is taken (someone online has it, or it is registered): choose another",
                      "Username taken");
    return done(person.name);
}

ChatActions::Outcome ChatActions::checkSubject(const Actor& actor, const std::string& subject)
{
    if (!Utf8::isValid(subject))
        return refuse(actor, Result::BadRoom, "the subject is not valid UTF-8", "Invalid subject");
    if (subject.size() > maxSubjectBytes)
        return refuse(actor, Result::BadRoom, "the subject is too long (at most 200 bytes)",
                      "Invalid subject");
    for (unsigned char c : subject)
        if (TextRule::isControl(c))
            return refuse(actor, Result::BadRoom, "the subject may not contain control characters",
                          "Invalid subject");
    return done();
}

ChatActions::Outcome ChatActions::createRoom(const Actor& actor, const std::string& subject,
                                             bool isPublic)
{
    Outcome outcome = checkSubject(actor, subject);
    if (outcome.done())
        outcome = spendRoomToken(actor);
    if (!outcome.done())
        return outcome;
    try
    {
        // A guest owns the room by a secret (the owner link), an account by its name.
        if (actor.account.empty())
            outcome.secret = IdGenerator::next();
        outcome.room = _rooms.create(subject, isPublic, actor.account,
                                     outcome.secret.empty() ? "" : Secrets::digest(outcome.secret));
    }
    catch (const Poco::Exception& e)
    {
        _log.error("cannot create a room: %s", e.displayText());
        return refuse(actor, Result::NotStored, "the room could not be stored; try again",
                      "Room not created, try again");
    }
    _metrics.roomsCreated.fetch_add(1, std::memory_order_relaxed);
    _log.information("room %s created (%s) by %s", outcome.room->id(),
                     std::string(isPublic ? "public" : "unlisted"), actor.peer);
    return outcome;
}

ChatActions::Outcome ChatActions::openRoom(const Actor& actor, const std::string& target)
{
    Outcome outcome;
    if (!target.empty() && target[0] == '#')
    {
        if (!RoomRegistry::isRoomName(target))
            return refuse(actor, Result::BadRoom,
                          std::string("bad room name: # and 1 to 32 letters, digits, '_', '-' "
                                      "or '.'"),
                          "Invalid room name: # and 1 to 32 letters, digits, '_', '-' or '.'");
        if (!_rooms.findNamed(target))
        {
            outcome = spendRoomToken(actor); // JOIN #new creates the room
            if (!outcome.done())
                return outcome;
        }
        try
        {
            outcome.room = _rooms.openNamed(target);
        }
        catch (const Poco::Exception& e)
        {
            _log.error("cannot create room %s: %s", target, e.displayText());
            return refuse(actor, Result::NotStored, "the room could not be stored; try again",
                          "Room not created, try again");
        }
    }
    else if (IdGenerator::isValid(target))
        outcome.room = _rooms.find(target);
    else if (RoomRegistry::isRoomName("#" + target))
        return refuse(actor, Result::NoRoom, "no such room (named rooms start with #)",
                      "Room not found: JOIN #" + target + " joins or creates the room #" + target);
    if (!outcome.room)
        return refuse(actor, Result::NoRoom, "no such room", "Room not found");
    return outcome;
}

std::string ChatActions::metricsText() const
{
    std::ostringstream out;
    out << "# HELP hchatd_refusals_total Requests refused, by transport and reason.\n"
           "# TYPE hchatd_refusals_total counter\n";
    for (std::size_t t = 0; t < transports; ++t)
        for (std::size_t r = 1; r < results; ++r)
            out << "hchatd_refusals_total{transport=\"" << transportNames[t] << "\",reason=\""
                << resultCodes[r] << "\"} " << _refusals[t][r].load(std::memory_order_relaxed)
                << '\n';
    return out.str();
}

} // namespace hchat
