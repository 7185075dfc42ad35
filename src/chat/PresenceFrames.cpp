#include "chat/PresenceFrames.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>

namespace hchat
{

namespace
{
// A presence frame goes to everyone in the room each time the list changes;
// past this many names it carries the count and the first names only, so a
// big room's frames stay small.
const std::size_t namesInFrame = 200;
} // namespace

PresenceFrames::Frame PresenceFrames::keep(const std::string& roomId,
                                           std::vector<std::string> sortedNames)
{
    Kept& kept = _rooms[roomId];
    kept.names = std::make_shared<const std::vector<std::string>>(std::move(sortedNames));
    const std::vector<std::string>& names = *kept.names;
    Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
    object.set("type", "presence");
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (std::size_t i = 0; i < names.size() && i < namesInFrame; ++i)
        list->add(names[i]);
    object.set("online", list);
    object.set("count", static_cast<Poco::UInt64>(names.size()));
    std::ostringstream out;
    object.stringify(out);
    return kept.frame = std::make_shared<const std::string>(out.str());
}

void PresenceFrames::forget(const std::string& roomId)
{
    _rooms.erase(roomId);
}

PresenceFrames::Frame PresenceFrames::frame(const std::string& roomId) const
{
    auto kept = _rooms.find(roomId);
    return kept == _rooms.end() ? nullptr : kept->second.frame;
}

PresenceFrames::Names PresenceFrames::names(const std::string& roomId) const
{
    auto kept = _rooms.find(roomId);
    return kept == _rooms.end() ? nullptr : kept->second.names;
}

} // namespace hchat
