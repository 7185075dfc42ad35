#include "redis/RedisConnection.h"

#include <Poco/Exception.h>
#include <Poco/NumberParser.h>

#include <hiredis/hiredis.h>

#include <poll.h>
#include <sys/time.h>

namespace hchat
{

namespace
{

timeval toTimeval(Poco::Timespan span)
{
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(span.totalSeconds());
    tv.tv_usec = static_cast<suseconds_t>(span.useconds());
    return tv;
}

} // namespace

RedisConnection::RedisConnection(const std::string& address, const std::string& password,
                                 Poco::Timespan timeout)
    : _address(address)
{
    const std::size_t colon = address.rfind(':');
    int port = 0;
    if (colon == std::string::npos ||
        !Poco::NumberParser::tryParse(address.substr(colon + 1), port) || port <= 0 || port > 65535)
        throw Poco::InvalidArgumentException("not a host:port", address);
    const std::string host = address.substr(0, colon);
    _context = redisConnectWithTimeout(host.c_str(), port, toTimeval(timeout));
    if (_context == nullptr)
        throw Poco::IOException("Redis at " + address + ": out of memory");
    try
    {
        if (_context->err != 0)
            fail("cannot connect");
        redisSetTimeout(_context, toTimeval(timeout));
        if (!password.empty())
            command({"AUTH", password});
    }
    catch (...)
    {
        redisFree(_context); // no destructor runs for a constructor that throws
        throw;
    }
}

RedisConnection::~RedisConnection()
{
    if (_context != nullptr)
        redisFree(_context);
}

void RedisConnection::fail(const std::string& what)
{
    _broken = true;
    throw Poco::IOException("Redis at " + _address + ": " + what + ": " + _context->errstr);
}

RedisConnection::Reply RedisConnection::take(void* raw)
{
    struct Free
    {
        void* reply;
        ~Free() { freeReplyObject(reply); }
    } owned{raw};
    std::string error;
    // Depth-first copy; an error anywhere in it is the command's error.
    struct Copy
    {
        static Reply of(const redisReply& r, std::string& error)
        {
            Reply out;
            switch (r.type)
            {
            case REDIS_REPLY_INTEGER:
                out.type = Reply::Type::Integer;
                out.integer = r.integer;
                break;
            case REDIS_REPLY_STRING:
            case REDIS_REPLY_STATUS:
                out.type = Reply::Type::Text;
                out.text.assign(r.str, r.len);
                break;
            case REDIS_REPLY_ERROR:
                error.assign(r.str, r.len);
                break;
            case REDIS_REPLY_ARRAY:
                out.type = Reply::Type::List;
                out.elements.reserve(r.elements);
                for (std::size_t i = 0; i < r.elements; ++i)
                    out.elements.push_back(of(*r.element[i], error));
                break;
            default:
                break;
            }
            return out;
        }
    };
    Reply reply = Copy::of(*static_cast<redisReply*>(raw), error);
    if (!error.empty())
        throw Poco::RuntimeException("Redis: " + error);
    return reply;
}

RedisConnection::Reply RedisConnection::command(const std::vector<std::string>& args)
{
    send(args);
    return reply();
}

RedisConnection::Reply RedisConnection::reply()
{
    if (_broken)
        throw Poco::IOException("Redis at " + _address + ": the connection failed before");
    void* raw = nullptr;
    if (redisGetReply(_context, &raw) != REDIS_OK || raw == nullptr)
        fail("no answer");
    return take(raw);
}

void RedisConnection::send(const std::vector<std::string>& args)
{
    if (_broken)
        throw Poco::IOException("Redis at " + _address + ": the connection failed before");
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (const std::string& arg : args)
    {
        argv.push_back(arg.data());
        lengths.push_back(arg.size());
    }
    if (redisAppendCommandArgv(_context, static_cast<int>(argv.size()), argv.data(),
                               lengths.data()) != REDIS_OK)
        fail("cannot send");
}

bool RedisConnection::receive(Reply& out, Poco::Timespan wait)
{
    if (_broken)
        throw Poco::IOException("Redis at " + _address + ": the connection failed before");
    void* reply = nullptr;
    // What is written but not yet flushed goes first; a reply already read
    // into hiredis's buffer needs no wait.
    int done = 0;
    while (done == 0)
        if (redisBufferWrite(_context, &done) != REDIS_OK)
            fail("cannot send");
    if (redisGetReplyFromReader(_context, &reply) != REDIS_OK)
        fail("bad reply");
    if (reply == nullptr)
    {
        pollfd ready{_context->fd, POLLIN, 0};
        const int polled = ::poll(&ready, 1, static_cast<int>(wait.totalMilliseconds()));
        if (polled <= 0) // nothing yet, or a signal: the caller asks again
            return false;
        if (redisGetReply(_context, &reply) != REDIS_OK || reply == nullptr)
            fail("connection lost");
    }
    out = take(reply);
    return true;
}

} // namespace hchat
