#pragma once

#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>

#include <atomic>
#include <mutex>
#include <string>
#include <unordered_map>

namespace hchat
{

class Store;

class RateLimiter
/// A token bucket per person (client id, or address without one): `rate`
/// tokens per second, at most `burst` saved up. Shared by every transport so
/// a person has one budget however they connect. rate 0 turns it off.
/// Thread-safe: _mutex guards _buckets; _shared is set before use.
{
public:
    RateLimiter(double rate, double burst, double peoplePerAddress = 0);
    /// peoplePerAddress (limits.peoplePerAddress): the budget of an
    /// address's buckets, in people; 0: addresses have none.

    bool tryAcquire(const std::string& key, const Poco::Timestamp& now, Poco::Timespan& retryAfter);
    /// Takes a token. When there is none, returns false and sets retryAfter to
    /// the time until the next one.

    bool tryAcquireForAddress(const std::string& key, const Poco::Timestamp& now,
                              Poco::Timespan& retryAfter);
    /// The same from a bucket shared by everyone at one address (key names
    /// the address and what is spent): peoplePerAddress times the rate and
    /// the burst, so people made up at one address share one budget.

    bool enabled() const { return _rate > 0; }

    void share(Store& store);
    /// A shared store (several daemons): the buckets are kept there
    /// (Store::takeToken), so a person has one budget on every daemon; this
    /// daemon's own buckets count only while the store is out of reach.
    /// Before any call from other threads.

private:
    struct Bucket
    {
        double tokens;
        Poco::Timestamp updated;
        double people; ///< how many people's rate and burst it has
    };

    bool take(const std::string& key, double people, const Poco::Timestamp& now,
              Poco::Timespan& retryAfter);

    void prune(const Poco::Timestamp& now);

    const double _rate;
    const double _burst;
    const double _peoplePerAddress;
    std::mutex _mutex;
    std::unordered_map<std::string, Bucket> _buckets;
    std::atomic<bool> _sharedLost{false}; ///< the shared store failed last: logged once
    Store* _shared = nullptr;
};

} // namespace hchat
