#pragma once

#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace hchat
{

class Presence
/// Who has been seen in a room lately. A long-poll client is online while it
/// keeps polling: each poll or send marks it seen, and it counts as online
/// for one poll timeout (plus a grace period) after that.
/// Thread-safe: _mutex guards _seen.
{
public:
    explicit Presence(Poco::Timespan window);

    void seen(const std::string& key, const std::string& name, const Poco::Timestamp& now);
    /// Marks a person (key: client id, or address for clients without one) as present.

    std::vector<std::string> online(const Poco::Timestamp& now);
    /// Display names of those seen within the window, sorted; drops the rest.

private:
    struct Entry
    {
        std::string name;
        Poco::Timestamp lastSeen;
    };

    Poco::Timespan _window;
    std::mutex _mutex;
    std::map<std::string, Entry> _seen;
};

} // namespace hchat
