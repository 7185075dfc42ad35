#include "app/Detacher.h"

#include <Poco/Exception.h>

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace hchat
{

namespace
{

[[noreturn]] void waitForChild(pid_t child, int fromChild)
{
    char ready = 0;
    ssize_t n;
    while ((n = ::read(fromChild, &ready, 1)) < 0 && errno == EINTR)
        ;
    if (n == 1)
        _exit(0);
    // The child closed the pipe by exiting before it was ready.
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status))
        _exit(WEXITSTATUS(status));
    std::fprintf(stderr, "hchatd: the daemon was killed by signal %d while starting\n",
                 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    _exit(70);
}

void redirect(int fd, int flags)
{
    const int null = ::open("/dev/null", flags);
    if (null < 0)
        return;
    ::dup2(null, fd);
    if (null != fd)
        ::close(null);
}

} // namespace

void Detacher::detach()
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw Poco::SystemException("cannot create a pipe to detach");
    std::fflush(nullptr);
    const pid_t child = ::fork();
    if (child < 0)
        throw Poco::SystemException("cannot fork to detach");
    if (child > 0)
    {
        ::close(fds[1]);
        waitForChild(child, fds[0]);
    }
    ::close(fds[0]);
    _toParent = fds[1];
    ::setsid();
    ::umask(027);
    if (::chdir("/") != 0)
        throw Poco::SystemException("cannot change to /");
    redirect(STDIN_FILENO, O_RDONLY);
}

void Detacher::ready()
{
    if (_toParent < 0)
        return;
    std::fflush(nullptr);
    redirect(STDOUT_FILENO, O_WRONLY);
    redirect(STDERR_FILENO, O_WRONLY);
    const char ready = 1;
    while (::write(_toParent, &ready, 1) < 0 && errno == EINTR)
        ;
    ::close(_toParent);
    _toParent = -1;
}

} // namespace hchat
