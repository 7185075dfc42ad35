#include "model/Message.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Object.h>

#include <sstream>

namespace hchat
{

Message::Message(std::uint64_t id, MessageKind kind, std::string author, Poco::Timestamp time,
                 std::string text, Crowd crowd, std::string account)
    : _id(id), _kind(kind), _author(std::move(author)), _time(time), _text(std::move(text)),
      _crowd(std::move(crowd)), _account(std::move(account)), _timeText(formatTime(time))
{
    Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
    object.set("type", "message");
    object.set("id", static_cast<Poco::UInt64>(_id));
    object.set("kind", kindName(_kind));
    object.set("author", _author);
    if (!_account.empty())
        object.set("account", _account);
    object.set("time", timeText());
    object.set("text", _text);
    if (!_crowd.empty())
        _crowd.addTo(object);
    std::ostringstream out;
    object.stringify(out);
    _json = out.str();
}

std::string Message::formatTime(const Poco::Timestamp& time)
{
    return Poco::DateTimeFormatter::format(time, "%Y-%m-%dT%H:%M:%S.%iZ");
}

const char* Message::kindName(MessageKind kind)
{
    switch (kind)
    {
    case MessageKind::Message:
        return "message";
    case MessageKind::Join:
        return "join";
    case MessageKind::Leave:
        return "leave";
    case MessageKind::Nick:
        return "nick";
    }
    return "message";
}

bool Message::parseKind(const std::string& name, MessageKind& kind)
{
    for (MessageKind k :
         {MessageKind::Message, MessageKind::Join, MessageKind::Leave, MessageKind::Nick})
    {
        if (name == kindName(k))
        {
            kind = k;
            return true;
        }
    }
    return false;
}

} // namespace hchat
