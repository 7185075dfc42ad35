#include "http/SearchHandler.h"

#include "chat/ChatActions.h"
#include "chat/Room.h"
#include "http/HttpError.h"
#include "http/RequestValues.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/String.h>

#include <algorithm>
#include <sstream>

namespace hchat
{

namespace
{
const std::uint64_t defaultLimit = 20;
const std::uint64_t maxLimit = 100;
const std::size_t maxQueryBytes = 256;
} // namespace

SearchHandler::SearchHandler(const HttpContext& context, std::string roomId)
    : EndpointHandler(context), _roomId(std::move(roomId))
{
}

std::string SearchHandler::snippetJson(const std::string& marked)
{
    Poco::JSON::Array parts;
    bool match = false;
    std::string text;
    auto flush = [&]()
    {
        if (text.empty())
            return;
        Poco::JSON::Object part(Poco::JSON_PRESERVE_KEY_ORDER);
        part.set("text", text);
        if (match)
            part.set("match", true);
        parts.add(part);
        text.clear();
    };
    for (char c : marked)
    {
        if (c == '\x02' || c == '\x03')
        {
            flush();
            match = c == '\x02';
        }
        else
            text += c;
    }
    flush();
    std::ostringstream out;
    parts.stringify(out);
    return out.str();
}

void SearchHandler::handle(Poco::Net::HTTPServerRequest& request,
                           Poco::Net::HTTPServerResponse& response)
{
    auto room = findRoom(_roomId);
    std::string words;
    RequestValues::query(request, "q", words);
    if (Poco::trim(words).empty())
        throw HttpError(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST, "Give the words to find: ?q=…");
    if (words.size() > maxQueryBytes)
        throw HttpError(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST,
                        "At most " + std::to_string(maxQueryBytes) + " bytes of words");
    const std::uint64_t limit =
        std::min(maxLimit, RequestValues::queryNumber(request, "limit", defaultLimit));
    const std::uint64_t before = RequestValues::queryNumber(request, "before", Store::everyMessage);
    // A search costs the store more than a message: it spends a token like one.
    require(_context.actions.spendMessageToken(_requester.actor(request)));

    const Store::Findings findings = room->search(words, static_cast<std::size_t>(limit), before);
    std::string body = "{\"results\":[";
    bool first = true;
    for (const Store::Found& found : findings.found)
    {
        std::string json = found.message->json();
        json.pop_back(); // its closing brace: the snippet goes in too
        body += (first ? "" : ",") + json + ",\"snippet\":" + snippetJson(found.snippet) + "}";
        first = false;
    }
    body += "],\"searchedFrom\":" + std::to_string(findings.searchedFrom) + "}";
    send(response, body, "application/json");
}

} // namespace hchat
