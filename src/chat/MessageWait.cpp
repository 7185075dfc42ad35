#include "chat/MessageWait.h"

#include <poll.h>

namespace hchat
{

MessageWait::MessageWait(std::uint64_t number, Deliver deliver)
    : _number(number), _deliver(std::move(deliver))
{
}

void MessageWait::offer(const MessagePtr& message)
{
    if (_settled.exchange(true))
        return;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        if (!_open)
            return; // the owner woke by itself and answers
        if (message)
            _delivered = _deliver(message);
        if (_delivered)
            return;
    }
    _bell.ring();
}

int MessageWait::wait(int socket, int timeoutMs)
{
    pollfd watched{socket, POLLIN, 0};
    return _bell.wait(&watched, 1, timeoutMs);
}

bool MessageWait::finish()
{
    std::lock_guard<std::mutex> lock(_mutex);
    _open = false;
    return _delivered;
}

} // namespace hchat
