#pragma once

#include <Poco/Timestamp.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hchat
{

class Doorbell;

class Mailbox
/// Private messages waiting for one live connection (a WebSocket, an SSE
/// stream, a TCP session). Private messages are never written to a room log
/// (SPEC §6), so they cannot be read through the connection's cursor: they
/// wait here, and the connection's Doorbell is rung so its thread sends them.
/// Bounded: a connection that stops reading loses private messages past
/// `capacity` instead of growing the daemon's memory.
/// Thread-safe: _mutex guards _letters.
{
public:
    struct Letter
    /// One private message, immutable, shared by every mailbox it goes to.
    {
        Letter(std::string from, std::string to, std::string text);

        std::string from;
        std::string to;
        std::string text;
        Poco::Timestamp time;
        std::string json;
        /// {"type":"private","from":…,"to":…,"time":…,"text":…}
    };
    using LetterPtr = std::shared_ptr<const Letter>;

    static constexpr std::size_t capacity = 256;

    explicit Mailbox(std::shared_ptr<Doorbell> bell);

    bool post(const LetterPtr& letter);
    /// Queues the letter and rings the bell; false (dropped) when full.

    std::vector<LetterPtr> takeAll();

private:
    std::shared_ptr<Doorbell> _bell;
    std::mutex _mutex;
    std::vector<LetterPtr> _letters; ///< a vector: costs nothing until a letter comes
};

} // namespace hchat
