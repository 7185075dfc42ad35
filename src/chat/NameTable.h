#pragma once

#include <string>
#include <unordered_map>

namespace hchat
{

class NameTable
/// Which name is whose on this daemon, by folded name (Nickname::folded):
/// the names held by people online, one person's key each, and the names
/// reserved for registered accounts, which nobody else may take even while
/// their owner is away (SPEC §10). Not thread-safe: People holds its lock.
{
public:
    bool freeFor(const std::string& folded, const std::string& key) const;
    /// Nobody else online holds the name, and it is no one else's reserved
    /// name.
    bool hold(const std::string& folded, const std::string& key);
    /// The name is key's while they are online; false, and nothing changes,
    /// when someone else online holds it.
    void drop(const std::string& folded);
    /// Its holder went offline or chose another name.
    std::string holder(const std::string& folded) const;
    /// The key of whoever online holds the name, or "".

    bool reserve(const std::string& folded, const std::string& key);
    /// The name is key's alone from now on; false, and nothing changes,
    /// when it is not free for key.
    void unreserve(const std::string& folded);

private:
    std::unordered_map<std::string, std::string> _held;     ///< folded name → key
    std::unordered_map<std::string, std::string> _reserved; ///< folded name → owner key
};

} // namespace hchat
