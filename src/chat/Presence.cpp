#include "chat/Presence.h"

#include <algorithm>

namespace hchat
{

Presence::Presence(Poco::Timespan window) : _window(window) {}

void Presence::seen(const std::string& key, const std::string& name, const Poco::Timestamp& now)
{
    std::lock_guard<std::mutex> lock(_mutex);
    Entry& entry = _seen[key];
    entry.name = name;
    entry.lastSeen = now;
}

std::vector<std::string> Presence::online(const Poco::Timestamp& now)
{
    std::vector<std::string> names;
    std::lock_guard<std::mutex> lock(_mutex);
    for (auto it = _seen.begin(); it != _seen.end();)
    {
        if (now - it->second.lastSeen > _window.totalMicroseconds())
            it = _seen.erase(it);
        else
        {
            names.push_back(it->second.name);
            ++it;
        }
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

} // namespace hchat
