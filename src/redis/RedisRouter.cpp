#include "redis/RedisRouter.h"

#include "redis/RedisAnswerLost.h"
#include "redis/RedisScript.h"

#include <Poco/Exception.h>
#include <Poco/String.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

namespace hchat
{

namespace
{

const std::size_t slotCount = 16384;
const int tries = 5;

bool startsWith(const std::string& text, const std::string& prefix)
{
    return text.compare(0, prefix.size(), prefix) == 0;
}

} // namespace

RedisRouter::RedisRouter(std::string address, std::string password, Poco::Timespan timeout,
                         bool cluster)
    : _password(std::move(password)), _timeout(timeout), _cluster(cluster),
      _seed(std::make_unique<RedisPool>(std::move(address), _password, _timeout))
{
    if (_cluster)
        readSlots();
}

std::uint16_t RedisRouter::slotOf(const std::string& key)
{
    std::size_t begin = 0, length = key.size();
    const std::size_t open = key.find('{');
    if (open != std::string::npos)
    {
        const std::size_t close = key.find('}', open + 1);
        if (close != std::string::npos && close > open + 1)
        {
            begin = open + 1;
            length = close - open - 1;
        }
    }
    std::uint16_t crc = 0;
    for (std::size_t i = begin; i < begin + length; ++i)
    {
        crc ^= static_cast<std::uint16_t>(static_cast<unsigned char>(key[i]) << 8);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 0x8000) ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021)
                                 : static_cast<std::uint16_t>(crc << 1);
    }
    return static_cast<std::uint16_t>(crc % slotCount);
}

const std::string* RedisRouter::keyOf(const std::vector<std::string>& args)
{
    if (args.size() < 2)
        return nullptr;
    const std::string command = Poco::toUpper(args[0]);
    if (command == "EVAL" || command == "EVALSHA")
        return args.size() > 3 && args[2] != "0" ? &args[3] : nullptr;
    if (command == "PUBLISH" || command == "PING" || command == "ASKING" || command == "CLUSTER")
        return nullptr;
    return &args[1];
}

RedisPool& RedisRouter::poolAt(const std::string& address)
{
    // Under _mutex.
    if (address == _seed->address())
        return *_seed;
    auto& pool = _pools[address];
    if (!pool)
        pool = std::make_unique<RedisPool>(address, _password, _timeout);
    return *pool;
}

std::vector<RedisPool*> RedisRouter::servers()
{
    std::vector<RedisPool*> out{_seed.get()};
    if (!_cluster)
        return out;
    std::lock_guard<std::mutex> lock(_mutex);
    for (const auto& [address, pool] : _pools)
        out.push_back(pool.get());
    return out;
}

RedisPool& RedisRouter::poolFor(const std::string* key)
{
    if (!_cluster || !key)
        return *_seed;
    std::lock_guard<std::mutex> lock(_mutex);
    RedisPool* pool = _slots.empty() ? nullptr : _slots[slotOf(*key)];
    return pool ? *pool : *_seed; // unknown: the seed answers MOVED
}

void RedisRouter::readSlots()
{
    std::vector<RedisPool*> known;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        known.push_back(_seed.get());
        for (const auto& [address, pool] : _pools)
            known.push_back(pool.get());
    }
    std::string failures;
    for (RedisPool* pool : known)
    {
        RedisConnection::Reply map;
        try
        {
            map = pool->lease()->command({"CLUSTER", "SLOTS"});
        }
        catch (const Poco::Exception& e)
        {
            failures += "; " + e.message();
            continue;
        }
        std::lock_guard<std::mutex> lock(_mutex);
        _slots.assign(slotCount, nullptr);
        // Each range: {first, last, {host, port, id}, replicas...}
        for (const RedisConnection::Reply& range : map.elements)
        {
            if (range.elements.size() < 3 || range.elements[2].elements.size() < 2)
                continue;
            const auto& master = range.elements[2].elements;
            RedisPool& owner = poolAt(master[0].text + ":" + std::to_string(master[1].integer));
            for (long long slot = range.elements[0].integer;
                 slot <= range.elements[1].integer && slot < static_cast<long long>(slotCount);
                 ++slot)
                _slots[static_cast<std::size_t>(slot)] = &owner;
        }
        return;
    }
    throw Poco::IOException("Redis Cluster: no server told its slots" + failures);
}

