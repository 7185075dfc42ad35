#pragma once

#include <Poco/Timestamp.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace hchat
{

class Typing
/// Who is writing a message in one room now (SPEC: the typing indicator):
/// ephemeral, never in a log, told to the room's SSE and WebSocket clients
/// as {"type":"typing","names":[…]}, the names that said so in the last
/// `shown`. A name that says so again within `every` changes nothing, so
/// each person causes at most one frame per `every` whatever they send.
/// At most maxNames names are kept (the latest). Thread-safe.
{
public:
    static constexpr Poco::Timestamp::TimeDiff every = 3000000; ///< 3 s, in µs
    static constexpr Poco::Timestamp::TimeDiff shown = 5000000; ///< 5 s, in µs
    static constexpr std::size_t maxNames = 8;

    bool note(const std::string& name, Poco::Timestamp now = Poco::Timestamp());
    /// The person called name is writing. True when that is news (a frame
    /// is due): version() has changed.
    void forget(const std::string& name);
    /// The person sent their message: no longer writing (no frame of its
    /// own; the message says it). Saying so again within `every` of the
    /// last time is still no news.

    std::uint64_t version() const { return _version.load(); }
    /// Lock-free: compared on every wake of every stream.
    std::string frame(Poco::Timestamp now = Poco::Timestamp()) const;

private:
    struct Writer
    {
        std::string name;
        Poco::Timestamp since; ///< when they last said so
        bool writing = true;   ///< false once their message is sent
    };

    mutable std::mutex _mutex; ///< guards _writers
    std::vector<Writer> _writers;
    std::atomic<std::uint64_t> _version{0};
};

} // namespace hchat
