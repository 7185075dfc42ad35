#pragma once

#include "chat/Message.h"
#include "store/RoomRecord.h"

#include <string>

namespace hchat
{

class StoreListener
/// Told by a Store about changes made by someone else: another node sharing
/// the same store (Redis) created a room or appended a message. The local
/// registry implements it to wake its local readers. A store that is not
/// shared never calls it.
{
public:
    virtual ~StoreListener() = default;
    virtual void remoteRoomCreated(const RoomRecord& room) = 0;
    virtual void remoteMessageAppended(const std::string& roomId, const MessagePtr& message) = 0;
};

} // namespace hchat
