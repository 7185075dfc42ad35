#pragma once

#include <string>

namespace hchat
{

class LineCommand
/// One client line of the line protocol (SPEC §5), parsed:
///   USERNAME <name> | JOIN <room> | LEAVE | MSG <text> |
///   PRIVMSG <user> <text> | EDIT <n> <text> | DELETE <n> | KICK <user> |
///   BAN <user> [seconds] | UNBAN <user> | ROOMS | USERS | QUIT
/// Commands are upper case. LEAVE, ROOMS, USERS and QUIT are commands only
/// as the whole line, EDIT and DELETE only with a message number, KICK,
/// BAN and UNBAN only with one name (and BAN's number), so "USERS are
/// great", "DELETE it" or "BAN the bots" typed in a room is a message.
/// Anything else is Text: a message when the client is in a room.
/// Arguments may be empty (the session answers with the usage).
/// Thread-safe (no state).
{
public:
    enum class Verb
    {
        Username,
        Join,
        Leave,
        Msg,
        Privmsg,
        Edit,
        Delete,
        Kick,
        Ban,
        Unban,
        Rooms,
        Users,
        Quit,
        Text
    };

    Verb verb = Verb::Text;
    std::string argument; ///< USERNAME's name, JOIN's room, PRIVMSG's, KICK's, BAN's and UNBAN's
                          ///< user, EDIT's and DELETE's n
    std::string text; ///< MSG's, PRIVMSG's and EDIT's text, BAN's seconds, or the whole Text line

    static LineCommand parse(const std::string& line);
};

} // namespace hchat
