#pragma once

#include <string>

namespace hchat
{

class IrcSession;
struct IrcMessage;

class IrcRegistration
/// How an IRC client becomes a person (SPEC §14): CAP LS [302] / LIST /
/// REQ / END (registration waits for CAP END once CAP is used), NICK, USER,
/// PASS (the password of the account named by NICK), AUTHENTICATE (SASL
/// PLAIN against hchatd accounts: 900 and 903, or 904); then 001-005 and
/// the MOTD (375, 372, 376). A name taken by anyone online on any
/// transport is 433, a name outside the naming rule 432. NICK after
/// registration renames everywhere; USER, PASS and AUTHENTICATE then are
/// 462. Not thread-safe: its session's thread.
{
public:
    explicit IrcRegistration(IrcSession& session);

    bool handle(const IrcMessage& m);
    /// False when m is none of its commands.
    bool registered() const { return _registered; }

private:
    void cap(const IrcMessage& m);
    void nick(const std::string& wanted);
    void authenticate(const std::string& chunk);
    void login(const std::string& name, const std::string& password, bool sasl);
    void tryRegister();
    void welcome();
    void motd();

    IrcSession& _session;
    std::string _wanted;     ///< the NICK given before registering
    bool _user = false;      ///< USER was given
    bool _capping = false;   ///< CAP began and has not ended
    std::string _password;   ///< PASS
    std::string _saslBuffer; ///< AUTHENTICATE chunks of a payload so far
    bool _saslStarted = false;
    bool _registered = false;
};

} // namespace hchat
