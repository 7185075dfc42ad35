#include "store/RedisRecords.h"

#include "util/JsonWriter.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>

#include <sstream>

namespace hchat
{

namespace
{

using Poco::JSON::Object;

std::string text(const Object& object)
{
    std::ostringstream out;
    object.stringify(out);
    return out.str();
}

Object::Ptr parse(const std::string& json)
{
    try
    {
        Object::Ptr object = Poco::JSON::Parser().parse(json).extract<Object::Ptr>();
        if (object)
            return object;
    }
    catch (const Poco::Exception&)
    {
    }
    throw Poco::DataFormatException("not a record hchatd wrote in Redis", json.substr(0, 80));
}

std::string field(const Object& object, const std::string& name)
{
    return object.optValue<std::string>(name, "");
}

Poco::Int64 number(const std::string& text)
{
    Poco::Int64 value = 0;
    if (!text.empty() && !Poco::NumberParser::tryParse64(text, value))
        throw Poco::DataFormatException("not a number in a Redis record", text);
    return value;
}

void setIf(Object& object, const std::string& name, const std::string& value)
{
    if (!value.empty())
        object.set(name, value);
}

void setIf(JsonWriter& json, const char* name, const std::string& value)
{
    if (!value.empty())
        json.field(name, value);
}

std::string micros(const Poco::Timestamp& time)
{
    return std::to_string(time.epochMicroseconds());
}

} // namespace

std::string RedisRecords::body(const Message& message)
{
    // Written for every message sent in a cluster: JsonWriter, not a
    // Poco::JSON tree; read back with Poco's parser (readMessage).
    JsonWriter json;
    json.field("k", Message::kindName(message.kind())).field("a", message.author());
    setIf(json, "x", message.text());
    setIf(json, "c", message.account());
    setIf(json, "s", message.sender());
    if (message.target() != Message::noTarget)
        json.field("t", std::to_string(message.target()));
    if (message.isEdited())
        json.field("e", micros(message.edited()));
    setIf(json, "w", message.crowd().json());
    setIf(json, "r", message.request());
    return micros(message.time()) + " " + json.take();
}

std::string RedisRecords::entry(const Message& message)
{
    return std::to_string(message.id()) + " " + body(message);
}

MessagePtr RedisRecords::readMessage(const std::string& entry)
{
    const std::size_t first = entry.find(' ');
    const std::size_t second = first == std::string::npos ? first : entry.find(' ', first + 1);
    if (second == std::string::npos)
        throw Poco::DataFormatException("not a message hchatd wrote in Redis", entry.substr(0, 80));
    const Poco::Int64 id = number(entry.substr(0, first));
    const Poco::Int64 time = number(entry.substr(first + 1, second - first - 1));
    Object::Ptr object = parse(entry.substr(second + 1));
    MessageKind kind = MessageKind::Message;
    if (!Message::parseKind(field(*object, "k"), kind))
        throw Poco::DataFormatException("unknown kind of message in Redis", field(*object, "k"));
    Message::Details details;
    details.account = field(*object, "c");
    details.sender = field(*object, "s");
    const std::string target = field(*object, "t");
    if (!target.empty())
        details.target = static_cast<std::uint64_t>(number(target));
    details.edited = number(field(*object, "e"));
    details.request = field(*object, "r");
    return std::make_shared<const Message>(
        static_cast<std::uint64_t>(id), kind, field(*object, "a"), Poco::Timestamp(time),
        field(*object, "x"), Crowd::parse(field(*object, "w")), std::move(details));
}

std::string RedisRecords::room(const RoomRecord& room)
{
    Object object(Poco::JSON_PRESERVE_KEY_ORDER);
    object.set("id", room.id);
    object.set("subject", room.subject);
    object.set("public", room.isPublic ? "1" : "0");
    object.set("created", micros(room.created));
    setIf(object, "owner", room.owner);
    setIf(object, "ownerKey", room.ownerKey);
    object.set("posting", RoomRecord::postingName(room.posting));
    object.set("slowMode", std::to_string(room.slowMode));
    Poco::JSON::Array::Ptr moderators = new Poco::JSON::Array;
    for (const std::string& name : room.moderators)
        moderators->add(name);
    object.set("moderators", moderators);
    Poco::JSON::Array::Ptr bans = new Poco::JSON::Array;
    for (const RoomBan& ban : room.bans)
    {
        Object::Ptr one = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        one->set("name", ban.name);
        setIf(*one, "sender", ban.sender);
        one->set("until", micros(ban.until));
        bans->add(one);
    }
    object.set("bans", bans);
    return text(object);
}

RoomRecord RedisRecords::readRoom(const std::string& json)
{
    Object::Ptr object = parse(json);
    RoomRecord room;
    room.id = field(*object, "id");
    if (room.id.empty())
        throw Poco::DataFormatException("a room without an id in Redis", json.substr(0, 80));
    room.subject = field(*object, "subject");
    room.isPublic = field(*object, "public") == "1";
    room.created = Poco::Timestamp(number(field(*object, "created")));
    room.lastActivity = room.created;
    room.owner = field(*object, "owner");
    room.ownerKey = field(*object, "ownerKey");
    RoomRecord::parsePosting(field(*object, "posting"), room.posting);
    room.slowMode = static_cast<int>(number(field(*object, "slowMode")));
    if (Poco::JSON::Array::Ptr moderators = object->getArray("moderators"))
        for (std::size_t i = 0; i < moderators->size(); ++i)
            room.moderators.push_back(
                moderators->getElement<std::string>(static_cast<unsigned>(i)));
    if (Poco::JSON::Array::Ptr bans = object->getArray("bans"))
        for (std::size_t i = 0; i < bans->size(); ++i)
            if (Object::Ptr one = bans->getObject(static_cast<unsigned>(i)))
                room.bans.push_back(RoomBan{field(*one, "name"), field(*one, "sender"),
                                            Poco::Timestamp(number(field(*one, "until")))});
    return room;
}

std::string RedisRecords::account(const AccountRecord& account)
{
    Object object(Poco::JSON_PRESERVE_KEY_ORDER);
    object.set("name", account.name);
    object.set("hash", account.passwordHash);
    object.set("created", micros(account.created));
    return text(object);
}

AccountRecord RedisRecords::readAccount(const std::string& json)
{
    Object::Ptr object = parse(json);
    return AccountRecord{field(*object, "name"), field(*object, "hash"),
                         Poco::Timestamp(number(field(*object, "created")))};
}

std::string RedisRecords::credential(const Credential& credential)
{
    Object object(Poco::JSON_PRESERVE_KEY_ORDER);
    object.set("kind", credential.kind == Credential::Kind::Token ? "token" : "session");
    object.set("digest", credential.digest);
    object.set("account", credential.account);
    object.set("expires", micros(credential.expires));
    return text(object);
}

Credential RedisRecords::readCredential(const std::string& json)
{
    Object::Ptr object = parse(json);
    Credential credential;
    credential.kind =
        field(*object, "kind") == "token" ? Credential::Kind::Token : Credential::Kind::Session;
    credential.digest = field(*object, "digest");
    credential.account = field(*object, "account");
    credential.expires = Poco::Timestamp(number(field(*object, "expires")));
    return credential;
}

std::string RedisRecords::ban(const AddressBan& ban)
{
    Object object(Poco::JSON_PRESERVE_KEY_ORDER);
    object.set("address", ban.address);
    object.set("until", micros(ban.until));
    return text(object);
}

AddressBan RedisRecords::readBan(const std::string& json)
{
    Object::Ptr object = parse(json);
    return AddressBan{field(*object, "address"), Poco::Timestamp(number(field(*object, "until")))};
}

std::string RedisRecords::names(const std::vector<std::string>& names)
{
    Object object;
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const std::string& name : names)
        list->add(name);
    object.set("n", list);
    return text(object);
}

std::vector<std::string> RedisRecords::readNames(const std::string& json)
{
    Poco::JSON::Array::Ptr list = parse(json)->getArray("n");
    if (!list)
        throw Poco::DataFormatException("not a list of names", json.substr(0, 80));
    std::vector<std::string> names;
    names.reserve(list->size());
    for (std::size_t i = 0; i < list->size(); ++i)
        names.push_back(list->getElement<std::string>(static_cast<unsigned>(i)));
    return names;
}

std::string RedisRecords::letter(const std::string& toKey, const std::string& from,
                                 const std::string& text)
{
    Object object(Poco::JSON_PRESERVE_KEY_ORDER);
    object.set("k", toKey);
    object.set("f", from);
    object.set("x", text);
    return hchat::text(object);
}

void RedisRecords::readLetter(const std::string& json, std::string& toKey, std::string& from,
                              std::string& text)
{
    Object::Ptr object = parse(json);
    toKey = field(*object, "k");
    from = field(*object, "f");
    text = field(*object, "x");
    if (toKey.empty())
        throw Poco::DataFormatException("a letter to nobody", json.substr(0, 80));
}

} // namespace hchat
