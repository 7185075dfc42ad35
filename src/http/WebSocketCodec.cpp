#include "http/WebSocketCodec.h"

#include "util/Utf8.h"

namespace hchat
{

void WebSocketCodec::frame(std::string& out, Opcode opcode, const std::string& payload)
{
    const std::uint64_t size = payload.size();
    out.push_back(static_cast<char>(0x80 | opcode)); // FIN
    // The length in 7 bits, or 126 and 16 bits, or 127 and 64 bits (big-endian).
    if (size < 126)
        out.push_back(static_cast<char>(size));
    else
    {
        const int bytes = size <= 0xFFFF ? 2 : 8;
        out.push_back(static_cast<char>(bytes == 2 ? 126 : 127));
        for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8)
            out.push_back(static_cast<char>((size >> shift) & 0xFF));
    }
    out.append(payload);
}

void WebSocketCodec::text(std::string& out, const std::string& payload)
{
    frame(out, Text, payload);
}

void WebSocketCodec::close(std::string& out, std::uint16_t code, const std::string& reason)
{
    std::string payload;
    payload.push_back(static_cast<char>(code >> 8));
    payload.push_back(static_cast<char>(code & 0xFF));
    payload.append(reason, 0, 123); // a control frame carries at most 125 bytes
    frame(out, Close, payload);
}

WebSocketCodec::WebSocketCodec(std::size_t maxPayload) : _maxPayload(maxPayload) {}

bool WebSocketCodec::isValidCloseCode(std::uint16_t code)
{
    // RFC 6455 §7.4: 1004-1006 and 1015 are never sent, 1016-2999 are
    // reserved for the protocol, 3000-4999 are for applications.
    if (code >= 3000 && code <= 4999)
        return true;
    return code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006;
}

void WebSocketCodec::feed(const char* data, std::size_t size)
{
    _buffer.append(data, size);
}

WebSocketCodec::Event WebSocketCodec::fail(Event event, const char* why)
{
    _error = why;
    _buffer.clear();
    return event;
}

WebSocketCodec::Event WebSocketCodec::next()
{
    for (;;)
    {
        const auto* bytes = reinterpret_cast<const unsigned char*>(_buffer.data());
        const std::size_t have = _buffer.size();
        if (have < 2)
            return Event::NeedMore;
        const bool fin = (bytes[0] & 0x80) != 0;
        const unsigned opcode = bytes[0] & 0x0F;
        if ((bytes[0] & 0x70) != 0)
            return fail(Event::ProtocolError, "reserved bits set");
        if ((bytes[1] & 0x80) == 0)
            return fail(Event::ProtocolError, "unmasked client frame");
        std::uint64_t length = bytes[1] & 0x7F;
        std::size_t header = 2;
        if (length >= 126)
        {
            const std::size_t extra = length == 126 ? 2 : 8;
            if (have < header + extra)
                return Event::NeedMore;
            length = 0;
            for (std::size_t i = 0; i < extra; ++i)
                length = (length << 8) | bytes[header + i];
            header += extra;
        }
        const bool control = opcode >= 0x8;
        if (control && (!fin || length > 125))
            return fail(Event::ProtocolError, "bad control frame");
        if (length > _maxPayload)
            return fail(Event::TooBig, "frame too big");
        if (have < header + 4 + length)
            return Event::NeedMore;
        const unsigned char* mask = bytes + header;
        std::string payload(_buffer, header + 4, static_cast<std::size_t>(length));
        for (std::size_t i = 0; i < payload.size(); ++i)
            payload[i] = static_cast<char>(payload[i] ^ mask[i % 4]);
        _buffer.erase(0, header + 4 + static_cast<std::size_t>(length));

        switch (opcode)
        {
        case Ping:
            _payload.swap(payload);
            return Event::Ping;
        case Pong:
            return Event::Pong;
        case Close:
        {
            // Echoed with the client's code (§5.5.1); without one, a plain 1000.
            if (payload.size() == 1)
                return fail(Event::ProtocolError, "a close frame of one byte");
            _closeCode =
                payload.size() >= 2
                    ? static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                                 static_cast<unsigned char>(payload[1]))
                    : 1000;
            if (!isValidCloseCode(_closeCode))
                return fail(Event::ProtocolError, "an invalid close code");
            if (payload.size() > 2 && !Utf8::isValid(payload.data() + 2, payload.size() - 2))
                return fail(Event::NotUtf8, "a close reason that is not UTF-8");
            _buffer.clear();
            return Event::Closed;
        }
        case Binary:
            return fail(Event::NotText, "binary frame");
        case Text:
        case Continuation:
            break;
        default:
            return fail(Event::ProtocolError, "unknown opcode");
        }
        if ((opcode == Text) == _inFragments)
            return fail(Event::ProtocolError, "bad fragment sequence");
        _partial += payload;
        if (_partial.size() > _maxPayload)
            return fail(Event::TooBig, "message too big");
        _inFragments = !fin;
        if (_inFragments)
            continue;
        _payload.clear();
        _payload.swap(_partial);
        if (!Utf8::isValid(_payload))
            return fail(Event::NotUtf8, "not UTF-8");
        return Event::Message;
    }
}

} // namespace hchat
