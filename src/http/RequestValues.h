#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Timespan.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace hchat
{

class RequestValues
/// Parsing of the values clients put in paths and query strings, with the
/// strictness every endpoint shares. Thread-safe (no state).
{
public:
    static bool parseNumber(std::string_view text, std::uint64_t& value);
    /// Decimal digits only (no sign, no spaces), at most 19 of them.

    static bool parseFlag(const std::string& text, bool& value);
    /// 1, on, true or yes; 0, off, false or no (any case, trimmed).

    static bool isRequestKey(const std::string& text);
    /// An Idempotency-Key hchatd keeps: 1 to 64 of A-Z a-z 0-9 - _ . :

    static bool query(const Poco::Net::HTTPServerRequest& request, const std::string& name,
                      std::string& value);
    static bool query(const std::string& uri, const std::string& name, std::string& value);
    /// The first query parameter with that name, percent-decoded. Throws
    /// Poco::SyntaxException for a malformed query string.

    struct SendForm
    {
        bool haveText = false; ///< false: the body is the text, as it came
        std::string text;
        std::string nick;
    };

    static SendForm sendForm(const std::string& contentType, const std::string& body);
    /// The fields text and nick of a POST /send body sent as a form
    /// (application/x-www-form-urlencoded or multipart/form-data, at most
    /// 16 fields). A url-encoded body that is no form (`curl -d "100% sure"`)
    /// is plain text: haveText false. A bad multipart body, or one without
    /// a field text, throws HttpError 400.

    static std::map<std::string, std::string> fields(const std::string& contentType,
                                                     const std::string& body);
    /// The fields of a form (url-encoded or multipart, at most 16 fields)
    /// or of a JSON object (application/json; its strings, and its numbers
    /// and booleans as text: "30", "true"). HttpError 400 for
    /// another type, or a body that is not what its type says.

    static std::uint64_t queryNumber(const Poco::Net::HTTPServerRequest& request,
                                     const std::string& name, std::uint64_t fallback);
    /// A numeric query parameter, or fallback when absent. Throws
    /// Poco::InvalidArgumentException naming the parameter when it is not a number.

    static std::string readBody(Poco::Net::HTTPServerRequest& request, std::size_t limit,
                                const Poco::Timespan& deadline);
    /// The request body, refused with 413 (HttpError) before it is buffered
    /// whole when it is longer than limit bytes, and with 408 when it has not
    /// all come within the deadline (however steadily it drips).
};

} // namespace hchat
