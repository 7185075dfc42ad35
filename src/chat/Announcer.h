#pragma once

#include "chat/People.h"
#include "model/Message.h"

#include <string>

namespace hchat
{

class RoomRegistry;

class Announcer
/// Writes the notices People decides on into the room logs, as entries
/// like any message (SPEC §2), so every transport shows them in the same
/// order: "alice joined", "alice left", "alice is now known as bob".
/// A notice that cannot be stored (a failing disk) is logged and skipped:
/// nobody waits for it, and the person's presence is right regardless.
/// Thread-safe (the registry and rooms are).
{
public:
    Announcer(RoomRegistry& rooms, bool enabled);
    /// enabled = false (chat.notices = false): nothing is written, for big
    /// broadcast rooms where 10,000 arrivals would be 10,000 entries.

    void joined(const std::string& roomId, const std::string& name);
    void left(const std::string& roomId, const std::string& name);
    void renamed(const People::Outcome& outcome);
    /// A nick entry in each room of outcome.renamedIn.

private:
    void append(const std::string& roomId, MessageKind kind, const std::string& author,
                const std::string& text);

    RoomRegistry& _rooms;
    const bool _enabled;
};

} // namespace hchat
