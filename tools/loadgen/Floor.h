#pragma once

#include <string>

namespace hchat::load
{

class Floor
/// What this machine's kernel charges for two things hchatd cannot do
/// without, so that make bench can tell how close a figure is to its floor:
/// waking a thread (thread per connection: a connection's thread waits in
/// poll() on its socket and is signalled, as Doorbell does; it writes 100
/// bytes) when it is the only one waiting and when it is one of many,
/// against the same write made inline by one thread (an event loop's); and
/// a commit (a WAL append of a few 1 KiB frames, each header and page
/// written apart as SQLite does, then fdatasync) against the writes alone.
/// CPU time of the threads concerned, in microseconds per wake or commit.
{
public:
    struct Result
    {
        int threads = 0;         ///< threads waiting, one woken per delivery
        double inlineUs = 0;     ///< one thread polls and writes
        double wokenAloneUs = 0; ///< the signal and the woken thread's work, one waiting
        double wokenUs = 0;      ///< the same, `threads` waiting
        int frames = 0;          ///< frames per commit
        double writesUs = 0;     ///< the frames' writes alone
        double commitUs = 0;     ///< the frames' writes and fdatasync, back to back
        long intervalUs = 0;     ///< spacedUs: one commit every intervalUs (0: not measured)
        double spacedUs = 0;     ///< a commit and the sleep until the next one
    };

    static Result measure(int threads, const std::string& folder, long intervalUs = 0);
    /// Starts `threads` threads, each waiting on a socket pair of its own
    /// (two descriptors each), wakes them one at a time in a fixed random
    /// order, and writes commits to a file made in `folder` (deleted after):
    /// back to back, and with intervalUs, one every intervalUs for a second
    /// (a commit's cost grows when the thread sleeps between them).
    /// Takes a few seconds. Throws std::runtime_error when threads is below
    /// 1, or a thread, socket or the file cannot be had.
};

} // namespace hchat::load
