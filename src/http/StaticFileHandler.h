#pragma once

#include "http/EndpointHandler.h"

#include <string>

namespace hchat
{

class StaticFileHandler : public EndpointHandler
/// GET /static/<file>
///
/// The web client's scripts and styles (chat.js, chat.css, …). Only files
/// compiled into the binary are served, by exact name, so no path can reach
/// anything else on disk.
///   200 the file, with its MIME type
///   404 no such file
{
public:
    StaticFileHandler(const HttpContext& context, std::string name);

protected:
    void handle(Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) override;

private:
    std::string _name;
};

} // namespace hchat
