#include "chat/Announcer.h"

#include "chat/Room.h"
#include "chat/RoomRegistry.h"

#include <Poco/Logger.h>

namespace hchat
{

Announcer::Announcer(RoomRegistry& rooms, bool enabled) : _rooms(rooms), _enabled(enabled) {}

void Announcer::joined(const std::string& roomId, const std::string& name)
{
    append(roomId, MessageKind::Join, name, name + " joined");
}

void Announcer::left(const std::string& roomId, const std::string& name)
{
    append(roomId, MessageKind::Leave, name, name + " left");
}

void Announcer::renamed(const People::Outcome& outcome)
{
    for (const std::string& roomId : outcome.renamedIn)
        append(roomId, MessageKind::Nick, outcome.name,
               outcome.previous + " is now known as " + outcome.name);
}

void Announcer::append(const std::string& roomId, MessageKind kind, const std::string& author,
                       const std::string& text)
{
    if (!_enabled)
        return;
    auto room = _rooms.find(roomId);
    if (!room || room->isClosed())
        return; // shutting down: nobody is left to tell
    try
    {
        room->append(kind, author, text);
    }
    catch (const Poco::Exception& e)
    {
        Poco::Logger::get("hchatd.people")
            .warning("notice \"%s\" not written to %s: %s", text, roomId, e.displayText());
    }
}

} // namespace hchat
