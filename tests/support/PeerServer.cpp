#include "support/PeerServer.h"

#include "support/DaemonProcess.h"
#include "support/Eventually.h"

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <csignal>

namespace hchat::test
{

PeerServer::PeerServer() : _dir(DaemonProcess::tempDir()) {}

PeerServer::~PeerServer()
{
    try
    {
        if (_process)
        {
            ::kill(_process->id(), SIGTERM);
            _process->wait();
        }
        Poco::File(_dir).remove(true);
    }
    catch (...)
    {
    }
}

void PeerServer::start(const std::string& program, const std::vector<std::string>& args, int port)
{
    _process = std::make_unique<Poco::ProcessHandle>(Poco::Process::launch(program, args));
    const bool up = eventually(
        [port]
        {
            try
            {
                Poco::Net::StreamSocket socket;
                socket.connect(
                    Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)),
                    Poco::Timespan(0, 200000));
                return true;
            }
            catch (const Poco::Exception&)
            {
                return false;
            }
        },
        10, 20);
    if (!up)
        throw Poco::IOException(program + " did not listen on port " + std::to_string(port));
}

} // namespace hchat::test
