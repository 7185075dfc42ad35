#include "redis/RedisAnswerLost.h"

#include <typeinfo>

namespace hchat
{

POCO_IMPLEMENT_EXCEPTION(RedisAnswerLost, Poco::IOException, "Redis's answer was lost")

} // namespace hchat
