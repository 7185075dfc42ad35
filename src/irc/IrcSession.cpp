#include "irc/IrcSession.h"

#include "chat/AccountActions.h"
#include "chat/Accounts.h"
#include "chat/IdGenerator.h"
#include "chat/Nickname.h"
#include "chat/People.h"
#include "chat/Room.h"
#include "irc/IrcMessage.h"
#include "line/LineServer.h"
#include "net/TlsSocketImpl.h"
#include "stream/StreamSession.h"
#include "util/Metrics.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Logger.h>

#include <sstream>

namespace hchat
{

namespace
{
// IRC's own limit is 512 bytes without tags and 8,191 with them; a message
// may be as long as chat.maxMessageBytes allows on every transport.
const std::size_t ircLine = 512 + 8191;
// Room for "PRIVMSG #<32 hex> :" and tags in front of the longest text.
const std::size_t commandOverhead = 600;
// A SASL payload comes in chunks of 400 bytes; a login needs few.
const std::size_t maxSasl = 2048;
// Renames remembered so that one told is not told again by another channel.
const std::size_t renamesKept = 16;

Poco::Net::SocketAddress peerOf(const Poco::Net::StreamSocket& socket)
{
    try
    {
        return socket.peerAddress();
    }
    catch (const Poco::Exception&)
    {
        return Poco::Net::SocketAddress(); // gone already: run() finds out
    }
}

std::string decodeBase64(const std::string& text)
{
    std::istringstream in(text);
    Poco::Base64Decoder decoder(in);
    std::string out;
    char c;
    while (decoder.get(c))
        out += c;
    return out;
}
} // namespace

IrcSession::IrcSession(const Poco::Net::StreamSocket& socket, LineServer& server)
    : Poco::Net::TCPServerConnection(socket), _server(server), _codec(server.options().serverName),
      _channels(*this),
      _reader(std::max(ircLine, server.actions().maxMessageBytes() + commandOverhead))
{
    const Poco::Net::SocketAddress peer = peerOf(socket);
    _actor = ChatActions::Actor{IdGenerator::next(),
                                "addr:" + peer.host().toString(),
                                peer.toString(),
                                ChatActions::Transport::Irc,
                                "",
                                ""};
}

IrcSession::~IrcSession() = default;

bool IrcSession::handshake()
{
    Metrics& metrics = _server.metrics();
    auto& tls = static_cast<TlsSocketImpl&>(*socket().impl());
    const bool done =
        tls.handshake(_server.options().handshakeTimeout * 1000,
                      "ERROR :This port speaks IRC over TLS: connect to irc.port without TLS\r\n");
    (done ? metrics.tlsHandshakes : metrics.tlsHandshakeFailures)
        .fetch_add(1, std::memory_order_relaxed);
    return done;
}

void IrcSession::run()
{
    if (TlsSocketImpl::isTls(socket().impl()) && !handshake())
    {
        _server.gate().dropHolder(socket());
        return;
    }
    Metrics& metrics = _server.metrics();
    metrics.ircSessions.fetch_add(1, std::memory_order_relaxed);
    _session = std::make_shared<StreamSession>(
        *socket().impl(), _server.options().sendTimeout, static_cast<StreamTransport&>(*this),
        _server.people(), _server.announcer(), metrics, "IRC client " + _actor.peer);
    _server.enlist(_session);
    try
    {
        socket().setNoDelay(true);
        _session->serve();
    }
    catch (const Poco::Exception& e)
    {
        Poco::Logger::get("hchatd.irc")
            .debug("IRC client %s ended: %s", _actor.peer, e.displayText());
    }
    _session->end(); // a dropped connection leaves after the grace period
    if (_registered)
        _server.people().disconnect(_actor.key, _session->mailbox());
    _server.dismiss(_session);
    _server.gate().dropHolder(socket());
    metrics.ircSessions.fetch_sub(1, std::memory_order_relaxed);
}

void IrcSession::entries(const Cursor::Slice& slice, std::string& out)
{
    IrcChannels::Channel* channel = slice.room ? _channels.find(*slice.room) : nullptr;
    if (!channel)
        return;
    for (const MessagePtr& m : slice.messages)
    {
        if (m->kind() == MessageKind::Nick)
            nickRenames(*m, out);
        else
            _codec.entry(*m, slice.room->id(), channel->name, "", out);
        if (m->kind() != MessageKind::Moderation)
            continue;
        // The subject changed (or something else did): the topic bar follows.
        const std::string topic = _channels.topicOf(*slice.room);
        if (topic != channel->topic)
        {
            channel->topic = topic;
            _codec.fromPerson(m->author(), "TOPIC " + channel->name + " :" + topic, out);
        }
    }
}

void IrcSession::nickRenames(const Message& m, std::string& out)
{
    // "old is now known as new", by new.
    const std::size_t end = m.text().find(" is now known as ");
    if (end == std::string::npos)
        return;
    const std::pair<std::string, std::string> rename(m.text().substr(0, end), m.author());
    for (const auto& told : _renames)
        if (told == rename)
            return;
    _renames.push_back(rename);
    if (_renames.size() > renamesKept)
        _renames.pop_front();
    _codec.fromPerson(rename.first, "NICK " + rename.second, out);
}

void IrcSession::renamedTo(const std::string& previous, const std::string& name)
{
    std::string out;
    {
        auto hold = _session->connection().hold();
        _renames.emplace_back(previous, name);
        if (_renames.size() > renamesKept)
            _renames.pop_front();
        _codec.fromPerson(previous, "NICK " + name, out);
        if (Nickname::folded(previous) == Nickname::folded(_codec.nick()))
            _codec.setNick(name);
    }
    reply(out);
}

void IrcSession::presence(const Room&, const std::string&, std::string&)
{
    // IRC has JOIN and PART from the log, and NAMES.
}

void IrcSession::letter(const Mailbox::Letter& letter, std::string& out)
{
    _codec.letter(letter, out);
}

bool IrcSession::received(const char* data, std::size_t size)
{
    _lastInput.update();
    _pinged = 0;
    _reader.feed(data, size);
    std::string line;
    for (;;)
    {
        switch (_reader.next(line))
        {
        case LineReader::Result::NeedMore:
            return true;
        case LineReader::Result::TooLong:
            _server.actions().refuse(_actor, ChatActions::Result::TooLong,
                                     "an IRC line over the limit", "Line too long");
            numeric("417", ":Input line was too long");
            break;
        case LineReader::Result::Line:
        {
            IrcMessage m;
            if (IrcMessage::parse(line, m) && !handle(m))
                return false;
            break;
        }
        }
    }
}

int IrcSession::quietMs()
{
    const Poco::Timespan interval(_server.options().pingInterval, 0);
    const Poco::Timestamp since = !_registered ? _connected : _pinged != 0 ? _pinged : _lastInput;
    const Poco::Timespan passed = since.elapsed();
    return passed >= interval ? 0 : static_cast<int>((interval - passed).totalMilliseconds()) + 1;
}

bool IrcSession::quiet()
{
    const Poco::Timespan interval(_server.options().pingInterval, 0);
    if (!_registered)
        return Poco::Timespan(_connected.elapsed()) < interval || close("Registration timed out");
    if (_pinged != 0)
        return Poco::Timespan(_pinged.elapsed()) < interval ||
               close("Ping timeout: " + std::to_string(_server.options().pingInterval) +
                     " seconds");
    if (Poco::Timespan(_lastInput.elapsed()) >= interval)
    {
        _pinged.update();
        reply("PING :" + _codec.server() + "\r\n");
    }
    return true;
}

bool IrcSession::close(const std::string& reason)
{
    reply("ERROR :Closing link: " + reason + "\r\n");
    return false;
}

void IrcSession::closing(std::string& out)
{
    out += "ERROR :Server shutting down\r\n";
}

bool IrcSession::removed(const Room& room, Removal why, std::string& out)
{
    IrcChannels::Channel* channel = _channels.find(room);
    if (!channel)
        return true;
    _codec.fromServer(
        "KICK " + channel->name + " " + _codec.nick() + " :" +
            (why == Removal::RoomDeleted ? "The room was deleted" : "Put out by a moderator"),
        out);
    _channels.forget(room);
    return true; // still connected: other channels go on
}

void IrcSession::reply(const std::string& bytes)
{
    _session->queue(bytes);
}

void IrcSession::numeric(const char* code, const std::string& rest)
{
    std::string out;
    _codec.numeric(code, rest, out);
    reply(out);
}

// Registration and the connection's own commands; the rest is IrcChannels'.
bool IrcSession::handle(const IrcMessage& m)
{
    const std::string& c = m.command;
    if (c == "CAP")
        cap(m);
    else if (c == "PING")
        reply(":" + _codec.server() + " PONG " + _codec.server() + " :" + m.param(0) + "\r\n");
    else if (c == "PONG")
        ; // any input answers a PING
    else if (c == "QUIT")
    {
        _session->flush();
        _channels.partAll();
        return close("Quit: " + m.param(0));
    }
    else if (c == "NICK")
        nick(m.param(0));
    else if (c == "USER" && !_registered)
    {
        if (m.params.size() < 4)
            numeric("461", "USER :Not enough parameters");
        else
            _user = true, tryRegister();
    }
    else if (c == "PASS" && !_registered)
        _password = m.param(0);
    else if (c == "AUTHENTICATE" && !_registered)
        authenticate(m.param(0));
    else if (c == "USER" || c == "PASS" || c == "AUTHENTICATE")
        numeric("462", ":You may not reregister");
    else if (!_registered)
        numeric("451", ":You have not registered");
    else if (c == "MOTD")
        motd();
    else if (c == "AWAY")
        numeric(m.param(0).empty() ? "305" : "306", m.param(0).empty()
                                                        ? ":You are no longer marked as being away"
                                                        : ":You have been marked as being away");
    else if (c == "ISON")
    {
        std::string online;
        for (const std::string& list : m.params)
        {
            std::istringstream names(list);
            std::string name;
            while (names >> name)
                if (!_server.people().keyOf(name).empty())
                    online += (online.empty() ? "" : " ") + name;
        }
        numeric("303", ":" + online);
    }
    else if (!_channels.handle(m))
        numeric("421", (IrcMessage::isSafeParam(c) ? c : "*") + " :Unknown command");
    return true;
}

// CAP LS [302], CAP LIST, CAP REQ :caps, CAP END
void IrcSession::cap(const IrcMessage& m)
{
    const std::string& sub = m.param(0);
    auto answer = [this](const std::string& rest)
    { reply(":" + _codec.server() + " CAP " + _codec.nick() + " " + rest + "\r\n"); };
    if (sub == "LS")
    {
        if (!_registered)
            _capping = true;
        answer("LS :" + IrcCodec::capabilityList(m.param(1) == "302"));
    }
    else if (sub == "LIST")
    {
        std::string on;
        for (const std::string& name : {"account-tag", "batch", "draft/chathistory", "echo-message",
                                        "message-tags", "sasl", "server-time"})
            if (_codec.capabilities() & IrcCodec::capabilityOf(name))
                on += (on.empty() ? "" : " ") + name;
        answer("LIST :" + on);
    }
    else if (sub == "REQ")
    {
        if (!_registered)
            _capping = true;
        unsigned caps = _codec.capabilities();
        std::istringstream words(m.param(1));
        std::string word;
        bool known = true;
        while (words >> word)
        {
            const bool off = word[0] == '-';
            const unsigned c = IrcCodec::capabilityOf(off ? word.substr(1) : word);
            known = known && c != 0;
            caps = off ? caps & ~c : caps | c;
        }
        if (!known)
            return answer("NAK :" + m.param(1));
        {
            auto hold = _session->connection().hold(); // entries() reads them
            _codec.setCapabilities(caps);
        }
        answer("ACK :" + m.param(1));
    }
    else if (sub == "END")
    {
        _capping = false;
        tryRegister();
    }
    else
        numeric("410", (IrcMessage::isSafeParam(sub) ? sub : "*") + " :Invalid CAP command");
}

// NICK <name>: before registration the name to register with; after it, a
// rename on every transport.
void IrcSession::nick(const std::string& wanted)
{
    if (wanted.empty())
        return numeric("431", ":No nickname given");
    const std::string shown = IrcMessage::isSafeParam(wanted) ? wanted : "*";
    if (!Nickname::isValid(wanted))
        return numeric("432", shown + " :Erroneous nickname: 1 to 32 letters, digits, _ - or .");
    if (!_registered)
    {
        _wanted = wanted;
        return tryRegister();
    }
    if (wanted == _codec.nick())
        return;
    const std::string previous = _codec.nick();
    const ChatActions::Outcome outcome = _server.actions().rename(_actor, wanted);
    if (outcome.result == ChatActions::Result::NameTaken)
        return numeric("433", shown + " :Nickname is already in use");
    if (!outcome.done())
        return numeric("432", shown + " :" + outcome.detail);
    renamedTo(previous, outcome.name);
}

// AUTHENTICATE PLAIN, then the base64 payload "authzid\0name\0password"
// in chunks of 400 bytes ("+" for an empty last one); "*" aborts.
void IrcSession::authenticate(const std::string& chunk)
{
    if (chunk == "*")
    {
        _saslStarted = false;
        _saslBuffer.clear();
        return numeric("906", ":SASL authentication aborted");
    }
    if (!_saslStarted)
    {
        if (chunk != "PLAIN")
            return numeric("908", "PLAIN :are available SASL mechanisms");
        _saslStarted = true;
        return reply("AUTHENTICATE +\r\n");
    }
    if (chunk != "+")
        _saslBuffer += chunk;
    if (_saslBuffer.size() > maxSasl)
    {
        _saslStarted = false;
        _saslBuffer.clear();
        return numeric("905", ":SASL message too long");
    }
    if (chunk.size() == 400)
        return; // more follows
    const std::string payload = decodeBase64(_saslBuffer);
    _saslStarted = false;
    _saslBuffer.clear();
    const std::size_t first = payload.find('\0');
    const std::size_t second = first == std::string::npos ? first : payload.find('\0', first + 1);
    if (second == std::string::npos)
        return numeric("904", ":SASL authentication failed: not a PLAIN payload");
    login(payload.substr(first + 1, second - first - 1), payload.substr(second + 1), true);
}

void IrcSession::login(const std::string& name, const std::string& password, bool sasl)
{
    const ChatActions::Outcome outcome =
        _server.accountActions().authenticate(_actor, name, password);
    if (!outcome.done())
    {
        if (sasl)
            return numeric("904", ":SASL authentication failed: " + outcome.detail);
        numeric("464", ":Password incorrect");
        return;
    }
    _actor.account = outcome.name;
    _actor.key = _actor.limitKey = Accounts::personKey(outcome.name);
    if (sasl)
    {
        numeric("900", IrcCodec::mask(outcome.name) + " " + outcome.name +
                           " :You are now logged in as " + outcome.name);
        numeric("903", ":SASL authentication successful");
    }
}

void IrcSession::tryRegister()
{
    if (_registered || _capping || !_user || _wanted.empty())
        return;
    if (!_password.empty() && _actor.account.empty())
    {
        login(_wanted, _password, false);
        _password.clear();
        if (_actor.account.empty())
            return; // 464: another PASS and NICK may follow
    }
    const std::string name = _actor.nameFor(_wanted);
    const ChatActions::Outcome outcome =
        _server.actions().connect(_actor, name, _session->mailbox());
    if (outcome.result == ChatActions::Result::NameTaken)
        return numeric("433", name + " :Nickname is already in use");
    if (!outcome.done())
        return numeric("432", name + " :" + outcome.detail);
    {
        auto hold = _session->connection().hold();
        _codec.setNick(outcome.name);
    }
    _registered = true;
    welcome();
}

void IrcSession::welcome()
{
    const LineOptions& o = _server.options();
    const std::string& me = _codec.nick();
    numeric("001", ":Welcome to the " + o.network + " IRC network, " + IrcCodec::mask(me));
    numeric("002", ":Your host is " + _codec.server() + ", running hchatd");
    numeric("003", ":This server speaks hchat's rooms as IRC channels");
    numeric("004", _codec.server() + " hchatd i bnt");
    numeric("005", "CHANTYPES=# PREFIX=(qo)~@ CHANMODES=b,,,nt NICKLEN=32 CHANNELLEN=200 "
                   "TOPICLEN=200 CASEMAPPING=ascii NETWORK=" +
                       o.network + " CHATHISTORY=100 :are supported by this server");
    motd();
}

void IrcSession::motd()
{
    numeric("375", ":- " + _codec.server() + " Message of the day -");
    for (const char* line :
         {"- This is hchatd: the rooms of its web page, as IRC channels.",
          "- /list shows the public rooms; /join #name joins one (or makes it);",
          "- any room, listed or not, is #<its 32-hex id>, as in its web address.",
          "- Names are shared with the web, SSE, WebSocket and line-protocol clients."})
        numeric("372", std::string(":") + line);
    numeric("376", ":End of /MOTD command");
}

} // namespace hchat
