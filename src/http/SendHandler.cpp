#include "http/SendHandler.h"

#include "app/Metrics.h"
#include "app/Settings.h"
#include "chat/Nickname.h"
#include "chat/Room.h"
#include "http/HttpError.h"
#include "http/RequestValues.h"
#include "util/Utf8.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/String.h>

#include <sstream>

namespace hchat
{

using Poco::Net::HTTPResponse;

SendHandler::SendHandler(const ServerContext& context, std::string roomId)
    : EndpointHandler(context), _roomId(std::move(roomId))
{
}

void SendHandler::handle(Poco::Net::HTTPServerRequest& request,
                         Poco::Net::HTTPServerResponse& response)
{
    const Settings& settings = _context.settings;
    auto room = findRoom(_roomId);

    // Room for the largest text percent-encoded (3 bytes per byte) plus the
    // other form fields.
    const std::size_t maxText = static_cast<std::size_t>(settings.maxMessageBytes);
    std::string body = RequestValues::readBody(request, 3 * maxText + 1024);

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

    if (!Utf8::isValid(text))
        throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "the message is not valid UTF-8");
    if (Poco::trim(text).empty())
        throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "the message is empty");
    if (text.size() > maxText)
        throw HttpError(HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE,
                        "the message is too long (at most " + std::to_string(maxText) + " bytes)");
    if (!nick.empty() && !Nickname::isValid(nick))
        throw HttpError(HTTPResponse::HTTP_BAD_REQUEST,
                        "bad nickname: use 1 to 32 letters, digits, '_', '-' or '.'");

    // The name is claimed before the token is spent: a refused name costs nothing.
    const People::Outcome person = markSeen(request, *room, nick);
    if (person.taken)
        throw HttpError(HTTPResponse::HTTP_CONFLICT,
                        "the nickname " + nick + " is taken by someone online: choose another");
    spendToken(request, "too many messages: slow down");

    const std::string& author = person.name;
    MessagePtr message;
    try
    {
        message = room->append(MessageKind::Message, author, text);
    }
    catch (const Poco::Exception& e)
    {
        Poco::Logger::get("hchatd.http")
            .error("cannot append to %s: %s", room->id(), e.displayText());
        throw HttpError(HTTPResponse::HTTP_SERVICE_UNAVAILABLE,
                        "the message could not be stored; nothing was sent, try again");
    }
    _context.metrics.messagesAppended.fetch_add(1, std::memory_order_relaxed);
    send(response, std::to_string(message->id()), "text/plain; charset=utf-8");
}

} // namespace hchat
