#pragma once

#include <cstdint>
#include <string>

namespace hchat
{

class IrcChannels;
class IrcSession;
struct IrcMessage;
class Room;

class IrcHistory
/// A channel's past for one IRC client (SPEC §14): CHATHISTORY LATEST,
/// BEFORE and AFTER (by msgid, at most 100; FAIL for the rest, TARGETS an
/// empty batch), and the playback on JOIN, each in a "chathistory" BATCH.
/// Not thread-safe: its session's thread.
{
public:
    IrcHistory(IrcSession& session, IrcChannels& channels);

    void request(const IrcMessage& m);
    void playBack(Room& room, const std::string& channel, std::uint64_t from, std::uint64_t to);
    /// Messages from..to-1 in a chathistory BATCH.

private:
    IrcSession& _session;
    IrcChannels& _channels;
    unsigned _batches = 0; ///< for batch names
};

} // namespace hchat
