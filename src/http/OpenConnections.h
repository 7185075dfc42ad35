#pragma once

#include <mutex>
#include <unordered_set>

namespace hchat
{

class HttpConnection;

class OpenConnections
/// The HTTP connections open now, so that the server's stop reaches each:
/// a kept-alive connection would otherwise wait for its next request and
/// hold the stop up. A set: adding and removing cost the same however many
/// are open (POCO's BasicEvent, used before, searched a vector under its
/// lock for each connection that closed). Its members are HeadWatch's too,
/// but the two keep their own sets and locks: stopAll() waits under its
/// lock for the request a connection is serving, which may be a head still
/// arriving that only HeadWatch's sweep can end. Thread-safe.
{
public:
    bool add(HttpConnection& connection);
    /// Listed until remove(); false (and not listed) once stopAll() has
    /// run: the connection should close at once.
    void remove(HttpConnection& connection);

    void stopAll();
    /// Tells each listed connection to finish its current request and
    /// close (HttpConnection::serverStopped). Under the lock: a connection
    /// cannot go while it is told, and one made meanwhile is refused.

private:
    std::mutex _mutex;
    std::unordered_set<HttpConnection*> _open;
    bool _stopped = false;
};

} // namespace hchat
