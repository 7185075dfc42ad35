#pragma once

#include <string>

namespace hchat
{

class IdGenerator
/// Room and client identifiers: 128 bits from the kernel's CSPRNG
/// (getrandom), written as 32 lowercase hex characters. Unguessable ids are
/// what keeps unlisted rooms private (SPEC §8). Thread-safe (no state).
{
public:
    static std::string next();
    /// A fresh identifier. Throws Poco::SystemException if the kernel has no randomness to give.

    static bool isValid(const std::string& id);
    /// True for exactly 32 lowercase hex characters.
};

} // namespace hchat
