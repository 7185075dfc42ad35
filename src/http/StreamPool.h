#pragma once

#include <Poco/AutoPtr.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Runnable.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <memory>
#include <string>

namespace hchat
{

class ConnectionGate;

class StreamPool
/// The threads of long-lived streams (WebSocket sessions, SSE streams).
/// Once a stream's handshake is answered, its handler hands the stream over
/// and returns: POCO then frees the request, the response and the session
/// of that connection, with their three 4 KiB buffers, and the HTTP pool's
/// thread goes back to serving requests. The stream keeps one thread of its
/// own with blocking I/O, as before; it just no longer carries the HTTP
/// machinery it will not use again (issue 6: ~12 KiB less per connection).
///
/// A handed-over connection stays counted by the HTTP ConnectionGate, per
/// address and toward http.maxThreads (which count() adds to), until its
/// stream ends. Thread-safe.
{
public:
    StreamPool(int maxThreads, int stackBytes, Poco::AutoPtr<ConnectionGate> gate);
    ~StreamPool();
    StreamPool(const StreamPool&) = delete;
    StreamPool& operator=(const StreamPool&) = delete;

    void start(std::unique_ptr<Poco::Runnable> stream, const Poco::Net::StreamSocket& connection);
    /// Runs stream->run() on a thread of the pool, then deletes the stream.
    /// stream->run() must not throw. connection: the socket the gate
    /// accepted (the HTTP session's, before any hand-over), which stays
    /// counted until the stream ends. If no thread can be had (the gate
    /// keeps that from happening), the stream runs on the calling thread.

    int count() const { return _count.load(std::memory_order_relaxed); }
    /// Streams running now.

    void joinAll();
    /// Waits for every stream to end; the caller has made them end (closed
    /// the rooms, which rings every stream's bell).

private:
    class Job;
    void finished(const Poco::Net::StreamSocket& connection);

    Poco::ThreadPool _threads;
    Poco::AutoPtr<ConnectionGate> _gate;
    std::atomic<int> _count{0};
};

} // namespace hchat
