#include "support/DaemonProcess.h"
#include "support/LineClient.h"
#include "support/NotifySocket.h"
#include "support/Program.h"
#include "support/TestClient.h"

#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StringTokenizer.h>

#include <cppunit/extensions/HelperMacros.h>

#include <csignal>
#include <fstream>
#include <functional>
#include <iterator>
#include <regex>
#include <set>
#include <sys/stat.h>

namespace hchat::test
{

class InstallTest : public CppUnit::TestFixture
/// `make install` (SPEC §13): the documented files and nothing else, an
/// existing configuration kept, and the installed service started the way
/// its systemd unit starts it. Runs make in the repository (the runner's
/// directory); the binary installed is ./hchatd.
{
    CPPUNIT_TEST_SUITE(InstallTest);
    CPPUNIT_TEST(installsTheDocumentedFilesOnly);
    CPPUNIT_TEST(keepsAnExistingConfiguration);
    CPPUNIT_TEST(theInstalledServiceStartsAsItsUnitSays);
    CPPUNIT_TEST_SUITE_END();

    std::string _dir;

    static void files(const std::string& root, const std::string& under,
                      std::map<std::string, int>& found)
    {
        std::vector<std::string> names;
        Poco::File(root + under).list(names);
        for (const std::string& name : names)
        {
            const std::string path = under + "/" + name;
            struct stat st = {};
            CPPUNIT_ASSERT_EQUAL(0, ::lstat((root + path).c_str(), &st));
            if (S_ISDIR(st.st_mode))
                files(root, path, found);
            else
                found[path] = static_cast<int>(st.st_mode & 07777);
        }
    }

    void install(const std::vector<std::string>& variables)
    {
        std::vector<std::string> args = {"-s", "install"};
        args.insert(args.end(), variables.begin(), variables.end());
        std::string out;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, Program::run("make", args, out));
    }

public:
    void setUp() override { _dir = DaemonProcess::tempDir(); }
    void tearDown() override { Poco::File(_dir).remove(true); }

