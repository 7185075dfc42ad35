#pragma once

#include "chat/ChatActions.h"
#include "http/AfterRequest.h"
#include "http/HttpContext.h"
#include "http/Requester.h"
#include "stream/StreamStart.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPResponse.h>

#include <map>
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
    explicit EndpointHandler(const HttpContext& context);

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
    /// The room; HttpError 404 when the id is malformed or unknown, 410
    /// when the room was deleted.

    std::string wantedNick(const Poco::Net::HTTPServerRequest& request);
    /// The ?nick= of a stream request; HttpError 400 when it breaks the rule.

    StreamStart startStream(const Poco::Net::HTTPServerRequest& request, const std::string& roomId,
                            int recentOnJoin, int sendTimeout, ChatActions::Transport transport);
    /// Where and as whom an SSE or WebSocket stream starts (startOfStream(),
    /// wantedNick(), Requester::streamActor()); HttpError as they throw.

    static bool wantsJson(const Poco::Net::HTTPServerRequest& request);

    static std::map<std::string, std::string> readFields(Poco::Net::HTTPServerRequest& request,
                                                         int bodySeconds);
    /// The fields of a small form or JSON body (RequestValues::fields), at
    /// most 4 KiB, all of it within bodySeconds (else 413, 408, 400).

    static std::string sameSitePath(const Poco::Net::HTTPServerRequest& request);
    /// Where to send a browser back to: the path and query of its Referer
    /// when that is a page of this server (never another host), else "/".

    static void setCookie(const Poco::Net::HTTPServerRequest& request,
                          Poco::Net::HTTPServerResponse& response, const std::string& name,
                          const std::string& value, int maxAgeSeconds = -1);
    /// HttpOnly, SameSite=Lax, Path=/, Secure under TLS; maxAgeSeconds -1:
    /// for the browser's session, 0: deletes it.

public:
    static bool overTls(const Poco::Net::HTTPServerRequest& request);
    /// Whether the request came over TLS (its cookies are then Secure).

    static void require(const ChatActions::Outcome& outcome);
    /// Nothing when the action was done; else the HttpError that answers
    /// its refusal (400, 401, 403, 404, 409, 410, 413, 429 with
    /// Retry-After, 503).

    virtual std::unique_ptr<AfterRequest> takeAfterRequest() { return nullptr; }
    /// Work this handler leaves its connection's thread once the request
    /// is over (HttpConnection); null: none.

protected:
    static std::uint64_t startOfStream(const Poco::Net::HTTPServerRequest& request, Room& room,
                                       int recentOnJoin);
    /// Where an SSE or WebSocket stream starts (SPEC §4): ?from=n, else the
    /// Last-Event-ID header + 1, else the last `recentOnJoin` messages.
    /// HttpError 400 when from or Last-Event-ID is not a number.

    const HttpContext& _context;
    const Requester _requester; ///< who sent the request

private:
    void answerError(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                     Poco::Net::HTTPResponse::HTTPStatus status, const std::string& message,
                     const std::string& headerName, const std::string& headerValue);

    static Poco::Logger& logger();
};

} // namespace hchat
