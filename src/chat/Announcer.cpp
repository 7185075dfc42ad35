#include "chat/Announcer.h"

#include "chat/Room.h"
#include "chat/RoomRegistry.h"

#include <Poco/Logger.h>

#include <algorithm>

namespace hchat
{

namespace
{
// Names a grouped notice's text spells out before "and N others".
const std::size_t namesInText = 3;
} // namespace

Announcer::Announcer(RoomRegistry& rooms, bool enabled) : _rooms(rooms), _enabled(enabled) {}

void Announcer::joined(const std::string& roomId, const std::string& name)
{
    note(roomId, MessageKind::Join, name, name + " joined");
}

void Announcer::left(const std::string& roomId, const std::string& name)
{
    note(roomId, MessageKind::Leave, name, name + " left");
}

void Announcer::renamed(const People::Outcome& outcome)
{
    for (const std::string& roomId : outcome.renamedIn)
        note(roomId, MessageKind::Nick, outcome.name,
             outcome.previous + " is now known as " + outcome.name);
}

void Announcer::note(const std::string& roomId, MessageKind kind, const std::string& name,
                     const std::string& text)
{
    if (!_enabled)
        return;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        Interval& interval = _intervals[roomId];
        if (interval.written)
        {
            if (interval.waiting.empty())
                _roomsWaiting.fetch_add(1);
            auto it = std::find_if(interval.waiting.begin(), interval.waiting.end(),
                                   [kind](const Waiting& w) { return w.kind == kind; });
            if (it == interval.waiting.end())
                it = interval.waiting.insert(it, Waiting{kind, Crowd(), std::string()});
            Waiting& waiting = *it;
            if (waiting.crowd.names.size() < Crowd::maxNames)
                waiting.crowd.names.push_back(name);
            if (++waiting.crowd.count == 1)
                waiting.alone = text;
            return;
        }
        interval.written = true;
    }
    append(roomId, kind, name, text);
}

void Announcer::flush()
{
    std::unordered_map<std::string, Interval> ended;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        ended.swap(_intervals);
        _roomsWaiting.store(0);
    }
    for (auto& [roomId, interval] : ended)
        write(roomId, interval.waiting);
}

void Announcer::flushRoom(const std::string& roomId)
{
    if (_roomsWaiting.load() == 0)
        return;
    std::vector<Waiting> waiting;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        auto it = _intervals.find(roomId);
        if (it == _intervals.end() || it->second.waiting.empty())
            return;
        waiting.swap(it->second.waiting);
        _roomsWaiting.fetch_sub(1);
    }
    write(roomId, waiting);
}

void Announcer::write(const std::string& roomId, std::vector<Waiting>& waiting)
{
    for (Waiting& notice : waiting)
    {
        const std::string first = notice.crowd.names.front();
        if (notice.crowd.count == 1)
            append(roomId, notice.kind, first, notice.alone);
        else
        {
            const std::string text = crowdText(notice.kind, notice.crowd);
            append(roomId, notice.kind, first, text, std::move(notice.crowd));
        }
    }
}

std::string Announcer::crowdText(MessageKind kind, const Crowd& crowd)
{
    const std::size_t spelled = crowd.count > namesInText + 1 ? namesInText : crowd.count;
    std::string text;
    for (std::size_t i = 0; i < spelled && i < crowd.names.size(); ++i)
    {
        if (i > 0)
            text += i + 1 == spelled && spelled == crowd.count ? " and " : ", ";
        text += crowd.names[i];
    }
    if (crowd.count > spelled)
        text += " and " + std::to_string(crowd.count - spelled) + " others";
    switch (kind)
    {
    case MessageKind::Join:
        return text + " joined";
    case MessageKind::Leave:
        return text + " left";
    default:
        return text + " changed their names";
    }
}

void Announcer::append(const std::string& roomId, MessageKind kind, const std::string& author,
                       const std::string& text, Crowd crowd)
{
    auto room = _rooms.find(roomId);
    if (!room || room->isClosed())
        return; // shutting down: nobody is left to tell
    try
    {
        room->append(kind, author, text, std::move(crowd));
    }
    catch (const Poco::Exception& e)
    {
        Poco::Logger::get("hchatd.people")
            .warning("notice \"%s\" not written to %s: %s", text, roomId, e.displayText());
    }
}

} // namespace hchat
