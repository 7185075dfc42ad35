#include "app/HChatApplication.h"

#include "app/DescriptorBudget.h"
#include "app/LogFiles.h"
#include "app/PrintableFormatter.h"
#include "app/Signals.h"
#include "chat/AccountActions.h"
#include "chat/Accounts.h"
#include "chat/Announcer.h"
#include "chat/ChatActions.h"
#include "chat/People.h"
#include "chat/PresenceSweeper.h"
#include "chat/RateLimiter.h"
#include "chat/RoomActions.h"
#include "chat/RoomRegistry.h"
#include "chat/RoomRoles.h"
#include "ctl/ControlClient.h"
#include "ctl/ControlCommands.h"
#include "ctl/ControlServer.h"
#include "http/HttpContext.h"
#include "http/HttpServer.h"
#include "http/PageRenderer.h"
#include "line/LineServer.h"
#include "net/TlsContext.h"
#include "store/MemoryStore.h"
#include "store/RedisStore.h"
#include "store/SqliteStore.h"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/File.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/Path.h>
#include <Poco/PatternFormatter.h>
#include <Poco/String.h>
#include <Poco/SyslogChannel.h>
#include <Poco/Util/LoggingConfigurator.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <sys/resource.h>

namespace hchat
{

namespace
{

std::string findConfigFile(const std::string& given)
{
    if (!given.empty())
        return Poco::Path(given).absolute().toString();
    for (const char* candidate : {"hchatd.conf", "/etc/hchatd/hchatd.conf"})
        if (Poco::File(candidate).exists())
            return Poco::Path(candidate).absolute().toString();
    return "";
}

void raiseFileLimit()
{
    // Every held connection is a descriptor; the usual soft limit of 1024
    // would cap the daemon far below its thread count.
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

} // namespace

HChatApplication::HChatApplication() = default;
HChatApplication::~HChatApplication() = default;

int HChatApplication::run(int argc, char** argv)
{
    try
    {
        _commandLine.parse(std::vector<std::string>(argv + 1, argv + argc));
    }
    catch (const Poco::Exception& e)
    {
        std::cerr << "hchatd: " << e.displayText() << " (hchatd -h shows the usage)\n";
        return EXIT_USAGE;
    }
    if (_commandLine.help)
    {
        std::cout << CommandLine::usage();
        return EXIT_OK;
    }
    // Read the configuration before detaching, so that a bad file is reported
    // on the terminal, and before a daemon changes its directory to "/".
    try
    {
        loadSettings();
        // The client reads the configuration only to find the socket: the
        // TLS pair may be the daemon user's alone.
        if (_commandLine.control)
            return ControlClient(_settings.controlSocket)
                .run(_commandLine.command, std::cout, std::cerr);
        // The pair is loaded before detaching too: a bad one is a
        // configuration error on the terminal (SPEC §9).
        if (_settings.tlsPort > 0 || _settings.lineTlsPort > 0 || _settings.ircTlsPort > 0)
            _tls = std::make_shared<TlsContext>(_settings.tlsCertificate, _settings.tlsPrivateKey);
    }
    catch (const Poco::Exception& e)
    {
        std::cerr << "hchatd: " << e.displayText() << '\n';
        return EXIT_CONFIG;
    }
    if (_commandLine.daemon)
    {
        // Detached before the store opens and any thread starts (neither
        // SQLite nor threads cross a fork); errors until ready still reach
        // this terminal, and the exit status is the daemon's.
        try
        {
            _detacher.detach();
        }
        catch (const Poco::Exception& e)
        {
            std::cerr << "hchatd: " << e.displayText() << '\n';
            return EXIT_OSERR;
        }
    }
    // POCO's own -d handling is not used: it would fork after us.
    char* programOnly[] = {argv[0], nullptr};
    return ServerApplication::run(1, programOnly);
}

void HChatApplication::loadSettings()
{
    const std::string path = findConfigFile(_commandLine.configFile);
    Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> file;
    if (path.empty())
        file = new Poco::Util::PropertyFileConfiguration;
    else
    {
        if (!Poco::File(path).exists())
            throw Poco::FileNotFoundException("configuration file", path);
        file = new Poco::Util::PropertyFileConfiguration(path);
    }
    const std::string baseDir =
        path.empty() ? Poco::Path::current() : Poco::Path(path).parent().toString();
    try
    {
        _settings = Settings::load(*file, baseDir);
        _proxies = TrustedProxies(_settings.httpTrustedProxies); // checked by load()
    }
    catch (const Poco::Exception& e)
    {
        throw Poco::InvalidArgumentException((path.empty() ? std::string("configuration") : path) +
                                             ": " + e.message());
    }
    if (_commandLine.port >= 0)
        _settings.httpPort = _commandLine.port;
    if (_settings.httpPort == 0 && _settings.tlsPort == 0)
        throw Poco::InvalidArgumentException(
            "http.port and tls.port are both 0 (off): nothing would serve the chat");
    // POCO's own logging.* tree is applied in setUpLogging().
    config().add(file, PRIO_APPLICATION);
}

HttpOptions HChatApplication::httpOptions() const
{
    HttpOptions o;
    o.address = _settings.httpAddress;
    o.port = _settings.httpPort;
    o.maxThreads = _settings.httpMaxThreads;
    o.allowedOrigins = _settings.httpAllowedOrigins;
    o.requestTimeout = _settings.httpRequestTimeout;
    o.keepAliveTimeout = _settings.httpKeepAliveTimeout;
    o.connectionsPerAddress = _settings.connectionsPerAddress;
    o.bans = &_bans;
    o.proxies = &_proxies;
    o.longPollTimeout = _settings.longPollTimeout;
    o.webSocketPingInterval = _settings.webSocketPingInterval;
    o.recentOnJoin = _settings.recentOnJoin;
    if (_settings.tlsPort > 0)
        o.tls = _tls;
    o.tlsPort = _settings.tlsPort;
    o.tlsRedirect = _settings.tlsRedirect;
    o.tlsHsts = _settings.tlsHsts;
    return o;
}

LineOptions HChatApplication::lineOptions(LineOptions::Protocol protocol) const
{
    const bool irc = protocol == LineOptions::Protocol::Irc;
    LineOptions o;
    o.protocol = protocol;
    o.address = _settings.httpAddress;
    o.port = irc ? _settings.ircPort : _settings.linePort;
    o.maxConnections = irc ? _settings.ircMaxConnections : _settings.lineMaxConnections;
    o.connectionsPerAddress = _settings.connectionsPerAddress;
    o.bans = &_bans;
    o.proxies = &_proxies;
    o.idleTimeout = _settings.lineIdleTimeout;
    o.joinTimeout = _settings.lineJoinTimeout;
    o.sendTimeout = _settings.lineSendTimeout;
    o.recentOnJoin = _settings.recentOnJoin;
    o.tlsPort = irc ? _settings.ircTlsPort : _settings.lineTlsPort;
    if (o.tlsPort > 0)
        o.tls = _tls;
    o.handshakeTimeout = _settings.httpRequestTimeout;
    o.serverName = _settings.ircServerName;
    o.network = _settings.ircNetwork;
    o.pingInterval = _settings.ircPingInterval;
    return o;
}

void HChatApplication::reloadTls()
{
    Poco::Logger& log = Poco::Logger::get("hchatd");
    if (!_tls)
    {
        log.information("SIGHUP: no TLS pair to reload");
        return;
    }
    try
    {
        _tls->reload();
        _metrics.tlsReloads.fetch_add(1, std::memory_order_relaxed);
        log.information("SIGHUP: reloaded the TLS pair %s for new connections",
                        _settings.tlsCertificate);
    }
    catch (const Poco::Exception& e)
    {
        _metrics.tlsReloadFailures.fetch_add(1, std::memory_order_relaxed);
        log.error("SIGHUP: %s; keeping the pair in use", e.message());
    }
}

void HChatApplication::reopenLogs()
{
    std::vector<std::string> channels;
    if (config().has("logging.channels"))
        config().keys("logging.channels", channels);
    const std::vector<std::string> files = LogFiles::reopen(channels);
    if (!files.empty())
        Poco::Logger::get("hchatd").information(
            "SIGHUP: reopened the log file %s",
            Poco::cat(std::string(", "), files.begin(), files.end()));
}

int HChatApplication::startFailed(int status, const std::string& message)
{
    Poco::Logger::get("hchatd").fatal(message);
    // A detached daemon logs to syslog; the terminal of -d is still waiting.
    if (_commandLine.daemon)
        std::cerr << "hchatd: " << message << '\n';
    return status;
}

void HChatApplication::notify(const std::string& state)
{
    if (!_notifier.notify(state))
        Poco::Logger::get("hchatd").warning("cannot tell systemd %s through %s: %s",
                                            state.substr(0, state.find('\n')), _notifier.socket(),
                                            std::string(std::strerror(errno)));
}

void HChatApplication::setUpLogging()
{
    if (config().has("logging.loggers") || config().has("logging.channels"))
    {
        Poco::Util::LoggingConfigurator configurator;
        configurator.configure(configPtr());
    }
    else
    {
        Poco::AutoPtr<Poco::Channel> target;
        if (_commandLine.daemon)
            target = new Poco::SyslogChannel("hchatd", Poco::SyslogChannel::SYSLOG_PID,
                                             Poco::SyslogChannel::SYSLOG_DAEMON);
        else
            target = new Poco::ConsoleChannel;
        Poco::AutoPtr<Poco::PatternFormatter> format(
            new PrintableFormatter("%Y-%m-%d %H:%M:%S.%i %p %s: %t"));
        Poco::AutoPtr<Poco::Channel> channel(new Poco::FormattingChannel(format, target));
        Poco::Logger::root().setChannel(channel);
        Poco::Logger::root().setLevel(Poco::Message::PRIO_INFORMATION);
    }
    setLogger(Poco::Logger::get("hchatd"));
}

void HChatApplication::loadAddressBans()
{
    const Poco::Timestamp now;
    for (const AddressBan& ban : _store->addressBans())
    {
        if (ban.forGood() || now < ban.until)
            _bans.set(ban);
        else
            _store->removeAddressBan(ban.address); // over while the daemon was down
    }
}

std::size_t HChatApplication::disconnectBanned()
{
    std::size_t closed = _http->disconnectBanned();
    for (auto* server : {_line.get(), _irc.get()})
        if (server)
            closed += server->gate().disconnectBanned();
    return closed;
}

int HChatApplication::startControl(const std::string& storeName)
{
    if (_settings.controlSocket.empty())
        return 0;
    ControlCommands::Parts parts{*_rooms,
                                 *_people,
                                 *_store,
                                 _bans,
                                 _metrics,
                                 [this] { return disconnectBanned(); },
                                 Poco::Path(_settings.storePath).parent().toString(),
                                 storeName};
    _commands = std::make_unique<ControlCommands>(std::move(parts));
    try
    {
        _control = std::make_unique<ControlServer>(_settings.controlSocket, *_commands,
                                                   _metrics.controlRefused);
    }
    catch (const Poco::Exception& e)
    {
        return startFailed(EXIT_UNAVAILABLE, "cannot open the control socket: " + e.displayText());
    }
    return 0;
}

void HChatApplication::initialize(Poco::Util::Application& self)
{
    setUpLogging();
    ServerApplication::initialize(self);
    if (_commandLine.daemon && !_settings.pidFile.empty())
        _pidFile = std::make_unique<PidFile>(_settings.pidFile);
}

void HChatApplication::uninitialize()
{
    _pidFile.reset();
    ServerApplication::uninitialize();
}

int HChatApplication::main(const std::vector<std::string>&)
{
    Poco::Logger& log = Poco::Logger::get("hchatd");
    raiseFileLimit();

    // Past a file size limit (ulimit -f) a write should fail like a full
    // disk, answered with 503, not kill the daemon.
    std::signal(SIGXFSZ, SIG_IGN);

    const Poco::Timespan retention(_settings.storeRetention, 0);
    std::string storeName = _settings.storeKind;
    try
    {
        if (_settings.storeKind == "sqlite")
        {
            _store = std::make_unique<SqliteStore>(_settings.storePath, retention);
            storeName += " " + _settings.storePath;
        }
        else if (_settings.storeKind == "redis")
        {
            RedisStore::Options redis;
            redis.address = _settings.redisAddress;
            redis.password = _settings.redisPassword;
            redis.keyPrefix = _settings.redisKeyPrefix;
            redis.retention = retention;
            redis.keep = static_cast<std::size_t>(_settings.redisHistoryLimit);
            redis.cluster = _settings.redisCluster;
            _store = std::make_unique<RedisStore>(redis);
            storeName += (_settings.redisCluster ? " cluster " : " ") + _settings.redisAddress;
            // A page's cookies, signed by one node, are good on every node.
            _cookies = CookieSigner(_store->sharedKey("cookies"));
        }
        else
            _store =
                std::make_unique<MemoryStore>(static_cast<std::size_t>(_settings.historyLimit));
        _rooms = std::make_unique<RoomRegistry>(
            *_store, static_cast<std::size_t>(_settings.historyLimit), retention);
        _rooms->load();
    }
    catch (const Poco::Exception& e)
    {
        return startFailed(EXIT_IOERR, e.message());
    }
    try
    {
        loadAddressBans();
    }
    catch (const Poco::Exception& e)
    {
        return startFailed(EXIT_IOERR, "cannot read the address bans: " + e.displayText());
    }
    DescriptorBudget::fit(_settings, log);
    _limiter = std::make_unique<RateLimiter>(_settings.messagesPerSecond, _settings.burst,
                                             _settings.peoplePerAddress);
    _pages = std::make_unique<PageRenderer>(_settings.httpHtmlDir);
    // A long-poll client counts as online until it misses a poll by 5 s.
    _people = std::make_unique<People>(Poco::Timespan(_settings.longPollTimeout + 5, 0),
                                       Poco::Timespan(_settings.leaveGrace, 0));
    _announcer = std::make_unique<Announcer>(*_rooms, _settings.notices);
    _sweeper = std::make_unique<PresenceSweeper>(*_people, *_announcer, *_rooms);
    _roles = std::make_unique<RoomRoles>(_settings.operators());
    _actions =
        std::make_unique<ChatActions>(*_rooms, *_people, *_announcer, *_limiter, _metrics, *_roles,
                                      static_cast<std::size_t>(_settings.maxMessageBytes));
    try
    {
        _accounts = std::make_unique<Accounts>(*_store, *_people,
                                               Poco::Timespan(_settings.sessionDays, 0, 0, 0, 0));
        _accounts->load();
    }
    catch (const Poco::Exception& e)
    {
        return startFailed(EXIT_IOERR, "cannot read the accounts: " + e.displayText());
    }
    _accountActions = std::make_unique<AccountActions>(*_accounts, *_people, *_announcer, *_actions,
                                                       _settings.registration);
    _roomActions = std::make_unique<RoomActions>(*_actions, *_rooms, *_people, *_accounts, *_roles,
                                                 Poco::Timespan(_settings.editWindow, 0));
    _context.reset(new HttpContext{*_actions, *_accountActions, *_roomActions, *_accounts, *_rooms,
                                   *_people, *_announcer, _metrics, *_pages, _cookies, _proxies});

    try
    {
        _http = std::make_unique<HttpServer>(httpOptions(), *_context);
    }
    catch (const Poco::Exception& e)
    {
        return startFailed(EXIT_UNAVAILABLE, "cannot listen on " + e.message());
    }
    try
    {
        if (_settings.linePort > 0 || _settings.lineTlsPort > 0)
            _line = std::make_unique<LineServer>(lineOptions(LineOptions::Protocol::Line),
                                                 *_actions, *_accountActions, *_roomActions,
                                                 *_rooms, *_people, *_announcer, _metrics);
    }
    catch (const Poco::Exception& e)
    {
        return startFailed(EXIT_UNAVAILABLE,
                           "cannot listen for the line protocol on " + e.message());
    }
    try
    {
        if (_settings.ircPort > 0 || _settings.ircTlsPort > 0)
            _irc = std::make_unique<LineServer>(lineOptions(LineOptions::Protocol::Irc), *_actions,
                                                *_accountActions, *_roomActions, *_rooms, *_people,
                                                *_announcer, _metrics);
    }
    catch (const Poco::Exception& e)
    {
        return startFailed(EXIT_UNAVAILABLE, "cannot listen for IRC on " + e.message());
    }
    if (int failed = startControl(storeName))
        return failed;
    _store->listen(*_rooms); // a shared store: what other daemons store, from here on
    _store->listen(*_accounts);
    if (_store->isShared())
    {
        _people->share(*_store);
        _store->listen(*_people);
        _limiter->share(*_store);
    }
    _banFeed =
        std::make_unique<AddressBanFeed>(*_store, _bans, [this] { return disconnectBanned(); });
    _store->listen(*_banFeed);
    _http->start();
    if (_line)
    {
        _line->start();
        log.information("line protocol on %s", _line->addresses());
    }
    if (_irc)
    {
        _irc->start();
        log.information("IRC on %s", _irc->addresses());
    }
    _sweeper->start();
    if (_control)
    {
        _control->start();
        log.information("control socket %s (hchatd --ctl)", _control->path());
    }
    std::string urls;
    if (_settings.httpPort > 0)
        urls = "http://" + _http->address();
    if (_settings.tlsPort > 0)
        urls += (urls.empty() ? "https://" : " and https://") + _http->tlsAddress();
    log.information("hchatd listening on %s (store: %s, %z rooms)", urls, storeName,
                    _rooms->size());

    _detacher.ready();
    notify("READY=1\nMAINPID=" + std::to_string(::getpid()));

    while (Signals::wait() == Signals::Request::reload)
    {
        notify("RELOADING=1");
        reopenLogs();
        reloadTls();
        notify("READY=1");
    }
    notify("STOPPING=1");

    log.information("stopping: waking waiting clients and closing connections");
    if (_control)
        _control->stop(); // a backup in progress ends before the store closes
    _sweeper->stop();     // people disconnected by the shutdown have not left
    _rooms->closeAll();
    _http->stop();
    if (_line)
        _line->stop();
    if (_irc)
        _irc->stop();
    _people->leaveOthers();
    // Every acknowledged message is committed already; this finishes the
    // ones whose senders were cut off and closes the database cleanly.
    _store->close();
    log.information("stopped");
    return EXIT_OK;
}

} // namespace hchat
