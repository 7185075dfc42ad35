#include "app/Signals.h"

#include <csignal>
#include <initializer_list>
#include <pthread.h>

namespace hchat
{

namespace
{

sigset_t handled()
{
    sigset_t set;
    sigemptyset(&set);
    for (int signal : {SIGINT, SIGQUIT, SIGTERM, SIGHUP})
        sigaddset(&set, signal);
    return set;
}

} // namespace

void Signals::block()
{
    const sigset_t set = handled();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

Signals::Request Signals::wait()
{
    const sigset_t set = handled();
    int signal = 0;
    while (sigwait(&set, &signal) != 0)
        ;
    return signal == SIGHUP ? Request::reload : Request::stop;
}

} // namespace hchat
