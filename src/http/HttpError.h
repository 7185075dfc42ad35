#pragma once

#include <Poco/Exception.h>
#include <Poco/Net/HTTPResponse.h>

#include <string>

namespace hchat
{

class HttpError : public Poco::Exception
/// An answer that is not 200, thrown by a handler and written by
/// EndpointHandler in one place. POCO has no exceptions for 410, 413, 429 or
/// 503, hence this one; the message is the short human-readable body.
{
public:
    HttpError(Poco::Net::HTTPResponse::HTTPStatus status, const std::string& message);

    HttpError& withHeader(const std::string& name, const std::string& value);
    /// An extra header for the answer (Retry-After, Allow).

    Poco::Net::HTTPResponse::HTTPStatus status() const { return _status; }
    const std::string& headerName() const { return _headerName; }
    const std::string& headerValue() const { return _headerValue; }

    const char* name() const noexcept override { return "HTTP error"; }
    const char* className() const noexcept override { return "hchat::HttpError"; }
    Poco::Exception* clone() const override { return new HttpError(*this); }
    void rethrow() const override { throw *this; }

private:
    Poco::Net::HTTPResponse::HTTPStatus _status;
    std::string _headerName;
    std::string _headerValue;
};

} // namespace hchat
