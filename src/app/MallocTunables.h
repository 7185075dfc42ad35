#pragma once

namespace hchat
{

class MallocTunables
/// Turns glibc malloc's per-thread cache off (glibc.malloc.tcache_count=0)
/// for the whole process, by executing hchatd again, once, with it added to
/// GLIBC_TUNABLES: with a thread per connection, what a connection's first
/// request freed would otherwise stay cached by its thread, out of the
/// others' reach, for as long as the connection is held. Called first thing
/// in main(), before any thread or file exists; same process id, same
/// arguments.
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
