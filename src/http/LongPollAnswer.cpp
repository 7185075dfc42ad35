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
    _fields.shrink_to_fit(); // kept as long as the poll's connection: no spare room
}

std::optional<HttpError> LongPollAnswer::refusal(Room::Lookup found, const Room& room,
                                                 std::uint64_t n)
{
    using Poco::Net::HTTPResponse;
    if (found == Room::Lookup::Gone)
        return HttpError(HTTPResponse::HTTP_GONE,
                         "message " + std::to_string(n) + " was dropped by retention");
    if (found == Room::Lookup::Closed && room.isDeleted())
        return HttpError(HTTPResponse::HTTP_GONE, "this room was deleted");
    if (found == Room::Lookup::Closed)
        return HttpError(HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "server shutting down");
    return std::nullopt;
}

void LongPollAnswer::formatStatus(Poco::Net::HTTPResponse::HTTPStatus status,
                                  const std::string& text, bool close, std::string& out) const
{
    // Rare (a timeout, an error): the 200's head is taken apart again
    // rather than a second one kept for every waiting poll.
    const std::size_t version = _fields.find(' ');
    out.append(_fields, 0, version);
    out += ' ';
    out += std::to_string(static_cast<int>(status));
    out += ' ';
    out += Poco::Net::HTTPResponse::getReasonForStatus(status);
    out += "\r\n";
    std::size_t line = _fields.find("\r\n") + 2;
    while (line < _fields.size())
    {
        const std::size_t end = _fields.find("\r\n", line) + 2;
        const bool connection = _fields.compare(line, 11, "Connection:") == 0;
        if (_fields.compare(line, 13, "Content-Type:") != 0 && !(close && connection))
            out.append(_fields, line, end - line);
        line = end;
    }
    if (close)
        out += "Connection: close\r\n";
    out += "Date: ";
    out += httpDate();
    const std::string body = text.empty() ? text : text + "\n";
    if (!body.empty())
        out += "\r\nContent-Type: text/plain; charset=utf-8";
    out += "\r\nContent-Length: ";
    out += std::to_string(body.size());
    out += "\r\n\r\n";
    if (!_head)
        out += body;
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
