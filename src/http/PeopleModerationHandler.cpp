#include "http/PeopleModerationHandler.h"

#include "chat/People.h"
#include "chat/Room.h"
#include "chat/RoomActions.h"
#include "http/HttpError.h"
#include "http/RequestValues.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/String.h>

#include <sstream>

namespace hchat
{

using Poco::Net::HTTPResponse;

void PeopleModerationHandler::listBans(Poco::Net::HTTPServerRequest& request,
                                       Poco::Net::HTTPServerResponse& response, Room& room)
{
    std::vector<RoomBan> bans;
    require(_context.roomActions.listBans(_requester.actorIn(request, _roomId), room, bans));
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const RoomBan& ban : bans)
    {
        Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        item->set("name", ban.name);
        item->set("until", ban.forGood() ? Poco::Dynamic::Var()
                                         : Poco::Dynamic::Var(Message::formatTime(ban.until)));
        list->add(item);
    }
    Poco::JSON::Object answer(Poco::JSON_PRESERVE_KEY_ORDER);
    answer.set("bans", list);
    std::ostringstream out;
    answer.stringify(out);
    send(response, out.str(), "application/json");
}

PeopleModerationHandler::PeopleModerationHandler(const HttpContext& context, Action action,
                                                 std::string roomId, std::string name,
                                                 const OriginPolicy& origins, int bodySeconds)
    : EndpointHandler(context), _action(action), _roomId(std::move(roomId)), _name(std::move(name)),
      _origins(origins), _bodySeconds(bodySeconds)
{
}

void PeopleModerationHandler::handle(Poco::Net::HTTPServerRequest& request,
                                     Poco::Net::HTTPServerResponse& response)
{
    auto room = findRoom(_roomId);
    if (request.getMethod() == "GET" || request.getMethod() == "HEAD")
        return listBans(request, response, *room);
    _origins.require(request);
    const bool lifting = request.getMethod() == "DELETE";
    // A PUT may come without a body (curl -X PUT): no fields, then.
    const bool body = request.getChunkedTransferEncoding() || request.getContentLength() > 0;
    const auto fields =
        lifting || !body ? std::map<std::string, std::string>() : readFields(request, _bodySeconds);
    auto field = [&](const std::string& name)
    {
        auto found = fields.find(name);
        return found == fields.end() ? std::string() : Poco::trim(found->second);
    };
    std::string name = _action == Action::Kick ? field("name") : _name;
    if (name.empty())
        throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "the field name is missing");

    const ChatActions::Actor who = _requester.actorIn(request, _roomId);
    const std::string author = _context.people.nameOf(who.key, who.defaultName());
    RoomActions& actions = _context.roomActions;
    std::string done;
    switch (_action)
    {
    case Action::Kick:
        require(actions.kick(who, room, name, author));
        done = "kick";
        break;
    case Action::Ban:
        if (lifting)
        {
            require(actions.unban(who, room, name, author));
            done = "unban";
            break;
        }
        {
            std::uint64_t seconds = 0;
            const std::string value = field("seconds");
            if (!value.empty() &&
                (!RequestValues::parseNumber(value, seconds) || seconds > 50ull * 365 * 86400))
                throw HttpError(HTTPResponse::HTTP_BAD_REQUEST,
                                "seconds must be a whole number (0 or absent: for good)");
            require(actions.ban(who, room, name, static_cast<int>(seconds), author));
        }
        done = "ban";
        break;
    case Action::Moderator:
        require(actions.setModerator(who, room, name, !lifting, author));
        done = lifting ? "unmoderator" : "moderator";
        break;
    }
    Poco::JSON::Object answer(Poco::JSON_PRESERVE_KEY_ORDER);
    answer.set("room", _roomId);
    answer.set("done", done);
    answer.set("name", name);
    std::ostringstream out;
    answer.stringify(out);
    send(response, out.str(), "application/json");
}

} // namespace hchat
