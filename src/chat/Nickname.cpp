#include "chat/Nickname.h"

#include "chat/IdGenerator.h"

namespace hchat
{

bool Nickname::isValid(const std::string& name)
{
    if (name.empty() || name.size() > maxLength)
        return false;
    for (char c : name)
    {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || c == '.';
        if (!ok)
            return false;
    }
    return true;
}

std::string Nickname::folded(const std::string& name)
{
    std::string out(name);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string Nickname::guestName(const std::string& personId)
{
    if (!IdGenerator::isValid(personId))
        return "anonymous";
    return "guest-" + personId.substr(0, 6);
}

} // namespace hchat
