#pragma once

#include <Poco/AutoPtr.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Runnable.h>

#include <condition_variable>
#include <memory>
#include <mutex>

namespace hchat
{

class ConnectionGate;

class StreamPool
/// The threads of long-lived streams (WebSocket sessions, SSE streams).
/// Once a stream's handshake is answered, its handler hands the stream over
/// and returns, so POCO frees that connection's request, response and
/// session buffers and the HTTP thread serves requests again; the stream
/// gets a thread of its own, started for it and ended with it. Not a
/// Poco::ThreadPool: its start() looks through every thread of the pool
/// under one lock, so with 19,000 streams a crowd's handshakes queued
/// behind each other there by the thousand. A handed-over connection stays
/// counted by the HTTP ConnectionGate, per address and toward
/// http.maxThreads, until its stream ends. Thread-safe.
{
public:
    StreamPool(int stackBytes, Poco::AutoPtr<ConnectionGate> gate);
    ~StreamPool();
    StreamPool(const StreamPool&) = delete;
    StreamPool& operator=(const StreamPool&) = delete;

    void start(std::unique_ptr<Poco::Runnable> stream, const Poco::Net::StreamSocket& connection);
    /// Runs stream->run() on a thread of its own, then deletes the stream.
    /// stream->run() must not throw. connection: the socket the gate
    /// accepted (the HTTP session's, before any hand-over), which stays
    /// counted until the stream ends. If no thread can be had (the gate
    /// keeps that from happening), the stream runs on the calling thread.

    void joinAll();
    /// Waits for every stream to end; the caller has made them end (closed
    /// the rooms, which rings every stream's bell).

private:
    struct Job;
    static void* runJob(void* job);
    void finished(const Poco::Net::StreamSocket& connection);

    const int _stackBytes;
    Poco::AutoPtr<ConnectionGate> _gate;
    std::mutex _mutex;
    std::condition_variable _ended;
    int _running = 0; ///< guarded by _mutex
};

} // namespace hchat
