#pragma once

#include <Poco/Timespan.h>

#include <string>
#include <vector>

struct redisContext;

namespace hchat
{

class RedisConnection
/// One connection to a Redis server (hiredis, RESP2), used by one thread at
/// a time. hiredis rather than Poco::Redis: a subscription has to wait for
/// its next message with a time limit and go on (to notice a dead server
/// and to stop), which needs the socket; Poco::Redis::Client hides it and
/// leaves a client unusable after a receive timeout.
///
/// Errors: a connection that fails (refused, reset, timed out) throws
/// Poco::IOException and is broken() from then on; an error reply throws
/// Poco::RuntimeException with Redis's text (the connection stays usable).
{
public:
    struct Reply
    {
        enum class Type
        {
            Nil,
            Integer,
            Text, ///< a bulk or a status string
            List
        };
        Type type = Type::Nil;
        long long integer = 0;
        std::string text;
        std::vector<Reply> elements;
    };

    RedisConnection(const std::string& address, const std::string& password,
                    Poco::Timespan timeout);
    /// Connects to address (host:port) and AUTHs when password is not empty,
    /// each step within timeout (also the limit of every later command).
    ~RedisConnection();
    RedisConnection(const RedisConnection&) = delete;
    RedisConnection& operator=(const RedisConnection&) = delete;

    Reply command(const std::vector<std::string>& args);
    /// Sends one command and waits for its reply.

    void send(const std::vector<std::string>& args);
    /// Sends a command without waiting for a reply (SUBSCRIBE, PING while
    /// subscribed, several commands in a row): its replies come through
    /// reply() or receive().

    Reply reply();
    /// Waits for the next reply owed, as command() does. An error reply
    /// throws Poco::RuntimeException and leaves the connection in step.

    bool receive(Reply& reply, Poco::Timespan wait);
    /// The next reply the server pushed or owes; false when none began to
    /// arrive within wait.

    bool broken() const { return _broken; }
    const std::string& address() const { return _address; }

private:
    [[noreturn]] void fail(const std::string& what);
    Reply take(void* reply);

    std::string _address;
    redisContext* _context = nullptr;
    bool _broken = false;
};

} // namespace hchat
