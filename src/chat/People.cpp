#include "chat/People.h"

#include "chat/Nickname.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
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

People::People(Poco::Timespan pollWindow, Poco::Timespan leaveGrace)
    : _pollWindow(pollWindow), _leaveGrace(leaveGrace)
{
}

void People::setName(Person& person, const std::string& key, const std::string& name)
{
    person.name = name;
    const std::string folded = Nickname::folded(name);
    auto holder = _names.find(folded);
    if (holder != _names.end() && holder->second != key)
    {
        // A guest name someone else holds already (two cookie-less clients
        // are both "anonymous"): used, but not reserved.
        person.folded.clear();
        return;
    }
    _names[folded] = key;
    person.folded = folded;
}

bool People::freeFor(const std::string& folded, const std::string& key) const
{
    auto holder = _names.find(folded);
    if (holder != _names.end() && holder->second != key)
        return false;
    auto owner = _reserved.find(folded);
    return owner == _reserved.end() || owner->second == key;
}

bool People::reserve(const std::string& name, const std::string& key)
{
    std::lock_guard<std::mutex> lock(_mutex);
    const std::string folded = Nickname::folded(name);
    if (!freeFor(folded, key))
        return false;
    _reserved[folded] = key;
    return true;
}

void People::unreserve(const std::string& name)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _reserved.erase(Nickname::folded(name));
}

People::Person& People::personFor(const std::string& key, const std::string& wanted,
                                  const std::string& guest, Outcome& outcome)
{
    auto found = _people.find(key);
    if (found != _people.end())
    {
        applyName(found->second, key, wanted, outcome);
        outcome.name = found->second.name;
        return found->second;
    }
    Person& person = _people[key];
    const bool wantedFree = !wanted.empty() && freeFor(Nickname::folded(wanted), key);
    setName(person, key, wantedFree ? wanted : guest);
    outcome.taken = !wanted.empty() && !wantedFree;
    outcome.name = person.name;
    return person;
}

void People::applyName(Person& person, const std::string& key, const std::string& wanted,
                       Outcome& outcome)
{
    if (wanted.empty() || wanted == person.name)
        return;
    const std::string folded = Nickname::folded(wanted);
    if (!freeFor(folded, key))
    {
        outcome.taken = true;
        return;
    }
    if (!person.folded.empty())
        _names.erase(person.folded);
    outcome.previous = person.name;
    person.name = wanted;
    person.folded = folded;
    _names[folded] = key;
    for (const auto& [roomId, stay] : person.rooms)
    {
        changed(roomId);
        if (stay.announced)
            outcome.renamedIn.push_back(roomId);
    }
}

People::Outcome People::enter(const std::string& roomId, const std::string& key,
                              const std::string& wanted, const std::string& guest,
                              const std::shared_ptr<Mailbox>& mailbox)
{
    std::lock_guard<std::mutex> lock(_mutex);
    Outcome outcome;
    Person& person = personFor(key, wanted, guest, outcome);
    auto [stay, fresh] = person.rooms.try_emplace(roomId);
    if (fresh)
    {
        _rooms[roomId].insert(key);
        changed(roomId);
    }
    // Back within the grace period (a reload), or still polling: no new join.
    outcome.arrived = stay->second.live == 0 && !stay->second.announced;
    stay->second.announced = true;
    ++stay->second.live;
    if (mailbox)
        person.mailboxes.push_back(mailbox);
    return outcome;
}

void People::exit(const std::string& roomId, const std::string& key,
                  const std::shared_ptr<Mailbox>& mailbox, bool now)
{
    std::lock_guard<std::mutex> lock(_mutex);
    auto person = _people.find(key);
    if (person == _people.end())
        return;
    auto& boxes = person->second.mailboxes;
    if (mailbox)
        boxes.erase(std::remove(boxes.begin(), boxes.end(), mailbox), boxes.end());
    auto stay = person->second.rooms.find(roomId);
    if (stay != person->second.rooms.end() && stay->second.live > 0 && --stay->second.live == 0)
    {
        if (now)
            stay->second.lastLive = 0; // long past: the next sweep ends the stay
        else
            stay->second.lastLive.update();
    }
}

