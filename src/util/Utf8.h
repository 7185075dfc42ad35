#pragma once

#include <cstddef>
#include <string>

namespace hchat
{

class Utf8
/// Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates,
/// nothing above U+10FFFF. Every text that enters a room passes through it,
/// so every transport can hand text on without re-checking. Thread-safe (no state).
{
public:
    static bool isValid(const char* data, std::size_t size);
    static bool isValid(const std::string& text) { return isValid(text.data(), text.size()); }

    static std::size_t validPrefix(const char* data, std::size_t size);
    /// Length of the longest prefix that is a sequence of complete, valid characters.
};

} // namespace hchat
