#include "support/LineClient.h"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/ServerSocket.h>

#include <chrono>
#include <random>

namespace hchat::test
{

LineClient::LineClient(const std::string& host, int port, Poco::Net::Context::Ptr tls,
                       const std::string& before)
{
    const Poco::Net::SocketAddress address(host, static_cast<Poco::UInt16>(port));
    if (tls && before.empty())
    {
        _socket = Poco::Net::SecureStreamSocket(address, tls);
        return;
    }
    _socket.connect(address);
    if (!before.empty())
        send(before);
    if (tls)
        _socket = Poco::Net::SecureStreamSocket::attach(_socket, tls);
}

void LineClient::send(const std::string& bytes)
{
    _socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
}

std::string LineClient::line(double timeoutSeconds)
{
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::microseconds(static_cast<long>(timeoutSeconds * 1e6));
    for (;;)
    {
        auto end = _buffer.find("\r\n");
        if (end != std::string::npos)
        {
            std::string out = _buffer.substr(0, end);
            _buffer.erase(0, end + 2);
            return out;
        }
        auto left = std::chrono::duration_cast<std::chrono::microseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
        if (left <= 0)
            return "";
        char chunk[4096];
        try
        {
            _socket.setReceiveTimeout(Poco::Timespan(left));
            int n = _socket.receiveBytes(chunk, sizeof chunk);
            if (n <= 0)
                return "";
            _buffer.append(chunk, static_cast<std::size_t>(n));
        }
        catch (const Poco::TimeoutException&)
        {
            return "";
        }
        catch (const Poco::Net::NetException&)
        {
            return "";
        }
    }
}

std::string LineClient::expect(const std::string& prefix, double timeoutSeconds)
{
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::microseconds(static_cast<long>(timeoutSeconds * 1e6));
    for (;;)
    {
        double left =
            std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0)
            return "";
        std::string next = line(left);
        if (next.empty())
            return "";
        if (next.compare(0, prefix.size(), prefix) == 0)
            return next;
    }
}

bool LineClient::closedByServer(double timeoutSeconds)
{
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::microseconds(static_cast<long>(timeoutSeconds * 1e6));
    char chunk[4096];
    while (std::chrono::steady_clock::now() < deadline)
    {
        try
        {
            _socket.setReceiveTimeout(Poco::Timespan(0, 200000));
            if (_socket.receiveBytes(chunk, sizeof chunk) <= 0)
                return true;
        }
        catch (const Poco::TimeoutException&)
        {
        }
        catch (const Poco::Net::NetException&)
        {
            return true;
        }
    }
    return false;
}

int LineClient::freePort()
{
    // Port 0 would come from the ephemeral range, which the kernel also
    // hands to every outgoing connection: one of them could take it
    // between this probe and the daemon's bind (a rare "did not start").
    static std::mt19937 pick(std::random_device{}());
    std::uniform_int_distribution<int> port(20000, 32767);
    for (int attempt = 0; attempt < 100; ++attempt)
    {
        const int candidate = port(pick);
        try
        {
            Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", candidate));
            return candidate;
        }
        catch (const Poco::Net::NetException&)
        {
        }
    }
    throw Poco::RuntimeException("no free port in 20000-32767");
}

} // namespace hchat::test
