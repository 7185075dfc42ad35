#pragma once

#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>

#include <mutex>
#include <string>
#include <unordered_map>

namespace hchat
{

class RateLimiter
/// A token bucket per person (client id, or address without one): `rate`
/// tokens per second, at most `burst` saved up. Shared by every transport so
/// a person has one budget however they connect. rate 0 turns it off.
/// Thread-safe: _mutex guards _buckets.
{
public:
    RateLimiter(double rate, double burst);

    bool tryAcquire(const std::string& key, const Poco::Timestamp& now, Poco::Timespan& retryAfter);
    /// Takes a token. When there is none, returns false and sets retryAfter to
    /// the time until the next one.

    bool enabled() const { return _rate > 0; }

private:
    struct Bucket
    {
        double tokens;
        Poco::Timestamp updated;
    };

    void prune(const Poco::Timestamp& now);

    const double _rate;
    const double _burst;
    std::mutex _mutex;
    std::unordered_map<std::string, Bucket> _buckets;
};

} // namespace hchat
