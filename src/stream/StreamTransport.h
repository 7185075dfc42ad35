#pragma once

#include "chat/Cursor.h"
#include "chat/Mailbox.h"

#include <cstddef>
#include <string>

namespace hchat
{

class StreamTransport
/// What one kind of stream (SSE, WebSocket, the line protocol, IRC) adds to the
/// StreamSession loop: its wire form (the codec's side) and what it does
/// with its client's bytes and with silence. Every method appends bytes
/// ready to send. entries() may run on a publisher's thread, under the
/// connection's claim (so never beside another call that the owner makes
/// under it); the rest run on the session's thread.
{
public:
    virtual ~StreamTransport() = default;

    virtual void entries(const Cursor::Slice& slice, std::string& out) = 0;
    /// Log entries of slice.room, and a notice when slice.skipped (retention).
    virtual void presence(const Room& room, const std::string& frame, std::string& out) = 0;
    /// The room's people changed: its presence frame (JSON).
    virtual void typing(const Room& /*room*/, const std::string& /*frame*/, std::string& /*out*/) {}
    /// Who is writing in the room changed: its typing frame (JSON).
    /// Nothing by default (the line protocol does not show it).
    virtual void letter(const Mailbox::Letter& letter, std::string& out) = 0;
    /// A private message to or from this person.

    virtual bool received(const char* data, std::size_t size) = 0;
    /// Bytes from the client. False ends the session, once what was queued
    /// (StreamSession::queue) is sent.
    virtual int quietMs() = 0;
    /// How long the session waits with nothing happening before quiet().
    virtual bool quiet() = 0;
    /// That long passed (keep-alive, ping, idle limit). False ends the session.
    virtual void closing(std::string& out) = 0;
    /// The server stops: the last bytes.
    enum class Removal
    {
        RoomDeleted, ///< the room was deleted for everyone
        Kicked       ///< a moderator put this person out of the room (a kick or a ban)
    };
    virtual bool removed(const Room& room, Removal why, std::string& out) = 0;
    /// The client is out of that room: the bytes that say so. True keeps
    /// the session going, out of the room; false ends it after them.
};

} // namespace hchat
