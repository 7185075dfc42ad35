#include "chat/RoomActions.h"

#include "chat/Accounts.h"
#include "chat/Nickname.h"
#include "chat/People.h"
#include "chat/Room.h"
#include "chat/RoomRegistry.h"
#include "chat/RoomRoles.h"

#include <Poco/Exception.h>
#include <Poco/Logger.h>

#include <algorithm>

namespace hchat
{

RoomActions::RoomActions(ChatActions& actions, RoomRegistry& rooms, People& people,
                         Accounts& accounts, const RoomRoles& roles, Poco::Timespan editWindow)
    : _actions(actions), _rooms(rooms), _people(people), _accounts(accounts), _roles(roles),
      _editWindow(editWindow)
{
}

Permissions::Role RoomActions::roleOf(const Actor& actor, const Room& room) const
{
    return _roles.roleOf(actor, room.record());
}

bool RoomActions::isAuthor(const Actor& actor, const Message& message) const
{
    // An account's messages are its own on any device; a guest's are those
    // sent as the same person (the same browser, bot or connection).
    if (!message.account().empty())
        return Nickname::folded(message.account()) == Nickname::folded(actor.account);
    return !message.sender().empty() && message.sender() == actor.sender();
}

ChatActions::Outcome RoomActions::edit(const Actor& actor, Room& room, std::uint64_t n,
                                       const std::string& author, std::string text)
{
    Outcome outcome = _actions.checkText(actor, text);
    if (!outcome.done())
        return outcome;
    return amend(actor, room, MessageKind::Edit, n, author, text);
}

ChatActions::Outcome RoomActions::remove(const Actor& actor, Room& room, std::uint64_t n,
                                         const std::string& author)
{
    return amend(actor, room, MessageKind::Delete, n, author, "");
}

ChatActions::Outcome RoomActions::amend(const Actor& actor, Room& room, MessageKind kind,
                                        std::uint64_t n, const std::string& author,
                                        const std::string& text)
{
    Outcome outcome = _actions.mayEnter(actor, room, author); // a ban keeps one from it too
    if (outcome.done())
        outcome = _actions.spendMessageToken(actor);
    if (!outcome.done())
        return outcome;
    const Permissions::Role role = roleOf(actor, room);
    const bool editing = kind == MessageKind::Edit;
    // The check runs while the room makes no other amendment (Room::amend).
    auto allowed = [&](const MessagePtr& target)
    {
        using Action = Permissions::Action;
        if (!target || target->kind() != MessageKind::Message)
        {
            outcome = _actions.refuse(actor, ChatActions::Result::NoMessage,
                                      "there is no message " + std::to_string(n) + " to " +
                                          (editing ? "edit" : "delete"),
                                      "No such message");
            return false;
        }
        const bool own = isAuthor(actor, *target);
        if (editing && !(own && Permissions::may(role, Action::EditOwn)))
        {
            outcome = _actions.refuse(actor, ChatActions::Result::NotAllowed,
                                      "only its author may edit a message", "Not allowed");
            return false;
        }
        if (editing && target->time() + _editWindow < Poco::Timestamp())
        {
            const long seconds = static_cast<long>(_editWindow.totalSeconds());
            const std::string window = seconds % 60 == 0 && seconds > 0
                                           ? std::to_string(seconds / 60) + " minutes"
                                           : std::to_string(seconds) + " seconds";
            outcome = _actions.refuse(
                actor, ChatActions::Result::TooLate,
                "a message can be edited for " + window + " after it was sent", "Too late to edit");
            return false;
        }
        const bool mayDelete =
            own ? Permissions::may(role, Action::DeleteOwn)
                : Permissions::may(role, Action::DeleteMessage,
                                   _roles.roleOfAccount(target->account(), room.record()));
        if (!editing && !mayDelete)
        {
            outcome = _actions.refuse(actor, ChatActions::Result::NotAllowed,
                                      "only its author and the room's moderators may delete it",
                                      "Not allowed");
            return false;
        }
        return true;
    };
    try
    {
        Message::Details details;
        details.account = actor.account;
        details.sender = actor.sender();
        details.target = n;
        outcome.message = room.amend(kind, author, text, details, allowed);
    }
    catch (const Poco::Exception& e)
    {
        if (room.isDeleted())
            return _actions.refuse(actor, ChatActions::Result::RoomDeleted, "this room was deleted",
                                   "Room deleted");
        Poco::Logger::get("hchatd.chat")
            .error("cannot amend message %Lu of %s: %s", static_cast<Poco::UInt64>(n), room.id(),
                   e.displayText());
        return _actions.refuse(actor, ChatActions::Result::NotStored,
                               "the change could not be stored; nothing changed, try again",
                               "Not stored, try again");
    }
    if (outcome.message)
    {
        outcome.result = ChatActions::Result::Done;
        Poco::Logger::get("hchatd.chat")
            .information("message %Lu of %s %s by %s", static_cast<Poco::UInt64>(n), room.id(),
                         std::string(editing ? "edited" : "deleted"), actor.peer);
    }
    return outcome;
}

ChatActions::Outcome RoomActions::deleteRoom(const Actor& actor, Room& room)
{
    if (!Permissions::may(roleOf(actor, room), Permissions::Action::DeleteRoom))
        return _actions.refuse(actor, ChatActions::Result::NotAllowed,
                               "only the room's owner may delete it", "Not allowed");
    const std::string id = room.id();
    try
    {
        if (!_rooms.remove(id))
            return _actions.refuse(actor, ChatActions::Result::RoomDeleted, "this room was deleted",
                                   "Room deleted");
    }
    catch (const Poco::Exception& e)
    {
        // Gone from this daemon all the same (RoomRegistry::remove).
        Poco::Logger::get("hchatd.chat").error("deleting room %s: %s", id, e.displayText());
        return _actions.refuse(actor, ChatActions::Result::NotStored,
                               "the room is closed, but the database could not delete it",
                               "Not stored");
    }
    Poco::Logger::get("hchatd.chat").information("room %s deleted by %s", id, actor.peer);
    return Outcome();
}

ChatActions::Outcome RoomActions::refuseUnless(const Actor& actor, bool allowed,
                                               const std::string& why)
{
    if (allowed)
        return Outcome();
    return _actions.refuse(actor, ChatActions::Result::NotAllowed, why, "Not allowed");
}

ChatActions::Outcome RoomActions::update(const Actor& actor, const std::shared_ptr<Room>& room,
                                         RoomRecord record, const std::string& author,
                                         const std::string& sentence)
{
    try
    {
        _rooms.update(room, std::move(record));
    }
    catch (const Poco::Exception& e)
    {
        Poco::Logger::get("hchatd.chat")
            .error("cannot store room %s: %s", room->id(), e.displayText());
        return _actions.refuse(actor, ChatActions::Result::NotStored,
                               "the change could not be stored; nothing changed, try again",
                               "Not stored, try again");
    }
    Outcome outcome;
    outcome.room = room;
    try
    {
        outcome.message = room->append(MessageKind::Moderation, author, sentence);
    }
    catch (const Poco::Exception& e)
    {
        // The change holds; only its entry in the log is missing.
        Poco::Logger::get("hchatd.chat")
            .error("cannot log a change of room %s: %s", room->id(), e.displayText());
    }
    Poco::Logger::get("hchatd.chat")
        .information("room %s: %s (%s)", room->id(), sentence, actor.peer);
    return outcome;
}

Permissions::Role RoomActions::roleOfName(const std::string& name, const RoomRecord& record,
                                          std::string& key) const
{
    // Someone online under that name is who they are now; else a registered
    // name is its account's.
    key = _people.keyOf(name);
    const std::string account = Accounts::accountOfKey(key);
    if (!account.empty())
        return _roles.roleOfAccount(account, record);
    if (key.empty())
        return _roles.roleOfAccount(name, record);
    return Permissions::Role::Person;
}

Permissions::Role RoomActions::roleOfOnlineName(const std::string& name,
                                                const RoomRecord& record) const
{
    return _roles.roleOfAccount(name, record);
}

ChatActions::Outcome RoomActions::kick(const Actor& actor, const std::shared_ptr<Room>& room,
                                       const std::string& name, const std::string& author)
{
    const RoomRecord record = room->record();
    std::string key;
    const Permissions::Role subject = roleOfName(name, record, key);
    Outcome outcome = refuseUnless(
        actor, Permissions::may(_roles.roleOf(actor, record), Permissions::Action::Kick, subject),
        "only the room's moderators may kick, and not each other");
    if (!outcome.done())
        return outcome;
    if (key.empty() || !_people.isIn(key, name, room->id()))
        return _actions.refuse(actor, ChatActions::Result::NotOnline,
                               "nobody called " + name + " is in this room", "User not found");
    const std::string who = _people.nameOf(key, name);
    _rooms.kick(*room, key);
    try
    {
        outcome.message = room->append(MessageKind::Moderation, author, author + " kicked " + who);
    }
    catch (const Poco::Exception& e)
    {
        Poco::Logger::get("hchatd.chat")
            .error("cannot log a kick in %s: %s", room->id(), e.displayText());
    }
    Poco::Logger::get("hchatd.chat")
        .information("room %s: %s kicked (%s)", room->id(), who, actor.peer);
    return outcome;
}

ChatActions::Outcome RoomActions::ban(const Actor& actor, const std::shared_ptr<Room>& room,
                                      const std::string& name, int seconds,
                                      const std::string& author)
{
    if (!Nickname::isValid(name))
        return _actions.refuse(
            actor, ChatActions::Result::BadName,
            "'" + name + "' is no name (1 to 32 letters, digits, '_', '-' or '.')", "Invalid name");
    if (seconds < 0)
        return _actions.refuse(actor, ChatActions::Result::BadRequest,
                               "seconds must be a positive number (0: for good)", "Bad request");
    RoomRecord record = room->record();
    std::string key;
    const Permissions::Role subject = roleOfName(name, record, key);
    Outcome outcome = refuseUnless(
        actor, Permissions::may(_roles.roleOf(actor, record), Permissions::Action::Ban, subject),
        "only the room's moderators may ban, and not each other");
    if (!outcome.done())
        return outcome;
    RoomBan ban;
    ban.name = Nickname::folded(name);
    if (!key.empty())
    {
        Actor banned;
        banned.key = key;
        ban.sender = banned.sender();
    }
    if (seconds > 0)
        ban.until = Poco::Timestamp() + Poco::Timespan(seconds, 0);
    auto& bans = record.bans;
    bans.erase(std::remove_if(bans.begin(), bans.end(),
                              [&](const RoomBan& b)
                              { return b.name == ban.name || b.over(Poco::Timestamp()); }),
               bans.end());
    bans.push_back(ban);
    const std::string who = key.empty() ? name : _people.nameOf(key, name);
    outcome = update(actor, room, std::move(record), author,
                     author + " banned " + who +
                         (seconds > 0 ? " for " + duration(seconds) : std::string(" for good")));
    if (outcome.done() && !key.empty())
        _rooms.kick(*room, key);
    return outcome;
}

ChatActions::Outcome RoomActions::unban(const Actor& actor, const std::shared_ptr<Room>& room,
                                        const std::string& name, const std::string& author)
{
    RoomRecord record = room->record();
    Outcome outcome = refuseUnless(
        actor, Permissions::may(_roles.roleOf(actor, record), Permissions::Action::Ban),
        "only the room's moderators may lift a ban");
    if (!outcome.done())
        return outcome;
    auto& bans = record.bans;
    const std::string folded = Nickname::folded(name);
    const auto kept = std::remove_if(bans.begin(), bans.end(),
                                     [&](const RoomBan& b) { return b.name == folded; });
    if (kept == bans.end())
        return _actions.refuse(actor, ChatActions::Result::NotOnline,
                               name + " is not banned from this room", "Not banned");
    bans.erase(kept, bans.end());
    return update(actor, room, std::move(record), author, author + " lifted the ban on " + name);
}

ChatActions::Outcome RoomActions::listBans(const Actor& actor, const Room& room,
                                           std::vector<RoomBan>& bans)
{
    const RoomRecord record = room.record();
    Outcome outcome = refuseUnless(
        actor, Permissions::may(_roles.roleOf(actor, record), Permissions::Action::Ban),
        "only the room's moderators may see its bans");
    if (!outcome.done())
        return outcome;
    const Poco::Timestamp now;
    for (const RoomBan& ban : record.bans)
        if (!ban.over(now))
            bans.push_back(ban);
    return outcome;
}

ChatActions::Outcome RoomActions::setModerator(const Actor& actor,
                                               const std::shared_ptr<Room>& room,
                                               const std::string& account, bool named,
                                               const std::string& author)
{
    RoomRecord record = room->record();
    Outcome outcome = refuseUnless(
        actor, Permissions::may(_roles.roleOf(actor, record), Permissions::Action::NameModerators),
        "only the room's owner may name moderators");
    if (!outcome.done())
        return outcome;
    const std::string name = _accounts.nameOf(account);
    if (name.empty())
        return _actions.refuse(actor, ChatActions::Result::NotOnline,
                               "no account is called " + account + ": moderators are accounts",
                               "No such account");
    auto& list = record.moderators;
    const auto found = std::find_if(list.begin(), list.end(),
                                    [&](const std::string& m)
                                    { return Nickname::folded(m) == Nickname::folded(name); });
    if (named == (found != list.end()))
        return outcome; // already so: nothing to log
    if (named)
        list.push_back(name);
    else
        list.erase(found);
    return update(actor, room, std::move(record), author,
                  named ? author + " made " + name + " a moderator"
                        : author + " removed " + name + " as a moderator");
}

ChatActions::Outcome RoomActions::change(const Actor& actor, const std::shared_ptr<Room>& room,
                                         const Settings& settings, const std::string& author)
{
    RoomRecord record = room->record();
    Outcome outcome = refuseUnless(
        actor, Permissions::may(_roles.roleOf(actor, record), Permissions::Action::ChangeRoom),
        "only the room's owner may change it");
    if (!outcome.done())
        return outcome;
    std::vector<std::string> said;
    if (settings.subject && *settings.subject != record.subject)
    {
        outcome = _actions.checkSubject(actor, *settings.subject);
        if (!outcome.done())
            return outcome;
        record.subject = *settings.subject;
        said.push_back("changed the subject to " + record.subject);
    }
    if (settings.isPublic && *settings.isPublic != record.isPublic)
    {
        record.isPublic = *settings.isPublic;
        said.push_back(record.isPublic ? "listed the room" : "made the room unlisted");
    }
    if (settings.posting && *settings.posting != record.posting)
    {
        record.posting = *settings.posting;
        static const char* const who[] = {"let everyone post", "let only people with accounts post",
                                          "let only moderators post"};
        said.push_back(who[static_cast<int>(record.posting)]);
    }
    if (settings.slowMode && *settings.slowMode != record.slowMode)
    {
        if (*settings.slowMode < 0 || *settings.slowMode > 86400)
            return _actions.refuse(actor, ChatActions::Result::BadRequest,
                                   "slowMode is 0 (off) to 86400 seconds", "Bad request");
        record.slowMode = *settings.slowMode;
        said.push_back(record.slowMode > 0
                           ? "set slow mode to one message every " + duration(record.slowMode)
                           : std::string("turned slow mode off"));
    }
    if (said.empty())
    {
        outcome.room = room;
        return outcome;
    }
    std::string sentence = author;
    for (std::size_t i = 0; i < said.size(); ++i)
        sentence += (i == 0 ? " " : i + 1 == said.size() ? " and " : ", ") + said[i];
    return update(actor, room, std::move(record), author, sentence);
}

std::string RoomActions::duration(int seconds)
{
    if (seconds % 86400 == 0)
        return std::to_string(seconds / 86400) + (seconds == 86400 ? " day" : " days");
    if (seconds % 3600 == 0)
        return std::to_string(seconds / 3600) + (seconds == 3600 ? " hour" : " hours");
    if (seconds % 60 == 0)
        return std::to_string(seconds / 60) + (seconds == 60 ? " minute" : " minutes");
    return std::to_string(seconds) + (seconds == 1 ? " second" : " seconds");
}

} // namespace hchat
