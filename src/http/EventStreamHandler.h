#pragma once

#include "http/EndpointHandler.h"

#include <string>

namespace hchat
{

class StreamPool;

class EventStreamHandler : public EndpointHandler
/// GET /events/<id>[?from=n][&nick=name]        (Server-Sent Events)
///
/// The room's log as an endless event stream, from message n: ?from=n, else
/// the Last-Event-ID header + 1 (what a browser's EventSource sends when it
/// reconnects), else the last chat.recentOnJoin messages; a number past the
/// end starts at the next message. Then every new message as soon as it is
/// stored, each exactly once and in order:
///
///   id: 7
///   event: message            (the kind: message, join, leave or nick)
///   data: {"type":"message","id":7,"kind":"message","author":…,"time":…,"text":…}
///
/// A comment line ": keep-alive" at least every 15 s (or longpoll.timeout, if
/// shorter) keeps proxies from closing the stream and tells the daemon when
/// the client has gone.
/// Messages deleted by retention before the client read them:
///
///   event: error
///   data: {"type":"error","error":"gone","message":…,"next":m}
///
/// and the stream goes on from m, the oldest message still there. When the
/// room is deleted, an error event "room-deleted" and the stream ends.
///
/// ?watch=1: the stream reads the room without its person being in it (no
/// presence, no join or leave entries; a page whose newcomer has not
/// chosen a name yet). Otherwise, while the stream is open its person is
/// in the room (a join entry when they arrive; ?nick= names them if no one
/// online has that name, else an error event "nick-taken"), and it carries,
/// without an id (they are not log entries, so Last-Event-ID stays a
/// message number):
///
///   event: presence    data: {"type":"presence","online":[…],"count":n}
///   event: typing      data: {"type":"typing","names":[…]}   (who is writing now)
///   event: private     data: {"type":"private","from":…,"to":…,"time":…,"text":…}
///
///   200 text/event-stream   the stream (chunked); to HEAD, the head alone
///   400 from or Last-Event-ID is not a number, or a bad nick
///   404 no such room
///   410 the room was deleted
///
/// The connection is a cursor into the room log: nothing is queued for it,
/// so a client that stops reading only falls behind itself. At shutdown the
/// stream ends; EventSource reconnects with Last-Event-ID. The stream runs
/// on a StreamPool thread (EventStream); this handler returns once it is
/// handed over.
{
public:
    struct Limits
    {
        int recentOnJoin;     ///< chat.recentOnJoin
        int sendTimeout;      ///< http.requestTimeout: how long a write may wait
        int keepAliveSeconds; ///< 15, or longpoll.timeout if shorter
    };

    EventStreamHandler(const HttpContext& context, StreamPool& streams, std::string roomId,
                       Limits limits);

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;

private:
    StreamPool& _streams;
    std::string _roomId;
    const Limits _limits;
};

} // namespace hchat
