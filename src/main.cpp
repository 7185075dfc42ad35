#include "app/HChatApplication.h"
#include "app/LoggingErrorHandler.h"

#include <Poco/ErrorHandler.h>

int main(int argc, char** argv)
{
    hchat::LoggingErrorHandler errorHandler;
    Poco::ErrorHandler::set(&errorHandler);
    hchat::HChatApplication app;
    return app.run(argc, argv);
}
