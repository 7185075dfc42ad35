#pragma once

#include <Poco/Pipe.h>
#include <Poco/Process.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace hchat::test
{

class DaemonProcess
/// The real hchatd, started for an integration test on a free port (-p,
/// unless the configuration names http.port) with a configuration file
/// written for the test; its log is collected
/// from its stderr by a thread so it never blocks on a full pipe.
/// The binary is $HCHATD_BIN, else ./hchatd.
{
public:
    explicit DaemonProcess(const std::map<std::string, std::string>& config = {},
                           const std::vector<std::string>& extraArgs = {},
                           const Poco::Process::Env& env = {});
    /// Starts the daemon, with env added to this process's environment, and
    /// waits (up to 10 s) for it to listen. Throws on failure.
    ~DaemonProcess();

    int port() const { return _port; }
    /// The HTTP port; 0 when the configuration turned plain HTTP off.
    int pid() const { return _process->id(); }
    std::string host() const { return "127.0.0.1"; }
    bool sanitized() const;
    /// Whether it is the AddressSanitizer build (its memory map has libasan):
    /// asked of the daemon, since the tests' own objects are not instrumented.
    std::string log();
    bool logHas(const std::string& text, double timeoutSeconds = 5);
    /// Whether the log shows text within the timeout: lines reach the log
    /// through a pipe and a reader thread, a little after the daemon wrote them.
    const std::string& configPath() const { return _configPath; }

    int stop(int signal, double timeoutSeconds, double& tookSeconds);
    /// Sends the signal and waits for the exit; returns the exit status, or
    /// -1 (and kills it) if it did not exit in time, after printing on
    /// stderr what each of its threads was blocked in.

    static std::string binary();
    static int run(const std::vector<std::string>& args, std::string& output);
    /// Runs hchatd to completion (for -h, bad options), returns its exit status.

    static std::string tempDir();

    static int sanitizerReports();
    /// How many daemons stopped by this process reported an AddressSanitizer,
    /// LeakSanitizer or UBSan error in their log (the runner fails on any).

private:
    bool launch(const std::vector<std::string>& args);
    /// Starts hchatd with args and waits for it to listen; false (and it
    /// is gone) when it exited or took longer than 10 s.
    static void describeThreads(int pid);
    void drain();
    void checkSanitizerReports();

    std::string _dir;
    std::string _configPath;
    const Poco::Process::Env _env;
    std::unique_ptr<Poco::Pipe> _err;
    std::unique_ptr<Poco::ProcessHandle> _process;
    std::thread _reader;
    std::mutex _mutex;
    std::string _log;
    int _port = 0;
    bool _exited = false;
};

} // namespace hchat::test
