#include "support/CutProxy.h"

#include <Poco/Exception.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hchat::test
{

namespace
{
sockaddr_in local(const std::string& host, int port)
{
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET, host.c_str(), &address.sin_addr);
    return address;
}
} // namespace

CutProxy::CutProxy(const std::string& server)
{
    const std::size_t colon = server.rfind(':');
    _host = server.substr(0, colon);
    _serverPort = std::stoi(server.substr(colon + 1));
    _listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address = local("127.0.0.1", 0);
    socklen_t size = sizeof address;
    if (::bind(_listener, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        ::listen(_listener, 16) != 0 ||
        ::getsockname(_listener, reinterpret_cast<sockaddr*>(&address), &size) != 0)
        throw Poco::IOException("CutProxy cannot listen");
    _port = ntohs(address.sin_port);
    _acceptor = std::thread([this] { accept(); });
}

CutProxy::~CutProxy()
{
    _stopping = true;
    ::shutdown(_listener, SHUT_RDWR);
    _acceptor.join();
    ::close(_listener);
    std::vector<std::thread> threads;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        for (int link : _links)
            ::shutdown(link, SHUT_RDWR);
        threads.swap(_threads);
    }
    for (std::thread& thread : threads)
        thread.join();
}

std::string CutProxy::address() const
{
    return "127.0.0.1:" + std::to_string(_port);
}

void CutProxy::cut(const std::string& marker, bool reaching)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _marker = marker;
    _reaching = reaching;
    _cut = false;
}

void CutProxy::accept()
{
    for (;;)
    {
        const int client = ::accept(_listener, nullptr, nullptr);
        if (client < 0 || _stopping)
        {
            if (client >= 0)
                ::close(client);
            return;
        }
        std::lock_guard<std::mutex> lock(_mutex);
        _links.push_back(client);
        _threads.emplace_back([this, client] { pass(client); });
    }
}

void CutProxy::pass(int client)
{
    const int server = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address = local(_host, _serverPort);
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _links.push_back(server);
    }
    bool open = ::connect(server, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    bool dropNextAnswer = false;
    char buffer[65536];
    while (open && !_stopping)
    {
        pollfd ends[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
        if (::poll(ends, 2, 200) < 0)
            break;
        for (int i = 0; i < 2 && open; ++i)
        {
            if (ends[i].revents == 0)
                continue;
            const ssize_t got = ::recv(ends[i].fd, buffer, sizeof buffer, 0);
            if (got <= 0)
            {
                open = false;
                break;
            }
            const std::string bytes(buffer, static_cast<std::size_t>(got));
            if (i == 0)
            {
                std::lock_guard<std::mutex> lock(_mutex);
                if (!_marker.empty() && bytes.find(_marker) != std::string::npos)
                {
                    _marker.clear();
                    dropNextAnswer = true;
                    if (!_reaching)
                    {
                        _cut = true;
                        open = false; // nor is the request
                        break;
                    }
                }
            }
            else if (dropNextAnswer)
            {
                _cut = true;
                open = false; // the answer is not passed on
                break;
            }
            ::send(i == 0 ? server : client, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        }
    }
    // Both ends closed, as a broken network leaves them.
    std::lock_guard<std::mutex> lock(_mutex);
    for (int end : {client, server})
    {
        ::shutdown(end, SHUT_RDWR);
        ::close(end);
        for (auto it = _links.begin(); it != _links.end(); ++it)
            if (*it == end)
            {
                _links.erase(it);
                break;
            }
    }
}

} // namespace hchat::test
