#pragma once

#include "chat/ChatActions.h"
#include "chat/RateLimiter.h"

#include <string>

namespace hchat
{

class Accounts;
class Announcer;
class People;

class AccountActions
/// What people do with accounts (SPEC §10), written once for every
/// transport: register, log in, make a bot token. Each returns a
/// ChatActions::Outcome that the transport renders; refusals are logged
/// and counted by ChatActions::refuse, never with a password. Log-in
/// attempts (and registrations, which hash a password too) are limited per
/// address, log-ins also per name; a wrong password and an unknown name
/// get the same answer. Thread-safe.
{
public:
    using Outcome = ChatActions::Outcome;
    using Actor = ChatActions::Actor;

    AccountActions(Accounts& accounts, People& people, Announcer& announcer, ChatActions& actions,
                   bool registrationOpen);

    Outcome registerAccount(const Actor& actor, const std::string& name,
                            const std::string& password);
    /// Done: the account exists (name) and the actor is logged in to it
    /// (secret: a session). Refused: BadName, BadPassword, NameTaken
    /// (registered, or someone else online has it; one's own guest name
    /// may be taken along), RateLimited, NotAllowed (registration closed).

    Outcome login(const Actor& actor, const std::string& name, const std::string& password);
    /// Done: name is the account as registered, secret a new session's.
    /// Refused: WrongLogin, RateLimited.

    Outcome authenticate(const Actor& actor, const std::string& name, const std::string& password);
    /// login() without a session: the line protocol's USERNAME name password.

    Outcome issueToken(const Actor& actor);
    /// Done: secret is a new bot token of the actor's account. Refused:
    /// NotLoggedIn.

private:
    Outcome throttled(const Actor& actor, const std::string& name);
    /// Spends a log-in attempt of the address and (unless empty) the name.

    Accounts& _accounts;
    People& _people;
    Announcer& _announcer;
    ChatActions& _actions;
    const bool _registrationOpen;
    RateLimiter _byAddress; ///< 20 attempts, then one every 3 s
    RateLimiter _byName;    ///< 10 attempts, then one every 6 s
};

} // namespace hchat
