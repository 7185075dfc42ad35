#include "http/LongPollAnswer.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>

#include <ctime>

namespace hchat
{

namespace
{
// The Date header, formatted once a second per thread: a publisher writes
// thousands of answers in that second.
const std::string& httpDate()
{
    thread_local std::time_t second = 0;
    thread_local std::string text;
    const std::time_t now = std::time(nullptr);
    if (now != second)
    {
        second = now;
        text = Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(now),
                                               Poco::DateTimeFormat::HTTP_FORMAT);
    }
    return text;
}
} // namespace

LongPollAnswer::LongPollAnswer(bool json, bool head, const Poco::Net::HTTPResponse& response)
    : _json(json), _head(head)
{
    // What POCO would write for this response (status line, Connection,
    // Server, …), less the Date, which is the moment the answer is written.
    // Built by hand: an HTTPResponse and an ostringstream per poll cost more
    // than the rest of the answer.
    _fields.reserve(256);
    _fields = response.getVersion();
    _fields += " 200 OK\r\n";
    for (const auto& field : response)
    {
        if (field.first == Poco::Net::HTTPResponse::DATE)
            continue;
        _fields += field.first;
        _fields += ": ";
        _fields += field.second;
        _fields += "\r\n";
    }
    _fields += _json ? "Content-Type: application/json\r\n"
                     : "Content-Type: text/plain; charset=utf-8\r\n";
    _fields += "Cache-Control: no-store\r\n";
}

void LongPollAnswer::format(const Message& message, std::string& out) const
{
    const std::string& body = _json ? message.json() : message.text();
    out.reserve(out.size() + _fields.size() + 200 + message.author().size() + body.size());
    out += _fields;
    out += "Date: ";
    out += httpDate();
    out += "\r\nX-Chat-Id: ";
    out += std::to_string(message.id());
    out += "\r\nX-Chat-Author: ";
    out += message.author();
    out += "\r\nX-Chat-Time: ";
    out += message.timeText();
    out += "\r\nX-Chat-Kind: ";
    out += Message::kindName(message.kind());
    out += "\r\nContent-Length: ";
    out += std::to_string(body.size());
    out += "\r\n\r\n";
    if (!_head)
        out += body;
}

} // namespace hchat
