#pragma once

#include "chat/Mailbox.h"
#include "model/Message.h"

#include <string>

namespace hchat
{

class LineCodec
/// What the server sends in the line protocol (SPEC §5), as lines ending in
/// CRLF. Decisions where SPEC §5 is silent:
///  - a text of several lines (sent from the web) is one line per line;
///  - a nick entry is "ROOM <room> * alice is now known as bob" ("*" is no name),
///    a moderation entry "ROOM <room> * <its sentence>";
///  - an edit is "ROOM <room> * alice edited message 12: <new text>", a
///    deletion "ROOM <room> * bob deleted message 12" (SPEC §11);
///  - entries before the join (history) are messages only, no notices,
///    edits show as the message's last text, and deleted messages not at all;
///  - one's own JOIN and LEAVE are not sent back, nor the echo of one's
///    own private message ("OK Sent" said it).
/// Thread-safe (no state).
{
public:
    static void line(const std::string& text, std::string& out);
    /// text, then CRLF.
    static void lines(const std::string& prefix, const std::string& text, std::string& out);
    /// One line per line of text, each after prefix.

    static void entry(const Message& m, const std::string& room, const std::string& me,
                      bool history, std::string& out);
    /// A log entry of `room` (its label) as `me` sees it.
    static void letter(const Mailbox::Letter& letter, const std::string& me, std::string& out);
};

} // namespace hchat
