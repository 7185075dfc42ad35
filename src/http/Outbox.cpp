#include "http/Outbox.h"

#include "http/SocketSend.h"

namespace hchat
{

namespace
{
// Messages a publisher sends in one go. A client further behind than this
// is its own thread's work: a publisher serves everyone in the room.
const std::size_t publisherSlice = 16;
} // namespace

Outbox::Outbox(int socket, std::shared_ptr<Room> room, std::uint64_t from, Format format)
    : _socket(socket), _format(std::move(format)), _cursor(std::move(room), from)
{
}

bool Outbox::deliverNow() noexcept
{
    std::unique_lock<std::mutex> lock(_mutex, std::try_to_lock);
    if (!lock.owns_lock() || !_open || !_unsent.empty())
        return false;
    try
    {
        // Far behind, the messages may have to be read from the store:
        // that is the owner's work, not every publisher's.
        if (_cursor.lag() > publisherSlice)
            return false;
        Cursor::Slice slice = _cursor.take(publisherSlice);
        if (slice.messages.empty() && !slice.skipped)
            return true; // the owner or another publisher sent them already
        // One buffer per publishing thread, reused for every connection.
        thread_local std::string out;
        out.clear();
        _format(slice, out);
        if (!SocketSend::withoutWaiting(_socket, out, _unsent))
        {
            // The client is gone; its thread finds out by itself.
            _open = false;
            return false;
        }
        if (out.capacity() > 64 * 1024)
            std::string().swap(out);
        return _unsent.empty();
    }
    catch (...)
    {
        // A store error reading behind the window, or out of memory: the
        // owner's thread meets it again and can answer it.
        return false;
    }
}

std::unique_lock<std::mutex> Outbox::claim()
{
    std::unique_lock<std::mutex> lock(_mutex);
    if (!_unsent.empty())
    {
        SocketSend::all(_socket, _unsent.data(), _unsent.size());
        std::string().swap(_unsent);
    }
    return lock;
}

void Outbox::write(const std::string& bytes)
{
    SocketSend::all(_socket, bytes.data(), bytes.size());
}

} // namespace hchat
