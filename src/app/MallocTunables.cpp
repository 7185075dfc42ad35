#include "app/MallocTunables.h"

#include <sys/auxv.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace hchat
{

void MallocTunables::apply(char** argv)
{
    static const char setting[] = "glibc.malloc.tcache_count";
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    const char* preload = std::getenv("LD_PRELOAD");
    if ((tunables && std::string(tunables).find(setting) != std::string::npos) ||
        (preload && *preload) || getauxval(AT_SECURE) != 0)
        return;
    const std::string before = tunables ? tunables : "";
    const std::string after = (before.empty() ? "" : before + ":") + setting + "=0";
    if (setenv("GLIBC_TUNABLES", after.c_str(), 1) != 0)
        return;
    execv("/proc/self/exe", argv);
    if (tunables)
        setenv("GLIBC_TUNABLES", before.c_str(), 1);
    else
        unsetenv("GLIBC_TUNABLES");
}

} // namespace hchat
