#include "line/LineCodec.h"

#include "chat/Nickname.h"

namespace hchat
{

void LineCodec::line(const std::string& text, std::string& out)
{
    out += text;
    out += "\r\n";
}

void LineCodec::lines(const std::string& prefix, const std::string& text, std::string& out)
{
    std::size_t start = 0;
    while (start < text.size())
    {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        std::size_t length = end - start;
        if (length > 0 && text[start + length - 1] == '\r')
            --length;
        out += prefix;
        out.append(text, start, length);
        out += "\r\n";
        start = end + 1;
    }
}

void LineCodec::entry(const Message& m, const std::string& room, const std::string& me,
                      bool history, std::string& out)
{
    const bool mine = Nickname::folded(m.author()) == Nickname::folded(me);
    switch (m.kind())
    {
    case MessageKind::Message:
        lines("ROOM " + room + " " + m.author() + " ", m.text(), out);
        break;
    case MessageKind::Join:
        if (!history && !mine)
            line("JOIN " + room + " " + m.author(), out);
        break;
    case MessageKind::Leave:
        if (!history && !mine)
            line("LEAVE " + room + " " + m.author(), out);
        break;
    case MessageKind::Nick:
    case MessageKind::Moderation:
        if (!history)
            line("ROOM " + room + " * " + m.text(), out);
        break;
    case MessageKind::Edit: // history shows the message as edited already
        if (!history)
            lines("ROOM " + room + " * " + m.author() + " edited message " +
                      std::to_string(m.target()) + ": ",
                  m.text(), out);
        break;
    case MessageKind::Delete:
        if (!history)
            line("ROOM " + room + " * " + m.author() + " deleted message " +
                     std::to_string(m.target()),
                 out);
        break;
    case MessageKind::Deleted: // gone: not shown
        break;
    }
}

void LineCodec::letter(const Mailbox::Letter& letter, const std::string& me, std::string& out)
{
    const std::string self = Nickname::folded(me);
    if (Nickname::folded(letter.from) == self && Nickname::folded(letter.to) != self)
        return;
    lines("PRIVMSG " + letter.from + " ", letter.text, out);
}

} // namespace hchat
