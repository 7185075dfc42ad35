#include "http/RoomView.h"

#include "chat/People.h"
#include "chat/Room.h"
#include "chat/RoomRegistry.h"

#include <Poco/JSON/Array.h>

namespace hchat
{

Poco::JSON::Object::Ptr RoomView::toJson(Room& room, const People& people,
                                         const RoomRegistry& rooms)
{
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    const RoomRecord record = room.record();
    object->set("id", room.id());
    object->set("subject", record.subject);
    const std::string label = rooms.label(room);
    if (label == room.id())
        object->set("name", Poco::Dynamic::Var());
    else
        object->set("name", label);
    object->set("public", record.isPublic);
    object->set("created", Message::formatTime(record.created));
    object->set("owner",
                record.owner.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(record.owner));
    object->set("posting", RoomRecord::postingName(record.posting));
    object->set("slowMode", record.slowMode);
    Poco::JSON::Array::Ptr moderators = new Poco::JSON::Array;
    for (const std::string& name : record.moderators)
        moderators->add(name);
    object->set("moderators", moderators);
    object->set("next", static_cast<Poco::UInt64>(room.next()));
    Poco::JSON::Array::Ptr online = new Poco::JSON::Array;
    for (const std::string& name : people.online(room.id()))
        online->add(name);
    object->set("online", online);
    object->set("lastActivity", Message::formatTime(room.lastActivity()));
    return object;
}

} // namespace hchat
