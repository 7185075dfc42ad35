#pragma once

namespace hchat
{

class MallocTunables
/// glibc's malloc keeps freed chunks in a cache per thread (up to seven of
/// each small size), for that thread only. hchatd has a thread per
/// connection, and most of them sleep for hours after their first request:
/// what that request freed stays in its thread's cache, out of reach of the
/// others (about 1.4 KiB per held long poll, 0.4 KiB per WebSocket). glibc
/// sizes the cache only from the GLIBC_TUNABLES environment variable, read
/// when the process starts, so hchatd adds glibc.malloc.tcache_count=0 to
/// it and executes itself again, once, first thing in main(), before any
/// thread or file exists. Same process id, same arguments.
{
public:
    static void apply(char** argv);
    /// Returns at once when there is nothing to do: GLIBC_TUNABLES already
    /// names glibc.malloc.tcache_count (the operator's choice), LD_PRELOAD
    /// is set or malloc is not glibc's (another allocator, or a tool such as
    /// valgrind, heaptrack or a sanitizer, which a new exec would leave
    /// behind or which has no such cache), or the process runs set-user-ID or with
    /// file capabilities (glibc would drop the variable, and the exec would
    /// repeat). Returns, with the environment as it was, when its own file
    /// cannot be found (no /proc, or removed since) or the exec fails.
    /// Otherwise does not return.
};

} // namespace hchat
