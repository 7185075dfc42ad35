#pragma once

#include <Poco/JSON/Object.h>

namespace hchat
{

class Room;
class People;
class RoomRegistry;

class RoomView
/// The room object of the JSON API (SPEC §4):
/// {"id","subject","name","public","created","owner","posting","slowMode",
/// "moderators","next","online","lastActivity"} (owner: its account, or null).
/// Thread-safe (no state).
{
public:
    static Poco::JSON::Object::Ptr toJson(Room& room, const People& people,
                                          const RoomRegistry& rooms);
};

} // namespace hchat
