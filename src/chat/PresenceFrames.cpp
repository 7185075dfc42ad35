#include "chat/PresenceFrames.h"

#include "util/JsonWriter.h"

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
    const std::string frame = JsonWriter()
                                  .field("type", "presence")
                                  .field("online", names, namesInFrame)
                                  .field("count", static_cast<std::uint64_t>(names.size()))
                                  .take();
    return kept.frame = std::make_shared<const std::string>(frame);
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
