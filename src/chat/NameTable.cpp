#include "chat/NameTable.h"

namespace hchat
{

bool NameTable::freeFor(const std::string& folded, const std::string& key) const
{
    auto holder = _held.find(folded);
    if (holder != _held.end() && holder->second != key)
        return false;
    auto owner = _reserved.find(folded);
    return owner == _reserved.end() || owner->second == key;
}

bool NameTable::hold(const std::string& folded, const std::string& key)
{
    auto [holder, fresh] = _held.try_emplace(folded, key);
    return fresh || holder->second == key;
}

void NameTable::drop(const std::string& folded)
{
    _held.erase(folded);
}

std::string NameTable::holder(const std::string& folded) const
{
    auto holder = _held.find(folded);
    return holder == _held.end() ? "" : holder->second;
}

bool NameTable::reserve(const std::string& folded, const std::string& key)
{
    if (!freeFor(folded, key))
        return false;
    _reserved[folded] = key;
    return true;
}

void NameTable::unreserve(const std::string& folded)
{
    _reserved.erase(folded);
}

} // namespace hchat
