#pragma once

#include <Poco/Timestamp.h>

#include <string>

namespace hchat
{

struct RoomRecord
/// What is stored about a room besides its messages. Everything but
/// lastActivity is fixed at creation.
{
    std::string id;      ///< 32 lowercase hex characters
    std::string subject; ///< UTF-8, trimmed, at most 200 bytes, may be empty
    bool isPublic = false;
    Poco::Timestamp created;
    Poco::Timestamp lastActivity; ///< the time of its last message (or created) when read
};

} // namespace hchat
