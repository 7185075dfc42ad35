#include "chat/People.h"

#include "chat/Nickname.h"

#include <algorithm>

namespace hchat
{

const Poco::Timespan People::renewEvery(2, 0);
const Poco::Timespan People::elsewhereFor(7, 0);

People::People(Poco::Timespan pollWindow, Poco::Timespan leaveGrace)
    : _pollWindow(pollWindow), _leaveGrace(leaveGrace)
{
}

void People::share(Store& store)
{
    _others.attach(store);
}

People::Claim People::claim(const std::string& key, const std::string& wanted)
{
    if (wanted.empty() || !_others.attached())
        return Claim::Unasked;
    const std::string folded = Nickname::folded(wanted);
    {
        std::lock_guard<std::mutex> lock(_mutex);
        auto person = _people.find(key);
        if ((person != _people.end() && person->second.folded == folded) ||
            !_names.freeFor(folded, key))
            return Claim::Unasked;
    }
    return _others.claim(folded, key, wanted);
}

void People::given(const std::string& wanted, const std::string& key, Claim claim, bool applied)
{
    if (claim == Claim::Granted && !applied)
        release(Nickname::folded(wanted), key);
}

void People::release(const std::string& folded, const std::string& key)
{
    if (_others.attached() && !folded.empty())
        _released.emplace_back(folded, key);
}

void People::setName(Person& person, const std::string& key, const std::string& name)
{
    person.name = name;
    const std::string folded = Nickname::folded(name);
    // A guest name someone else holds already (two cookie-less clients are
    // both "anonymous"): used, but not held.
    person.folded = _names.hold(folded, key) ? folded : "";
}

bool People::reserve(const std::string& name, const std::string& key)
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _names.reserve(Nickname::folded(name), key);
}

void People::unreserve(const std::string& name)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _names.unreserve(Nickname::folded(name));
}

People::Person& People::personFor(const std::string& key, const std::string& wanted,
                                  const std::string& guest, Claim claim, Outcome& outcome)
{
    auto found = _people.find(key);
    if (found != _people.end())
    {
        applyName(found->second, key, wanted, claim, outcome);
        outcome.name = found->second.name;
        return found->second;
    }
    Person& person = _people[key];
    const bool wantedFree =
        !wanted.empty() && claim != Claim::Refused && _names.freeFor(Nickname::folded(wanted), key);
    setName(person, key, wantedFree ? wanted : guest);
    person.claimed = wantedFree && _others.attached();
    given(wanted, key, claim, wantedFree);
    outcome.taken = !wanted.empty() && !wantedFree;
    outcome.name = person.name;
    return person;
}

void People::applyName(Person& person, const std::string& key, const std::string& wanted,
                       Claim claim, Outcome& outcome)
{
    if (wanted.empty() || wanted == person.name)
        return;
    const std::string folded = Nickname::folded(wanted);
    if (claim == Claim::Refused || !_names.freeFor(folded, key))
    {
        given(wanted, key, claim, false);
        outcome.taken = true;
        return;
    }
    if (!person.folded.empty() && person.folded != folded)
    {
        _names.drop(person.folded);
        if (person.claimed)
            release(person.folded, key);
    }
    outcome.previous = person.name;
    person.name = wanted;
    person.folded = folded;
    person.claimed = _others.attached();
    _names.hold(folded, key); // free for key: checked above
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
    const Claim claimed = claim(key, wanted);
    Outcome outcome;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        Person& person = personFor(key, wanted, guest, claimed, outcome);
        auto [stay, fresh] = person.rooms.try_emplace(roomId);
        if (fresh)
        {
            _rooms[roomId].insert(key);
            changed(roomId);
        }
        // Back within the grace period (a reload), or still polling: no new join.
        outcome.arrived = stay->second.live == 0 && !stay->second.announced;
        stay->second.announced = true;
        ++stay->second.live; // its entry in _quiet, if any, is dropped when due
        if (mailbox)
            person.mailboxes.push_back(mailbox);
    }
    if (mailbox)
        _others.mailboxOpened(key);
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
        quiet(key, roomId, stay->second);
    }
}

People::Outcome People::seen(const std::string& roomId, const std::string& key,
                             const std::string& wanted, const std::string& guest,
                             const Poco::Timestamp& now)
{
    const Claim claimed = claim(key, wanted);
    std::lock_guard<std::mutex> lock(_mutex);
    Outcome outcome;
    Person& person = personFor(key, wanted, guest, claimed, outcome);
    auto [stay, fresh] = person.rooms.try_emplace(roomId);
    stay->second.lastSeen = now;
    if (fresh)
    {
        _rooms[roomId].insert(key);
        quiet(key, roomId, stay->second);
        changed(roomId);
    }
    return outcome;
}

