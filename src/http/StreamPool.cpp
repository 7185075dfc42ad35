#include "http/StreamPool.h"

#include "net/ConnectionGate.h"

#include <Poco/Logger.h>

#include <pthread.h>

#include <cstring>

namespace hchat
{

struct StreamPool::Job
/// One stream and what its thread needs.
{
    StreamPool& pool;
    std::unique_ptr<Poco::Runnable> stream;
    const Poco::Net::StreamSocket connection; ///< as the gate knows it
};

StreamPool::StreamPool(int stackBytes, Poco::AutoPtr<ConnectionGate> gate)
    : _stackBytes(stackBytes), _gate(std::move(gate))
{
}

StreamPool::~StreamPool()
{
    joinAll();
}

void StreamPool::start(std::unique_ptr<Poco::Runnable> stream,
                       const Poco::Net::StreamSocket& connection)
{
    _gate->addHolder(connection);
    auto* job = new Job{*this, std::move(stream), connection};
    {
        std::lock_guard<std::mutex> lock(_mutex);
        ++_running;
    }
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, static_cast<std::size_t>(_stackBytes));
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    pthread_t thread;
    const int failed = pthread_create(&thread, &attributes, &StreamPool::runJob, job);
    pthread_attr_destroy(&attributes);
    if (failed != 0)
    {
        Poco::Logger::get("hchatd.http")
            .warning("no stream thread (%s); a stream is served on its HTTP thread",
                     std::string(std::strerror(failed)));
        runJob(job);
    }
}

void* StreamPool::runJob(void* raw)
{
    pthread_setname_np(pthread_self(), "hchatd-stream"); // for top -H and perf
    std::unique_ptr<Job> job(static_cast<Job*>(raw));
    job->stream->run();
    job->stream.reset(); // the socket closes here
    StreamPool& pool = job->pool;
    const Poco::Net::StreamSocket connection = job->connection;
    job.reset();
    pool.finished(connection);
    return nullptr;
}

void StreamPool::finished(const Poco::Net::StreamSocket& connection)
{
    _gate->dropHolder(connection);
    std::lock_guard<std::mutex> lock(_mutex);
    if (--_running == 0)
        _ended.notify_all();
}

void StreamPool::joinAll()
{
    std::unique_lock<std::mutex> lock(_mutex);
    _ended.wait(lock, [this] { return _running == 0; });
}

} // namespace hchat
