#pragma once

#include "chat/People.h"
#include "http/ServerContext.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPResponse.h>

#include <memory>
#include <string>

namespace Poco
{
class Logger;
}

namespace hchat
{

class Room;

class EndpointHandler : public Poco::Net::HTTPRequestHandler
/// The base of every HTTP handler. It turns exceptions into answers in one
/// place (HttpError → its status; POCO's NotFound/InvalidArgument/Syntax →
/// 404/400; anything else → 500, logged), counts answers for /metrics, and
/// adds the headers every answer carries. Errors are a short text, or a small
/// HTML page when a browser navigates (Accept: text/html).
/// A handler object serves one request on one thread.
{
public:
    explicit EndpointHandler(const ServerContext& context);

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) final;

protected:
    virtual void handle(Poco::Net::HTTPServerRequest& request,
                        Poco::Net::HTTPServerResponse& response) = 0;

    void send(Poco::Net::HTTPServerResponse& response, const std::string& body,
              const std::string& contentType);
    /// A 200 (or the status already set) with the body, in one write.

    void sendPage(Poco::Net::HTTPServerResponse& response, const std::string& html);
    /// An HTML page, with the Content-Security-Policy pages carry.

    std::shared_ptr<Room> findRoom(const std::string& id) const;
    /// The room; HttpError 404 when the id is malformed or unknown.

    static std::string personKey(const Poco::Net::HTTPServerRequest& request);
    /// Who a request counts as for limits and presence: the browser's
    /// hchat_person cookie, else its hchat_client cookie, else the peer
    /// address for clients without a cookie (curl).

    static std::string streamKey(const Poco::Net::HTTPServerRequest& request);
    /// Who a live connection (SSE, WebSocket) is: the cookie as above, else a
    /// fresh id, so each cookie-less bot is a person of its own.

    static std::string wantedNick(const Poco::Net::HTTPServerRequest& request);
    /// The ?nick= of a stream request; HttpError 400 when it breaks the rule.

    People::Outcome markSeen(const Poco::Net::HTTPServerRequest& request, Room& room,
                             const std::string& wanted = "");
    /// The person making a long poll or send is in the room (People::seen),
    /// under `wanted` if given and free; a rename is announced.

    People::Outcome markSeen(const std::string& key, Room& room, const std::string& wanted = "");
    /// The same for a person whose personKey() is known.

    void spendToken(const Poco::Net::HTTPServerRequest& request, const std::string& refusal);
    /// Takes one action from the person's limits.messagesPerSecond budget;
    /// HttpError 429 with Retry-After (and the refusal as body) when it is spent.

    static bool wantsJson(const Poco::Net::HTTPServerRequest& request);

    std::uint64_t startOfStream(const Poco::Net::HTTPServerRequest& request, Room& room) const;
    /// Where an SSE or WebSocket stream starts (SPEC §4): ?from=n, else the
    /// Last-Event-ID header + 1, else the last chat.recentOnJoin messages.
    /// HttpError 400 when from or Last-Event-ID is not a number.

    const ServerContext& _context;

private:
    void answerError(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                     Poco::Net::HTTPResponse::HTTPStatus status, const std::string& message,
                     const std::string& headerName, const std::string& headerValue);

    static Poco::Logger& logger();
};

} // namespace hchat
