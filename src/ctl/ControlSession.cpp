#include "ctl/ControlSession.h"

#include <Poco/File.h>
#include <Poco/Logger.h>
#include <Poco/StringTokenizer.h>

#include <algorithm>
#include <fstream>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace hchat
{

namespace
{
const std::size_t maxRequest = 4096;
const int requestSeconds = 10;
// A backup of several GB goes out in pieces; each must be taken in this time.
const int sendSeconds = 60;

void sendAll(Poco::Net::StreamSocket& socket, const char* data, std::size_t size)
{
    while (size > 0)
    {
        const int sent =
            socket.sendBytes(data, static_cast<int>(std::min<std::size_t>(size, 1 << 20)));
        if (sent <= 0)
            throw Poco::IOException("the control client stopped taking the answer");
        data += sent;
        size -= static_cast<std::size_t>(sent);
    }
}

std::string oneLine(std::string text)
{
    for (char& c : text)
        if (c == '\n' || c == '\r')
            c = ' ';
    return text;
}
} // namespace

ControlSession::ControlSession(const Poco::Net::StreamSocket& socket, ControlCommands& commands,
                               std::atomic<std::uint64_t>& refusals,
                               ControlServer::Sessions& sessions)
    : Poco::Net::TCPServerConnection(socket), _commands(commands), _refusals(refusals),
      _sessions(sessions)
{
    _sessions.add(this->socket().impl());
}

ControlSession::~ControlSession()
{
    _sessions.remove(socket().impl());
}

void ControlSession::run()
{
    Poco::Logger& log = Poco::Logger::get("hchatd.control");
    Poco::Net::StreamSocket& client = socket();
    try
    {
        ucred peer{};
        socklen_t size = sizeof peer;
        const bool known =
            ::getsockopt(client.impl()->sockfd(), SOL_SOCKET, SO_PEERCRED, &peer, &size) == 0;
        _who = known ? "control client uid " + std::to_string(peer.uid) + " pid " +
                           std::to_string(peer.pid)
                     : "control client of unknown uid";
        if (!known || (peer.uid != 0 && peer.uid != ::geteuid()))
        {
            _refusals.fetch_add(1, std::memory_order_relaxed);
            log.warning("%s refused: only root and uid %u may use the control socket", _who,
                        static_cast<unsigned>(::geteuid()));
            const std::string denied = "DENIED only root and the user hchatd runs as (uid " +
                                       std::to_string(::geteuid()) +
                                       ") may use the control socket\n";
            sendAll(client, denied.data(), denied.size());
            return;
        }
        client.setReceiveTimeout(Poco::Timespan(requestSeconds, 0));
        client.setSendTimeout(Poco::Timespan(sendSeconds, 0));
        std::string line;
        if (!readLine(line))
        {
            log.warning("%s: no request line (at most %z bytes) within %d s", _who, maxRequest,
                        requestSeconds);
            const std::string error = "ERROR send one request line\n";
            sendAll(client, error.data(), error.size());
            return;
        }
        Poco::StringTokenizer words(
            line, " \t", Poco::StringTokenizer::TOK_IGNORE_EMPTY | Poco::StringTokenizer::TOK_TRIM);
        answer(_commands.run(std::vector<std::string>(words.begin(), words.end()), _who));
    }
    catch (const Poco::Exception& e)
    {
        log.warning("%s: %s", _who, e.displayText());
    }
}

bool ControlSession::readLine(std::string& line)
{
    char buffer[512];
    while (line.size() <= maxRequest)
    {
        const std::size_t end = line.find('\n');
        if (end != std::string::npos)
        {
            line.resize(end);
            return true;
        }
        const int got = socket().receiveBytes(buffer, sizeof buffer);
        if (got <= 0)
            return false;
        line.append(buffer, static_cast<std::size_t>(got));
    }
    return false;
}

void ControlSession::answer(const ControlCommands::Answer& answer)
{
    if (!answer.ok)
    {
        const std::string error = "ERROR " + oneLine(answer.text) + "\n";
        sendAll(socket(), error.data(), error.size());
        return;
    }
    if (answer.file.empty())
    {
        const std::string out = "OK " + std::to_string(answer.text.size()) + "\n" + answer.text;
        sendAll(socket(), out.data(), out.size());
        return;
    }
    try
    {
        sendFile(answer.file);
    }
    catch (...)
    {
        Poco::File(answer.file).remove();
        throw;
    }
    Poco::File(answer.file).remove();
}

void ControlSession::sendFile(const std::string& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw Poco::OpenFileException(file);
    const std::uint64_t size = Poco::File(file).getSize();
    const std::string head = "OK " + std::to_string(size) + "\n";
    sendAll(socket(), head.data(), head.size());
    std::vector<char> chunk(1 << 16);
    std::uint64_t sent = 0;
    while (sent < size)
    {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        const std::streamsize got = in.gcount();
        if (got <= 0)
            break;
        sendAll(socket(), chunk.data(), static_cast<std::size_t>(got));
        sent += static_cast<std::uint64_t>(got);
    }
    if (sent != size)
        throw Poco::ReadFileException(file);
    Poco::Logger::get("hchatd.control")
        .information("%s: sent the backup, %s bytes", _who, std::to_string(sent));
}

} // namespace hchat