People::Outcome People::seen(const std::string& roomId, const std::string& key,
                             const std::string& wanted, const std::string& guest,
                             const Poco::Timestamp& now)
{
    std::lock_guard<std::mutex> lock(_mutex);
    Outcome outcome;
    Person& person = personFor(key, wanted, guest, outcome);
    auto [stay, fresh] = person.rooms.try_emplace(roomId);
    stay->second.lastSeen = now;
    if (fresh)
    {
        _rooms[roomId].insert(key);
        changed(roomId);
    }
    return outcome;
}

People::Outcome People::connect(const std::string& key, const std::string& wanted,
                                const std::string& guest, const std::shared_ptr<Mailbox>& mailbox)
{
    std::lock_guard<std::mutex> lock(_mutex);
    Outcome outcome;
    Person& person = personFor(key, wanted, guest, outcome);
    if (mailbox)
        person.mailboxes.push_back(mailbox);
    return outcome;
}

void People::disconnect(const std::string& key, const std::shared_ptr<Mailbox>& mailbox)
{
    std::lock_guard<std::mutex> lock(_mutex);
    auto person = _people.find(key);
    if (person == _people.end())
        return;
    auto& boxes = person->second.mailboxes;
    boxes.erase(std::remove(boxes.begin(), boxes.end(), mailbox), boxes.end());
    dropIfGone(key);
}

People::Outcome People::rename(const std::string& key, const std::string& wanted)
{
    std::lock_guard<std::mutex> lock(_mutex);
    Outcome outcome;
    auto person = _people.find(key);
    if (person == _people.end())
        return outcome; // not online: there is no name to change
    applyName(person->second, key, wanted, outcome);
    outcome.name = person->second.name;
    return outcome;
}

std::string People::nameOf(const std::string& key, const std::string& fallback) const
{
    std::lock_guard<std::mutex> lock(_mutex);
    auto person = _people.find(key);
    return person == _people.end() ? fallback : person->second.name;
}

std::string People::keyOf(const std::string& name) const
{
    std::lock_guard<std::mutex> lock(_mutex);
    auto found = _names.find(Nickname::folded(name));
    return found == _names.end() ? std::string() : found->second;
}

bool People::isIn(const std::string& key, const std::string& roomId) const
{
    std::lock_guard<std::mutex> lock(_mutex);
    auto person = _people.find(key);
    return person != _people.end() && person->second.rooms.count(roomId) > 0;
}

void People::dropIfGone(const std::string& key)
{
    auto person = _people.find(key);
    if (person == _people.end() || !person->second.rooms.empty() ||
        !person->second.mailboxes.empty())
        return;
    if (!person->second.folded.empty())
        _names.erase(person->second.folded);
    _people.erase(person);
}

void People::changed(const std::string& roomId)
{
    _changed.insert(roomId);
}

std::vector<std::string> People::sortedNames(const std::string& roomId) const
{
    std::vector<std::pair<std::string, std::string>> keyed; // (folded, name)
    auto room = _rooms.find(roomId);
    if (room != _rooms.end())
    {
        keyed.reserve(room->second.size());
        for (const std::string& key : room->second)
        {
            const Person& person = _people.at(key);
            keyed.emplace_back(
                person.folded.empty() ? Nickname::folded(person.name) : person.folded, person.name);
        }
    }
    std::sort(keyed.begin(), keyed.end());
    std::vector<std::string> names;
    names.reserve(keyed.size());
    for (auto& entry : keyed)
        names.push_back(std::move(entry.second));
    return names;
}

std::vector<std::string> People::online(const std::string& roomId) const
{
    std::lock_guard<std::mutex> lock(_mutex);
    return sortedNames(roomId);
}

