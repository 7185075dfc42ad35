// libFuzzer target: the values clients send in forms and query strings —
// POST /send bodies as url-encoded or multipart forms (RequestValues::
// sendForm) and query parameters (RequestValues::query), then the text rule
// each text meets. The first byte picks the content type; the rest is the
// body, and also a query string.
#include "http/HttpError.h"
#include "http/RequestValues.h"
#include "util/TextRule.h"

#include <Poco/Exception.h>

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    static const char* const types[] = {
        "application/x-www-form-urlencoded", "multipart/form-data; boundary=b",
        "multipart/form-data", "text/plain", "Application/X-WWW-Form-Urlencoded; charset=utf-8"};
    const std::string type = types[data[0] % (sizeof types / sizeof types[0])];
    const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
    try
    {
        hchat::RequestValues::SendForm form = hchat::RequestValues::sendForm(type, body);
        if (type == "text/plain" && (form.haveText || !form.nick.empty()))
            std::abort();
        std::string text = form.haveText ? form.text : body;
        if (hchat::TextRule::apply(text) == hchat::TextRule::Verdict::Fine &&
            text.find('\r') != std::string::npos)
            std::abort();
    }
    catch (const hchat::HttpError& e)
    {
        // A bad multipart body: 400, and only for multipart.
        if (type.find("multipart") != 0 || e.status() != 400)
            std::abort();
    }
    try
    {
        std::string nick;
        hchat::RequestValues::query("/send/r?" + body, "nick", nick);
    }
    catch (const Poco::SyntaxException&)
    {
        // A malformed query string: the endpoints answer 400.
    }
    return 0;
}
