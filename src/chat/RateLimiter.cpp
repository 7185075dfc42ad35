#include "chat/RateLimiter.h"

#include "store/Store.h"

#include <Poco/Exception.h>
#include <Poco/Logger.h>

#include <algorithm>
#include <cmath>

namespace hchat
{

namespace
{
// Past this many tracked people, buckets that have refilled are forgotten:
// a full bucket is the same as no bucket, so this loses nothing.
const std::size_t pruneThreshold = 10000;
} // namespace

RateLimiter::RateLimiter(double rate, double burst, double peoplePerAddress)
    : _rate(rate), _burst(std::max(1.0, burst)), _peoplePerAddress(peoplePerAddress)
{
}

bool RateLimiter::tryAcquire(const std::string& key, const Poco::Timestamp& now,
                             Poco::Timespan& retryAfter)
{
    return take(key, 1, now, retryAfter);
}

bool RateLimiter::tryAcquireForAddress(const std::string& key, const Poco::Timestamp& now,
                                       Poco::Timespan& retryAfter)
{
    return _peoplePerAddress <= 0 || take(key, _peoplePerAddress, now, retryAfter);
}

void RateLimiter::share(Store& store)
{
    _shared = &store;
}

bool RateLimiter::take(const std::string& key, double people, const Poco::Timestamp& now,
                       Poco::Timespan& retryAfter)
{
    if (_rate <= 0)
        return true;
    const double rate = _rate * people;
    const double burst = std::max(1.0, _burst * people);
    if (_shared)
    {
        try
        {
            const bool taken = _shared->takeToken(key, rate, burst, retryAfter);
            if (_sharedLost.exchange(false))
                Poco::Logger::get("hchatd.limits").information("rate limits are shared again");
            return taken;
        }
        catch (const Poco::Exception& e)
        {
            // Out of reach: this daemon's own bucket limits meanwhile; said
            // once per outage, not per send.
            if (!_sharedLost.exchange(true))
                Poco::Logger::get("hchatd.limits")
                    .warning("rate limits are counted on this daemon only until the shared "
                             "store answers again: %s",
                             e.displayText());
        }
    }
    std::lock_guard<std::mutex> lock(_mutex);
    if (_buckets.size() >= pruneThreshold)
        prune(now);
    auto it = _buckets.find(key);
    if (it == _buckets.end())
        it = _buckets.emplace(key, Bucket{burst, now, people}).first;
    Bucket& bucket = it->second;
    double elapsed = static_cast<double>(now - bucket.updated) / 1e6;
    if (elapsed > 0)
    {
        bucket.tokens = std::min(burst, bucket.tokens + elapsed * rate);
        bucket.updated = now;
    }
    if (bucket.tokens >= 1.0)
    {
        bucket.tokens -= 1.0;
        return true;
    }
    double wait = (1.0 - bucket.tokens) / rate;
    retryAfter = Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(std::ceil(wait * 1e6)));
    return false;
}

void RateLimiter::prune(const Poco::Timestamp& now)
{
    for (auto it = _buckets.begin(); it != _buckets.end();)
    {
        double elapsed = static_cast<double>(now - it->second.updated) / 1e6;
        const double people = it->second.people;
        if (it->second.tokens + elapsed * _rate * people >= std::max(1.0, _burst * people))
            it = _buckets.erase(it);
        else
            ++it;
    }
}

} // namespace hchat
