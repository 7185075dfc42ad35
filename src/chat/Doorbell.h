#pragma once

namespace hchat
{

class Doorbell
/// Wakes a connection thread that waits in poll() on its socket and on this
/// bell at once (a WebSocket reads its client and delivers the room's
/// messages from one thread). A Linux eventfd: ring() never blocks, and
/// rings while nobody listens are kept until clear().
/// Thread-safe: ring() from any thread; clear() and fd() by the owner.
{
public:
    Doorbell();
    ~Doorbell();
    Doorbell(const Doorbell&) = delete;
    Doorbell& operator=(const Doorbell&) = delete;

    void ring();
    void clear();
    int fd() const { return _fd; }

private:
    int _fd;
};

} // namespace hchat
