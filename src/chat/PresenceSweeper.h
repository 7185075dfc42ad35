#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

namespace hchat
{

class Announcer;
class People;
class RoomRegistry;

class PresenceSweeper
/// The thread "hchatd-people": once a second it ends the stays whose grace
/// period or poll window is over (writing their leave entries) and wakes
/// the live connections of every room whose list of people changed, which
/// then send a presence frame. Once a second at most, so 10,000 people
/// arriving at once cost each connection one frame a second, not 10,000.
/// On a shared store it then tells the other daemons (People::tellOthers).
/// Thread-safe: start() and stop() from the application's thread.
{
public:
    PresenceSweeper(People& people, Announcer& announcer, RoomRegistry& rooms);
    ~PresenceSweeper();

    void start();
    void stop();
    /// Returns when the thread has ended; writes no more leave entries.

    void sweepOnce();
    /// One round, on the caller's thread (tests, and the thread's loop).

private:
    void run();

    People& _people;
    Announcer& _announcer;
    RoomRegistry& _rooms;
    std::mutex _mutex;
    std::condition_variable _wake;
    bool _stopping = false; ///< guarded by _mutex
    std::thread _thread;
};

} // namespace hchat
