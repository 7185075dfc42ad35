#include "redis/RedisPool.h"

namespace hchat
{

RedisPool::RedisPool(std::string address, std::string password, Poco::Timespan timeout,
                     std::size_t idle)
    : _address(std::move(address)), _password(std::move(password)), _timeout(timeout),
      _idleLimit(idle)
{
}

RedisPool::Lease::Lease(RedisPool& pool, std::unique_ptr<RedisConnection> connection)
    : _pool(pool), _connection(std::move(connection))
{
}

RedisPool::Lease::~Lease()
{
    if (_connection)
        _pool.giveBack(std::move(_connection));
}

RedisPool::Lease RedisPool::lease()
{
    {
        std::lock_guard<std::mutex> lock(_mutex);
        if (!_idle.empty())
        {
            std::unique_ptr<RedisConnection> connection = std::move(_idle.back());
            _idle.pop_back();
            return Lease(*this, std::move(connection));
        }
    }
    return Lease(*this, connect());
}

std::unique_ptr<RedisConnection> RedisPool::connect() const
{
    return std::make_unique<RedisConnection>(_address, _password, _timeout);
}

void RedisPool::dropIdle()
{
    std::lock_guard<std::mutex> lock(_mutex);
    _idle.clear();
}

void RedisPool::giveBack(std::unique_ptr<RedisConnection> connection)
{
    if (connection->broken())
        return;
    std::lock_guard<std::mutex> lock(_mutex);
    if (_idle.size() < _idleLimit)
        _idle.push_back(std::move(connection));
}

} // namespace hchat
