#include "http/StreamError.h"

#include <Poco/JSON/Object.h>

#include <sstream>

namespace hchat
{

std::string StreamError::gone(std::uint64_t from, std::uint64_t next)
{
    Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
    object.set("type", "error");
    object.set("error", "gone");
    object.set("message", "messages " + std::to_string(from) + " to " + std::to_string(next - 1) +
                              " were deleted by retention; going on from " + std::to_string(next));
    object.set("next", static_cast<Poco::UInt64>(next));
    std::ostringstream out;
    object.stringify(out);
    return out.str();
}

std::string StreamError::historyReset(std::uint64_t from, std::uint64_t next)
{
    Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
    object.set("type", "error");
    object.set("error", "history-reset");
    object.set("message", std::string("the server's shared store lost this room's history") +
                              (from < next ? ", with messages " + std::to_string(from) + " to " +
                                                 std::to_string(next - 1)
                                           : std::string()) +
                              "; the numbering goes on from " + std::to_string(next));
    object.set("next", static_cast<Poco::UInt64>(next));
    std::ostringstream out;
    object.stringify(out);
    return out.str();
}

std::string StreamError::make(const std::string& code, const std::string& message)
{
    Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
    object.set("type", "error");
    object.set("error", code);
    object.set("message", message);
    std::ostringstream out;
    object.stringify(out);
    return out.str();
}

} // namespace hchat
