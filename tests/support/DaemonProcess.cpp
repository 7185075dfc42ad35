#include "support/DaemonProcess.h"

#include "support/LineClient.h"
#include "support/Program.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/Environment.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/PipeStream.h>
#include <Poco/TemporaryFile.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>
#include <sys/wait.h>

namespace hchat::test
{

std::string DaemonProcess::binary()
{
    return Poco::Environment::get("HCHATD_BIN", "./hchatd");
}

std::string DaemonProcess::tempDir()
{
    // A name of its own: tempName() is the process id and a counter, and a
    // folder an earlier process of the same id left behind must not be used.
    for (;;)
    {
        std::string dir = Poco::TemporaryFile::tempName();
        if (Poco::File(dir).createDirectory())
            return dir;
    }
}

DaemonProcess::DaemonProcess(const std::map<std::string, std::string>& config,
                             const std::vector<std::string>& extraArgs,
                             const Poco::Process::Env& env)
    : _dir(tempDir()), _env(env)
{
    std::map<std::string, std::string> all = {{"http.address", "127.0.0.1"},
                                              {"limits.messagesPerSecond", "0"},
                                              {"limits.connectionsPerAddress", "0"}};
    for (const auto& entry : config)
        all[entry.first] = entry.second;
    _configPath = _dir + "/hchatd.conf";
    {
        std::ofstream out(_configPath);
        for (const auto& entry : all)
            if (!entry.second.empty())
                out << entry.first << " = " << entry.second << "\n";
    }
    // A port of the test's choosing (0 would turn plain HTTP off); should
    // something else take it before the daemon binds, try another.
    const bool ownPort = config.count("http.port") == 0;
    const int givenPort = ownPort ? 0 : std::stoi(config.at("http.port"));
    for (int attempt = 0; attempt < 5; ++attempt)
    {
        _port = ownPort ? LineClient::freePort() : givenPort;
        std::vector<std::string> args = {"-c", _configPath};
        if (ownPort)
            args.insert(args.end(), {"-p", std::to_string(_port)});
        args.insert(args.end(), extraArgs.begin(), extraArgs.end());
        if (launch(args) || !ownPort || log().find("cannot listen") == std::string::npos)
            break;
    }
    if (!_process)
    {
        // CppUnit shows only what() of a POCO exception, which is its name.
        std::cerr << "\n*** hchatd did not start within 10 s; its log:\n" << log() << std::endl;
        throw Poco::RuntimeException("hchatd did not start", log());
    }
}

bool DaemonProcess::launch(const std::vector<std::string>& args)
{
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _log.clear();
        _exited = false;
    }
    _err = std::make_unique<Poco::Pipe>();
    _process = std::make_unique<Poco::ProcessHandle>(
        Poco::Process::launch(binary(), args, nullptr, nullptr, _err.get(), _env));
    _reader = std::thread([this] { drain(); });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline)
    {
        {
            std::lock_guard<std::mutex> lock(_mutex);
            if (_log.find("hchatd listening on") != std::string::npos)
                return true;
            if (_exited)
                break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    double ignored;
    stop(SIGKILL, 2, ignored); // resets _process
    return false;
}

namespace
{
std::atomic<int> reports{0};
}

int DaemonProcess::sanitizerReports()
{
    return reports.load();
}

DaemonProcess::~DaemonProcess()
{
    // A clean stop, so that a sanitizer build reports leaks at exit too.
    double ignored;
    if (stop(SIGTERM, 5, ignored) == -1)
        stop(SIGKILL, 5, ignored);
    checkSanitizerReports();
    Poco::File(_dir).remove(true);
}

void DaemonProcess::checkSanitizerReports()
{
    std::string seen = log();
    for (const char* mark : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                             "runtime error:", "WARNING: ThreadSanitizer"})
    {
        if (seen.find(mark) != std::string::npos)
        {
            ++reports;
            std::cerr << "\n*** hchatd reported a sanitizer error:\n" << seen << std::endl;
            return;
        }
    }
}

void DaemonProcess::drain()
{
    // Pipe::readBytes returns what is there (a stream would wait for a full buffer).
    char buffer[1024];
    int n;
    while ((n = _err->readBytes(buffer, sizeof buffer)) > 0)
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _log.append(buffer, static_cast<std::size_t>(n));
    }
    std::lock_guard<std::mutex> lock(_mutex);
    _exited = true;
}

bool DaemonProcess::sanitized() const
{
    return Program::fileText("/proc/" + std::to_string(pid()) + "/maps").find("libasan") !=
           std::string::npos;
}

std::string DaemonProcess::log()
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _log;
}

void DaemonProcess::describeThreads(int pid)
{
    // What each thread was blocked in (kernel wait channel, system call
    // number): a stop that hangs in CI says where without a debugger.
    const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
    auto firstLine = [](const std::string& path)
    {
        std::ifstream in(path);
        std::string line;
        std::getline(in, line);
        return line;
    };
    try
    {
        for (Poco::DirectoryIterator it(tasks), end; it != end; ++it)
        {
            const std::string task = tasks + "/" + it.name();
            std::cerr << "[stuck] thread " << it.name() << " " << firstLine(task + "/comm")
                      << ": in " << firstLine(task + "/wchan") << ", syscall "
                      << firstLine(task + "/syscall").substr(0, 4) << std::endl;
        }
    }
    catch (const Poco::Exception&)
    {
        // It exited after all.
    }
}

int DaemonProcess::stop(int signal, double timeoutSeconds, double& tookSeconds)
{
    tookSeconds = 0;
    if (!_process)
        return -1;
    const pid_t pid = _process->id();
    auto start = std::chrono::steady_clock::now();
    ::kill(pid, signal);
    int status = 0;
    int result = -1;
    while (true)
    {
        pid_t done = ::waitpid(pid, &status, WNOHANG);
        tookSeconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (done == pid)
        {
            result = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            break;
        }
        if (done < 0)
            break;
        if (tookSeconds > timeoutSeconds)
        {
            describeThreads(pid);
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            result = -1;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    _process.reset();
    if (_reader.joinable())
        _reader.join();
    return result;
}

int DaemonProcess::run(const std::vector<std::string>& args, std::string& output)
{
    return Program::run(binary(), args, output);
}

bool DaemonProcess::logHas(const std::string& text, double timeoutSeconds)
{
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::microseconds(static_cast<long>(timeoutSeconds * 1e6));
    while (log().find(text) == std::string::npos)
    {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

} // namespace hchat::test
