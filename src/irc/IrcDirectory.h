#pragma once

#include <string>

namespace hchat
{

class IrcChannels;
class IrcSession;
class Room;
struct RoomRecord;

class IrcDirectory
/// Who is where, for one IRC client (SPEC §14): NAMES (353/366; ~ the
/// room's owner, @ its moderators), LIST (321/322/323: public rooms only,
/// the most recently active), WHO (352/315) and WHOIS (311/312/330/318,
/// 401). Not thread-safe: its session's thread.
{
public:
    IrcDirectory(IrcSession& session, IrcChannels& channels);

    void names(const std::string& list);
    void namesOf(const Room& room, const std::string& channel, bool exact);
    /// exact: as People have it now; else as of the last sweep (on JOIN,
    /// when thousands may arrive at once), the client itself surely in it.
    void list();
    void who(const std::string& target);
    void whois(const std::string& target);

private:
    std::string prefixOf(const std::string& name, const RoomRecord& record) const;
    /// "~" for the room's owner, "@" for its moderators, "" for the rest.

    IrcSession& _session;
    IrcChannels& _channels;
};

} // namespace hchat
