#include "app/Settings.h"

#include "chat/Nickname.h"
#include "net/TrustedProxies.h"

#include <Poco/Exception.h>
#include <Poco/NumberFormatter.h>
#include <Poco/NumberParser.h>
#include <Poco/Path.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <algorithm>
#include <functional>

namespace hchat
{

namespace
{

void collectKeys(const Poco::Util::AbstractConfiguration& config, const std::string& prefix,
                 std::vector<std::string>& out)
{
    Poco::Util::AbstractConfiguration::Keys keys;
    config.keys(prefix, keys);
    for (const std::string& key : keys)
    {
        std::string full = prefix.empty() ? key : prefix + "." + key;
        if (config.hasProperty(full))
            out.push_back(full);
        collectKeys(config, full, out);
    }
}

class Reader
/// Reads one typed key at a time and names the key in every error.
{
public:
    explicit Reader(const Poco::Util::AbstractConfiguration& config) : _config(config) {}

    void integer(const std::string& key, int& value, int min, int max)
    {
        if (!_config.hasProperty(key))
            return;
        std::string text = Poco::trim(_config.getRawString(key));
        int number = 0;
        if (!Poco::NumberParser::tryParse(text, number) || number < min || number > max)
            throw Poco::InvalidArgumentException(
                "bad value for " + key + ": '" + text + "' (expected an integer from " +
                std::to_string(min) + " to " + std::to_string(max) + ")");
        value = number;
    }

    void decimal(const std::string& key, double& value, double min, double max)
    {
        if (!_config.hasProperty(key))
            return;
        std::string text = Poco::trim(_config.getRawString(key));
        double number = 0;
        if (!Poco::NumberParser::tryParseFloat(text, number) || !(number >= min) ||
            !(number <= max))
            throw Poco::InvalidArgumentException("bad value for " + key + ": '" + text +
                                                 "' (expected a number from " +
                                                 Poco::NumberFormatter::format(min) + " to " +
                                                 Poco::NumberFormatter::format(max) + ")");
        value = number;
    }

    void duration(const std::string& key, int& seconds)
    /// A count of seconds with an optional unit: 90s, 15m, 12h, 30d; 0 is off.
    {
        if (!_config.hasProperty(key))
            return;
        std::string text = Poco::trim(_config.getRawString(key));
        static const std::pair<char, int> units[] = {
            {'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
        int unit = 1;
        std::string digits = text;
        for (const auto& u : units)
            if (!text.empty() && text.back() == u.first)
            {
                unit = u.second;
                digits = text.substr(0, text.size() - 1);
            }
        int number = 0;
        const int max = 50 * 365 * 86400; // fits an int
        if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos ||
            !Poco::NumberParser::tryParse(digits, number) || number > max / unit)
            throw Poco::InvalidArgumentException(
                "bad value for " + key + ": '" + text +
                "' (expected a duration such as 90s, 15m, 12h or 30d, or 0 for off)");
        seconds = number * unit;
    }

    void text(const std::string& key, std::string& value)
    {
        if (_config.hasProperty(key))
            value = Poco::trim(_config.getRawString(key));
    }

    void choice(const std::string& key, std::string& value, const std::vector<std::string>& allowed)
    {
        text(key, value);
        if (std::find(allowed.begin(), allowed.end(), value) == allowed.end())
        {
            std::string list;
            for (const auto& a : allowed)
                list += (list.empty() ? "" : ", ") + a;
            throw Poco::InvalidArgumentException("bad value for " + key + ": '" + value +
                                                 "' (expected one of: " + list + ")");
        }
    }

    void flag(const std::string& key, bool& value)
    {
        std::string word = value ? "true" : "false";
        choice(key, word, {"true", "false"});
        value = word == "true";
    }

private:
    const Poco::Util::AbstractConfiguration& _config;
};

std::string resolve(const std::string& path, const std::string& baseDir)
{
    if (path.empty())
        return path;
    Poco::Path p(path);
    if (p.isAbsolute())
        return p.toString();
    return Poco::Path(Poco::Path::forDirectory(baseDir), p).toString();
}

} // namespace

const std::vector<std::string>& Settings::knownKeys()
{
    static const std::vector<std::string> keys = {"http.address",
                                                  "http.port",
                                                  "http.maxThreads",
                                                  "http.requestTimeout",
                                                  "http.keepAliveTimeout",
                                                  "http.htmlDir",
                                                  "http.allowedOrigins",
                                                  "http.trustedProxies",
                                                  "longpoll.timeout",
                                                  "tls.certificate",
                                                  "tls.privateKey",
                                                  "tls.port",
                                                  "tls.redirect",
                                                  "tls.hsts",
                                                  "line.port",
                                                  "line.tlsPort",
                                                  "line.idleTimeout",
                                                  "line.joinTimeout",
                                                  "line.maxConnections",
                                                  "line.sendTimeout",
                                                  "irc.port",
                                                  "irc.tlsPort",
                                                  "irc.maxConnections",
                                                  "irc.pingInterval",
                                                  "irc.network",
                                                  "irc.serverName",
                                                  "websocket.pingInterval",
                                                  "chat.recentOnJoin",
                                                  "chat.maxMessageBytes",
                                                  "chat.historyLimit",
                                                  "chat.leaveGrace",
                                                  "chat.notices",
                                                  "chat.editWindow",
                                                  "admin.accounts",
                                                  "store.kind",
                                                  "store.path",
                                                  "store.retention",
                                                  "redis.address",
                                                  "redis.password",
                                                  "redis.keyPrefix",
                                                  "redis.historyLimit",
                                                  "redis.cluster",
                                                  "limits.messagesPerSecond",
                                                  "limits.burst",
                                                  "limits.connectionsPerAddress",
                                                  "limits.peoplePerAddress",
                                                  "accounts.sessionDays",
                                                  "accounts.registration",
                                                  "daemon.pidFile",
                                                  "control.socket"};
    return keys;
}

std::vector<std::string> Settings::operators() const
{
    Poco::StringTokenizer names(adminAccounts, ", ",
                                Poco::StringTokenizer::TOK_IGNORE_EMPTY |
                                    Poco::StringTokenizer::TOK_TRIM);
    return std::vector<std::string>(names.begin(), names.end());
}

Settings Settings::load(const Poco::Util::AbstractConfiguration& file, const std::string& baseDir)
{
    std::vector<std::string> present;
    collectKeys(file, "", present);
    const auto& known = knownKeys();
    for (const std::string& key : present)
    {
        // logging.* is POCO's LoggingConfigurator's own tree, checked when it is applied.
        if (key.compare(0, 8, "logging.") == 0)
            continue;
        if (std::find(known.begin(), known.end(), key) == known.end())
            throw Poco::InvalidArgumentException("unknown configuration key " + key);
    }

    Settings s;
    Reader r(file);
    r.text("http.address", s.httpAddress);
    r.integer("http.port", s.httpPort, 0, 65535);
    r.integer("http.maxThreads", s.httpMaxThreads, 4, 100000);
    r.integer("http.requestTimeout", s.httpRequestTimeout, 1, 3600);
    r.integer("http.keepAliveTimeout", s.httpKeepAliveTimeout, 1, 3600);
    r.text("http.htmlDir", s.httpHtmlDir);
    r.text("http.allowedOrigins", s.httpAllowedOrigins);
    r.text("http.trustedProxies", s.httpTrustedProxies);
    r.integer("longpoll.timeout", s.longPollTimeout, 1, 3600);
    r.text("tls.certificate", s.tlsCertificate);
    r.text("tls.privateKey", s.tlsPrivateKey);
    r.integer("tls.port", s.tlsPort, 0, 65535);
    r.flag("tls.redirect", s.tlsRedirect);
    r.integer("tls.hsts", s.tlsHsts, 0, 100000000);
    r.integer("line.port", s.linePort, 0, 65535);
    r.integer("line.tlsPort", s.lineTlsPort, 0, 65535);
    r.integer("line.idleTimeout", s.lineIdleTimeout, 1, 86400);
    r.integer("line.joinTimeout", s.lineJoinTimeout, 1, 86400);
    r.integer("line.maxConnections", s.lineMaxConnections, 4, 100000);
    r.integer("line.sendTimeout", s.lineSendTimeout, 1, 3600);
    r.integer("irc.port", s.ircPort, 0, 65535);
    r.integer("irc.tlsPort", s.ircTlsPort, 0, 65535);
    r.integer("irc.maxConnections", s.ircMaxConnections, 4, 100000);
    r.integer("irc.pingInterval", s.ircPingInterval, 5, 3600);
    r.text("irc.network", s.ircNetwork);
    r.text("irc.serverName", s.ircServerName);
    r.integer("websocket.pingInterval", s.webSocketPingInterval, 1, 3600);
    r.integer("chat.recentOnJoin", s.recentOnJoin, 0, 1000);
    r.integer("chat.maxMessageBytes", s.maxMessageBytes, 1, 1 << 20);
    r.integer("chat.historyLimit", s.historyLimit, 1, 10000000);
    r.integer("chat.leaveGrace", s.leaveGrace, 0, 3600);
    r.flag("chat.notices", s.notices);
    r.duration("chat.editWindow", s.editWindow);
    r.text("admin.accounts", s.adminAccounts);
    r.choice("store.kind", s.storeKind, {"sqlite", "memory", "redis"});
    r.text("store.path", s.storePath);
    r.duration("store.retention", s.storeRetention);
    r.text("redis.address", s.redisAddress);
    r.text("redis.password", s.redisPassword);
    r.text("redis.keyPrefix", s.redisKeyPrefix);
    r.integer("redis.historyLimit", s.redisHistoryLimit, 0, 1000000000);
    r.flag("redis.cluster", s.redisCluster);
    r.decimal("limits.messagesPerSecond", s.messagesPerSecond, 0, 1e6);
    r.decimal("limits.burst", s.burst, 1, 1e6);
    r.integer("limits.connectionsPerAddress", s.connectionsPerAddress, 0, 1000000);
    r.integer("limits.peoplePerAddress", s.peoplePerAddress, 0, 1000000);
    r.integer("accounts.sessionDays", s.sessionDays, 1, 3650);
    r.flag("accounts.registration", s.registration);
    r.text("daemon.pidFile", s.pidFile);
    r.text("control.socket", s.controlSocket);

    for (const std::string& name : s.operators())
        if (!Nickname::isValid(name))
            throw Poco::InvalidArgumentException("bad value for admin.accounts: '" + name +
                                                 "' is not a name (1 to 32 letters, digits, "
                                                 "'_', '-' or '.')");
    s.httpHtmlDir = resolve(s.httpHtmlDir, baseDir);
    s.pidFile = resolve(s.pidFile, baseDir);
    s.controlSocket = resolve(s.controlSocket, baseDir);
    s.tlsCertificate = resolve(s.tlsCertificate, baseDir);
    s.tlsPrivateKey = resolve(s.tlsPrivateKey, baseDir);
    const bool tlsWanted = s.tlsPort > 0 || s.lineTlsPort > 0 || s.ircTlsPort > 0;
    if (tlsWanted && (s.tlsCertificate.empty() || s.tlsPrivateKey.empty()))
        throw Poco::InvalidArgumentException(
            "tls.port, line.tlsPort and irc.tlsPort need tls.certificate and tls.privateKey");
    for (const std::string* word : {&s.ircNetwork, &s.ircServerName})
        if (word->empty() || !Nickname::isValid(*word))
            throw Poco::InvalidArgumentException(
                std::string("bad value for ") +
                (word == &s.ircNetwork ? "irc.network" : "irc.serverName") +
                ": 1 to 32 letters, digits, '_', '-' or '.'");
    try
    {
        TrustedProxies check(s.httpTrustedProxies);
    }
    catch (const Poco::InvalidArgumentException& e)
    {
        throw Poco::InvalidArgumentException("bad value for http.trustedProxies: " + e.message());
    }
    if (s.tlsRedirect && s.tlsPort == 0)
        throw Poco::InvalidArgumentException("tls.redirect needs tls.port");
    if (s.storePath.empty())
        throw Poco::InvalidArgumentException("store.path is empty");
    s.storePath = resolve(s.storePath, baseDir);
    const std::size_t colon = s.redisAddress.rfind(':');
    int redisPort = 0;
    if (colon == std::string::npos || colon == 0 ||
        !Poco::NumberParser::tryParse(s.redisAddress.substr(colon + 1), redisPort) ||
        redisPort < 1 || redisPort > 65535)
        throw Poco::InvalidArgumentException("bad value for redis.address: '" + s.redisAddress +
                                             "' is not host:port");
    if (s.redisKeyPrefix.find_first_of("{}") != std::string::npos)
        throw Poco::InvalidArgumentException(
            "bad value for redis.keyPrefix: '{' and '}' are Redis Cluster's hash tags");
    if (s.recentOnJoin > s.historyLimit)
        throw Poco::InvalidArgumentException(
            "chat.recentOnJoin (" + std::to_string(s.recentOnJoin) +
            ") is larger than chat.historyLimit (" + std::to_string(s.historyLimit) + ")");
    return s;
}

} // namespace hchat
