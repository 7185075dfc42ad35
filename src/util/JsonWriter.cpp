#include "util/JsonWriter.h"

namespace hchat
{

void JsonWriter::appendString(std::string& out, std::string_view text)
{
    static const char hex[] = "0123456789ABCDEF";
    out += '"';
    std::size_t plain = 0; // the start of the characters not yet copied
    for (std::size_t i = 0; i < text.size(); ++i)
    {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out.append(text.substr(plain, i - plain));
        plain = i + 1;
        switch (c)
        {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    out.append(text.substr(plain));
    out += '"';
}

void JsonWriter::name(const char* name)
{
    _out += _out.empty() ? '{' : ',';
    _out += '"';
    _out += name; // field names are hchatd's own: nothing to escape
    _out += "\":";
}

JsonWriter& JsonWriter::field(const char* name, std::string_view text)
{
    this->name(name);
    appendString(_out, text);
    return *this;
}

JsonWriter& JsonWriter::field(const char* name, std::uint64_t number)
{
    this->name(name);
    _out += std::to_string(number);
    return *this;
}

JsonWriter& JsonWriter::field(const char* name, const std::vector<std::string>& texts,
                              std::size_t limit)
{
    this->name(name);
    _out += '[';
    for (std::size_t i = 0; i < texts.size() && i < limit; ++i)
    {
        if (i > 0)
            _out += ',';
        appendString(_out, texts[i]);
    }
    _out += ']';
    return *this;
}

std::string JsonWriter::take()
{
    _out += _out.empty() ? "{}" : "}";
    std::string done;
    done.swap(_out);
    return done;
}

} // namespace hchat
