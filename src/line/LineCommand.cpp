#include "line/LineCommand.h"

#include "chat/Nickname.h"

#include <Poco/String.h>

namespace hchat
{

namespace
{
// The first word and what follows the one space after it.
void split(const std::string& line, std::string& word, std::string& rest)
{
    const std::size_t space = line.find(' ');
    word = line.substr(0, space);
    rest = space == std::string::npos ? std::string() : line.substr(space + 1);
}
} // namespace

LineCommand LineCommand::parse(const std::string& line)
{
    LineCommand command;
    command.text = line;
    const std::string whole = Poco::trimRight(line);
    if (whole == "LEAVE")
        command.verb = Verb::Leave;
    else if (whole == "ROOMS")
        command.verb = Verb::Rooms;
    else if (whole == "USERS")
        command.verb = Verb::Users;
    else if (whole == "QUIT")
        command.verb = Verb::Quit;
    if (command.verb != Verb::Text)
        return command;

    std::string word, rest;
    split(line, word, rest);
    if (word == "KICK" || word == "BAN" || word == "UNBAN")
    {
        std::string name, after;
        split(Poco::trim(rest), name, after);
        const bool number = !after.empty() && after.size() <= 9 &&
                            after.find_first_not_of("0123456789") == std::string::npos;
        if (Nickname::isValid(name) && (after.empty() || (word == "BAN" && number)))
        {
            command.verb = word == "KICK" ? Verb::Kick : word == "BAN" ? Verb::Ban : Verb::Unban;
            command.argument = name;
            command.text = after;
            return command;
        }
    }
    if (word == "EDIT" || word == "DELETE")
    {
        std::string number, after;
        split(Poco::trimLeft(rest), number, after);
        if (word == "DELETE")
            number = Poco::trimRight(Poco::trimLeft(rest));
        if (!number.empty() && number.size() <= 19 &&
            number.find_first_not_of("0123456789") == std::string::npos)
        {
            command.verb = word == "EDIT" ? Verb::Edit : Verb::Delete;
            command.argument = number;
            command.text = word == "EDIT" ? after : std::string();
            return command;
        }
    }
    if (word == "USERNAME" || word == "JOIN")
    {
        command.verb = word == "USERNAME" ? Verb::Username : Verb::Join;
        command.argument = Poco::trim(rest);
        command.text.clear();
    }
    else if (word == "MSG")
    {
        command.verb = Verb::Msg;
        command.text = rest;
    }
    else if (word == "PRIVMSG")
    {
        command.verb = Verb::Privmsg;
        split(Poco::trimLeft(rest), command.argument, command.text);
    }
    return command;
}

} // namespace hchat
