#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace hchat
{

class WebSocketCodec
/// WebSocket framing on the server's side (RFC 6455 §5). Encoding is
/// static: unmasked, unfragmented frames appended to a buffer, so several go
/// out in one send(), from any thread. Decoding is one client's: feed() its
/// bytes, then next() yields whole messages (fragments reassembled) and
/// control frames, or the reason the connection must close.
/// Not thread-safe (the decoder is one connection's).
{
public:
    enum Opcode : unsigned char
    {
        Continuation = 0x0,
        Text = 0x1,
        Binary = 0x2,
        Close = 0x8,
        Ping = 0x9,
        Pong = 0xA
    };

    static void text(std::string& out, const std::string& payload);
    static void frame(std::string& out, Opcode opcode, const std::string& payload);
    static void close(std::string& out, std::uint16_t code, const std::string& reason);

    enum class Event
    {
        NeedMore,     ///< no whole message or control frame yet
        Message,      ///< a text message (valid UTF-8) in payload
        Ping,         ///< payload: to echo in a pong
        Pong,         ///< the answer to a ping
        Closed,       ///< the client closes; closeCode is its valid code (1000 if none)
        TooBig,       ///< a message over maxPayload: close 1009
        NotText,      ///< a binary message: close 1003
        NotUtf8,      ///< a text message or close reason that is not UTF-8: close 1007
        ProtocolError ///< anything else RFC 6455 forbids: close 1002
    };

    explicit WebSocketCodec(std::size_t maxPayload);

    static bool isValidCloseCode(std::uint16_t code);
    /// A code a client may send in a close frame (RFC 6455 §7.4).

    void feed(const char* data, std::size_t size);
    Event next();
    /// After an event other than NeedMore and Message/Ping/Pong, feed no more.

    const std::string& payload() const { return _payload; }
    std::uint16_t closeCode() const { return _closeCode; }
    std::string error() const { return _error; } ///< what broke the protocol

private:
    Event fail(Event event, const char* why);

    const std::size_t _maxPayload;
    std::string _buffer;  ///< bytes not yet decoded
    std::string _partial; ///< a fragmented message being reassembled
    bool _inFragments = false;
    std::string _payload;
    std::uint16_t _closeCode = 1000;
    const char* _error = ""; ///< a literal: a held connection carries no string for it
};

} // namespace hchat
