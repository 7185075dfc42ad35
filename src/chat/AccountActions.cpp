#include "chat/AccountActions.h"

#include "chat/Accounts.h"
#include "chat/Announcer.h"
#include "chat/Nickname.h"
#include "chat/People.h"

#include <cmath>

namespace hchat
{

using Result = ChatActions::Result;

namespace
{
const char* const wrong = "wrong name or password";
} // namespace

AccountActions::AccountActions(Accounts& accounts, People& people, Announcer& announcer,
                               ChatActions& actions, bool registrationOpen)
    : _accounts(accounts), _people(people), _announcer(announcer), _actions(actions),
      _registrationOpen(registrationOpen), _byAddress(1.0 / 3, 20), _byName(1.0 / 6, 10)
{
}

AccountActions::Outcome AccountActions::throttled(const Actor& actor, const std::string& name)
{
    const Poco::Timestamp now;
    Poco::Timespan wait;
    if (!_byAddress.tryAcquire("addr:" + actor.host(), now, wait) ||
        (!name.empty() && !_byName.tryAcquire(Nickname::folded(name), now, wait)))
    {
        Outcome outcome =
            _actions.refuse(actor, Result::RateLimited, "too many log-in attempts: try again later",
                            "Too many log-in attempts, try again later");
        outcome.retryAfter = wait;
        return outcome;
    }
    return Outcome();
}

AccountActions::Outcome AccountActions::registerAccount(const Actor& actor, const std::string& name,
                                                        const std::string& password)
{
    if (!_registrationOpen)
        return _actions.refuse(actor, Result::NotAllowed,
                               "this server does not take new accounts (accounts.registration)",
                               "Registration closed");
    Outcome outcome = throttled(actor, "");
    if (!outcome.done())
        return outcome;
    // One's own guest name, in use on this page, is given up for the account.
    const std::string current = _people.nameOf(actor.key, "");
    if (actor.account.empty() && Nickname::folded(current) == Nickname::folded(name))
        _announcer.renamed(_people.rename(actor.key, Nickname::guestName(actor.key)));
    switch (_accounts.create(name, password))
    {
    case Accounts::Result::Done:
        break;
    case Accounts::Result::BadName:
        return _actions.refuse(actor, Result::BadName,
                               "bad name: use 1 to 32 letters, digits, '_', '-' or '.', not a "
                               "guest name",
                               "Bad name");
    case Accounts::Result::BadPassword:
        return _actions.refuse(actor, Result::BadPassword, "a password has 8 to 1024 bytes",
                               "Bad password");
    case Accounts::Result::Taken:
        return _actions.refuse(actor, Result::NameTaken,
                               "the name " + name +
                                   " is registered, or someone online has it: choose another",
                               "Username taken");
    }
    outcome.name = name;
    outcome.secret = _accounts.startSession(name);
    return outcome;
}

AccountActions::Outcome AccountActions::authenticate(const Actor& actor, const std::string& name,
                                                     const std::string& password)
{
    Outcome outcome = throttled(actor, name);
    if (!outcome.done())
        return outcome;
    const std::string account = _accounts.check(name, password);
    if (account.empty())
        return _actions.refuse(actor, Result::WrongLogin, wrong, "Wrong name or password");
    outcome.name = account;
    return outcome;
}

AccountActions::Outcome AccountActions::login(const Actor& actor, const std::string& name,
                                              const std::string& password)
{
    Outcome outcome = authenticate(actor, name, password);
    if (outcome.done())
        outcome.secret = _accounts.startSession(outcome.name);
    return outcome;
}

AccountActions::Outcome AccountActions::issueToken(const Actor& actor)
{
    if (actor.account.empty())
        return _actions.refuse(actor, Result::NotLoggedIn, "log in first", "Not logged in");
    Outcome outcome;
    outcome.name = actor.account;
    outcome.secret = _accounts.issueToken(actor.account);
    return outcome;
}

} // namespace hchat
