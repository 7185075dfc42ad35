#include "support/DaemonProcess.h"
#include "support/LineClient.h"
#include "support/NotifySocket.h"
#include "support/Program.h"
#include "support/TestClient.h"

#include <Poco/File.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>

#include <cppunit/extensions/HelperMacros.h>

#include <csignal>
#include <fstream>
#include <iterator>
#include <regex>
#include <sys/stat.h>
#include <unistd.h>

namespace hchat::test
{

class PackageTest : public CppUnit::TestFixture
/// `make deb` (SPEC §13): the package builds and passes lintian, holds the
/// documented files, installs on this machine (the hchatd user, its state
/// folder, the unit enabled), runs as its unit runs it, keeps its data on
/// remove and loses it on purge. Needs root (dpkg); runs make in the
/// repository (the runner's directory).
{
    CPPUNIT_TEST_SUITE(PackageTest);
    CPPUNIT_TEST(buildsInstallsRunsAndPurges);
    CPPUNIT_TEST_SUITE_END();

    static bool has(const std::string& text, const std::string& part)
    {
        return text.find(part) != std::string::npos;
    }

    static void purge()
    {
        std::string ignored;
        Program::run("dpkg", {"--purge", "hchatd"}, ignored);
    }

public:
    void buildsInstallsRunsAndPurges()
    {
        CPPUNIT_ASSERT_MESSAGE("dpkg -i needs root: run the tests as root", ::geteuid() == 0);
        std::string out;
        CPPUNIT_ASSERT_MESSAGE("a package called hchatd is installed here already; not replaced",
                               Program::run("dpkg", {"-s", "hchatd"}, out) != 0);

        // Built, and lintian (run by make deb) finds no error.
        CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, Program::run("make", {"-s", "deb"}, out));
        std::smatch built;
        CPPUNIT_ASSERT_MESSAGE(
            out, std::regex_search(out, built, std::regex("built (build/deb/\\S+\\.deb)")));
        const std::string deb = built[1];
        std::string listing;
        CPPUNIT_ASSERT_EQUAL(0, Program::run("dpkg-deb", {"-c", deb}, listing));
        for (const char* file : {"./usr/sbin/hchatd", "./lib/systemd/system/hchatd.service",
                                 "./usr/lib/sysusers.d/hchatd.conf", "./etc/hchatd/hchatd.conf",
                                 "./etc/logrotate.d/hchatd", "./usr/share/man/man8/hchatd.8.gz",
                                 "./usr/share/doc/hchatd/copyright"})
            CPPUNIT_ASSERT_MESSAGE(std::string(file) + "\n" + listing, has(listing, file));
        std::string conffiles;
        Program::run("dpkg-deb", {"-I", deb, "conffiles"}, conffiles);
        CPPUNIT_ASSERT_EQUAL(std::string("/etc/hchatd/hchatd.conf\n/etc/logrotate.d/hchatd\n"),
                             conffiles);

        // Installed: its user, its state folder, the unit enabled.
        std::shared_ptr<void> cleanUp(nullptr, [](void*) { purge(); });
        CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, Program::run("dpkg", {"-i", deb}, out));
        std::string user;
        CPPUNIT_ASSERT_EQUAL(0, Program::run("getent", {"passwd", "hchatd"}, user));
        CPPUNIT_ASSERT_MESSAGE(user, has(user, ":/var/lib/hchatd:/usr/sbin/nologin"));
        struct stat st = {};
        CPPUNIT_ASSERT_EQUAL(0, ::stat("/var/lib/hchatd", &st));
        CPPUNIT_ASSERT_EQUAL(0750, static_cast<int>(st.st_mode & 07777));
        const uid_t hchatd = st.st_uid;
        CPPUNIT_ASSERT(hchatd != 0);
        CPPUNIT_ASSERT(
            Poco::File("/etc/systemd/system/multi-user.target.wants/hchatd.service").exists());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(
            out, 0,
            Program::run("systemd-analyze", {"verify", "/lib/systemd/system/hchatd.service"}, out));

        // Started as the unit starts it (systemd is not PID 1 here): as the
        // hchatd user, its RuntimeDirectory made, the installed
        // configuration but for the ports, which the test chooses.
        Poco::File("/run/hchatd").createDirectories();
        CPPUNIT_ASSERT_EQUAL(0, ::chown("/run/hchatd", hchatd, st.st_gid));
        const std::string dir = DaemonProcess::tempDir();
        std::shared_ptr<void> removeDir(nullptr, [&](void*) { Poco::File(dir).remove(true); });
        ::chmod(dir.c_str(), 0755);
        const int port = LineClient::freePort();
        int linePort;
        do
            linePort = LineClient::freePort();
        while (linePort == port);
        std::string conf = Program::fileText("/etc/hchatd/hchatd.conf");
        conf = std::regex_replace(conf, std::regex("\nline.port = 1235\n"),
                                  "\nline.port = " + std::to_string(linePort) + "\n");
        conf = std::regex_replace(conf, std::regex("\nirc.port = 6667\n"), "\nirc.port = 0\n");
        std::ofstream(dir + "/hchatd.conf")
            << conf << "http.address = 127.0.0.1\nhttp.port = " << port << "\n";
        NotifySocket notify;
        Poco::Pipe err;
        Poco::ProcessHandle daemon =
            Poco::Process::launch("setpriv",
                                  {"--reuid=hchatd", "--regid=hchatd", "--init-groups",
                                   "/usr/sbin/hchatd", "-c", dir + "/hchatd.conf"},
                                  nullptr, nullptr, &err, {{"NOTIFY_SOCKET", notify.name()}});
        std::shared_ptr<void> stop(nullptr,
                                   [&](void*)
                                   {
                                       if (Poco::Process::isRunning(daemon))
                                           Poco::Process::kill(daemon);
                                   });
        CPPUNIT_ASSERT(notify.receive().rfind("READY=1\n", 0) == 0);
        TestClient client("127.0.0.1", port);
        const std::string room = client.createRoom("from the package", true);
        CPPUNIT_ASSERT_EQUAL(std::string("0"),
                             client.post("/send/" + room, "packaged", "text/plain").body);
        std::string rooms;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(rooms, 0,
                                     Program::run("/usr/sbin/hchatd",
                                                  {"-c", dir + "/hchatd.conf", "--ctl", "rooms"},
                                                  rooms));
        CPPUNIT_ASSERT_MESSAGE(rooms, has(rooms, room + " public   1 "));
        CPPUNIT_ASSERT_EQUAL(0, ::stat("/var/lib/hchatd/hchatd.db", &st));
        CPPUNIT_ASSERT_EQUAL(hchatd, st.st_uid);
        ::kill(daemon.id(), SIGTERM);
        CPPUNIT_ASSERT_EQUAL(0, daemon.wait());

        // remove keeps the rooms and the configuration; purge deletes them.
        CPPUNIT_ASSERT_EQUAL_MESSAGE(
            out, 0, Program::run("apt-get", {"remove", "-y", "-qq", "hchatd"}, out));
        CPPUNIT_ASSERT(!Poco::File("/usr/sbin/hchatd").exists());
        CPPUNIT_ASSERT(Poco::File("/var/lib/hchatd/hchatd.db").exists());
        CPPUNIT_ASSERT(Poco::File("/etc/hchatd/hchatd.conf").exists());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(
            out, 0, Program::run("apt-get", {"purge", "-y", "-qq", "hchatd"}, out));
        CPPUNIT_ASSERT(!Poco::File("/var/lib/hchatd").exists());
        CPPUNIT_ASSERT(!Poco::File("/etc/hchatd").exists());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PackageTest);

} // namespace hchat::test
