#include "ctl/ControlClient.h"

#include "ctl/ControlCommands.h"

#include <Poco/File.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <ostream>
#include <unistd.h>

namespace hchat
{

namespace
{
const int exitUsage = 64, exitUnavailable = 69, exitIoError = 74, exitNoPermission = 77;

// Reads up to the first '\n' (the answer's head); what came after it stays in rest.
bool readHead(Poco::Net::StreamSocket& socket, std::string& head, std::string& rest)
{
    char buffer[4096];
    for (;;)
    {
        const std::size_t end = rest.find('\n');
        if (end != std::string::npos)
        {
            head = rest.substr(0, end);
            rest.erase(0, end + 1);
            return true;
        }
        if (rest.size() > 64 * 1024)
            return false;
        const int got = socket.receiveBytes(buffer, sizeof buffer);
        if (got <= 0)
            return false;
        rest.append(buffer, static_cast<std::size_t>(got));
    }
}

// A file whose bytes reach the disk before it takes its name.
class PartFile
{
public:
    explicit PartFile(const std::string& name) : _name(name), _part(name + ".part")
    {
        _fd = ::open(_part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (_fd < 0)
            throw Poco::CreateFileException(_part + ": " + std::strerror(errno));
    }
    ~PartFile()
    {
        if (_fd >= 0)
        {
            ::close(_fd);
            ::unlink(_part.c_str());
        }
    }
    void write(const char* data, std::size_t size)
    {
        while (size > 0)
        {
            const ssize_t n = ::write(_fd, data, size);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                throw Poco::WriteFileException(_part + ": " + std::strerror(errno));
            data += n;
            size -= static_cast<std::size_t>(n);
        }
    }
    void commit()
    {
        if (::fsync(_fd) != 0 || ::close(_fd) != 0)
            throw Poco::WriteFileException(_part + ": " + std::strerror(errno));
        _fd = -1;
        if (::rename(_part.c_str(), _name.c_str()) != 0)
        {
            const std::string why = std::strerror(errno);
            ::unlink(_part.c_str());
            throw Poco::WriteFileException("cannot rename " + _part + " to " + _name + ": " + why);
        }
    }

private:
    const std::string _name, _part;
    int _fd = -1;
};
} // namespace

ControlClient::ControlClient(std::string socketPath) : _path(std::move(socketPath)) {}

int ControlClient::run(const std::vector<std::string>& words, std::ostream& out, std::ostream& err)
{
    const std::string problem = ControlCommands::check(words);
    if (!problem.empty())
    {
        err << "hchatd: --ctl: " << problem << "\ncommands:\n" << ControlCommands::usage();
        return exitUsage;
    }
    if (_path.empty())
    {
        err << "hchatd: --ctl: control.socket is not set in the configuration\n";
        return exitUnavailable;
    }
    for (const std::string& word : words)
        if (word.find_first_of(" \t\r\n") != std::string::npos)
        {
            err << "hchatd: --ctl: an argument may not contain spaces: '" << word << "'\n";
            return exitUsage;
        }
    std::unique_ptr<PartFile> file;
    try
    {
        if (words[0] == "backup")
            file = std::make_unique<PartFile>(words[1]);
    }
    catch (const Poco::Exception& e)
    {
        err << "hchatd: --ctl backup: cannot write " << e.message() << '\n';
        return exitIoError;
    }

    Poco::Net::StreamSocket socket;
    try
    {
        socket.connect(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, _path));
    }
    catch (const Poco::Exception& e)
    {
        const int code = e.code() != 0 ? e.code() : errno;
        const bool denied = code == EACCES || code == EPERM;
        err << "hchatd: --ctl: cannot connect to " << _path << ": " << e.displayText()
            << (denied ? " (only root and the user hchatd runs as may use it)"
                       : " (is hchatd running with this control.socket?)")
            << '\n';
        return denied ? exitNoPermission : exitUnavailable;
    }
    std::string head, rest;
    try
    {
        const std::string request = Poco::cat(std::string(" "), words.begin(), words.end()) + "\n";
        // A refusal is sent at once and the connection closed, maybe before the request
        // went out: a failed send is told only when no answer can be read either.
        std::string unsent;
        try
        {
            socket.sendBytes(request.data(), static_cast<int>(request.size()));
        }
        catch (const Poco::Exception& e)
        {
            unsent = e.displayText();
        }
        if (!readHead(socket, head, rest))
        {
            err << "hchatd: --ctl: "
                << (unsent.empty() ? "the daemon closed the connection without an answer"
                                   : "cannot send the request: " + unsent)
                << '\n';
            return exitUnavailable;
        }
        if (head.rfind("DENIED ", 0) == 0)
        {
            err << "hchatd: --ctl: " << head.substr(7) << '\n';
            return exitNoPermission;
        }
        if (head.rfind("ERROR ", 0) == 0)
        {
            err << "hchatd: " << words[0] << ": " << head.substr(6) << '\n';
            return 1;
        }
        Poco::UInt64 size = 0;
        if (head.rfind("OK ", 0) != 0 ||
            !Poco::NumberParser::tryParseUnsigned64(head.substr(3), size))
        {
            err << "hchatd: --ctl: not an hchatd answer: " << head << '\n';
            return exitUnavailable;
        }
        Poco::UInt64 got = 0;
        auto take = [&](const char* data, std::size_t n)
        {
            n = static_cast<std::size_t>(std::min<Poco::UInt64>(n, size - got));
            if (file)
                file->write(data, n);
            else
                out.write(data, static_cast<std::streamsize>(n));
            got += n;
        };
        take(rest.data(), rest.size());
        char buffer[1 << 16];
        while (got < size)
        {
            const int n = socket.receiveBytes(buffer, sizeof buffer);
            if (n <= 0)
                break;
            take(buffer, static_cast<std::size_t>(n));
        }
        if (got < size)
        {
            err << "hchatd: --ctl: the answer ended after " << got << " of " << size << " bytes\n";
            return exitUnavailable;
        }
        if (file)
        {
            file->commit();
            out << "backup written to " << words[1] << " (" << size << " bytes)\n";
        }
    }
    catch (const Poco::FileException& e)
    {
        err << "hchatd: --ctl backup: " << e.message() << '\n';
        return exitIoError;
    }
    catch (const Poco::Exception& e)
    {
        err << "hchatd: --ctl: " << e.displayText() << '\n';
        return exitUnavailable;
    }
    return 0;
}

} // namespace hchat