People::Outcome People::connect(const std::string& key, const std::string& wanted,
                                const std::string& guest, const std::shared_ptr<Mailbox>& mailbox)
{
    const Claim claimed = claim(key, wanted);
    Outcome outcome;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        Person& person = personFor(key, wanted, guest, claimed, outcome);
        if (mailbox)
            person.mailboxes.push_back(mailbox);
    }
    if (mailbox)
        _others.mailboxOpened(key);
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
    const Claim claimed = claim(key, wanted);
    std::lock_guard<std::mutex> lock(_mutex);
    Outcome outcome;
    auto person = _people.find(key);
    if (person == _people.end())
    {
        given(wanted, key, claimed, false);
        return outcome; // not online: there is no name to change
    }
    applyName(person->second, key, wanted, claimed, outcome);
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
    const std::string folded = Nickname::folded(name);
    {
        std::lock_guard<std::mutex> lock(_mutex);
        const std::string holder = _names.holder(folded);
        if (!holder.empty())
            return holder;
    }
    return _others.holder(folded, name);
}

std::vector<bool> People::online(const std::vector<std::string>& names) const
{
    std::vector<bool> on(names.size(), false);
    std::vector<std::string> elsewhere; // folded, of the names not held here
    std::vector<std::size_t> at;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        for (std::size_t i = 0; i < names.size(); ++i)
        {
            const std::string folded = Nickname::folded(names[i]);
            on[i] = !_names.holder(folded).empty();
            if (!on[i])
            {
                elsewhere.push_back(folded);
                at.push_back(i);
            }
        }
    }
    const std::vector<bool> there = _others.held(elsewhere);
    for (std::size_t j = 0; j < there.size(); ++j)
        on[at[j]] = there[j];
    return on;
}

bool People::isIn(const std::string& key, const std::string& name, const std::string& roomId) const
{
    std::lock_guard<std::mutex> lock(_mutex);
    auto person = _people.find(key);
    if (person != _people.end() && person->second.rooms.count(roomId) > 0)
        return true;
    return _elsewhere.lists(roomId, Nickname::folded(name));
}

void People::dropIfGone(const std::string& key)
{
    auto person = _people.find(key);
    if (person == _people.end() || !person->second.rooms.empty() ||
        !person->second.mailboxes.empty())
        return;
    if (!person->second.folded.empty())
    {
        _names.drop(person->second.folded);
        if (person->second.claimed)
            release(person->second.folded, key);
    }
    _people.erase(person);
}

Poco::Timestamp::TimeVal People::endOf(const Stay& stay) const
{
    return std::max(stay.lastLive.epochMicroseconds() + _leaveGrace.totalMicroseconds(),
                    stay.lastSeen.epochMicroseconds() + _pollWindow.totalMicroseconds());
}

void People::quiet(const std::string& key, const std::string& roomId, const Stay& stay)
{
    _quiet.push(Due{endOf(stay), key, roomId});
}

void People::changed(const std::string& roomId, bool here)
{
    _changed.insert(roomId);
    if (here && _others.attached())
        _toTell.insert(roomId);
}

bool People::occupied(const std::string& roomId) const
{
    return _rooms.count(roomId) > 0 || _elsewhere.has(roomId);
}

std::vector<std::string> People::sortedNames(const std::string& roomId) const
{
    std::vector<std::string> names = localNames(roomId);
    if (!_elsewhere.has(roomId))
        return names;
    std::vector<std::pair<std::string, std::string>> keyed; // (folded, name)
    for (std::string& name : names)
        keyed.emplace_back(Nickname::folded(name), std::move(name));
    _elsewhere.addTo(roomId, keyed);
    std::sort(keyed.begin(), keyed.end());
    keyed.erase(std::unique(keyed.begin(), keyed.end(),
                            [](const auto& a, const auto& b) { return a.first == b.first; }),
                keyed.end());
    names.clear();
    for (auto& entry : keyed)
        names.push_back(std::move(entry.second));
    return names;
}

std::vector<std::string> People::localNames(const std::string& roomId) const
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
    return (room == _rooms.end() ? 0 : room->second.size()) + _elsewhere.count(roomId);
}

People::Frame People::presenceJson(const std::string& roomId) const
{
    // Every connection of the room asks after each change: the frame is
    // built by sweep(), once a second at most, and shared. Only a room with
    // none yet builds it here.
    std::lock_guard<std::mutex> lock(_mutex);
    if (Frame kept = _frames.frame(roomId))
        return kept;
    return _frames.keep(roomId, sortedNames(roomId));
}

People::Names People::namesAsOfSweep(const std::string& roomId) const
{
    std::lock_guard<std::mutex> lock(_mutex);
    if (Names kept = _frames.names(roomId))
        return kept;
    _frames.keep(roomId, sortedNames(roomId));
    return _frames.names(roomId);
}

