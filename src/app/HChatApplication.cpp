#include "app/HChatApplication.h"

#include "app/DescriptorBudget.h"
#include "app/PrintableFormatter.h"
#include "app/Signals.h"
#include "chat/Announcer.h"
#include "chat/ChatActions.h"
#include "chat/People.h"
#include "chat/PresenceSweeper.h"
#include "chat/RateLimiter.h"
#include "chat/RoomRegistry.h"
#include "http/HttpContext.h"
#include "http/HttpServer.h"
#include "http/PageRenderer.h"
#include "line/LineServer.h"
#include "net/TlsContext.h"
#include "store/MemoryStore.h"
#include "store/SqliteStore.h"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/File.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/Path.h>
#include <Poco/PatternFormatter.h>
#include <Poco/SyslogChannel.h>
#include <Poco/Util/LoggingConfigurator.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <csignal>
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
        // The pair is loaded before detaching too: a bad one is a
        // configuration error on the terminal (SPEC §9).
        if (_settings.tlsPort > 0 || _settings.lineTlsPort > 0)
            _tls = std::make_shared<TlsContext>(_settings.tlsCertificate, _settings.tlsPrivateKey);
    }
    catch (const Poco::Exception& e)
    {
        std::cerr << "hchatd: " << e.displayText() << '\n';
        return EXIT_CONFIG;
    }
    if (_commandLine.daemon && _settings.storeKind == "sqlite")
    {
        // The store is opened after detaching (SQLite must not cross a fork,
        // nor can the writer thread); try it here first, so that a bad
        // database is reported on the terminal rather than only in syslog.
        try
        {
            SqliteStore(_settings.storePath).close();
        }
        catch (const Poco::Exception& e)
        {
            std::cerr << "hchatd: " << e.message() << '\n';
            return EXIT_IOERR;
        }
    }
    std::vector<std::string> args{argv[0]};
    if (_commandLine.daemon)
        args.emplace_back("--daemon");
    std::vector<char*> pointers;
    for (std::string& arg : args)
        pointers.push_back(arg.data());
    pointers.push_back(nullptr);
    return ServerApplication::run(static_cast<int>(args.size()), pointers.data());
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

LineOptions HChatApplication::lineOptions() const
{
    LineOptions o;
    o.address = _settings.httpAddress;
    o.port = _settings.linePort;
    o.maxConnections = _settings.lineMaxConnections;
    o.connectionsPerAddress = _settings.connectionsPerAddress;
    o.idleTimeout = _settings.lineIdleTimeout;
    o.joinTimeout = _settings.lineJoinTimeout;
    o.sendTimeout = _settings.lineSendTimeout;
    o.recentOnJoin = _settings.recentOnJoin;
    if (_settings.lineTlsPort > 0)
        o.tls = _tls;
    o.tlsPort = _settings.lineTlsPort;
    o.handshakeTimeout = _settings.httpRequestTimeout;
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
        if (config().getBool("application.runAsDaemon", false))
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

void HChatApplication::initialize(Poco::Util::Application& self)
{
    setUpLogging();
    ServerApplication::initialize(self);
    if (config().getBool("application.runAsDaemon", false) && !_settings.pidFile.empty())
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
        else
            _store =
                std::make_unique<MemoryStore>(static_cast<std::size_t>(_settings.historyLimit));
        _rooms = std::make_unique<RoomRegistry>(
            *_store, static_cast<std::size_t>(_settings.historyLimit), retention);
        _rooms->load();
    }
    catch (const Poco::Exception& e)
    {
        log.fatal("%s", e.message());
        return EXIT_IOERR;
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
    _actions = std::make_unique<ChatActions>(*_rooms, *_people, *_announcer, *_limiter, _metrics,
                                             static_cast<std::size_t>(_settings.maxMessageBytes));
    _context.reset(
        new HttpContext{*_actions, *_rooms, *_people, *_announcer, _metrics, *_pages, _cookies});

    try
    {
        _http = std::make_unique<HttpServer>(httpOptions(), *_context);
    }
    catch (const Poco::Exception& e)
    {
        log.fatal("cannot listen on %s", e.message());
        return EXIT_UNAVAILABLE;
    }
    if (_settings.linePort > 0 || _settings.lineTlsPort > 0)
    {
        try
        {
            _line = std::make_unique<LineServer>(lineOptions(), *_actions, *_rooms, *_people,
                                                 *_announcer, _metrics);
        }
        catch (const Poco::Exception& e)
        {
            log.fatal("cannot listen for the line protocol on %s", e.message());
            return EXIT_UNAVAILABLE;
        }
    }
    _http->start();
    if (_line)
    {
        _line->start();
        log.information("line protocol on %s", _line->addresses());
    }
    _sweeper->start();
    std::string urls;
    if (_settings.httpPort > 0)
        urls = "http://" + _http->address();
    if (_settings.tlsPort > 0)
        urls += (urls.empty() ? "https://" : " and https://") + _http->tlsAddress();
    log.information("hchatd listening on %s (store: %s, %z rooms)", urls, storeName,
                    _rooms->size());

    while (Signals::wait() == Signals::Request::reload)
        reloadTls();

    log.information("stopping: waking waiting clients and closing connections");
    _sweeper->stop(); // people disconnected by the shutdown have not left
    _rooms->closeAll();
    _http->stop();
    if (_line)
        _line->stop();
    // Every acknowledged message is committed already; this finishes the
    // ones whose senders were cut off and closes the database cleanly.
    _store->close();
    log.information("stopped");
    return EXIT_OK;
}

} // namespace hchat
