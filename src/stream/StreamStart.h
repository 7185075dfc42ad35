#pragma once

#include "chat/ChatActions.h"

#include <cstdint>
#include <memory>
#include <string>

namespace hchat
{

class Room;

struct StreamStart
/// Where and as whom a stream (SSE, WebSocket) starts, as its handler read
/// it from the request.
{
    std::shared_ptr<Room> room;
    std::uint64_t from = 0;   ///< the first message to send
    ChatActions::Actor actor; ///< the person (the stream's key), whose rate limit, the peer
    std::string wantedNick;   ///< ?nick=, may be empty
    bool watching = false;    ///< ?watch=1: reads the room without being in it
    int sendTimeout = 10;     ///< seconds a write may wait for the client
};

} // namespace hchat
