#pragma once

#include <Poco/ErrorHandler.h>

namespace hchat
{

class LoggingErrorHandler : public Poco::ErrorHandler
/// Logs exceptions that escaped a POCO thread (a connection thread, the
/// acceptor) instead of POCO's default of printing to stderr, which a daemon
/// does not have. Thread-safe: only logs.
{
public:
    void exception(const Poco::Exception& e) override;
    void exception(const std::exception& e) override;
    void exception() override;
};

} // namespace hchat
