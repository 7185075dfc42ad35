#pragma once

#include "app/AddressBanFeed.h"
#include "app/CommandLine.h"
#include "app/Detacher.h"
#include "app/PidFile.h"
#include "app/ServiceNotifier.h"
#include "app/Settings.h"
#include "http/CookieSigner.h"
#include "http/HttpOptions.h"
#include "line/LineOptions.h"
#include "net/AddressBans.h"
#include "net/TrustedProxies.h"
#include "util/Metrics.h"

#include <Poco/Util/ServerApplication.h>

#include <memory>

namespace hchat
{

class Store;
class RoomRegistry;
class LineServer;
class People;
class Accounts;
class AccountActions;
class RoomActions;
class RoomRoles;
class Announcer;
class ChatActions;
class PresenceSweeper;
class RateLimiter;
class PageRenderer;
class HttpServer;
class TlsContext;
class ControlCommands;
class ControlServer;
struct HttpContext;

class HChatApplication : public Poco::Util::ServerApplication
/// The hchatd daemon: reads the command line and the configuration, sets up
/// logging, the store, the rooms, the HTTP and line servers (with TLS when
/// configured), and runs until SIGINT, SIGQUIT or SIGTERM; SIGHUP reopens
/// the log files and reloads the TLS pair. Tells the terminal of -d
/// (Detacher) and systemd (ServiceNotifier) once every port listens. With
/// --ctl it is the control client instead (ControlClient). Owns every
/// long-lived object; nothing else is global.
{
public:
    HChatApplication();
    ~HChatApplication() override;

    int run(int argc, char** argv);
    /// Parses the command line itself (SPEC §3: usage errors exit 64, -h
    /// prints usage and exits 0), then runs the ServerApplication, which
    /// detaches first when -d was given.

protected:
    void initialize(Poco::Util::Application& self) override;
    void uninitialize() override;
    int main(const std::vector<std::string>& args) override;

private:
    void loadSettings();
    HttpOptions httpOptions() const;
    LineOptions lineOptions(LineOptions::Protocol protocol) const;
    void setUpLogging();
    void loadAddressBans();
    std::size_t disconnectBanned();
    /// Closes the connections of banned addresses on every port; how many.
    int startControl(const std::string& storeName);
    /// The control socket, when control.socket is set; 0 or the exit status.
    void reloadTls();
    void reopenLogs();
    int startFailed(int status, const std::string& message);
    /// Logs why the start failed (and, with -d, tells the waiting terminal
    /// too); returns status, the exit status.
    void notify(const std::string& state);
    /// Tells systemd state (ServiceNotifier); a failure is logged.

    CommandLine _commandLine;
    Detacher _detacher;
    ServiceNotifier _notifier;
    Settings _settings;
    Metrics _metrics;
    CookieSigner _cookies; ///< signs the cookies the web pages get
    std::unique_ptr<PidFile> _pidFile;
    std::shared_ptr<TlsContext> _tls; ///< null without tls.port and line.tlsPort
    std::unique_ptr<Store> _store;
    std::unique_ptr<RoomRegistry> _rooms;
    std::unique_ptr<RateLimiter> _limiter;
    std::unique_ptr<People> _people;
    std::unique_ptr<Announcer> _announcer;
    std::unique_ptr<PresenceSweeper> _sweeper;
    std::unique_ptr<RoomRoles> _roles;
    std::unique_ptr<ChatActions> _actions;
    std::unique_ptr<Accounts> _accounts;
    std::unique_ptr<AccountActions> _accountActions;
    std::unique_ptr<RoomActions> _roomActions;
    std::unique_ptr<PageRenderer> _pages;
    TrustedProxies _proxies{""}; ///< http.trustedProxies, set with the settings
    std::unique_ptr<HttpContext> _context;
    std::unique_ptr<HttpServer> _http;
    std::unique_ptr<LineServer> _line;
    std::unique_ptr<LineServer> _irc;
    AddressBans _bans;
    std::unique_ptr<ControlCommands> _commands;
    std::unique_ptr<AddressBanFeed> _banFeed; ///< a shared store's address bans
    std::unique_ptr<ControlServer> _control;
};

} // namespace hchat
