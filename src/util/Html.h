#pragma once

#include <string>

namespace hchat
{

class Html
/// Escaping of user text for HTML text and attribute values: the only way
/// user text reaches a page. Thread-safe (no state).
{
public:
    static std::string escape(const std::string& text);
    /// & < > " ' replaced by character references.
};

} // namespace hchat
