#pragma once

#include <string>
#include <vector>

namespace hchat
{

class PlainSearch
/// Search without an index (MemoryStore, RedisStore): a text matches when
/// each of the words is somewhere in it, letters compared without case.
{
public:
    explicit PlainSearch(const std::string& words);
    bool empty() const { return _words.empty(); }
    bool match(const std::string& text, std::string& snippet) const;
    /// Whether text has every word; snippet: text with each match between
    /// \x02 and \x03 (text as it is when folding changed its length).

private:
    std::vector<std::string> _words; ///< folded
};

} // namespace hchat
