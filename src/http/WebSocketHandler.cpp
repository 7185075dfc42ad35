#include "http/WebSocketHandler.h"

#include "chat/Room.h"
#include "http/HttpError.h"
#include "http/StreamPool.h"
#include "http/WebSocketSession.h"

#include <Poco/Base64Encoder.h>
#include <Poco/Buffer.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/SHA1Engine.h>
#include <Poco/String.h>

#include <sstream>

namespace hchat
{

using Poco::Net::HTTPResponse;

namespace
{
// RFC 6455 §4.2.2: the key and this GUID, hashed with SHA-1, in base64.
std::string acceptKey(const std::string& key)
{
    Poco::SHA1Engine sha1;
    sha1.update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    const Poco::DigestEngine::Digest& digest = sha1.digest();
    std::ostringstream out;
    Poco::Base64Encoder base64(out);
    base64.write(reinterpret_cast<const char*>(digest.data()),
                 static_cast<std::streamsize>(digest.size()));
    base64.close();
    return out.str();
}

void requireUpgrade(const Poco::Net::HTTPServerRequest& request)
{
    const auto refuse = [](const std::string& why)
    {
        throw HttpError(HTTPResponse::HTTP_BAD_REQUEST,
                        "this URL takes a WebSocket upgrade (" + why + ")");
    };
    if (!request.hasToken("Connection", "upgrade") ||
        Poco::icompare(request.get("Upgrade", ""), "websocket") != 0)
        refuse("No WebSocket handshake");
    const std::string version = request.get("Sec-WebSocket-Version", "");
    if (version != "13")
        refuse(version.empty() ? "Missing Sec-WebSocket-Version" : "Unsupported version");
    if (Poco::trim(request.get("Sec-WebSocket-Key", "")).empty())
        refuse("Missing Sec-WebSocket-Key");
}
} // namespace

WebSocketHandler::WebSocketHandler(const HttpContext& context, StreamPool& streams,
                                   std::string roomId, Limits limits, const OriginPolicy& origins)
    : EndpointHandler(context), _streams(streams), _roomId(std::move(roomId)), _limits(limits),
      _origins(origins)
{
}

void WebSocketHandler::handle(Poco::Net::HTTPServerRequest& request,
                              Poco::Net::HTTPServerResponse& response)
{
    _origins.require(request); // a browser sends cookies with any page's WebSocket
    StreamStart start = startStream(request, _roomId, _limits.recentOnJoin, _limits.sendTimeout,
                                    ChatActions::Transport::WebSocket);
    requireUpgrade(request);

    response.setStatusAndReason(HTTPResponse::HTTP_SWITCHING_PROTOCOLS);
    response.set("Upgrade", "websocket");
    response.set("Connection", "Upgrade");
    response.set("Sec-WebSocket-Accept", acceptKey(Poco::trim(request.get("Sec-WebSocket-Key"))));
    response.setContentLength(HTTPResponse::UNKNOWN_CONTENT_LENGTH);
    response.send().flush();
    // From here on the answer was the 101: errors end the session, never an
    // HTTP answer. The session takes the socket, and the frames the client
    // sent along with its handshake, from the HTTP session.
    auto& impl = static_cast<Poco::Net::HTTPServerRequestImpl&>(request);
    Poco::Net::StreamSocket socket = impl.detachSocket();
    Poco::Buffer<char> early(0);
    impl.session().drainBuffer(early);
    _streams.start(std::make_unique<WebSocketSession>(
                       _context.actions, _context.roomActions, _context.people, _context.announcer,
                       _context.metrics, socket, std::move(start),
                       std::string(early.begin(), early.size()), _limits.pingInterval),
                   socket);
}

} // namespace hchat
