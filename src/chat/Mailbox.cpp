#include "chat/Mailbox.h"

#include "chat/Doorbell.h"
#include "model/Message.h"
#include "util/JsonWriter.h"

namespace hchat
{

Mailbox::Letter::Letter(std::string from_, std::string to_, std::string text_)
    : from(std::move(from_)), to(std::move(to_)), text(std::move(text_))
{
    json = JsonWriter()
               .field("type", "private")
               .field("from", from)
               .field("to", to)
               .field("time", Message::formatTime(time))
               .field("text", text)
               .take();
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
