#include "http/SendHandler.h"

#include "chat/Room.h"
#include "http/HttpError.h"
#include "http/RequestValues.h"

#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/String.h>

#include <sstream>

namespace hchat
{

using Poco::Net::HTTPResponse;

SendHandler::SendHandler(const HttpContext& context, std::string roomId,
                         const OriginPolicy& origins, int bodySeconds)
    : EndpointHandler(context), _roomId(std::move(roomId)), _origins(origins),
      _bodySeconds(bodySeconds)
{
}

void SendHandler::handle(Poco::Net::HTTPServerRequest& request,
                         Poco::Net::HTTPServerResponse& response)
{
    _origins.require(request);
    auto room = findRoom(_roomId); // 404 before the body is read

    // Room for the largest text percent-encoded (3 bytes per byte) plus the
    // other form fields.
    const std::size_t maxText = _context.actions.maxMessageBytes();
    std::string body =
        RequestValues::readBody(request, 3 * maxText + 1024, Poco::Timespan(_bodySeconds, 0));

    std::string text, nick;
    bool haveText = false;
    const std::string type = Poco::toLower(request.getContentType());
    if (type.find("application/x-www-form-urlencoded") == 0 ||
        type.find("multipart/form-data") == 0)
    {
        const bool multipart = type.find("multipart/form-data") == 0;
        try
        {
            std::istringstream in(body);
            Poco::Net::HTMLForm form;
            form.setFieldLimit(16);
            form.load(request, in);
            haveText = form.has("text");
            if (haveText)
                text = form.get("text");
            nick = form.get("nick", "");
        }
        catch (const Poco::Exception& e)
        {
            // `curl -d "100% sure"` is sent as a form but is plain text: a
            // url-encoded body that is no form is taken whole, as the text.
            if (multipart)
                throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "bad form: " + e.message());
        }
        if (!haveText && multipart)
            throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "the form has no field 'text'");
    }
    if (!haveText)
        text = body;
    if (nick.empty())
        RequestValues::query(request, "nick", nick);

    // The text is checked, then the name claimed, then the token spent: a
    // refused text or name costs nothing.
    const ChatActions::Actor who = actor(request);
    require(_context.actions.checkText(who, text));
    const ChatActions::Outcome person = _context.actions.markSeen(who, *room, nick);
    require(person);
    const ChatActions::Outcome sent = _context.actions.send(who, *room, person.name, text);
    require(sent);
    send(response, std::to_string(sent.message->id()), "text/plain; charset=utf-8");
}

} // namespace hchat
