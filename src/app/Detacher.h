#pragma once

namespace hchat
{

class Detacher
/// Runs the daemon of -d in the background without losing its start-up
/// errors. detach() forks: the parent waits until the child calls ready(),
/// then exits 0; should the child exit first (a port in use, a bad
/// database), the parent exits with the child's status, and the child's
/// message has reached the terminal, whose stderr the child keeps until it
/// is ready. The child gets a session of its own, umask 027, "/" as its
/// directory and /dev/null as stdin; ready() points stdout and stderr at
/// /dev/null too. Call detach() before any thread starts.
{
public:
    void detach();
    /// Returns in the child only. Throws Poco::SystemException when the
    /// fork or the pipe fails.
    void ready();
    /// Tells the waiting parent the daemon serves. Does nothing without
    /// detach() or when called again.

private:
    int _toParent = -1;
};

} // namespace hchat