    void installsTheDocumentedFilesOnly()
    {
        int destinations = 0;
        for (const std::string prefix : {"/usr/local", "/usr"})
        {
            const std::string root = _dir + "/" + std::to_string(++destinations);
            install({"DESTDIR=" + root, "PREFIX=" + prefix});
            std::map<std::string, int> found;
            files(root, "", found);
            const std::map<std::string, int> expected = {
                {prefix + "/sbin/hchatd", 0755},
                {prefix + "/share/man/man8/hchatd.8", 0644},
                {prefix + "/lib/systemd/system/hchatd.service", 0644},
                {prefix + "/lib/sysusers.d/hchatd.conf", 0644},
                {"/etc/logrotate.d/hchatd", 0644},
                {"/etc/hchatd/hchatd.conf", 0644}};
            std::string listing;
            for (const auto& file : found)
                listing += file.first + " " + std::to_string(file.second) + "\n";
            CPPUNIT_ASSERT_MESSAGE(listing, expected == found);

            const std::string unit =
                Program::fileText(root + prefix + "/lib/systemd/system/hchatd.service");
            CPPUNIT_ASSERT_MESSAGE(unit, unit.find("\nExecStart=" + prefix +
                                                   "/sbin/hchatd -c /etc/hchatd/hchatd.conf\n") !=
                                             std::string::npos);
            const std::string conf = Program::fileText(root + "/etc/hchatd/hchatd.conf");
            CPPUNIT_ASSERT(conf.find("\nstore.path = /var/lib/hchatd/hchatd.db\n") !=
                           std::string::npos);
            CPPUNIT_ASSERT(conf.find("\ndaemon.pidFile =\n") != std::string::npos);
            CPPUNIT_ASSERT(conf.find("\ncontrol.socket = /run/hchatd/hchatd.sock\n") !=
                           std::string::npos);
            // logrotate reads its file without complaint (-d: a dry run).
            std::string said;
            CPPUNIT_ASSERT_EQUAL_MESSAGE(
                said, 0, Program::run("logrotate", {"-d", root + "/etc/logrotate.d/hchatd"}, said));
            CPPUNIT_ASSERT_MESSAGE(said, said.find("/var/log/hchatd/*.log") != std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(said, said.find("error") == std::string::npos);
            CPPUNIT_ASSERT(conf.find("var/hchatd.pid") == std::string::npos);
        }
    }

    void keepsAnExistingConfiguration()
    {
        const std::string conf = _dir + "/etc/hchatd/hchatd.conf";
        Poco::File(_dir + "/etc/hchatd").createDirectories();
        std::ofstream(conf) << "# the operator's own\nhttp.port = 8080\n";
        install({"DESTDIR=" + _dir});
        CPPUNIT_ASSERT_EQUAL(std::string("# the operator's own\nhttp.port = 8080\n"),
                             Program::fileText(conf));
        CPPUNIT_ASSERT(Poco::File(_dir + "/usr/local/sbin/hchatd").exists());
    }

    void theInstalledServiceStartsAsItsUnitSays()
    {
        // Installed for real under a temporary prefix, so the unit's paths exist.
        const std::string state = _dir + "/var/lib/hchatd";
        install({"PREFIX=" + _dir + "/usr", "SYSCONFDIR=" + _dir + "/etc", "STATEDIR=" + state});
        const std::string unitFile = _dir + "/usr/lib/systemd/system/hchatd.service";
        std::string out;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0,
                                     Program::run("systemd-analyze", {"verify", unitFile}, out,
                                                  {{"MANPATH", _dir + "/usr/share/man"},
                                                   {"PATH", "/usr/bin:/bin:/usr/sbin"}}));

        // What systemd would create and run (systemd is not PID 1 here).
        Poco::File(state).createDirectories();
        const std::string conf = _dir + "/etc/hchatd/hchatd.conf";
        const int port = LineClient::freePort();
        int linePort;
        do
            linePort = LineClient::freePort();
        while (linePort == port);
        std::string text = Program::fileText(conf);
        text = std::regex_replace(text, std::regex("\nline.port = 1235\n"),
                                  "\nline.port = " + std::to_string(linePort) + "\n");
        text = std::regex_replace(text, std::regex("\nirc.port = 6667\n"), "\nirc.port = 0\n");
        text += "http.address = 127.0.0.1\nhttp.port = " + std::to_string(port) + "\n";
        std::ofstream(conf) << text;

        std::smatch exec;
        const std::string unit = Program::fileText(unitFile);
        CPPUNIT_ASSERT(std::regex_search(unit, exec, std::regex("\nExecStart=([^\n]*)\n")));
        Poco::StringTokenizer words(exec[1], " ", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
        std::vector<std::string> args(words.begin() + 1, words.end());
        NotifySocket notify;
        Poco::Pipe err;
        Poco::ProcessHandle daemon = Poco::Process::launch(words[0], args, nullptr, nullptr, &err,
                                                           {{"NOTIFY_SOCKET", notify.name()}});
        // Stopped whatever an assertion below says, so no daemon outlives the test.
        std::shared_ptr<void> stop(nullptr,
                                   [&](void*)
                                   {
                                       if (Poco::Process::isRunning(daemon))
                                           Poco::Process::kill(daemon);
                                   });
        CPPUNIT_ASSERT(notify.receive().rfind("READY=1\n", 0) == 0);

        TestClient client("127.0.0.1", port);
        const std::string room = client.createRoom("installed", true);
        CPPUNIT_ASSERT_EQUAL(std::string("0"),
                             client.post("/send/" + room, "hello", "text/plain").body);
        LineClient line("127.0.0.1", linePort);
        line.say("USERNAME installer");
        CPPUNIT_ASSERT_EQUAL(std::string("OK Welcome, installer!"), line.line());
        line.say("JOIN " + room);
        CPPUNIT_ASSERT(line.expect("ROOM " + room).find(" hello") != std::string::npos);
        CPPUNIT_ASSERT(Poco::File(state + "/hchatd.db").exists());
        ::kill(daemon.id(), SIGTERM);
        CPPUNIT_ASSERT_EQUAL(0, daemon.wait());
        Poco::PipeInputStream log(err);
        const std::string logged(std::istreambuf_iterator<char>(log), {});
        CPPUNIT_ASSERT_MESSAGE(logged, logged.find("store: sqlite " + state + "/hchatd.db") !=
                                           std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(InstallTest);

} // namespace hchat::test
