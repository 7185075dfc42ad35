#include "chat/PresenceSweeper.h"

#include "chat/Announcer.h"
#include "chat/People.h"
#include "chat/Room.h"
#include "chat/RoomRegistry.h"

#include <Poco/Exception.h>
#include <Poco/Logger.h>

#include <chrono>
#include <pthread.h>

namespace hchat
{

PresenceSweeper::PresenceSweeper(People& people, Announcer& announcer, RoomRegistry& rooms)
    : _people(people), _announcer(announcer), _rooms(rooms)
{
}

PresenceSweeper::~PresenceSweeper()
{
    stop();
}

void PresenceSweeper::start()
{
    _thread = std::thread([this] { run(); });
}

void PresenceSweeper::stop()
{
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _stopping = true;
    }
    _wake.notify_all();
    if (_thread.joinable())
        _thread.join();
}

void PresenceSweeper::run()
{
    pthread_setname_np(pthread_self(), "hchatd-people");
    std::unique_lock<std::mutex> lock(_mutex);
    while (!_wake.wait_for(lock, std::chrono::seconds(1), [this] { return _stopping; }))
    {
        lock.unlock();
        try
        {
            sweepOnce();
        }
        catch (const Poco::Exception& e)
        {
            Poco::Logger::get("hchatd.people").error("presence sweep: %s", e.displayText());
        }
        catch (const std::exception& e)
        {
            Poco::Logger::get("hchatd.people").error("presence sweep: %s", std::string(e.what()));
        }
        lock.lock();
    }
}

void PresenceSweeper::sweepOnce()
{
    const Poco::Timestamp now;
    People::Swept swept = _people.sweep(now);
    for (const auto& [roomId, name] : swept.left)
        _announcer.left(roomId, name);
    _announcer.flush();
    for (const std::string& roomId : swept.changed)
        if (auto room = _rooms.find(roomId))
            room->presenceChanged();
    _people.tellOthers(now);
}

} // namespace hchat
