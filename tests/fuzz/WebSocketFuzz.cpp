// libFuzzer target: the WebSocket frame decoder and the client's JSON, on
// whatever bytes a client sends after the handshake.
#include "http/WebSocketCodec.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    hchat::WebSocketCodec codec(4096);
    using Event = hchat::WebSocketCodec::Event;
    // Fed a byte at a time and then the rest, as TCP may deliver it.
    const std::size_t first = size < 3 ? size : 3;
    for (std::size_t i = 0; i < first; ++i)
        codec.feed(reinterpret_cast<const char*>(data) + i, 1);
    codec.feed(reinterpret_cast<const char*>(data) + first, size - first);
    for (int frames = 0; frames < 1000; ++frames)
    {
        const Event event = codec.next();
        if (event == Event::NeedMore)
            break;
        if (event == Event::Message)
        {
            if (codec.payload().size() > 4096)
                std::abort();
            try
            {
                Poco::JSON::Parser parser;
                auto object = parser.parse(codec.payload()).extract<Poco::JSON::Object::Ptr>();
                object->optValue<std::string>("type", "");
                object->optValue<std::string>("text", "");
            }
            catch (const Poco::Exception&)
            {
            }
            catch (const std::exception&)
            {
            }
            continue;
        }
        if (event == Event::Ping || event == Event::Pong)
            continue;
        break; // a close or a refusal ends the connection
    }
    return 0;
}
