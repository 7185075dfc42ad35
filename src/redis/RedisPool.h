#pragma once

#include "redis/RedisConnection.h"

#include <Poco/Timespan.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hchat
{

class RedisPool
/// Connections to one Redis server for the threads that store and read:
/// a thread leases one for a command or a few and gives it back; a broken
/// one is dropped, so the next lease connects anew (Redis came back). At
/// most `idle` connections are kept between leases. Thread-safe.
{
public:
    RedisPool(std::string address, std::string password, Poco::Timespan timeout,
              std::size_t idle = 32);

    class Lease
    {
    public:
        Lease(RedisPool& pool, std::unique_ptr<RedisConnection> connection);
        ~Lease();
        Lease(Lease&&) = default;
        RedisConnection* operator->() { return _connection.get(); }
        RedisConnection& operator*() { return *_connection; }

    private:
        RedisPool& _pool;
        std::unique_ptr<RedisConnection> _connection;
    };

    Lease lease();
    /// An idle connection, or a new one; throws Poco::IOException when Redis
    /// cannot be reached.

    std::unique_ptr<RedisConnection> connect() const;
    /// A connection of its own, outside the pool (a subscription).

    void dropIdle();
    /// Closes the idle connections (the server went away: they are to the
    /// process that is gone), so the next lease connects anew at once.

    const std::string& address() const { return _address; }

private:
    void giveBack(std::unique_ptr<RedisConnection> connection);

    const std::string _address;
    const std::string _password;
    const Poco::Timespan _timeout;
    const std::size_t _idleLimit;
    std::mutex _mutex;
    std::vector<std::unique_ptr<RedisConnection>> _idle;
};

} // namespace hchat