std::size_t People::countOnline(const std::string& roomId) const
{
    std::lock_guard<std::mutex> lock(_mutex);
    auto room = _rooms.find(roomId);
    return room == _rooms.end() ? 0 : room->second.size();
}

People::Frame People::presenceJson(const std::string& roomId) const
{
    // Every connection of the room asks after each change: the frame is
    // built by sweep(), once a second at most, and shared. Only a room with
    // none yet builds it here.
    std::lock_guard<std::mutex> lock(_mutex);
    auto cached = _frames.find(roomId);
    if (cached != _frames.end())
        return cached->second;
    return buildFrame(roomId);
}

People::Names People::namesAsOfSweep(const std::string& roomId) const
{
    std::lock_guard<std::mutex> lock(_mutex);
    auto cached = _nameLists.find(roomId);
    if (cached != _nameLists.end())
        return cached->second;
    buildFrame(roomId);
    return _nameLists[roomId];
}

People::Frame People::buildFrame(const std::string& roomId) const
{
    auto shared = std::make_shared<const std::vector<std::string>>(sortedNames(roomId));
    _nameLists[roomId] = shared;
    const std::vector<std::string>& names = *shared;
    Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
    object.set("type", "presence");
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (std::size_t i = 0; i < names.size() && i < namesInFrame; ++i)
        list->add(names[i]);
    object.set("online", list);
    object.set("count", static_cast<Poco::UInt64>(names.size()));
    std::ostringstream out;
    object.stringify(out);
    return _frames[roomId] = std::make_shared<const std::string>(out.str());
}

People::Delivery People::sendPrivate(const std::string& fromKey, const std::string& to,
                                     const std::string& text)
{
    std::lock_guard<std::mutex> lock(_mutex);
    auto holder = _names.find(Nickname::folded(to));
    if (holder == _names.end())
        return Delivery::NotOnline;
    const Person& recipient = _people.at(holder->second);
    if (recipient.mailboxes.empty())
        return Delivery::NotOnline; // only polling: nothing to deliver it to
    auto sender = _people.find(fromKey);
    const std::string fromName = sender == _people.end() ? "anonymous" : sender->second.name;
    auto letter = std::make_shared<const Mailbox::Letter>(fromName, recipient.name, text);
    for (const auto& box : recipient.mailboxes)
        box->post(letter);
    if (sender != _people.end() && holder->second != fromKey)
        for (const auto& box : sender->second.mailboxes)
            box->post(letter);
    return Delivery::Sent;
}

People::Swept People::sweep(const Poco::Timestamp& now)
{
    std::lock_guard<std::mutex> lock(_mutex);
    Swept out;
    for (auto room = _rooms.begin(); room != _rooms.end();)
    {
        auto& keys = room->second;
        for (auto k = keys.begin(); k != keys.end();)
        {
            Person& person = _people.at(*k);
            const Stay& stay = person.rooms.at(room->first);
            const bool over = stay.live == 0 &&
                              now - stay.lastLive >= _leaveGrace.totalMicroseconds() &&
                              now - stay.lastSeen >= _pollWindow.totalMicroseconds();
            if (!over)
            {
                ++k;
                continue;
            }
            if (stay.announced)
                out.left.emplace_back(room->first, person.name);
            person.rooms.erase(room->first);
            changed(room->first);
            const std::string key = *k;
            k = keys.erase(k);
            dropIfGone(key);
        }
        room = keys.empty() ? _rooms.erase(room) : std::next(room);
    }
    out.changed.assign(_changed.begin(), _changed.end());
    _changed.clear();
    for (const std::string& roomId : out.changed)
    {
        if (_rooms.count(roomId))
            buildFrame(roomId);
        else
        {
            _frames.erase(roomId);
            _nameLists.erase(roomId);
        }
    }
    return out;
}

} // namespace hchat