People::Delivery People::sendPrivate(const std::string& fromKey, const std::string& to,
                                     const std::string& text)
{
    const std::string folded = Nickname::folded(to);
    std::string fromName = "anonymous";
    std::string toKey;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        auto sender = _people.find(fromKey);
        if (sender != _people.end())
            fromName = sender->second.name;
        const std::string holder = _names.holder(folded);
        if (!holder.empty())
        {
            const Person& recipient = _people.at(holder);
            if (!recipient.mailboxes.empty())
            {
                auto letter =
                    std::make_shared<const Mailbox::Letter>(fromName, recipient.name, text);
                post(recipient, letter);
                if (sender != _people.end() && holder != fromKey)
                    post(sender->second, letter); // the sender's copy
                return Delivery::Sent;
            }
            toKey = holder; // only polling here: maybe connected elsewhere
        }
    }
    toKey = _others.sendLetter(toKey, folded, fromName, text);
    if (toKey.empty())
        return Delivery::NotOnline; // only polling, here or there: nothing to deliver it to
    if (toKey != fromKey)
    {
        std::lock_guard<std::mutex> lock(_mutex);
        auto sender = _people.find(fromKey);
        if (sender != _people.end())
            post(sender->second, std::make_shared<const Mailbox::Letter>(fromName, to, text));
    }
    return Delivery::Sent;
}

void People::letter(const std::string& toKey, const std::string& from, const std::string& text)
{
    std::lock_guard<std::mutex> lock(_mutex);
    auto recipient = _people.find(toKey);
    if (recipient == _people.end() || recipient->second.mailboxes.empty())
        return; // not connected here
    post(recipient->second,
         std::make_shared<const Mailbox::Letter>(from, recipient->second.name, text));
}

void People::post(const Person& person, const Mailbox::LetterPtr& letter)
{
    for (const auto& box : person.mailboxes)
        box->post(letter);
}

void People::roomNames(const std::string& daemon, const std::string& roomId,
                       const std::vector<std::string>& names)
{
    std::lock_guard<std::mutex> lock(_mutex);
    if (_elsewhere.heard(daemon, roomId, names, Poco::Timestamp()))
        changed(roomId, false);
}

People::News People::news(bool renew)
{
    News out;
    out.released.swap(_released);
    if (renew)
    {
        for (const auto& [key, person] : _people)
        {
            if (person.claimed)
                out.held.emplace_back(person.folded, key);
            if (!person.mailboxes.empty())
                out.mailboxes.push_back(key);
        }
        for (const auto& [roomId, keys] : _rooms)
            _toTell.insert(roomId);
    }
    for (const std::string& roomId : _toTell)
        out.lists.emplace_back(roomId, localNames(roomId));
    _toTell.clear();
    return out;
}

void People::leaveOthers()
{
    if (!_others.attached())
        return;
    News leaving;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        leaving = news(true);
    }
    _others.leave(std::move(leaving));
}

void People::tellOthers(const Poco::Timestamp& now)
{
    if (!_others.attached())
        return;
    News told;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        const bool renew = now - _renewed >= renewEvery.totalMicroseconds();
        if (renew)
            _renewed = now;
        told = news(renew);
    }
    _others.tell(told);
}

People::Swept People::sweep(const Poco::Timestamp& now)
{
    std::lock_guard<std::mutex> lock(_mutex);
    Swept out;
    // Only stays without a live connection can end, and only those due are
    // looked at: a room full of WebSockets, or of pollers polling, costs
    // nothing here.
    while (!_quiet.empty() && _quiet.top().at <= now.epochMicroseconds())
    {
        const std::string key = _quiet.top().key;
        const std::string roomId = _quiet.top().roomId;
        _quiet.pop();
        auto found = _people.find(key);
        if (found == _people.end())
            continue;
        Person& person = found->second;
        auto entry = person.rooms.find(roomId);
        if (entry == person.rooms.end() || entry->second.live > 0)
            continue; // ended already, or live again
        const Stay& stay = entry->second;
        if (endOf(stay) > now.epochMicroseconds())
        {
            quiet(key, roomId, stay); // seen since: later
            continue;
        }
        if (stay.announced)
            out.left.emplace_back(roomId, person.name);
        person.rooms.erase(roomId);
        changed(roomId);
        auto room = _rooms.find(roomId);
        room->second.erase(key);
        if (room->second.empty())
            _rooms.erase(room);
        dropIfGone(key);
    }
    for (const std::string& roomId : _elsewhere.expire(now, elsewhereFor))
        changed(roomId, false); // a daemon gone
    out.changed.assign(_changed.begin(), _changed.end());
    _changed.clear();
    for (const std::string& roomId : out.changed)
    {
        if (occupied(roomId))
            _frames.keep(roomId, sortedNames(roomId));
        else
            _frames.forget(roomId);
    }
    return out;
}

} // namespace hchat
