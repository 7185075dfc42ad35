#include "store/PlainSearch.h"

#include <Poco/StringTokenizer.h>
#include <Poco/UTF8String.h>

#include <algorithm>

namespace hchat
{

PlainSearch::PlainSearch(const std::string& words)
{
    Poco::StringTokenizer wanted(Poco::UTF8::toLower(words), " \t\n",
                                 Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    _words.assign(wanted.begin(), wanted.end());
}

bool PlainSearch::match(const std::string& text, std::string& snippet) const
{
    const std::string folded = Poco::UTF8::toLower(text);
    std::vector<std::pair<std::size_t, std::size_t>> marks; // where each word is
    for (const std::string& word : _words)
    {
        const std::size_t at = folded.find(word);
        if (at == std::string::npos)
            return false;
        marks.emplace_back(at, word.size());
    }
    snippet = text;
    if (folded.size() != text.size()) // else the offsets are not the text's
        return true;
    std::sort(marks.begin(), marks.end());
    snippet.clear();
    std::size_t done = 0;
    for (const auto& mark : marks)
    {
        if (mark.first < done)
            continue; // overlaps the one before
        snippet += text.substr(done, mark.first - done) + '\x02' +
                   text.substr(mark.first, mark.second) + '\x03';
        done = mark.first + mark.second;
    }
    snippet += text.substr(done);
    return true;
}

} // namespace hchat
