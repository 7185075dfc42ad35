#include "redis/RedisFeed.h"

#include <Poco/Exception.h>

#include <algorithm>

namespace hchat
{

RedisFeed::RedisFeed(RedisRouter& router, std::string channel, Received received, Resumed resumed,
                     Poco::Timespan timeout)
    : _router(router), _channel(std::move(channel)), _received(std::move(received)),
      _resumed(std::move(resumed)), _timeout(timeout), _log(Poco::Logger::get("hchatd.redis"))
{
}

RedisFeed::~RedisFeed()
{
    stop();
}

void RedisFeed::start()
{
    _thread = std::thread([this] { run(); });
}

bool RedisFeed::waitSubscribed(Poco::Timespan timeout)
{
    std::unique_lock<std::mutex> lock(_mutex);
    return _changed.wait_for(lock, std::chrono::microseconds(timeout.totalMicroseconds()),
                             [this] { return _subscribed || _stopping; }) &&
           _subscribed;
}

void RedisFeed::stop()
{
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _stopping = true;
    }
    _changed.notify_all();
    if (_thread.joinable())
        _thread.join();
}

bool RedisFeed::pause(Poco::Timespan span)
{
    std::unique_lock<std::mutex> lock(_mutex);
    _changed.wait_for(lock, std::chrono::microseconds(span.totalMicroseconds()),
                      [this] { return _stopping; });
    return !_stopping;
}

void RedisFeed::run()
{
    // A subscription that ends within `brief` of being made (Redis shutting
    // down, refusing) counts as still failing: no back-off reset, no new
    // error line.
    const Poco::Timespan brief(5, 0);
    Poco::Timespan backOff(0, 100000);
    bool failing = false;
    std::size_t attempt = 0;
    for (;; ++attempt)
    {
        Poco::Timestamp subscribedAt(0);
        const std::vector<RedisPool*> servers = _router.servers();
        RedisPool& pool = *servers[attempt % servers.size()];
        try
        {
            std::unique_ptr<RedisConnection> connection = pool.connect();
            connection->command({"SUBSCRIBE", _channel});
            subscribedAt.update();
            {
                std::lock_guard<std::mutex> lock(_mutex);
                if (_stopping)
                    return;
                _subscribed = true;
            }
            _changed.notify_all();
            if (failing)
                _log.information("Redis at %s: subscribed again", pool.address());
            follow(*connection, pool.address());
            return; // stopped
        }
        catch (const Poco::Exception& e)
        {
            // The others' connections are likely to the same lost server:
            // what reads what was missed must not fail on one of them first.
            pool.dropIdle();
            const bool lasted = subscribedAt.epochMicroseconds() != 0 &&
                                subscribedAt.isElapsed(brief.totalMicroseconds());
            if (lasted)
            {
                backOff = Poco::Timespan(0, 100000);
                failing = false;
            }
            if (!failing)
                _log.error("Redis feed at %s: %s; subscribing again", pool.address(),
                           e.displayText());
            failing = true;
        }
        {
            std::lock_guard<std::mutex> lock(_mutex);
            _subscribed = false;
        }
        if (!pause(backOff))
            return;
        backOff = std::min(backOff + backOff, Poco::Timespan(5, 0));
    }
}

void RedisFeed::follow(RedisConnection& connection, const std::string& address)
{
    const Poco::Timespan tick(1, 0);
    Poco::Timestamp heard, pingedAt;
    bool pinged = false;
    // What was missed is read once the subscription is in place. A read
    // that fails (in a cluster, the slots of a master that is gone are not
    // yet taken over) is tried again while the subscription stays: what is
    // published meanwhile still arrives.
    Poco::Timestamp resumeAt;
    Poco::Timespan resumeBackOff(0, 100000);
    bool resumed = false, resumeFailed = false;
    for (;;)
    {
        {
            std::lock_guard<std::mutex> lock(_mutex);
            if (_stopping)
                return;
        }
        Poco::Timespan wait = tick;
        if (!resumed)
        {
            if (resumeAt.isElapsed(0))
            {
                resumed = resume(resumeFailed);
                resumeAt = Poco::Timestamp() + resumeBackOff.totalMicroseconds();
                resumeBackOff = std::min(resumeBackOff + resumeBackOff, Poco::Timespan(2, 0));
            }
            if (!resumed)
                wait = std::min(wait, Poco::Timespan(std::max<Poco::Timestamp::TimeDiff>(
                                          0, resumeAt - Poco::Timestamp())));
        }
        RedisConnection::Reply reply;
        if (!connection.receive(reply, wait))
        {
            if (pinged && pingedAt.isElapsed(_timeout.totalMicroseconds()))
                throw Poco::TimeoutException("Redis at " + address +
                                             ": the subscription went silent");
            if (!pinged && heard.isElapsed(tick.totalMicroseconds()))
            {
                connection.send({"PING"});
                pingedAt.update();
                pinged = true;
            }
            continue;
        }
        heard.update();
        pinged = false;
        if (reply.type == RedisConnection::Reply::Type::List && reply.elements.size() == 3 &&
            reply.elements[0].text == "message")
            _received(reply.elements[2].text);
    }
}

bool RedisFeed::resume(bool& failedBefore)
{
    std::string error;
    try
    {
        _resumed();
        if (failedBefore)
            _log.information("Redis feed: read what was missed");
        failedBefore = false;
        return true;
    }
    catch (const Poco::Exception& e)
    {
        error = e.displayText();
    }
    catch (const std::exception& e)
    {
        error = e.what();
    }
    if (!failedBefore)
        _log.error("Redis feed: reading what was missed failed: %s; trying again", error);
    failedBefore = true;
    return false;
}

} // namespace hchat
