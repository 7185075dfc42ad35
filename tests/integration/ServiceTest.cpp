#include "support/DaemonProcess.h"
#include "support/Eventually.h"
#include "support/LineClient.h"
#include "support/NotifySocket.h"
#include "support/TestClient.h"

#include <Poco/File.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Process.h>

#include <cppunit/extensions/HelperMacros.h>

#include <csignal>
#include <fstream>
#include <iterator>

namespace hchat::test
{

class ServiceTest : public CppUnit::TestFixture
/// hchatd as a systemd Type=notify service (SPEC §13): it reports ready
/// only once its ports listen, reloading around SIGHUP and stopping on
/// SIGTERM; SIGHUP reopens the log file logrotate moved away.
{
    CPPUNIT_TEST_SUITE(ServiceTest);
    CPPUNIT_TEST(readyOnlyOnceEveryPortListens);
    CPPUNIT_TEST(aFailedStartIsNeverReady);
    CPPUNIT_TEST(sighupReopensTheLogFile);
    CPPUNIT_TEST_SUITE_END();

    std::string _dir;
    std::string _log;
    int _port = 0;
    int _linePort = 0;

    static std::string contents(const std::string& path)
    {
        std::ifstream in(path);
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }

    Poco::ProcessHandle start(const NotifySocket& notify)
    {
        const std::string conf = _dir + "/hchatd.conf";
        std::ofstream(conf) << "http.address = 127.0.0.1\nstore.kind = memory\n"
                            << "line.port = " << _linePort << "\n"
                            << "logging.loggers.root.channel = file\n"
                            << "logging.channels.file.class = FileChannel\n"
                            << "logging.channels.file.path = " << _log << "\n";
        Poco::Process::Env env{{"NOTIFY_SOCKET", notify.name()}};
        return Poco::Process::launch(DaemonProcess::binary(),
                                     {"-c", conf, "-p", std::to_string(_port)}, nullptr, nullptr,
                                     nullptr, env);
    }

public:
    void setUp() override
    {
        _dir = DaemonProcess::tempDir();
        _log = _dir + "/hchatd.log";
        _port = LineClient::freePort();
        do
            _linePort = LineClient::freePort();
        while (_linePort == _port);
    }

    void tearDown() override { Poco::File(_dir).remove(true); }

    void readyOnlyOnceEveryPortListens()
    {
        NotifySocket notify;
        Poco::ProcessHandle daemon = start(notify);
        const std::string ready = notify.receive();
        CPPUNIT_ASSERT_EQUAL("READY=1\nMAINPID=" + std::to_string(daemon.id()), ready);
        // Connected at once after the datagram, with no retry: both listen.
        Poco::Net::StreamSocket line(
            Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(_linePort)));
        CPPUNIT_ASSERT_EQUAL(200, TestClient("127.0.0.1", _port).get("/healthz").status);

        ::kill(daemon.id(), SIGHUP);
        CPPUNIT_ASSERT_EQUAL(std::string("RELOADING=1"), notify.receive());
        CPPUNIT_ASSERT_EQUAL(std::string("READY=1"), notify.receive());
        ::kill(daemon.id(), SIGTERM);
        CPPUNIT_ASSERT_EQUAL(std::string("STOPPING=1"), notify.receive());
        CPPUNIT_ASSERT_EQUAL(0, daemon.wait());
    }

    void aFailedStartIsNeverReady()
    {
        Poco::Net::ServerSocket busy(
            Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(_linePort)));
        NotifySocket notify;
        Poco::ProcessHandle daemon = start(notify);
        CPPUNIT_ASSERT_EQUAL(69, daemon.wait());
        CPPUNIT_ASSERT_EQUAL(std::string(), notify.receive(0.5));
        const std::string log = contents(_log);
        CPPUNIT_ASSERT_MESSAGE(log, log.find("cannot listen for the line protocol on") !=
                                        std::string::npos);
    }

    void sighupReopensTheLogFile()
    {
        NotifySocket notify;
        Poco::ProcessHandle daemon = start(notify);
        CPPUNIT_ASSERT(notify.receive().rfind("READY=1", 0) == 0);
        // What logrotate does: rename the file, then tell the daemon.
        const std::string rotated = _log + ".1";
        Poco::File(_log).renameTo(rotated);
        ::kill(daemon.id(), SIGHUP);
        CPPUNIT_ASSERT_EQUAL(std::string("RELOADING=1"), notify.receive());
        CPPUNIT_ASSERT_EQUAL(std::string("READY=1"), notify.receive());
        std::string fresh;
        CPPUNIT_ASSERT(eventually(
            [&]
            {
                fresh = contents(_log);
                return fresh.find("SIGHUP: reopened the log file " + _log) != std::string::npos;
            }));
        CPPUNIT_ASSERT(fresh.find("listening on") == std::string::npos);
        const std::string old = contents(rotated);
        CPPUNIT_ASSERT_MESSAGE(old, old.find("listening on") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(old, old.find("SIGHUP") == std::string::npos);
        ::kill(daemon.id(), SIGTERM);
        CPPUNIT_ASSERT_EQUAL(0, daemon.wait());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ServiceTest);

} // namespace hchat::test
