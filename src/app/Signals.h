#pragma once

namespace hchat
{

class Signals
/// The signals the daemon acts on: SIGINT, SIGQUIT and SIGTERM stop it,
/// SIGHUP reopens the log files and reloads the TLS pair. block() runs
/// first in main(), before any thread exists, so every thread inherits the
/// mask and the signals reach only the thread in wait() (an unblocked
/// SIGHUP would kill the process).
{
public:
    enum class Request
    {
        stop,
        reload
    };

    static void block();
    static Request wait();
    /// Blocks the calling thread until one of the signals arrives.
};

} // namespace hchat
