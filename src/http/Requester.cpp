#include "http/Requester.h"

#include "chat/Accounts.h"
#include "chat/IdGenerator.h"
#include "http/CookieSigner.h"
#include "http/HttpError.h"
#include "net/TrustedProxies.h"

#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/String.h>

namespace hchat
{

Requester::Requester(const Accounts& accounts, const CookieSigner& cookies,
                     const TrustedProxies& proxies)
    : _accounts(accounts), _cookies(cookies), _proxies(proxies)
{
}

std::string Requester::account(const Poco::Net::HTTPServerRequest& request) const
{
    const std::string authorization = request.get("Authorization", "");
    if (!authorization.empty())
    {
        std::string scheme, token;
        request.getCredentials(scheme, token);
        std::string name;
        if (Poco::icompare(scheme, "Bearer") == 0)
            name = _accounts.whoseToken(Poco::trim(token));
        if (name.empty())
            throw HttpError(Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED, "unknown token")
                .withHeader("WWW-Authenticate", "Bearer");
        return name;
    }
    Poco::Net::NameValueCollection cookies;
    request.getCookies(cookies);
    return _accounts.whoseSession(cookies.get("hchat_session", ""));
}

std::string Requester::keyOf(const Poco::Net::HTTPServerRequest& request,
                             const std::string& account) const
{
    if (!account.empty())
        return Accounts::personKey(account);
    Poco::Net::NameValueCollection cookies;
    request.getCookies(cookies);
    for (const char* name : {"hchat_person", "hchat_client"})
    {
        std::string id = cookies.get(name, "");
        if (_cookies.verify(id))
            return id;
    }
    return "addr:" + _proxies.clientOf(request).toString();
}

ChatActions::Actor Requester::actor(const Poco::Net::HTTPServerRequest& request) const
{
    const std::string name = account(request);
    const std::string key = keyOf(request, name);
    return ChatActions::Actor{key,  key, _proxies.peerOf(request), ChatActions::Transport::Http,
                              name, ""};
}

ChatActions::Actor Requester::streamActor(const Poco::Net::HTTPServerRequest& request,
                                          ChatActions::Transport transport) const
{
    const std::string name = account(request);
    const std::string person = keyOf(request, name);
    const std::string key = person.compare(0, 5, "addr:") == 0 ? IdGenerator::next() : person;
    return ChatActions::Actor{key, person, _proxies.peerOf(request), transport, name, ""};
}

ChatActions::Actor Requester::actorIn(const Poco::Net::HTTPServerRequest& request,
                                      const std::string& roomId) const
{
    ChatActions::Actor who = actor(request);
    who.ownerSecret = ownerSecret(request, roomId);
    return who;
}

std::string Requester::ownerCookie(const std::string& roomId)
{
    return "hchat_owner_" + roomId;
}

std::string Requester::ownerSecret(const Poco::Net::HTTPServerRequest& request,
                                   const std::string& roomId)
{
    Poco::Net::NameValueCollection cookies;
    request.getCookies(cookies);
    return cookies.get(ownerCookie(roomId), "");
}

} // namespace hchat
