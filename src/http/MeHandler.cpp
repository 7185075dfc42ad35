#include "http/MeHandler.h"

#include "chat/People.h"

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <sstream>

namespace hchat
{

MeHandler::MeHandler(const HttpContext& context) : EndpointHandler(context) {}

void MeHandler::handle(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response)
{
    const ChatActions::Actor who = _requester.actor(request);
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    if (who.account.empty())
        body.set("account", Poco::Dynamic::Var());
    else
        body.set("account", who.account);
    body.set("name", _context.people.nameOf(who.key, who.defaultName()));
    std::ostringstream out;
    body.stringify(out);
    send(response, out.str(), "application/json");
}

} // namespace hchat
