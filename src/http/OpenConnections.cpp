#include "http/OpenConnections.h"

#include "http/HttpConnection.h"

namespace hchat
{

bool OpenConnections::add(HttpConnection& connection)
{
    std::lock_guard<std::mutex> lock(_mutex);
    if (_stopped)
        return false;
    _open.insert(&connection);
    return true;
}

void OpenConnections::remove(HttpConnection& connection)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _open.erase(&connection);
}

void OpenConnections::stopAll()
{
    std::lock_guard<std::mutex> lock(_mutex);
    _stopped = true;
    for (HttpConnection* connection : _open)
        connection->serverStopped(false);
}

} // namespace hchat
