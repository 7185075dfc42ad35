#include "irc/IrcRegistration.h"

#include "chat/AccountActions.h"
#include "chat/Accounts.h"
#include "chat/Nickname.h"
#include "irc/IrcMessage.h"
#include "irc/IrcSession.h"
#include "line/LineServer.h"
#include "stream/StreamSession.h"

#include <Poco/Base64Decoder.h>

#include <sstream>

namespace hchat
{

namespace
{
// A SASL payload comes in chunks of 400 bytes; a login needs few.
const std::size_t maxSasl = 2048;

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

IrcRegistration::IrcRegistration(IrcSession& session) : _session(session) {}

// NICK, USER, PASS and AUTHENTICATE before registration (after it: a
// rename, or 462), CAP at any time, MOTD once registered.
bool IrcRegistration::handle(const IrcMessage& m)
{
    const std::string& c = m.command;
    if (c == "CAP")
        cap(m);
    else if (c == "NICK")
        nick(m.param(0));
    else if (c == "USER" && !_registered)
    {
        if (m.params.size() < 4)
            _session.numeric("461", "USER :Not enough parameters");
        else
            _user = true, tryRegister();
    }
    else if (c == "PASS" && !_registered)
        _password = m.param(0);
    else if (c == "AUTHENTICATE" && !_registered)
        authenticate(m.param(0));
    else if (c == "USER" || c == "PASS" || c == "AUTHENTICATE")
        _session.numeric("462", ":You may not reregister");
    else if (c == "MOTD" && _registered)
        motd();
    else
        return false;
    return true;
}

// CAP LS [302], CAP LIST, CAP REQ :caps, CAP END
void IrcRegistration::cap(const IrcMessage& m)
{
    const std::string& sub = m.param(0);
    auto answer = [this](const std::string& rest)
    {
        _session.reply(":" + _session.codec().server() + " CAP " + _session.codec().nick() + " " +
                       rest + "\r\n");
    };
    if (sub == "LS")
    {
        if (!_registered)
            _capping = true;
        answer("LS :" + IrcCodec::capabilityList(m.param(1) == "302"));
    }
    else if (sub == "LIST")
    {
        std::string on;
        for (const char* name : {"account-tag", "batch", "draft/chathistory", "echo-message",
                                 "message-tags", "sasl", "server-time"})
            if (_session.codec().capabilities() & IrcCodec::capabilityOf(name))
                on += std::string(on.empty() ? "" : " ") + name;
        answer("LIST :" + on);
    }
    else if (sub == "REQ")
    {
        if (!_registered)
            _capping = true;
        unsigned caps = _session.codec().capabilities();
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
            auto hold = _session.stream().connection().hold(); // entries() reads them
            _session.codec().setCapabilities(caps);
        }
        answer("ACK :" + m.param(1));
    }
    else if (sub == "END")
    {
        _capping = false;
        tryRegister();
    }
    else
        _session.numeric("410",
                         (IrcMessage::isSafeParam(sub) ? sub : "*") + " :Invalid CAP command");
}

// NICK <name>: before registration the name to register with; after it, a
// rename on every transport.
void IrcRegistration::nick(const std::string& wanted)
{
    if (wanted.empty())
        return _session.numeric("431", ":No nickname given");
    const std::string shown = IrcMessage::isSafeParam(wanted) ? wanted : "*";
    if (!Nickname::isValid(wanted))
        return _session.numeric("432",
                                shown + " :Erroneous nickname: 1 to 32 letters, digits, _ - or .");
    if (!_registered)
    {
        _wanted = wanted;
        return tryRegister();
    }
    if (wanted == _session.codec().nick())
        return;
    const std::string previous = _session.codec().nick();
    const ChatActions::Outcome outcome =
        _session.server().actions().rename(_session.actor(), wanted);
    if (outcome.result == ChatActions::Result::NameTaken)
        return _session.numeric("433", shown + " :Nickname is already in use");
    if (!outcome.done())
        return _session.numeric("432", shown + " :" + outcome.detail);
    _session.renamedTo(previous, outcome.name);
}

// AUTHENTICATE PLAIN, then the base64 payload "authzid\0name\0password"
// in chunks of 400 bytes ("+" for an empty last one); "*" aborts.
void IrcRegistration::authenticate(const std::string& chunk)
{
    if (chunk == "*")
    {
        _saslStarted = false;
        _saslBuffer.clear();
        return _session.numeric("906", ":SASL authentication aborted");
    }
    if (!_saslStarted)
    {
        if (chunk != "PLAIN")
            return _session.numeric("908", "PLAIN :are available SASL mechanisms");
        _saslStarted = true;
        return _session.reply("AUTHENTICATE +\r\n");
    }
    if (chunk != "+")
        _saslBuffer += chunk;
    if (_saslBuffer.size() > maxSasl)
    {
        _saslStarted = false;
        _saslBuffer.clear();
        return _session.numeric("905", ":SASL message too long");
    }
    if (chunk.size() == 400)
        return; // more follows
    const std::string payload = decodeBase64(_saslBuffer);
    _saslStarted = false;
    _saslBuffer.clear();
    const std::size_t first = payload.find('\0');
    const std::size_t second = first == std::string::npos ? first : payload.find('\0', first + 1);
    if (second == std::string::npos)
        return _session.numeric("904", ":SASL authentication failed: not a PLAIN payload");
    login(payload.substr(first + 1, second - first - 1), payload.substr(second + 1), true);
}

void IrcRegistration::login(const std::string& name, const std::string& password, bool sasl)
{
    const ChatActions::Outcome outcome =
        _session.server().accountActions().authenticate(_session.actor(), name, password);
    if (!outcome.done())
    {
        if (sasl)
            return _session.numeric("904", ":SASL authentication failed: " + outcome.detail);
        _session.numeric("464", ":Password incorrect");
        return;
    }
    _session.actor().account = outcome.name;
    _session.actor().key = _session.actor().limitKey = Accounts::personKey(outcome.name);
    if (sasl)
    {
        _session.numeric("900", IrcCodec::mask(outcome.name) + " " + outcome.name +
                                    " :You are now logged in as " + outcome.name);
        _session.numeric("903", ":SASL authentication successful");
    }
}

void IrcRegistration::tryRegister()
{
    if (_registered || _capping || !_user || _wanted.empty())
        return;
    if (!_password.empty() && _session.actor().account.empty())
    {
        login(_wanted, _password, false);
        _password.clear();
        if (_session.actor().account.empty())
            return; // 464: another PASS and NICK may follow
    }
    const std::string name = _session.actor().nameFor(_wanted);
    const ChatActions::Outcome outcome =
        _session.server().actions().connect(_session.actor(), name, _session.stream().mailbox());
    if (outcome.result == ChatActions::Result::NameTaken)
        return _session.numeric("433", name + " :Nickname is already in use");
    if (!outcome.done())
        return _session.numeric("432", name + " :" + outcome.detail);
    {
        auto hold = _session.stream().connection().hold();
        _session.codec().setNick(outcome.name);
    }
    _registered = true;
    welcome();
}

void IrcRegistration::welcome()
{
    const LineOptions& o = _session.server().options();
    const std::string& me = _session.codec().nick();
    _session.numeric("001", ":Welcome to the " + o.network + " IRC network, " + IrcCodec::mask(me));
    _session.numeric("002", ":Your host is " + _session.codec().server() + ", running hchatd");
    _session.numeric("003", ":This server speaks hchat's rooms as IRC channels");
    _session.numeric("004", _session.codec().server() + " hchatd i bnt");
    _session.numeric("005", "CHANTYPES=# PREFIX=(qo)~@ CHANMODES=b,,,nt NICKLEN=32 CHANNELLEN=200 "
                            "TOPICLEN=200 CASEMAPPING=ascii NETWORK=" +
                                o.network + " CHATHISTORY=100 :are supported by this server");
    motd();
}

void IrcRegistration::motd()
{
    _session.numeric("375", ":- " + _session.codec().server() + " Message of the day -");
    for (const char* line :
         {"- This is hchatd: the rooms of its web page, as IRC channels.",
          "- /list shows the public rooms; /join #name joins one (or makes it);",
          "- any room, listed or not, is #<its 32-hex id>, as in its web address.",
          "- Names are shared with the web, SSE, WebSocket and line-protocol clients."})
        _session.numeric("372", std::string(":") + line);
    _session.numeric("376", ":End of /MOTD command");
}

} // namespace hchat
