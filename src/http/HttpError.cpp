#include "http/HttpError.h"

namespace hchat
{

HttpError::HttpError(Poco::Net::HTTPResponse::HTTPStatus status, const std::string& message)
    : Poco::Exception(message), _status(status)
{
}

HttpError& HttpError::withHeader(const std::string& name, const std::string& value)
{
    _headerName = name;
    _headerValue = value;
    return *this;
}

} // namespace hchat
