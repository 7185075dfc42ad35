#pragma once

#include "chat/People.h"

#include <memory>
#include <string>

namespace hchat
{

class Announcer;
class Mailbox;
class Room;
class Subscriber;

class Attendance
/// One live connection's stay in a room, from arrival to departure (RAII):
/// the connection is subscribed to the room, People know the person is
/// there (and gone when it is destroyed), and the join or nick entries this
/// causes are written. Used by every stream (StreamSession).
/// Not thread-safe: owned by the connection's thread.
{
public:
    Attendance(People& people, Announcer& announcer, std::shared_ptr<Room> room, std::string key,
               const std::string& wanted, const std::string& guest,
               std::shared_ptr<Subscriber> subscriber, std::shared_ptr<Mailbox> mailbox,
               bool present = true);
    /// present = false: only subscribed; People do not know of it, nothing
    /// is announced (a page that reads before its newcomer chose a name).
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
    std::shared_ptr<Subscriber> _subscriber;
    std::shared_ptr<Mailbox> _mailbox;
    People::Outcome _arrival;
    bool _left = false;
};

} // namespace hchat
