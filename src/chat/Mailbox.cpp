#include "chat/Mailbox.h"

#include "chat/Doorbell.h"
#include "model/Message.h"

#include <Poco/JSON/Object.h>

#include <sstream>

namespace hchat
{

Mailbox::Letter::Letter(std::string from_, std::string to_, std::string text_)
    : from(std::move(from_)), to(std::move(to_)), text(std::move(text_))
{
    Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
    object.set("type", "private");
    object.set("from", from);
    object.set("to", to);
    object.set("time", Message::formatTime(time));
    object.set("text", text);
    std::ostringstream out;
    object.stringify(out);
    json = out.str();
}

Mailbox::Mailbox(std::shared_ptr<Doorbell> bell) : _bell(std::move(bell)) {}

bool Mailbox::post(const LetterPtr& letter)
{
    {
        std::lock_guard<std::mutex> lock(_mutex);
        if (_letters.size() >= capacity)
            return false;
        _letters.push_back(letter);
    }
    _bell->ring();
    return true;
}

std::vector<Mailbox::LetterPtr> Mailbox::takeAll()
{
    std::vector<LetterPtr> out;
    std::lock_guard<std::mutex> lock(_mutex);
    out.swap(_letters);
    return out;
}

} // namespace hchat
