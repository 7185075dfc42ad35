// libFuzzer target: the kept-alive long-poll request reader (NextPoll),
// which reads request heads straight from the socket's bytes, and the
// parsing of path segments and numbers every endpoint shares.
#include "http/NextPoll.h"
#include "http/RequestValues.h"
#include "http/Router.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const char* bytes = reinterpret_cast<const char*>(data);
    hchat::NextPoll next;
    const std::size_t length = next.parse(bytes, size);
    if (length > size)
        std::abort();
    if (length > 0)
    {
        // A head it takes ends with its blank line and names a room.
        if (length < 4 || std::string(bytes + length - 4, 4) != "\r\n\r\n" || next.room.empty())
            std::abort();
        // Its fields are views into that head.
        for (const std::string_view field : {next.room, next.number, next.accept, next.cookie})
            if (!field.empty() &&
                (field.data() < bytes || field.data() + field.size() > bytes + length))
                std::abort();
        std::uint64_t n = 0;
        hchat::RequestValues::parseNumber(next.number, n);
    }
    const std::string text(bytes, size);
    std::uint64_t number = 0;
    if (hchat::RequestValues::parseNumber(text, number) && std::to_string(number) != text &&
        text.find_first_not_of('0') != std::string::npos && text[0] != '0')
        std::abort();
    static const hchat::Router router = []
    {
        hchat::Router r;
        r.add("GET", "/msg/{id}/{n}", [](const hchat::Router::Params&) { return nullptr; });
        r.add("POST", "/send/{id}", [](const hchat::Router::Params&) { return nullptr; });
        r.add("GET", "/static/{file}", [](const hchat::Router::Params&) { return nullptr; });
        return r;
    }();
    const hchat::Router::Match match = router.match("GET", text);
    for (const std::string& param : match.params)
        if (param.empty() || param.find('/') != std::string::npos)
            std::abort();
    return 0;
}
