#include "redis/RedisScript.h"

#include <Poco/DigestEngine.h>
#include <Poco/Exception.h>
#include <Poco/SHA1Engine.h>

namespace hchat
{

RedisScript::RedisScript(std::string source) : _source(std::move(source))
{
    Poco::SHA1Engine engine;
    engine.update(_source);
    _sha = Poco::DigestEngine::digestToHex(engine.digest());
}

RedisConnection::Reply RedisScript::run(RedisConnection& connection,
                                        std::vector<std::string> args) const
{
    args.insert(args.begin(), {"EVALSHA", _sha});
    try
    {
        return connection.command(args);
    }
    catch (const Poco::RuntimeException& e)
    {
        if (e.message().find("NOSCRIPT") == std::string::npos)
            throw;
    }
    args[0] = "EVAL";
    args[1] = _source;
    return connection.command(args);
}

} // namespace hchat
