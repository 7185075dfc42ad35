#include "app/LoggingErrorHandler.h"

#include <Poco/Logger.h>

namespace hchat
{

void LoggingErrorHandler::exception(const Poco::Exception& e)
{
    Poco::Logger::get("hchatd").error("unhandled exception in a server thread: %s",
                                      e.displayText());
}

void LoggingErrorHandler::exception(const std::exception& e)
{
    Poco::Logger::get("hchatd").error("unhandled exception in a server thread: %s",
                                      std::string(e.what()));
}

void LoggingErrorHandler::exception()
{
    Poco::Logger::get("hchatd").error("unknown exception in a server thread");
}

} // namespace hchat
