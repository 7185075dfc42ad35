#pragma once

#include "chat/People.h"

#include <memory>
#include <string>

namespace hchat
{

class Announcer;
class Doorbell;
class Mailbox;
class Room;

class Attendance
/// One live connection's stay in a room, from arrival to departure (RAII):
/// it rings the connection's Doorbell for new messages, presence changes and
/// private messages, tells People the person is there (and gone when it is
/// destroyed), and has the join or nick entries written that this causes.
/// Used by WebSocket and SSE sessions (and TCP sessions for their room).
/// Not thread-safe: owned by the connection's thread.
{
public:
    Attendance(People& people, Announcer& announcer, std::shared_ptr<Room> room, std::string key,
               const std::string& wanted, const std::string& guest, std::shared_ptr<Doorbell> bell,
               std::shared_ptr<Mailbox> mailbox);
    ~Attendance();
    Attendance(const Attendance&) = delete;
    Attendance& operator=(const Attendance&) = delete;

    const People::Outcome& arrival() const { return _arrival; }
    /// The name given, and whether the wanted one was taken.

    void leaveNow();
    /// The person said they leave (LEAVE, QUIT): the leave entry is written
    /// within a second, without the grace period a closed page gets.

private:
    People& _people;
    std::shared_ptr<Room> _room;
    const std::string _key;
    std::shared_ptr<Doorbell> _bell;
    std::shared_ptr<Mailbox> _mailbox;
    People::Outcome _arrival;
    bool _left = false;
};

} // namespace hchat
