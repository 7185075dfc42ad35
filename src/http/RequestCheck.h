#pragma once

#include "http/HttpError.h"

#include <Poco/Net/HTTPServerRequest.h>

#include <optional>

namespace hchat
{

class RequestCheck
/// What every request head must be before any route sees it (RFC 9112):
/// HTTP/1.0 or HTTP/1.1 (else 505); under 1.1 exactly one Host; no control
/// characters in a header; at most one Content-Length, of digits only;
/// no Transfer-Encoding but "chunked" (another known coding: 400, an
/// unknown one: 501), and never both. Heads that proxies could read another
/// way (request smuggling) are refused, and the connection closed.
/// Thread-safe (no state).
{
public:
    static std::optional<HttpError> problem(const Poco::Net::HTTPServerRequest& request);
    /// The refusal for this head, or nothing when it is fine.
};

} // namespace hchat
