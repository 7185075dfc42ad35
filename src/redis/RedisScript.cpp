#include "redis/RedisScript.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA1Engine.h>

namespace hchat
{

RedisScript::RedisScript(std::string source) : _source(std::move(source))
{
    Poco::SHA1Engine engine;
    engine.update(_source);
    _sha = Poco::DigestEngine::digestToHex(engine.digest());
}

} // namespace hchat
