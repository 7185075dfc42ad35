#pragma once

#include <Poco/Exception.h>

namespace hchat
{

POCO_DECLARE_EXCEPTION(, RedisAnswerLost, Poco::IOException)
/// A command went out to Redis and its answer did not come back (the
/// connection broke, or the answer took longer than the timeout): unlike
/// any other Poco::IOException of RedisRouter, the command may have run.

} // namespace hchat
