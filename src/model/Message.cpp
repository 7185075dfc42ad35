#include "model/Message.h"

#include "util/JsonWriter.h"

#include <Poco/DateTimeFormatter.h>

namespace hchat
{

Message::Message(std::uint64_t id, MessageKind kind, std::string author, Poco::Timestamp time,
                 std::string text, Crowd crowd, Details details)
    : _id(id), _kind(kind), _author(std::move(author)), _time(time), _text(std::move(text)),
      _crowd(std::move(crowd)), _details(std::move(details)), _timeText(formatTime(time))
{
    JsonWriter json;
    json.field("type", "message")
        .field("id", _id)
        .field("kind", kindName(_kind))
        .field("author", _author);
    if (!_details.account.empty())
        json.field("account", _details.account);
    json.field("time", timeText()).field("text", _text);
    if (!_crowd.empty())
        _crowd.addTo(json);
    if (_details.target != noTarget)
        json.field("target", static_cast<std::uint64_t>(_details.target));
    if (isEdited())
        json.field("edited", formatTime(edited()));
    _json = json.take();
}

std::shared_ptr<const Message> Message::amendedBy(const Message& amendment) const
{
    if (amendment.kind() == MessageKind::Edit && amendment.target() == _id &&
        _kind == MessageKind::Message)
    {
        Details details = _details;
        details.edited = amendment.time().epochMicroseconds();
        return std::make_shared<const Message>(_id, _kind, _author, _time, amendment.text(), _crowd,
                                               details);
    }
    if (amendment.kind() != MessageKind::Delete)
        return nullptr;
    if (amendment.target() == _id && _kind == MessageKind::Message)
        return std::make_shared<const Message>(_id, MessageKind::Deleted, _author, _time, "",
                                               Crowd(), _details);
    if (_kind == MessageKind::Edit && _details.target == amendment.target() && !_text.empty())
        return std::make_shared<const Message>(_id, _kind, _author, _time, "", Crowd(), _details);
    return nullptr;
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
    case MessageKind::Edit:
        return "edit";
    case MessageKind::Delete:
        return "delete";
    case MessageKind::Moderation:
        return "moderation";
    case MessageKind::Deleted:
        return "deleted";
    }
    return "message";
}

bool Message::parseKind(const std::string& name, MessageKind& kind)
{
    for (MessageKind k :
         {MessageKind::Message, MessageKind::Join, MessageKind::Leave, MessageKind::Nick,
          MessageKind::Edit, MessageKind::Delete, MessageKind::Moderation, MessageKind::Deleted})
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