RedisPool& RedisRouter::elsewhere(const RedisPool& unreachable, const std::string* key)
{
    if (!key)
    {
        const std::vector<RedisPool*> all = servers();
        const auto at = std::find(all.begin(), all.end(), &unreachable);
        return at == all.end() || at + 1 == all.end() ? *all.front() : **(at + 1);
    }
    try
    {
        readSlots();
    }
    catch (const Poco::Exception&)
    {
        // No server answers: the command's next try fails as this one did.
    }
    RedisPool& now = poolFor(key);
    if (&now == &unreachable) // not failed over yet: a replica takes seconds
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return now;
}

RedisConnection::Reply RedisRouter::command(const std::vector<std::string>& args)
{
    RedisPool* target = _cluster ? &poolFor(keyOf(args)) : _seed.get();
    bool asking = false;
    for (int attempt = 1;; ++attempt)
    {
        std::optional<RedisPool::Lease> leased;
        try
        {
            leased.emplace(target->lease());
        }
        catch (const Poco::IOException&)
        {
            // Not sent, so safe to send elsewhere: in a cluster its slots
            // may have another master now (a failover).
            if (!_cluster || attempt >= tries)
                throw;
            target = &elsewhere(*target, keyOf(args));
            continue;
        }
        try
        {
            RedisPool::Lease& connection = *leased;
            if (asking)
                connection->command({"ASKING"});
            return connection->command(args);
        }
        catch (const Poco::IOException& e)
        {
            throw RedisAnswerLost(e.message()); // sent, perhaps done: not sent again
        }
        catch (const Poco::RuntimeException& e)
        {
            // "Redis: MOVED <slot> <host:port>", "Redis: ASK <slot> <host:port>"
            const std::string& text = e.message();
            const bool moved = startsWith(text, "Redis: MOVED ");
            const bool ask = startsWith(text, "Redis: ASK ");
            const bool again =
                startsWith(text, "Redis: TRYAGAIN") || startsWith(text, "Redis: CLUSTERDOWN");
            if (!_cluster || attempt >= tries || !(moved || ask || again))
                throw;
            asking = ask;
            if (again)
            {
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
                target = &poolFor(keyOf(args));
                continue;
            }
            const std::string address = text.substr(text.rfind(' ') + 1);
            {
                std::lock_guard<std::mutex> lock(_mutex);
                target = &poolAt(address);
            }
            if (moved)
                readSlots(); // a slot moved for good: the map is old
        }
    }
}

RedisConnection::Reply RedisRouter::run(const RedisScript& script, std::vector<std::string> args)
{
    args.insert(args.begin(), {"EVALSHA", script.sha()});
    try
    {
        return command(args);
    }
    catch (const Poco::IOException&)
    {
        throw;
    }
    catch (const Poco::RuntimeException& e)
    {
        if (e.message().find("NOSCRIPT") == std::string::npos)
            throw;
    }
    args[0] = "EVAL";
    args[1] = script.source();
    return command(args);
}

std::vector<RedisConnection::Reply>
RedisRouter::runEach(const RedisScript& script, const std::vector<std::vector<std::string>>& calls)
{
    std::vector<std::vector<std::string>> commands;
    commands.reserve(calls.size());
    std::map<RedisPool*, std::vector<std::size_t>> byServer;
    for (std::size_t i = 0; i < calls.size(); ++i)
    {
        std::vector<std::string> command{"EVALSHA", script.sha()};
        command.insert(command.end(), calls[i].begin(), calls[i].end());
        byServer[_cluster ? &poolFor(keyOf(command)) : _seed.get()].push_back(i);
        commands.push_back(std::move(command));
    }
    std::vector<RedisConnection::Reply> replies(calls.size());
    std::vector<std::size_t> again;
    for (const auto& [server, mine] : byServer)
    {
        std::optional<RedisPool::Lease> leased;
        try
        {
            leased.emplace(server->lease());
        }
        catch (const Poco::IOException&)
        {
            if (!_cluster)
                throw;
            again.insert(again.end(), mine.begin(), mine.end()); // run() finds the master now
            continue;
        }
        RedisPool::Lease& connection = *leased;
        for (std::size_t i : mine)
            connection->send(commands[i]);
        for (std::size_t i : mine)
        {
            try
            {
                replies[i] = connection->reply();
            }
            catch (const Poco::IOException& e)
            {
                // The connection is broken and dropped with its lease.
                throw RedisAnswerLost(e.message());
            }
            catch (const Poco::RuntimeException&)
            {
                again.push_back(i);
            }
        }
    }
    for (std::size_t i : again)
        replies[i] = run(script, calls[i]);
    return replies;
}

} // namespace hchat
