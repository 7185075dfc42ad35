#pragma once

#include "http/HttpContext.h"
#include "http/HttpError.h"
#include "http/HttpOptions.h"
#include "http/OriginPolicy.h"
#include "http/Router.h"

#include <Poco/Net/HTTPRequestHandlerFactory.h>

namespace hchat
{

class NextRequestWatch;
class StreamPool;

class RequestDispatcher : public Poco::Net::HTTPRequestHandlerFactory
/// The one route table of the HTTP interface (SPEC §4): one line per route,
/// with the request line each handler documents. Anything else gets a
/// RefusalHandler (a bad head, 404, or 405 with Allow), never a null handler.
/// With tls.redirect, a page (GET or HEAD of /, /chat_create, /chat/<id>,
/// /static/...) asked for over plain HTTP is answered 308 with its https://
/// URL on tls.port; the rest (curl, bots, streams) is served as it is.
/// Thread-safe: the table is built in the constructor and only read after.
{
public:
    RequestDispatcher(const HttpContext& context, const HttpOptions& options, StreamPool& streams,
                      NextRequestWatch& polls);
    /// streams: where WebSocket and SSE streams go after their handshake;
    /// polls: what watches kept-alive long polls for their next requests.
    /// Each handler is given the settings it uses.

    Poco::Net::HTTPRequestHandler*
    createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

private:
    HttpError redirectToTls(const Poco::Net::HTTPServerRequest& request) const;

    const HttpContext& _context;
    const OriginPolicy _origins;
    const int _redirectPort; ///< tls.port when tls.redirect is on, else 0
    Router _router;
};

} // namespace hchat
