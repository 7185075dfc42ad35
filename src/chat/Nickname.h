#pragma once

#include <string>

namespace hchat
{

class Nickname
/// The naming rule shared by every transport (SPEC §5): 1 to 32 characters,
/// each a letter, digit, '_', '-' or '.'. Names compare case-insensitively.
/// The rule keeps names safe to put in HTTP headers and line-protocol words.
/// Thread-safe (no state).
{
public:
    static constexpr std::size_t maxLength = 32;

    static bool isValid(const std::string& name);

    static std::string folded(const std::string& name);
    /// The name in lower case, the key that makes names unique.

    static std::string guestName(const std::string& personId);
    /// The display name of someone who has not chosen one: "guest-" and the
    /// first six characters of their person id (a 32-hex id), or "anonymous"
    /// for anything else (a cookie-less client known by its address).
};

} // namespace hchat
