#include "http/WebSocketHandler.h"

#include "chat/Nickname.h"
#include "chat/Room.h"
#include "http/HttpError.h"
#include "http/StreamPool.h"
#include "http/WebSocketSession.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/WebSocket.h>

namespace hchat
{

WebSocketHandler::WebSocketHandler(const ServerContext& context, StreamPool& streams,
                                   std::string roomId)
    : EndpointHandler(context), _streams(streams), _roomId(std::move(roomId))
{
}

void WebSocketHandler::handle(Poco::Net::HTTPServerRequest& request,
                              Poco::Net::HTTPServerResponse& response)
{
    auto room = findRoom(_roomId);
    const std::uint64_t from = startOfStream(request, *room);
    const std::string nick = wantedNick(request);
    // The connection as the gate counts it, before the WebSocket takes it.
    const Poco::Net::StreamSocket connection =
        static_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket();
    std::unique_ptr<Poco::Net::WebSocket> socket;
    try
    {
        socket = std::make_unique<Poco::Net::WebSocket>(request, response);
    }
    catch (const Poco::Net::WebSocketException& e)
    {
        throw HttpError(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST,
                        "this URL takes a WebSocket upgrade (" + e.message() + ")");
    }
    // From here on the answer was the 101: errors end the session, never an
    // HTTP answer. POCO's WebSocket took the socket from the HTTP session.
    _streams.start(std::make_unique<WebSocketSession>(_context, std::move(socket), room, from,
                                                      personKey(request), streamKey(request), nick,
                                                      request.clientAddress().toString()),
                   connection);
}

} // namespace hchat
