#pragma once

#include <Poco/AutoPtr.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Runnable.h>
#include <Poco/ThreadPool.h>

#include <memory>
#include <string>

namespace hchat
{

class ConnectionGate;

class StreamPool
/// The threads of long-lived streams (WebSocket sessions, SSE streams).
/// Once a stream's handshake is answered, its handler hands the stream over
/// and returns, so POCO frees that connection's request, response and
/// session buffers and the HTTP thread serves requests again; the stream
/// keeps a thread of its own. A handed-over connection stays counted by the
/// HTTP ConnectionGate, per address and toward http.maxThreads, until its
/// stream ends. Thread-safe.
{
public:
    StreamPool(int maxThreads, int stackBytes, int idleSeconds, Poco::AutoPtr<ConnectionGate> gate);
    ~StreamPool();
    StreamPool(const StreamPool&) = delete;
    StreamPool& operator=(const StreamPool&) = delete;

    void start(std::unique_ptr<Poco::Runnable> stream, const Poco::Net::StreamSocket& connection);
    /// Runs stream->run() on a thread of the pool, then deletes the stream.
    /// stream->run() must not throw. connection: the socket the gate
    /// accepted (the HTTP session's, before any hand-over), which stays
    /// counted until the stream ends. If no thread can be had (the gate
    /// keeps that from happening), the stream runs on the calling thread.

    void collect();
    /// Ends the threads idle for idleSeconds or more.

    void joinAll();
    /// Waits for every stream to end; the caller has made them end (closed
    /// the rooms, which rings every stream's bell).

private:
    class Job;
    void finished(const Poco::Net::StreamSocket& connection);

    Poco::ThreadPool _threads;
    Poco::AutoPtr<ConnectionGate> _gate;
};

} // namespace hchat
