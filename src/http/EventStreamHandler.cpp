#include "http/EventStreamHandler.h"

#include "http/EventStream.h"
#include "http/StreamPool.h"
#include "stream/StreamSession.h"

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <sstream>

namespace hchat
{

EventStreamHandler::EventStreamHandler(const HttpContext& context, StreamPool& streams,
                                       std::string roomId, Limits limits)
    : EndpointHandler(context), _streams(streams), _roomId(std::move(roomId)), _limits(limits)
{
}

void EventStreamHandler::handle(Poco::Net::HTTPServerRequest& request,
                                Poco::Net::HTTPServerResponse& response)
{
    StreamStart start = startStream(request, _roomId, _limits.recentOnJoin, _limits.sendTimeout,
                                    ChatActions::Transport::EventStream);

    response.setContentType("text/event-stream; charset=utf-8");
    response.set("Cache-Control", "no-cache");
    response.set("X-Accel-Buffering", "no"); // a proxy in front must not buffer the stream
    if (request.getMethod() == Poco::Net::HTTPRequest::HTTP_HEAD)
    {
        response.send(); // what a GET would answer, without the stream
        return;
    }
    response.setChunkedTransferEncoding(true);
    response.setKeepAlive(false);
    std::ostringstream written;
    response.write(written);
    std::string head;
    head.reserve(StreamSession::outputBytes); // the stream's first events go after it
    head += written.str();                    // copied, not moved: the room stays
    // The stream writes the head with its first events, on the socket taken
    // from the HTTP session, so that POCO frees the session now.
    Poco::Net::StreamSocket socket =
        static_cast<Poco::Net::HTTPServerRequestImpl&>(request).detachSocket();
    _streams.start(std::make_unique<EventStream>(
                       _context.actions, _context.people, _context.announcer, _context.metrics,
                       socket, std::move(start), std::move(head), _limits.keepAliveSeconds),
                   socket);
}

} // namespace hchat
