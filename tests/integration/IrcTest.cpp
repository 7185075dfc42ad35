#include "support/DaemonTest.h"
#include "support/Eventually.h"
#include "support/LineClient.h"
#include "support/TestClient.h"

#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <cppunit/extensions/HelperMacros.h>

#include <sstream>

namespace hchat::test
{

class IrcTest : public DaemonTest
/// IRC (SPEC §14) over real TCP, as irssi, WeeChat and HexChat speak it:
/// registration with and without CAP, SASL and PASS with an account,
/// channels shared with the web and the line protocol both ways, joining by
/// name and by id, LIST without unlisted rooms, history with batch and
/// server-time (and CHATHISTORY), names unique across transports, KICK and
/// bans by the room's owner, PING and its timeout, and hostile input.
{
    CPPUNIT_TEST_SUITE(IrcTest);
    CPPUNIT_TEST(registrationWithAndWithoutCap);
    CPPUNIT_TEST(saslAndPassWithAnAccount);
    CPPUNIT_TEST(messagesBothWaysWithWebAndLine);
    CPPUNIT_TEST(joinByIdAndListWithoutUnlisted);
    CPPUNIT_TEST(historyPlaybackAndChathistory);
    CPPUNIT_TEST(namesAreOneAcrossTransports);
    CPPUNIT_TEST(aNickIsFreeOnceItsClientIsGone);
    CPPUNIT_TEST(ownerKicksAndBans);
    CPPUNIT_TEST(severalChannelsOnOneConnection);
    CPPUNIT_TEST(pingAndPingTimeout);
    CPPUNIT_TEST(hostileInput);
    CPPUNIT_TEST_SUITE_END();

    int _ircPort = 0;

    bool lineProtocol() const override { return true; }
    std::map<std::string, std::string> configuration() const override
    {
        return {{"irc.port", std::to_string(_ircPort)},
                {"irc.pingInterval", "5"},
                {"chat.recentOnJoin", "3"},
                {"limits.messagesPerSecond", "1000"},
                {"limits.burst", "1000"}};
    }

    std::unique_ptr<LineClient> irc() const
    {
        return std::make_unique<LineClient>(_daemon->host(), _ircPort);
    }

    // A client registered as name, with the capabilities asked for (if any).
    std::unique_ptr<LineClient> registered(const std::string& name, const std::string& caps = "")
    {
        auto c = irc();
        if (!caps.empty())
            c->say("CAP LS 302");
        c->say("NICK " + name);
        c->say("USER " + name + " 0 * :" + name);
        if (!caps.empty())
        {
            c->say("CAP REQ :" + caps);
            CPPUNIT_ASSERT(!c->expect(":hchatd CAP * ACK").empty());
            c->say("CAP END");
        }
        CPPUNIT_ASSERT_EQUAL_MESSAGE(name,
                                     std::string(":hchatd 376 " + name + " :End of /MOTD command"),
                                     c->expect(":hchatd 376"));
        return c;
    }

    static void joined(LineClient& c, const std::string& channel)
    {
        c.say("JOIN " + channel);
        CPPUNIT_ASSERT(!c.expect(":hchatd 366").empty());
    }

    static std::string base64(const std::string& text)
    {
        std::ostringstream out;
        Poco::Base64Encoder encoder(out);
        encoder.rdbuf()->setLineLength(0);
        encoder << text;
        encoder.close();
        return out.str();
    }

    std::string send(const std::string& room, const std::string& text, const std::string& nick)
    {
        const Reply r = http().post("/send/" + room,
                                    "nick=" + nick + "&text=" + Poco::replace(text, "\n", "%0A"),
                                    "application/x-www-form-urlencoded");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200, r.status);
        return r.body;
    }

    Poco::JSON::Array::Ptr messages(const std::string& room)
    {
        return object(http().get("/api/rooms/" + room + "/messages?from=0").body)
            ->getArray("messages");
    }

public:
    void setUp() override
    {
        _ircPort = LineClient::freePort();
        DaemonTest::setUp();
    }

