#include "chat/Typing.h"

#include "util/JsonWriter.h"

#include <Poco/UTF8String.h>

#include <algorithm>

namespace hchat
{

bool Typing::note(const std::string& name, Poco::Timestamp now)
{
    std::lock_guard<std::mutex> lock(_mutex);
    auto same =
        std::find_if(_writers.begin(), _writers.end(),
                     [&](const Writer& w) { return Poco::UTF8::icompare(w.name, name) == 0; });
    if (same != _writers.end())
    {
        if (now - same->since < every)
            return false;
        _writers.erase(same);
    }
    _writers.erase(std::remove_if(_writers.begin(), _writers.end(),
                                  [&](const Writer& w) { return now - w.since >= shown; }),
                   _writers.end());
    if (_writers.size() >= maxNames)
        _writers.erase(_writers.begin()); // the one who said so longest ago
    _writers.push_back(Writer{name, now});
    _version.fetch_add(1);
    return true;
}

void Typing::forget(const std::string& name)
{
    // Kept (not shown) until `every` has passed, so a frame per `every` holds.
    std::lock_guard<std::mutex> lock(_mutex);
    for (Writer& w : _writers)
        if (Poco::UTF8::icompare(w.name, name) == 0)
            w.writing = false;
}

std::string Typing::frame(Poco::Timestamp now) const
{
    std::vector<std::string> names;
    {
        std::lock_guard<std::mutex> lock(_mutex);
        for (const Writer& w : _writers)
            if (w.writing && now - w.since < shown)
                names.push_back(w.name);
    }
    return JsonWriter().field("type", "typing").field("names", names).take();
}

} // namespace hchat
