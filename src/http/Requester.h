#pragma once

#include "chat/ChatActions.h"

#include <string>

namespace Poco::Net
{
class HTTPServerRequest;
}

namespace hchat
{

class Accounts;
class CookieSigner;
class TrustedProxies;

class Requester
/// Who sent an HTTP request (SPEC §10): the account it is logged in to, the
/// person it counts as, and that person acting. Only what this daemon made
/// is believed: tokens and session cookies Accounts knows, person cookies
/// CookieSigner signed, X-Forwarded-For from TrustedProxies. Thread-safe as
/// the three are.
{
public:
    Requester(const Accounts& accounts, const CookieSigner& cookies, const TrustedProxies& proxies);

    std::string account(const Poco::Net::HTTPServerRequest& request) const;
    /// The account the request is logged in to: a bot's "Authorization:
    /// Bearer <token>" (HttpError 401 when the token is unknown), else the
    /// hchat_session cookie of a browser; "" for a guest.

    ChatActions::Actor actor(const Poco::Net::HTTPServerRequest& request) const;
    /// The person acting by this request, whose key is who it counts as for
    /// limits and presence: the account's person when logged in
    /// (Accounts::personKey), else the browser's hchat_person cookie, else
    /// its hchat_client cookie, each only as this daemon signed it
    /// (CookieSigner), else the peer address (curl, and cookies a client
    /// made up).
    ChatActions::Actor streamActor(const Poco::Net::HTTPServerRequest& request,
                                   ChatActions::Transport transport) const;
    /// The person a live connection (SSE, WebSocket) opened by this request
    /// is: the account or cookie of actor()'s key, else a fresh id, so each
    /// cookie-less bot is a person of its own; its rate limit is actor()'s
    /// key either way.

    ChatActions::Actor actorIn(const Poco::Net::HTTPServerRequest& request,
                               const std::string& roomId) const;
    /// actor(), with the owner link's secret this browser holds for the
    /// room, if any (ownerCookie()).

    static std::string ownerCookie(const std::string& roomId);
    /// The cookie that keeps a room's owner link secret in the browser that
    /// created the room or opened its owner link: hchat_owner_<id>.
    static std::string ownerSecret(const Poco::Net::HTTPServerRequest& request,
                                   const std::string& roomId);
    /// The value of the request's ownerCookie(roomId), or "".

private:
    std::string keyOf(const Poco::Net::HTTPServerRequest& request,
                      const std::string& account) const;
    /// actor()'s key for a request logged in to `account` ("" for a guest).

    const Accounts& _accounts;
    const CookieSigner& _cookies;
    const TrustedProxies& _proxies;
};

} // namespace hchat
