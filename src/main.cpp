#include "app/HChatApplication.h"
#include "app/LoggingErrorHandler.h"
#include "app/MallocTunables.h"
#include "app/Signals.h"

#include <Poco/ErrorHandler.h>

int main(int argc, char** argv)
{
    hchat::MallocTunables::apply(argv); // may start this program again, so first
    hchat::Signals::block();            // before any thread starts
    hchat::LoggingErrorHandler errorHandler;
    Poco::ErrorHandler::set(&errorHandler);
    hchat::HChatApplication app;
    return app.run(argc, argv);
}
