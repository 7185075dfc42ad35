#include "http/StreamPool.h"

#include "http/ConnectionGate.h"

#include <Poco/Exception.h>
#include <Poco/Logger.h>

namespace hchat
{

class StreamPool::Job : public Poco::Runnable
/// One stream on its thread: runs it, deletes it, and gives its connection
/// back to the gate. Deletes itself, as the pool only holds a reference.
{
public:
    Job(StreamPool& pool, std::unique_ptr<Poco::Runnable> stream, std::string address)
        : _pool(pool), _stream(std::move(stream)), _address(std::move(address))
    {
    }

    void run() override
    {
        _stream->run();
        _stream.reset(); // the socket closes here, before the slot is given back
        _pool.finished(_address);
        delete this;
    }

private:
    StreamPool& _pool;
    std::unique_ptr<Poco::Runnable> _stream;
    const std::string _address;
};

StreamPool::StreamPool(int maxThreads, int stackBytes, Poco::AutoPtr<ConnectionGate> gate)
    : _threads(1, maxThreads, 60, stackBytes), _gate(std::move(gate))
{
}

StreamPool::~StreamPool()
{
    joinAll();
}

void StreamPool::start(std::unique_ptr<Poco::Runnable> stream, const std::string& address)
{
    _gate->adopt(address);
    _count.fetch_add(1, std::memory_order_relaxed);
    auto* job = new Job(*this, std::move(stream), address);
    try
    {
        _threads.start(*job, "hchatd-stream");
    }
    catch (const Poco::NoThreadAvailableException&)
    {
        Poco::Logger::get("hchatd.http")
            .warning("no stream thread free; %s is served on its HTTP thread", address);
        job->run();
    }
}

void StreamPool::finished(const std::string& address)
{
    _gate->connectionClosed(address);
    _count.fetch_sub(1, std::memory_order_relaxed);
}

void StreamPool::joinAll()
{
    _threads.joinAll();
}

} // namespace hchat
