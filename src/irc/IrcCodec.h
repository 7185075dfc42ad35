#pragma once

#include "chat/Mailbox.h"
#include "model/Message.h"

#include <cstdint>
#include <string>

namespace hchat
{

class IrcCodec
/// hchatd's side of IRC in bytes, for one client: numerics, and log entries
/// and private messages as the lines an IRC client shows, with the IRCv3
/// tags that client asked for (server-time, message-tags, account-tag,
/// batch). A message of several lines is one PRIVMSG per line; a "/me"
/// text is a CTCP ACTION. Every person appears as name!name@hchat.
/// Not thread-safe: its session changes it under the connection's claim.
{
public:
    enum Capability : unsigned
    {
        ServerTime = 1u << 0,
        MessageTags = 1u << 1,
        EchoMessage = 1u << 2,
        Batch = 1u << 3,
        ChatHistory = 1u << 4, ///< draft/chathistory
        Sasl = 1u << 5,
        AccountTag = 1u << 6,
    };
    static unsigned capabilityOf(const std::string& name);
    /// 0 for a capability hchatd does not have.
    static std::string capabilityList(bool withValues);
    /// What CAP LS offers ("sasl=PLAIN" with values, for CAP LS 302).

    explicit IrcCodec(std::string server);

    const std::string& server() const { return _server; }
    const std::string& nick() const { return _nick; }
    void setNick(const std::string& nick) { _nick = nick; }
    unsigned capabilities() const { return _capabilities; }
    void setCapabilities(unsigned capabilities) { _capabilities = capabilities; }
    bool has(Capability c) const { return (_capabilities & c) != 0; }

    static std::string mask(const std::string& name);
    /// name!name@hchat

    void numeric(const char* code, const std::string& rest, std::string& out) const;
    /// ":server <code> <nick or *> <rest>"
    void fromServer(const std::string& rest, std::string& out) const;
    /// ":server <rest>"
    void fromPerson(const std::string& name, const std::string& rest, std::string& out) const;
    /// ":name!name@hchat <rest>"

    void entry(const Message& m, const std::string& roomId, const std::string& channel,
               const std::string& batch, std::string& out) const;
    /// A log entry of the room (roomId) that is `channel`; batch: the batch it is
    /// played back in, or "". A message of this client's own reaches it
    /// only with echo-message; its own joins and leaves never (the session
    /// answers JOIN and PART itself); nick entries are the session's.
    void letter(const Mailbox::Letter& letter, std::string& out) const;
    /// A private message to this client (or, with echo-message, its own).

    void say(const std::string& author, const std::string& target, const std::string& text,
             const std::string& tags, std::string& out) const;
    /// PRIVMSG lines from author to target, one per line of text (blank
    /// lines skipped), "/me x" as CTCP ACTION; tags already written ("@…" or "").

    std::string tags(const Message& m, const std::string& roomId, const std::string& batch) const;
    /// "@time=…;msgid=…;account=… " as the client's capabilities allow, or "".

    static std::string msgid(const std::string& roomId, std::uint64_t n);
    /// A message's id on IRC: "<room id>-<n>" (CHATHISTORY takes it back).
    static bool parseMsgid(const std::string& msgid, std::uint64_t& n);
    /// n from a msgid of any room (its channel says which).

private:
    bool mine(const std::string& name) const;
    void said(const Message& m, const std::string& roomId, const std::string& channel,
              const std::string& batch, std::string& out) const;
    /// A message as PRIVMSG lines (say() with its tags), rendered once per
    /// publishing thread for every client that gets the same bytes.

    const std::string _server;
    std::string _nick = "*";
    unsigned _capabilities = 0;
};

} // namespace hchat