    void registrationWithAndWithoutCap()
    {
        // Plain: NICK and USER register at once, with 001-005 and the MOTD.
        auto plain = irc();
        plain->say("JOIN #early");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd 451 * :You have not registered"), plain->line());
        plain->say("NICK bad!name");
        CPPUNIT_ASSERT(plain->line().find(" 432 * bad!name :Erroneous nickname") !=
                       std::string::npos);
        plain->say("NICK ann");
        plain->say("USER ann 0 * :Ann");
        CPPUNIT_ASSERT(plain->line().find(":hchatd 001 ann :Welcome") == 0);
        CPPUNIT_ASSERT(plain->expect(":hchatd 005 ann ").find("NETWORK=hchat") !=
                       std::string::npos);
        CPPUNIT_ASSERT(!plain->expect(":hchatd 376 ann").empty());

        // With CAP: registration waits for CAP END; unknown capabilities are NAKed.
        auto capped = irc();
        capped->say("CAP LS 302");
        const std::string ls = capped->line();
        CPPUNIT_ASSERT_MESSAGE(ls, ls.find("CAP * LS :") != std::string::npos &&
                                       ls.find("sasl=PLAIN") != std::string::npos &&
                                       ls.find("server-time") != std::string::npos);
        capped->say("NICK ben");
        capped->say("USER ben 0 * :Ben");
        capped->say("CAP REQ :server-time no-such-thing");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd CAP * NAK :server-time no-such-thing"),
                             capped->line());
        capped->say("CAP REQ :server-time batch");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd CAP * ACK :server-time batch"), capped->line());
        capped->say("PING :still-registering");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd PONG hchatd :still-registering"), capped->line());
        capped->say("CAP END");
        CPPUNIT_ASSERT(capped->line().find(":hchatd 001 ben ") == 0);
        capped->say("CAP LIST");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd CAP ben LIST :batch server-time"),
                             capped->expect(":hchatd CAP"));
        capped->say("USER again 0 * :x");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd 462 ben :You may not reregister"),
                             capped->line());
        capped->say("FROB");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd 421 ben FROB :Unknown command"), capped->line());
        capped->say("QUIT :bye");
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR :Closing link: Quit: bye"), capped->line());
        CPPUNIT_ASSERT(capped->closedByServer());
    }

    void saslAndPassWithAnAccount()
    {
        accountSession("olga", "correct horse");
        auto c = irc();
        c->say("CAP LS 302");
        c->line();
        c->say("CAP REQ :sasl");
        c->line();
        c->say("NICK somebody");
        c->say("USER o 0 * :Olga");
        c->say("AUTHENTICATE PLAIN");
        CPPUNIT_ASSERT_EQUAL(std::string("AUTHENTICATE +"), c->line());
        c->say("AUTHENTICATE " + base64(std::string("\0olga\0wrong password", 20)));
        CPPUNIT_ASSERT(c->line().find(" 904 ") != std::string::npos);
        c->say("AUTHENTICATE PLAIN");
        c->line();
        c->say("AUTHENTICATE " + base64(std::string("olga\0olga\0correct horse", 23)));
        const std::string in = c->line();
        CPPUNIT_ASSERT_MESSAGE(in, in.find(" 900 * olga!olga@hchat olga :You are now logged in") !=
                                       std::string::npos);
        CPPUNIT_ASSERT(c->line().find(" 903 ") != std::string::npos);
        c->say("CAP END");
        // Logged in, the person is the account: its name, whatever NICK said.
        CPPUNIT_ASSERT(c->line().find(":hchatd 001 olga ") == 0);

        // PASS: the password of the account NICK names.
        accountSession("pavel", "another secret");
        auto p = irc();
        p->say("PASS wrong-one");
        p->say("NICK pavel");
        p->say("USER p 0 * :P");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd 464 * :Password incorrect"), p->line());
        auto q = irc();
        q->say("PASS :another secret");
        q->say("NICK pavel");
        q->say("USER p 0 * :P");
        CPPUNIT_ASSERT(q->line().find(":hchatd 001 pavel ") == 0);
        // A registered name is its account's alone.
        auto r = irc();
        r->say("NICK olga");
        r->say("USER x 0 * :x");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd 433 * olga :Nickname is already in use"),
                             r->line());
    }

    void messagesBothWaysWithWebAndLine()
    {
        auto ann = registered("ann");
        joined(*ann, "#lobby");
        auto line = tcp();
        line->say("USERNAME lin");
        line->expect("OK Welcome");
        line->say("JOIN #lobby");
        line->expect("OK Joined");
        CPPUNIT_ASSERT_EQUAL(std::string(":lin!lin@hchat JOIN #lobby"), ann->line());

        ann->say("PRIVMSG #lobby :hello from irc");
        ann->say("PRIVMSG #lobby :\x01"
                 "ACTION waves\x01");
        CPPUNIT_ASSERT_EQUAL(std::string("ROOM #lobby ann hello from irc"), line->expect("ROOM"));
        CPPUNIT_ASSERT_EQUAL(std::string("ROOM #lobby ann /me waves"), line->expect("ROOM"));
        line->say("hello from a terminal");
        CPPUNIT_ASSERT_EQUAL(std::string(":lin!lin@hchat PRIVMSG #lobby :hello from a terminal"),
                             ann->line());
        line->say("/me nods");
        CPPUNIT_ASSERT_EQUAL(std::string(":lin!lin@hchat PRIVMSG #lobby :\x01"
                                         "ACTION nods\x01"),
                             ann->line());

        // The web: one message of two lines is two PRIVMSGs; the log has it once.
        Poco::JSON::Parser parser;
        const std::string id = parser.parse(http().get("/api/rooms").body)
                                   .extract<Poco::JSON::Array::Ptr>()
                                   ->getObject(0)
                                   ->getValue<std::string>("id");
        send(id, "first line\nsecond line", "webby");
        CPPUNIT_ASSERT_EQUAL(std::string(":webby!webby@hchat PRIVMSG #lobby :first line"),
                             ann->expect(":webby"));
        CPPUNIT_ASSERT_EQUAL(std::string(":webby!webby@hchat PRIVMSG #lobby :second line"),
                             ann->line());
        Poco::JSON::Array::Ptr log = messages(id);
        std::vector<std::string> said;
        for (std::size_t i = 0; i < log->size(); ++i)
            if (log->getObject(i)->getValue<std::string>("kind") == "message")
                said.push_back(log->getObject(i)->getValue<std::string>("text"));
        const std::vector<std::string> expected = {"hello from irc", "/me waves",
                                                   "hello from a terminal", "/me nods",
                                                   "first line\nsecond line"};
        CPPUNIT_ASSERT(expected == said);

        // Private messages both ways; nobody online of that name is 401.
        ann->say("PRIVMSG lin :psst");
        CPPUNIT_ASSERT_EQUAL(std::string("PRIVMSG ann psst"), line->expect("PRIVMSG"));
        line->say("PRIVMSG ann back at you");
        CPPUNIT_ASSERT_EQUAL(std::string(":lin!lin@hchat PRIVMSG ann :back at you"),
                             ann->expect(":lin!lin@hchat PRIVMSG ann"));
        ann->say("PRIVMSG nobody :hello?");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd 401 ann nobody :No such nick"), ann->line());
        // Not in a channel: 404.
        ann->say("PRIVMSG #elsewhere :hi");
        CPPUNIT_ASSERT(ann->line().find(" 404 ann #elsewhere ") != std::string::npos);
        // The line client leaves: a PART.
        line->say("LEAVE");
        CPPUNIT_ASSERT_EQUAL(std::string(":lin!lin@hchat PART #lobby"), ann->expect(":lin"));
    }

    void joinByIdAndListWithoutUnlisted()
    {
        const std::string hidden = http().createRoom("A quiet room", false);
        const std::string open = http().createRoom("Open to all", true);
        auto ann = registered("ann");
        ann->say("JOIN #" + hidden);
        CPPUNIT_ASSERT_EQUAL(":ann!ann@hchat JOIN #" + hidden, ann->line());
        CPPUNIT_ASSERT_EQUAL(":hchatd 332 ann #" + hidden + " :A quiet room", ann->line());
        CPPUNIT_ASSERT(ann->line().find(" 333 ann #" + hidden + " hchatd ") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(":hchatd 353 ann @ #" + hidden + " :ann", ann->line());
        ann->expect(":hchatd 366");
        joined(*ann, "#named");
        ann->say("LIST");
        std::string listing;
        for (std::string l = ann->line(); !l.empty() && l.find(" 323 ") == std::string::npos;
             l = ann->line())
            listing += l + "\n";
        CPPUNIT_ASSERT_MESSAGE(listing,
                               listing.find("#" + open + " 0 :Open to all") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(listing, listing.find("#named 1 :") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(listing, listing.find(hidden) == std::string::npos);
        // Not a channel name, or no such room id: 403.
        ann->say("JOIN nohash");
        CPPUNIT_ASSERT(ann->line().find(" 403 ann nohash ") != std::string::npos);
        ann->say("TOPIC #named");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd 331 ann #named :No topic is set"), ann->line());
        ann->say("MODE #named");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd 324 ann #named +nt"), ann->line());
        CPPUNIT_ASSERT(ann->line().find(" 329 ann #named ") != std::string::npos);
        ann->say("MODE ann");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd 221 ann +"), ann->line());
        ann->say("WHO #named");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd 352 ann #named ann hchat hchatd ann H :0 ann"),
                             ann->line());
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd 315 ann #named :End of /WHO list"), ann->line());
        ann->say("WHOIS ann");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd 311 ann ann ann hchat * :ann"), ann->line());
        CPPUNIT_ASSERT(!ann->expect(":hchatd 318 ann ann").empty());
    }

    void historyPlaybackAndChathistory()
    {
        const std::string id = http().createRoom("History", false);
        for (int i = 0; i < 5; ++i)
            send(id, "old " + std::to_string(i), "writer");
        // batch and server-time: the recent messages in a chathistory batch.
        auto modern = registered("modern", "batch server-time message-tags");
        modern->say("JOIN #" + id);
        const std::string open = modern->expect("BATCH +");
        CPPUNIT_ASSERT_EQUAL("BATCH +h1 chathistory #" + id, open);
        for (int i = 2; i < 5; ++i)
        {
            const std::string l = modern->line();
            CPPUNIT_ASSERT_MESSAGE(l, l.find("@batch=h1;time=20") == 0);
            CPPUNIT_ASSERT_MESSAGE(l, l.find(";msgid=" + id + "-" + std::to_string(i) +
                                             " :writer!writer@hchat PRIVMSG #" + id + " :old " +
                                             std::to_string(i)) != std::string::npos);
        }
        CPPUNIT_ASSERT_EQUAL(std::string("BATCH -h1"), modern->line());
        // A live message is not in a batch.
        send(id, "new one", "writer");
        const std::string live = modern->line();
        CPPUNIT_ASSERT_MESSAGE(live,
                               live.find("@time=") == 0 && live.find("batch") == std::string::npos);
        // CHATHISTORY BEFORE a msgid, and LATEST.
        modern->say("CHATHISTORY BEFORE #" + id + " msgid=" + id + "-3 2");
        CPPUNIT_ASSERT_EQUAL("BATCH +h2 chathistory #" + id, modern->line());
        CPPUNIT_ASSERT(modern->line().find(":old 1") != std::string::npos);
        CPPUNIT_ASSERT(modern->line().find(":old 2") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("BATCH -h2"), modern->line());
        modern->say("CHATHISTORY LATEST #" + id + " * 1");
        modern->line();
        CPPUNIT_ASSERT(modern->line().find(":new one") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("BATCH -h3"), modern->line());
        modern->say("CHATHISTORY AROUND #" + id + " * 1");
        CPPUNIT_ASSERT(modern->line().find("FAIL CHATHISTORY INVALID_PARAMS AROUND") == 0);
        // Without them: no replay that could pass for live messages.
        auto plain = registered("plain");
        plain->say("JOIN #" + id);
        plain->expect(":hchatd 366");
        send(id, "after plain joined", "writer");
        CPPUNIT_ASSERT_EQUAL(":writer!writer@hchat PRIVMSG #" + id + " :after plain joined",
                             plain->line());
    }

    void namesAreOneAcrossTransports()
    {
        auto line = tcp();
        line->say("USERNAME bob");
        line->expect("OK Welcome");
        auto c = irc();
        c->say("NICK Bob");
        c->say("USER b 0 * :b");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd 433 * Bob :Nickname is already in use"),
                             c->line());
        c->say("NICK robert");
        CPPUNIT_ASSERT(c->line().find(":hchatd 001 robert ") == 0);
        c->expect(":hchatd 376");
        joined(*c, "#names");
        line->say("JOIN #names");
        line->expect("OK Joined");
        c->expect(":bob!bob@hchat JOIN #names");
        // A rename to a taken name is refused; a free one is told once.
        c->say("NICK BOB");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd 433 robert BOB :Nickname is already in use"),
                             c->line());
        line->say("USERNAME bobby");
        line->expect("OK Welcome");
        CPPUNIT_ASSERT_EQUAL(std::string(":bob!bob@hchat NICK bobby"), c->line());
        c->say("NICK rob");
        CPPUNIT_ASSERT_EQUAL(std::string(":robert!robert@hchat NICK rob"), c->line());
        CPPUNIT_ASSERT_EQUAL(std::string("ROOM #names * robert is now known as rob"),
                             line->expect("ROOM #names * robert"));
        c->say("ISON bobby nobody rob");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd 303 rob :bobby rob"), c->line());
        c->say("NAMES #names");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd 353 rob = #names :bobby rob"), c->line());
    }

    void aNickIsFreeOnceItsClientIsGone()
    {
        // A dropped connection (no QUIT) gives its nick up, in channels or not.
        auto quiet = registered("quiet");
        auto loud = registered("loud");
        joined(*loud, "#gone");
        auto c = irc();
        c->say("NICK quiet");
        c->say("USER c 0 * :c");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd 433 * quiet :Nickname is already in use"),
                             c->line());
        quiet.reset();
        loud.reset();
        CPPUNIT_ASSERT(eventually(
            [&]
            {
                c->say("NICK quiet");
                return c->line().find(":hchatd 001 quiet ") == 0;
            },
            5, 100));
        c->expect(":hchatd 376");
        CPPUNIT_ASSERT(eventually(
            [&]
            {
                c->say("NICK loud");
                return c->line() == ":quiet!quiet@hchat NICK loud";
            },
            15, 100)); // after chat.leaveGrace in the channel
    }

    void ownerKicksAndBans()
    {
        const std::string session = accountSession("olga", "correct horse");
        const Reply made = http().get("/chat_create?subject=Owned", {{"Cookie", session}});
        const std::string id =
            made.header("Location").substr(made.header("Location").rfind('/') + 1);
        auto olga = irc();
        olga->say("PASS :correct horse");
        olga->say("NICK olga");
        olga->say("USER o 0 * :o");
        olga->expect(":hchatd 376");
        auto bob = registered("bob");
        joined(*olga, "#" + id);
        joined(*bob, "#" + id);
        CPPUNIT_ASSERT_EQUAL(":bob!bob@hchat JOIN #" + id, olga->line());
        bob->say("NAMES #" + id);
        CPPUNIT_ASSERT_EQUAL(":hchatd 353 bob @ #" + id + " :bob ~olga", bob->line());
        bob->expect(":hchatd 366");
        // Only the owner: 482 for bob.
        bob->say("KICK #" + id + " olga :go");
        CPPUNIT_ASSERT_EQUAL(":hchatd 482 bob #" + id + " :You're not channel operator",
                             bob->line());
        bob->say("TOPIC #" + id + " :mine now");
        CPPUNIT_ASSERT_EQUAL(":hchatd 482 bob #" + id + " :You're not channel operator",
                             bob->line());
        olga->say("TOPIC #" + id + " :Owned, and renamed");
        CPPUNIT_ASSERT_EQUAL(":olga!olga@hchat TOPIC #" + id + " :Owned, and renamed",
                             bob->expect(":olga!olga@hchat TOPIC"));
        olga->say("KICK #" + id + " nobody");
        CPPUNIT_ASSERT_EQUAL(":hchatd 441 olga nobody #" + id + " :They aren't on that channel",
                             olga->expect(":hchatd 441"));
        olga->say("KICK #" + id + " bob :behave");
        CPPUNIT_ASSERT_EQUAL(":olga!olga@hchat KICK #" + id + " bob :behave",
                             olga->expect(":olga!olga@hchat KICK"));
        CPPUNIT_ASSERT_EQUAL(":hchatd KICK #" + id + " bob :Put out by a moderator",
                             bob->expect(":hchatd KICK"));
        bob->say("PRIVMSG #" + id + " :still here?");
        CPPUNIT_ASSERT(bob->line().find(" 404 bob #" + id) != std::string::npos);
        // A kick is no ban: bob comes back; a ban keeps him out.
        joined(*bob, "#" + id);
        olga->say("MODE #" + id + " +b bob!*@*");
        CPPUNIT_ASSERT_EQUAL(":olga!olga@hchat MODE #" + id + " +b bob!*@*",
                             olga->expect(":olga!olga@hchat MODE"));
        bob->expect(":hchatd KICK #" + id + " bob");
        bob->say("JOIN #" + id);
        CPPUNIT_ASSERT(bob->line().find(":hchatd 474 bob #" + id + " :Cannot join channel (+b)") ==
                       0);
        olga->say("MODE #" + id + " b");
        CPPUNIT_ASSERT_EQUAL(":hchatd 367 olga #" + id + " bob!*@* hchatd",
                             olga->expect(":hchatd 367"));
        CPPUNIT_ASSERT_EQUAL(":hchatd 368 olga #" + id + " :End of channel ban list", olga->line());
        olga->say("MODE #" + id + " -b bob");
        olga->expect(":olga!olga@hchat MODE #" + id + " -b");
        joined(*bob, "#" + id);
    }

    void severalChannelsOnOneConnection()
    {
        auto ann = registered("ann");
        auto ben = registered("ben");
        joined(*ann, "#one,#two");
        joined(*ann, "#two"); // the second 366 (of #two, from the first JOIN)
        joined(*ben, "#one");
        joined(*ben, "#two");
        ben->say("PRIVMSG #one :in one");
        ben->say("PRIVMSG #two :in two");
        // Each channel in its order; join notices may come between (they are grouped).
        CPPUNIT_ASSERT_EQUAL(std::string(":ben!ben@hchat PRIVMSG #one :in one"),
                             ann->expect(":ben!ben@hchat PRIVMSG"));
        CPPUNIT_ASSERT_EQUAL(std::string(":ben!ben@hchat PRIVMSG #two :in two"),
                             ann->expect(":ben!ben@hchat PRIVMSG"));
        ann->say("PART #one");
        CPPUNIT_ASSERT_EQUAL(std::string(":ann!ann@hchat PART #one"), ann->line());
        CPPUNIT_ASSERT_EQUAL(std::string(":ann!ann@hchat PART #one"), ben->expect(":ann"));
        ben->say("PRIVMSG #one :one is gone");
        ben->say("PRIVMSG #two :two stays");
        CPPUNIT_ASSERT_EQUAL(std::string(":ben!ben@hchat PRIVMSG #two :two stays"),
                             ann->expect(":ben!ben@hchat PRIVMSG"));
        ann->say("PART #one");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd 442 ann #one :You're not on that channel"),
                             ann->line());
        ann->say("JOIN 0");
        CPPUNIT_ASSERT_EQUAL(std::string(":ann!ann@hchat PART #two"), ann->line());
    }

    void pingAndPingTimeout()
    {
        auto quiet = registered("quiet");
        // irc.pingInterval = 5: PINGed after 5 s of silence, closed 5 s later.
        CPPUNIT_ASSERT_EQUAL(std::string("PING :hchatd"), quiet->line(8));
        auto answering = registered("answering");
        CPPUNIT_ASSERT_EQUAL(std::string("PING :hchatd"), answering->line(8));
        answering->say("PONG :hchatd");
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR :Closing link: Ping timeout: 5 seconds"),
                             quiet->line(8));
        CPPUNIT_ASSERT(quiet->closedByServer());
        CPPUNIT_ASSERT_EQUAL(std::string("PING :hchatd"), answering->line(8)); // alive still
        // Never registering is closed as well.
        auto silent = irc();
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR :Closing link: Registration timed out"),
                             silent->line(8));
    }

    void hostileInput()
    {
        auto c = registered("ann");
        joined(*c, "#safe");
        // Tags and a source only; bare spaces; empty lines; NUL and control bytes.
        c->send("@a=b;c :src\r\n   \r\n\r\n");
        c->send("PRIVMSG #safe :bell\x07here\r\n");
        CPPUNIT_ASSERT(c->line().find(" 404 ann #safe :Cannot send to channel: ") !=
                       std::string::npos);
        c->send("PRIVMSG #safe :\xff\xfe not utf-8\r\n");
        CPPUNIT_ASSERT(c->line().find(" 404 ann #safe ") != std::string::npos);
        // Other CTCP is dropped; NOTICE errors are never answered.
        c->say("PRIVMSG #safe :\x01VERSION\x01");
        c->say("NOTICE #nowhere :quiet");
        c->say("NOTICE nobody :quiet");
        // A line over the limit: 417, and the connection goes on.
        c->send("PRIVMSG #safe :" + std::string(20000, 'x') + "\r\n");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd 417 ann :Input line was too long"), c->line());
        c->say("JOIN");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd 461 ann JOIN :Not enough parameters"), c->line());
        c->say("PRIVMSG #safe");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd 412 ann :No text to send"), c->line());
        c->say("CHATHISTORY LATEST #safe msgid=zzz 10");
        CPPUNIT_ASSERT(c->line().find("FAIL CHATHISTORY INVALID_PARAMS") == 0);
        c->say("MODE #safe +o ann");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd 472 ann +o :is unknown mode char to me"),
                             c->line());
        c->say("PRIVMSG #safe :still fine");
        c->say("PING :end");
        CPPUNIT_ASSERT_EQUAL(std::string(":hchatd PONG hchatd :end"), c->line());
        // Nothing of that reached the room but the last message.
        auto b = registered("bea", "batch server-time");
        b->say("CHATHISTORY LATEST #safe * 10");
        b->say("JOIN #safe");
        b->expect("BATCH +");
        std::string l = b->line();
        CPPUNIT_ASSERT_MESSAGE(l, l.find(":ann!ann@hchat PRIVMSG #safe :still fine") !=
                                      std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("BATCH -h1"), b->line());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(IrcTest);

} // namespace hchat::test
