#pragma once

#include "redis/RedisRouter.h"

#include <Poco/Logger.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace hchat
{

class RedisFeed
/// This daemon's one subscription (SPEC §12: once per node, not per room
/// or connection): a thread of its own SUBSCRIBEs to one channel and hands
/// every message published there to `received`, in Redis's order. A
/// connection silent for a second is PINGed and given up after `timeout`
/// without an answer; a lost one is made again with back-off (0.1 s doubling to
/// 5 s), at the next of the router's servers() each time (in a cluster,
/// another master when the first is gone; else the one server again), and
/// `resumed` is called after each subscription is in place, the first
/// included: what was published meanwhile was missed and must be read from
/// the keys. When `resumed` throws (the keys are out of reach while the
/// channel is not) it is called again, 0.1 s doubling to 2 s, while the
/// subscription stays and hands on what arrives. The callbacks run on the
/// feed's thread, one at a time.
{
public:
    using Received = std::function<void(const std::string& payload)>;
    using Resumed = std::function<void()>;

    RedisFeed(RedisRouter& router, std::string channel, Received received, Resumed resumed,
              Poco::Timespan timeout);
    ~RedisFeed();
    /// Stops the thread (stop()).

    void start();
    bool waitSubscribed(Poco::Timespan timeout);
    /// Whether the subscription is in place (or came to be within timeout).
    void stop();
    /// Ends the subscription; no callback runs once it returns.

private:
    void run();
    void follow(RedisConnection& connection, const std::string& address);
    bool resume(bool& failedBefore);
    /// Calls `resumed`; false (logged the first time) when it threw.
    bool pause(Poco::Timespan span);

    RedisRouter& _router;
    const std::string _channel;
    Received _received;
    Resumed _resumed;
    const Poco::Timespan _timeout;
    Poco::Logger& _log;
    std::mutex _mutex;
    std::condition_variable _changed;
    bool _stopping = false;
    bool _subscribed = false;
    std::thread _thread;
};

} // namespace hchat
