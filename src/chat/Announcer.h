#pragma once

#include "chat/People.h"
#include "model/Message.h"

#include <atomic>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace hchat
{

class RoomRegistry;

class Announcer
/// Writes the notices People decides on into the room logs, as entries
/// like any message (SPEC §2), so every transport shows them in the same
/// order: "alice joined", "alice left", "alice is now known as bob".
/// At most one notice per room is written at once in each sweep interval
/// (a second); the others wait for flush(), which writes one entry per
/// kind for them: "alice joined" again if she was alone, else "alice, bob,
/// carol and 997 others joined" with the names (Crowd) in its JSON. So
/// 10,000 people arriving cost each reader about two entries a second, not
/// 10,000, and a small room reads as before. A message sent in the room
/// first writes the notices waiting there, so nobody speaks before their
/// arrival is told.
/// A notice that cannot be stored (a failing disk) is logged and skipped:
/// nobody waits for it, and the person's presence is right regardless.
/// Thread-safe: _mutex guards the waiting notices.
{
public:
    Announcer(RoomRegistry& rooms, bool enabled);
    /// enabled = false (chat.notices = false): nothing is written.

    void joined(const std::string& roomId, const std::string& name);
    void left(const std::string& roomId, const std::string& name);
    void renamed(const People::Outcome& outcome);
    /// A nick entry in each room of outcome.renamedIn.

    void flush();
    /// Writes every waiting notice and opens a new interval: the presence
    /// sweep calls it once a second.

    void flushRoom(const std::string& roomId);
    /// Writes the notices waiting in one room (before a message in it).
    /// Cheap when nothing waits anywhere.

private:
    struct Waiting
    {
        MessageKind kind;
        Crowd crowd;       ///< the first names and how many
        std::string alone; ///< the entry's text if it stays one person
    };

    struct Interval
    {
        bool written = false;         ///< a notice went out at once in this interval
        std::vector<Waiting> waiting; ///< one per kind, in the order they came
    };

    void note(const std::string& roomId, MessageKind kind, const std::string& name,
              const std::string& text);
    void write(const std::string& roomId, std::vector<Waiting>& waiting);
    void append(const std::string& roomId, MessageKind kind, const std::string& author,
                const std::string& text, Crowd crowd = Crowd());

    static std::string crowdText(MessageKind kind, const Crowd& crowd);
    /// "alice and bob joined", "alice, bob, carol and 997 others left", …

    RoomRegistry& _rooms;
    const bool _enabled;
    std::mutex _mutex;
    std::unordered_map<std::string, Interval> _intervals; ///< rooms with notices this interval
    std::atomic<std::size_t> _roomsWaiting{0};            ///< rooms with waiting notices
};

} // namespace hchat
