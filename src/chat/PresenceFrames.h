#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace hchat
{

class PresenceFrames
/// The presence frame of each room with people in it,
/// {"type":"presence","online":[first 200 names],"count":n}, and its sorted
/// names, as of the room's last change: built once and shared by every
/// connection of the room that sends or lists them. Not thread-safe: People
/// holds its lock around every call.
{
public:
    using Names = std::shared_ptr<const std::vector<std::string>>;
    using Frame = std::shared_ptr<const std::string>;

    Frame keep(const std::string& roomId, std::vector<std::string> sortedNames);
    /// Builds the room's frame from its names, keeps both in place of what
    /// was kept, and returns the frame.
    void forget(const std::string& roomId);
    /// The room has nobody in it.

    Frame frame(const std::string& roomId) const;
    Names names(const std::string& roomId) const;
    /// What is kept for the room; null when nothing is.

private:
    struct Kept
    {
        Frame frame;
        Names names;
    };
    std::unordered_map<std::string, Kept> _rooms;
};

} // namespace hchat
