#include "app/MallocTunables.h"

#include <dlfcn.h>
#include <sys/auxv.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace hchat
{

// glibc's cache keeps up to seven freed chunks of each small size per
// thread; measured, about 1.4 KiB per held long poll and 0.4 KiB per held
// WebSocket stayed there. glibc sizes it only from GLIBC_TUNABLES, read
// when the process starts: hence the exec.
void MallocTunables::apply(char** argv)
{
    static const char setting[] = "glibc.malloc.tcache_count";
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    const char* preload = std::getenv("LD_PRELOAD");
    if ((tunables && std::string(tunables).find(setting) != std::string::npos) ||
        (preload && *preload) || getauxval(AT_SECURE) != 0)
        return;
    // Only glibc's malloc has that cache. One replaced by a tool (heaptrack,
    // which takes LD_PRELOAD out of the environment once loaded; valgrind; a
    // sanitizer) is left alone: the exec would leave the tool behind.
    Dl_info where{};
    if (dladdr(reinterpret_cast<void*>(&std::malloc), &where) == 0 || !where.dli_fname ||
        !std::strstr(where.dli_fname, "/libc.so"))
        return;
    // The file's own name, not /proc/self/exe: the process is named after
    // what is executed (ps, top, the journal).
    char path[4096];
    const ssize_t length = readlink("/proc/self/exe", path, sizeof path - 1);
    if (length <= 0 || length == static_cast<ssize_t>(sizeof path - 1))
        return;
    path[length] = '\0';
    if (access(path, X_OK) != 0)
        return; // removed since it started (the link then ends in " (deleted)")
    const std::string before = tunables ? tunables : "";
    const std::string after = (before.empty() ? "" : before + ":") + setting + "=0";
    if (setenv("GLIBC_TUNABLES", after.c_str(), 1) != 0)
        return;
    execv(path, argv);
    if (tunables)
        setenv("GLIBC_TUNABLES", before.c_str(), 1);
    else
        unsetenv("GLIBC_TUNABLES");
}

} // namespace hchat
