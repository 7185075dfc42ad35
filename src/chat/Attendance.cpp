#include "chat/Attendance.h"

#include "chat/Announcer.h"
#include "chat/Room.h"

namespace hchat
{

Attendance::Attendance(People& people, Announcer& announcer, std::shared_ptr<Room> room,
                       std::string key, const std::string& wanted, const std::string& guest,
                       std::shared_ptr<Subscriber> subscriber, std::shared_ptr<Mailbox> mailbox,
                       bool present)
    : _people(people), _room(std::move(room)), _key(std::move(key)),
      _subscriber(std::move(subscriber)), _mailbox(std::move(mailbox))
{
    // Subscribed first, so the join entry below already reaches it.
    _room->subscribe(_subscriber);
    if (!present)
    {
        _left = true; // never there
        _arrival.name = guest;
        return;
    }
    _arrival = _people.enter(_room->id(), _key, wanted, guest, _mailbox);
    announcer.renamed(_arrival);
    if (_arrival.arrived)
        announcer.joined(_room->id(), _arrival.name);
}

void Attendance::leaveNow()
{
    if (_left)
        return;
    _left = true;
    _people.exit(_room->id(), _key, _mailbox, true);
}

Attendance::~Attendance()
{
    if (!_left)
        _people.exit(_room->id(), _key, _mailbox);
    _room->unsubscribe(_subscriber);
}

} // namespace hchat
