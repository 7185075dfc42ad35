#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hchat
{

class JsonWriter
/// Writes one JSON object, field by field in the order given, straight
/// into a string: the frames built for every message, presence and typing
/// change. The text is what Poco::JSON writes for the same values (UTF-8
/// as given; quote, backslash and control characters escaped), without
/// its tree of values. Not thread-safe: one object per writer.
{
public:
    JsonWriter& field(const char* name, std::string_view text);
    JsonWriter& field(const char* name, std::uint64_t number);
    JsonWriter& field(const char* name, const std::vector<std::string>& texts,
                      std::size_t limit = static_cast<std::size_t>(-1));
    /// An array of the first limit texts.

    std::string take();
    /// The object, closed; the writer is empty afterwards.

    static void appendString(std::string& out, std::string_view text);
    /// text as a JSON string, quotes included.

private:
    void name(const char* name);

    std::string _out;
};

} // namespace hchat
