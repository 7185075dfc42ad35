#include "http/StaticFileHandler.h"

#include "http/HttpError.h"
#include "http/PageRenderer.h"

#include <Poco/Net/HTTPServerResponse.h>

namespace hchat
{

StaticFileHandler::StaticFileHandler(const HttpContext& context, std::string name)
    : EndpointHandler(context), _name(std::move(name))
{
}

void StaticFileHandler::handle(Poco::Net::HTTPServerRequest&,
                               Poco::Net::HTTPServerResponse& response)
{
    std::string content, type;
    // Templates (*.html) are pages, not files to fetch raw.
    if (_name.size() > 5 && _name.compare(_name.size() - 5, 5, ".html") == 0)
        throw HttpError(Poco::Net::HTTPResponse::HTTP_NOT_FOUND, "no such file");
    if (!_context.pages.file(_name, content, type))
        throw HttpError(Poco::Net::HTTPResponse::HTTP_NOT_FOUND, "no such file");
    response.set("Cache-Control", "no-cache");
    send(response, content, type);
}

} // namespace hchat
