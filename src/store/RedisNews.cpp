#include "store/RedisNews.h"

#include "store/RedisRecords.h"

#include <Poco/Exception.h>

namespace hchat
{

std::string RedisNews::roomSaved(const std::string& record)
{
    return "r " + record;
}

std::string RedisNews::roomDeleted(const std::string& roomId)
{
    return "d " + roomId;
}

std::string RedisNews::accountCreated(const std::string& record)
{
    return "a " + record;
}

std::string RedisNews::credentialSaved(const std::string& record)
{
    return "c " + record;
}

std::string RedisNews::credentialRemoved(const std::string& digest)
{
    return "x " + digest;
}

std::string RedisNews::kicked(const std::string& roomId, const std::string& key)
{
    return "k " + roomId + " " + key;
}

std::string RedisNews::addressBanned(const std::string& record)
{
    return "b " + record;
}

std::string RedisNews::addressUnbanned(const std::string& address)
{
    return "u " + address;
}

std::string RedisNews::roomNames(const std::string& daemon, const std::string& roomId,
                                 const std::vector<std::string>& names)
{
    return "o " + daemon + " " + roomId + " " + RedisRecords::names(names);
}

std::string RedisNews::letter(const std::string& toKey, const std::string& from,
                              const std::string& text)
{
    return "p " + RedisRecords::letter(toKey, from, text);
}

RedisNews::Tell RedisNews::read(const std::string& news, const std::string& daemon)
{
    using Listener = Store::Listener;
    const std::string what = news.size() > 2 ? news.substr(2) : std::string();
    // "<first> <rest>" of `what`, both present.
    auto split = [&what](const char* missing)
    {
        const std::size_t space = what.find(' ');
        if (space == std::string::npos)
            throw Poco::DataFormatException(missing);
        return std::make_pair(what.substr(0, space), what.substr(space + 1));
    };
    switch (news.size() > 2 && news[1] == ' ' ? news[0] : '?')
    {
    case 'm':
    {
        auto [room, entry] = split("a message without a room");
        return [room = std::move(room), message = RedisRecords::readMessage(entry)](Listener& l)
        { l.appended(room, message); };
    }
    case 'r':
        return [room = RedisRecords::readRoom(what)](Listener& l) { l.roomSaved(room); };
    case 'd':
        return [what](Listener& l) { l.roomDeleted(what); };
    case 'a':
        return [account = RedisRecords::readAccount(what)](Listener& l)
        { l.accountCreated(account); };
    case 'c':
        return [credential = RedisRecords::readCredential(what)](Listener& l)
        { l.credentialSaved(credential); };
    case 'x':
        return [what](Listener& l) { l.credentialRemoved(what); };
    case 'b':
        return [ban = RedisRecords::readBan(what)](Listener& l) { l.addressBanned(ban); };
    case 'u':
        return [what](Listener& l) { l.addressUnbanned(what); };
    case 'k':
    {
        auto [room, person] = split("a kick without a person");
        return [room = std::move(room), person = std::move(person)](Listener& l)
        { l.kicked(room, person); };
    }
    case 'o':
    {
        auto [from, rest] = split("a list without a room");
        const std::size_t space = rest.find(' ');
        if (space == std::string::npos)
            throw Poco::DataFormatException("a list without a room");
        if (from == daemon)
            return {};
        return [from = std::move(from), room = rest.substr(0, space),
                names = RedisRecords::readNames(rest.substr(space + 1))](Listener& l)
        { l.roomNames(from, room, names); };
    }
    case 'p':
    {
        std::string to, from, text;
        RedisRecords::readLetter(what, to, from, text);
        return [to, from, text](Listener& l) { l.letter(to, from, text); };
    }
    default:
        throw Poco::DataFormatException("unknown", news.substr(0, 20));
    }
}

} // namespace hchat
