#include "http/StreamPool.h"

#include "net/ConnectionGate.h"

#include <Poco/Exception.h>
#include <Poco/Logger.h>

namespace hchat
{

class StreamPool::Job : public Poco::Runnable
/// One stream on its thread: runs it, deletes it, and gives its connection
/// back to the gate. Deletes itself, as the pool only holds a reference.
{
public:
    Job(StreamPool& pool, std::unique_ptr<Poco::Runnable> stream,
        Poco::Net::StreamSocket connection)
        : _pool(pool), _stream(std::move(stream)), _connection(std::move(connection))
    {
    }

    void run() override
    {
        _stream->run();
        _stream.reset(); // the socket closes here
        _pool.finished(_connection);
        delete this;
    }

private:
    StreamPool& _pool;
    std::unique_ptr<Poco::Runnable> _stream;
    const Poco::Net::StreamSocket _connection; ///< as the gate knows it
};

StreamPool::StreamPool(int maxThreads, int stackBytes, int idleSeconds,
                       Poco::AutoPtr<ConnectionGate> gate)
    : _threads(1, maxThreads, idleSeconds, stackBytes), _gate(std::move(gate))
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
    auto* job = new Job(*this, std::move(stream), connection);
    try
    {
        _threads.start(*job, "hchatd-stream");
    }
    catch (const Poco::NoThreadAvailableException&)
    {
        Poco::Logger::get("hchatd.http")
            .warning("no stream thread free; a stream is served on its HTTP thread");
        job->run();
    }
}

void StreamPool::finished(const Poco::Net::StreamSocket& connection)
{
    _gate->dropHolder(connection);
}

void StreamPool::collect()
{
    _threads.collect();
}

void StreamPool::joinAll()
{
    _threads.joinAll();
}

} // namespace hchat
