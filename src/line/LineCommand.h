#pragma once

#include <string>

namespace hchat
{

class LineCommand
/// One client line of the line protocol (SPEC §5), parsed:
///   USERNAME <name> | JOIN <room> | LEAVE | MSG <text> |
///   PRIVMSG <user> <text> | ROOMS | USERS | QUIT
/// Commands are upper case. LEAVE, ROOMS, USERS and QUIT are commands only
/// as the whole line, so "USERS are great" typed in a room is a message.
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
        Rooms,
        Users,
        Quit,
        Text
    };

    Verb verb = Verb::Text;
    std::string argument; ///< USERNAME's name, JOIN's room, PRIVMSG's user
    std::string text;     ///< MSG's and PRIVMSG's text, or the whole Text line

    static LineCommand parse(const std::string& line);
};

} // namespace hchat
