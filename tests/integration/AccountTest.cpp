#include "support/DaemonTest.h"
#include "support/Eventually.h"

#include <Poco/File.h>
#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/NetException.h>
#include <Poco/Timestamp.h>

#include <cppunit/extensions/HelperMacros.h>

#include <csignal>

namespace hchat::test
{

class AccountTest : public DaemonTest
/// Accounts on real sockets (SPEC §10): register, log in and out, who am I;
/// a registered name refused to guests on every transport; bots with
/// tokens; a wrong password and an unknown name answered alike; the log-in
/// limit; other sites' pages refused; accounts and sessions over a restart.
{
    CPPUNIT_TEST_SUITE(AccountTest);
    CPPUNIT_TEST(registerLogInLogOut);
    CPPUNIT_TEST(badRegistrationsAreRefused);
    CPPUNIT_TEST(aRegisteredNameIsRefusedToGuestsEverywhere);
    CPPUNIT_TEST(botsActWithTokens);
    CPPUNIT_TEST(wrongPasswordAndUnknownNameLookAlike);
    CPPUNIT_TEST(logInAttemptsAreLimited);
    CPPUNIT_TEST(otherSitesPagesAreRefused);
    CPPUNIT_TEST(aRestartKeepsAccountsSessionsAndTokens);
    CPPUNIT_TEST_SUITE_END();

    bool lineProtocol() const override { return true; }
    std::map<std::string, std::string> configuration() const override
    {
        return {{"store.path", _state + "/hchatd.db"}};
    }

    static std::string form(const std::string& name, const std::string& password)
    {
        return "name=" + name + "&password=" + password;
    }

    Reply registerAs(const std::string& name, const std::string& password)
    {
        return http().post("/api/accounts", form(name, password),
                           "application/x-www-form-urlencoded");
    }

    /// "hchat_session=…" from an answer that set it; "" when it did not.
    static std::string session(const Reply& reply)
    {
        std::vector<Poco::Net::HTTPCookie> cookies;
        reply.response.getCookies(cookies);
        for (const auto& cookie : cookies)
            if (cookie.getName() == "hchat_session")
                return "hchat_session=" + cookie.getValue();
        return "";
    }

    static bool has(const std::string& text, const std::string& part)
    {
        return text.find(part) != std::string::npos;
    }

public:
    void registerLogInLogOut()
    {
        const Reply made = registerAs("Ava", "correct%20horse");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(made.body, 201, made.status);
        CPPUNIT_ASSERT_EQUAL(std::string("{\"account\":\"Ava\"}"), made.body);
        const std::string setCookie = made.header("Set-Cookie");
        CPPUNIT_ASSERT_MESSAGE(setCookie,
                               has(setCookie, "HttpOnly") && has(setCookie, "SameSite=Lax") &&
                                   !has(setCookie, "Secure") && has(setCookie, "expires="));
        const std::string registered = session(made);
        CPPUNIT_ASSERT(!registered.empty());
        CPPUNIT_ASSERT_EQUAL(std::string("{\"account\":\"Ava\",\"name\":\"Ava\"}"),
                             http().get("/api/me", {{"Cookie", registered}}).body);
        CPPUNIT_ASSERT_EQUAL(std::string("{\"account\":null,\"name\":\"anonymous\"}"),
                             http().get("/api/me").body);

        // A form login goes back to the page it came from; JSON answers JSON.
        const std::string page =
            "http://127.0.0.1:" + std::to_string(_daemon->port()) + "/chat/x?y=1";
        const Reply back = http().post(
            "/login", form("ava", "correct%20horse"), "application/x-www-form-urlencoded",
            {{"Referer", page}, {"Host", "127.0.0.1:" + std::to_string(_daemon->port())}});
        CPPUNIT_ASSERT_EQUAL(303, back.status);
        CPPUNIT_ASSERT_EQUAL(std::string("/chat/x?y=1"), back.header("Location"));
        // Never to another host: a page of another site may not log in at
        // all, and a path that a browser would read as a host is not used.
        CPPUNIT_ASSERT_EQUAL(403, http()
                                      .post("/login", form("ava", "correct%20horse"),
                                            "application/x-www-form-urlencoded",
                                            {{"Referer", "https://evil.example/chat/x"}})
                                      .status);
        const std::string host = "127.0.0.1:" + std::to_string(_daemon->port());
        const Reply slashes = http().post(
            "/login", form("ava", "correct%20horse"), "application/x-www-form-urlencoded",
            {{"Referer", "http://" + host + "//evil.example/x"}, {"Host", host}});
        CPPUNIT_ASSERT_EQUAL(std::string("/"), slashes.header("Location"));
        const Reply json =
            http().post("/login", "{\"name\":\"AVA\",\"password\":\"correct horse\"}",
                        "application/json", {{"Accept", "application/json"}});
        CPPUNIT_ASSERT_EQUAL(200, json.status);
        CPPUNIT_ASSERT_EQUAL(std::string("{\"account\":\"Ava\"}"), json.body);
        const std::string cookie = session(json);

        // A message sent while logged in carries the account, under its name.
        const std::string room = http().createRoom("members", true);
        CPPUNIT_ASSERT_EQUAL(
            std::string("0"),
            http().post("/send/" + room, "hi", "text/plain", {{"Cookie", cookie}}).body);
        CPPUNIT_ASSERT_EQUAL(std::string("1"), http()
                                                   .post("/send/" + room, "text=guest&nick=gus",
                                                         "application/x-www-form-urlencoded")
                                                   .body);
        const std::string messages = http().get("/api/rooms/" + room + "/messages").body;
        CPPUNIT_ASSERT_MESSAGE(messages, has(messages, "\"author\":\"Ava\",\"account\":\"Ava\","));
        CPPUNIT_ASSERT_MESSAGE(messages, has(messages, "\"author\":\"gus\",\"time\""));
        CPPUNIT_ASSERT_EQUAL(std::string("Ava"),
                             http().get("/msg/" + room + "/0").header("X-Chat-Author"));

        // Log out: that session ends, the cookie is deleted, the others stay.
        const Reply out = http().post("/logout", "", "text/plain",
                                      {{"Cookie", cookie}, {"Accept", "application/json"}});
        CPPUNIT_ASSERT_EQUAL(200, out.status);
        CPPUNIT_ASSERT_MESSAGE(out.header("Set-Cookie"),
                               has(out.header("Set-Cookie"), "hchat_session=;"));
        CPPUNIT_ASSERT(has(http().get("/api/me", {{"Cookie", cookie}}).body, "\"account\":null"));
        CPPUNIT_ASSERT(
            has(http().get("/api/me", {{"Cookie", registered}}).body, "\"account\":\"Ava\""));
    }

    void badRegistrationsAreRefused()
    {
        CPPUNIT_ASSERT_EQUAL(400, registerAs("ava", "short").status);
        CPPUNIT_ASSERT_EQUAL(400, registerAs("ava", std::string(1025, 'p')).status);
        CPPUNIT_ASSERT_EQUAL(400, registerAs("not%20valid", "long enough").status);
        CPPUNIT_ASSERT_EQUAL(400, registerAs("guest-abcdef", "long enough").status);
        CPPUNIT_ASSERT_EQUAL(400, http().post("/api/accounts", "just text", "text/plain").status);
        CPPUNIT_ASSERT_EQUAL(400,
                             http().post("/api/accounts", "{\"name\":", "application/json").status);
        CPPUNIT_ASSERT_EQUAL(201, registerAs("ava", std::string(1024, 'p')).status);
        const Reply twice = registerAs("AVA", "long enough");
        CPPUNIT_ASSERT_EQUAL(409, twice.status);
        // A name someone online uses cannot be registered from under them.
        const std::string room = http().createRoom("r", false);
        auto online = ws("/ws/" + room + "?nick=Zed");
        CPPUNIT_ASSERT(!online->nextOfType("presence").empty());
        CPPUNIT_ASSERT_EQUAL(409, registerAs("zed", "long enough").status);
    }

    void aRegisteredNameIsRefusedToGuestsEverywhere()
    {
        CPPUNIT_ASSERT_EQUAL(201, registerAs("Zoe", "zoe%20password").status);
        const std::string room = http().createRoom("r", true);
        // HTTP
        CPPUNIT_ASSERT_EQUAL(409,
                             http().post("/send/" + room + "?nick=zoe", "x", "text/plain").status);
        // WebSocket, by ?nick= and by a nick message
        auto socket = ws("/ws/" + room + "?nick=ZOE");
        CPPUNIT_ASSERT(has(socket->nextOfType("error"), "\"error\":\"nick-taken\""));
        socket->sendText("{\"type\":\"nick\",\"nick\":\"zoe\"}");
        CPPUNIT_ASSERT(has(socket->nextOfType("error"), "\"error\":\"nick-taken\""));
        // SSE
        const std::string stream =
            http().raw("GET /events/" + room + "?nick=zoe HTTP/1.1\r\nHost: x\r\n\r\n", 1);
        CPPUNIT_ASSERT_MESSAGE(
            stream,
            has(stream, "event: error\ndata: {\"type\":\"error\",\"error\":\"nick-taken\""));
        // The line protocol: the name alone is taken; with a password it logs in.
        auto line = tcp();
        line->say("USERNAME zoe");
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Username taken"), line->line());
        line->say("USERNAME zoe not the password");
        CPPUNIT_ASSERT_EQUAL(std::string("ERROR Wrong name or password"), line->line());
        line->say("USERNAME ZOE zoe password");
        CPPUNIT_ASSERT_EQUAL(std::string("OK Welcome, Zoe!"), line->line());
        line->say("JOIN " + room);
        CPPUNIT_ASSERT(!line->expect("OK Joined").empty());
        line->say("from the terminal");
        CPPUNIT_ASSERT(!line->expect("ROOM " + room + " Zoe from the terminal").empty());
        const std::string messages = http().get("/api/rooms/" + room + "/messages").body;
        CPPUNIT_ASSERT_MESSAGE(messages,
                               has(messages, "\"author\":\"Zoe\",\"account\":\"Zoe\",\"time\""));
    }

    void botsActWithTokens()
    {
        const std::string cookie = session(registerAs("Robo", "robot%20password"));
        CPPUNIT_ASSERT_EQUAL(401, http().post("/api/tokens", "", "text/plain").status);
        const Reply issued = http().post("/api/tokens", "", "text/plain", {{"Cookie", cookie}});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(issued.body, 201, issued.status);
        const std::string token = object(issued.body)->getValue<std::string>("token");
        CPPUNIT_ASSERT_EQUAL(std::size_t(32), token.size());
        const std::map<std::string, std::string> bearer = {{"Authorization", "Bearer " + token}};

        const std::string room = http().createRoom("bots", false);
        CPPUNIT_ASSERT_EQUAL(std::string("0"),
                             http().post("/send/" + room, "beep", "text/plain", bearer).body);
        CPPUNIT_ASSERT(has(http().get("/api/me", bearer).body, "\"account\":\"Robo\""));
        // Over a WebSocket, as the account.
        auto socket =
            std::make_unique<WsClient>(_daemon->host(), _daemon->port(), "/ws/" + room + "?from=0",
                                       "", nullptr, std::map<std::string, std::string>(bearer));
        CPPUNIT_ASSERT(has(socket->nextChat(), "\"author\":\"Robo\",\"account\":\"Robo\""));
        socket->sendText("{\"type\":\"send\",\"text\":\"boop\"}");
        CPPUNIT_ASSERT(has(socket->nextChat(), "\"text\":\"boop\""));
        const std::string messages = http().get("/api/rooms/" + room + "/messages").body;
        CPPUNIT_ASSERT_MESSAGE(
            messages, has(messages, "\"author\":\"Robo\",\"account\":\"Robo\",\"time\":\"") &&
                          messages.find("\"text\":\"boop\"") != std::string::npos);
        // Over SSE too: the stream's person is the account.
        const std::string stream =
            http().raw("GET /events/" + room + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                           token + "\r\n\r\n",
                       1);
        CPPUNIT_ASSERT_MESSAGE(stream, has(stream, "\"online\":[\"Robo\"]"));
        // An unknown token is refused, not taken for a guest.
        const std::map<std::string, std::string> bad = {
            {"Authorization", "Bearer 0123456789abcdef0123456789abcdef"}};
        const Reply refused = http().post("/send/" + room, "x", "text/plain", bad);
        CPPUNIT_ASSERT_EQUAL(401, refused.status);
        CPPUNIT_ASSERT_EQUAL(std::string("Bearer"), refused.header("WWW-Authenticate"));
        CPPUNIT_ASSERT_EQUAL(401, http().get("/api/me", {{"Authorization", "Basic eDp5"}}).status);
        CPPUNIT_ASSERT_THROW(WsClient(_daemon->host(), _daemon->port(), "/ws/" + room, "", nullptr,
                                      std::map<std::string, std::string>(bad)),
                             Poco::Exception);
    }

    void wrongPasswordAndUnknownNameLookAlike()
    {
        CPPUNIT_ASSERT_EQUAL(201, registerAs("Ann", "right%20password").status);
        const auto attempt = [&](const std::string& name, double& seconds)
        {
            const Poco::Timestamp started;
            Reply reply = http().post("/login", form(name, "wrong%20password"),
                                      "application/x-www-form-urlencoded");
            seconds = static_cast<double>(started.elapsed()) / 1e6;
            return reply;
        };
        double wrongTook = 0, unknownTook = 0;
        const Reply wrong = attempt("ann", wrongTook);
        const Reply unknown = attempt("nobody", unknownTook);
        CPPUNIT_ASSERT_EQUAL(401, wrong.status);
        CPPUNIT_ASSERT_EQUAL(wrong.status, unknown.status);
        CPPUNIT_ASSERT_EQUAL(wrong.body, unknown.body);
        CPPUNIT_ASSERT(session(wrong).empty() && session(unknown).empty());
        // An unknown name costs a password check too (a dummy hash), so it
        // takes about as long: nowhere near the microseconds of a look-up.
        CPPUNIT_ASSERT_MESSAGE(std::to_string(wrongTook) + " " + std::to_string(unknownTook),
                               unknownTook > wrongTook / 4);
        CPPUNIT_ASSERT(!has(_daemon->log(), "wrong%20password") &&
                       !has(_daemon->log(), "wrong password"));
    }

    void logInAttemptsAreLimited()
    {
        CPPUNIT_ASSERT_EQUAL(201, registerAs("Max", "right%20password").status);
        int limited = 0;
        Reply last;
        for (int i = 0; i < 12 && limited == 0; ++i)
        {
            last = http().post("/login", form("max", "guess" + std::to_string(i) + "xx"),
                               "application/x-www-form-urlencoded");
            if (last.status == 429)
                ++limited;
            else
                CPPUNIT_ASSERT_EQUAL(401, last.status);
        }
        CPPUNIT_ASSERT_EQUAL(1, limited);
        CPPUNIT_ASSERT(!last.header("Retry-After").empty());
        // Even the right password waits now: guessing gains nothing.
        CPPUNIT_ASSERT_EQUAL(429, http()
                                      .post("/login", form("max", "right%20password"),
                                            "application/x-www-form-urlencoded")
                                      .status);
        CPPUNIT_ASSERT(_daemon->logHas("too many log-in attempts"));
    }

    void otherSitesPagesAreRefused()
    {
        const std::string cookie = session(registerAs("Eve", "eve%20password"));
        const std::map<std::string, std::string> evil = {{"Origin", "https://evil.example"},
                                                         {"Cookie", cookie}};
        CPPUNIT_ASSERT_EQUAL(403, http()
                                      .post("/login", form("eve", "eve%20password"),
                                            "application/x-www-form-urlencoded", evil)
                                      .status);
        CPPUNIT_ASSERT_EQUAL(403, http()
                                      .post("/api/accounts", form("evil", "evil password"),
                                            "application/x-www-form-urlencoded", evil)
                                      .status);
        CPPUNIT_ASSERT_EQUAL(403, http().post("/logout", "", "text/plain", evil).status);
        CPPUNIT_ASSERT_EQUAL(403, http().post("/api/tokens", "", "text/plain", evil).status);
        CPPUNIT_ASSERT(
            has(http().get("/api/me", {{"Cookie", cookie}}).body, "\"account\":\"Eve\""));
        const std::string room = http().createRoom("r", false);
        CPPUNIT_ASSERT_THROW(
            WsClient(_daemon->host(), _daemon->port(), "/ws/" + room, cookie, nullptr,
                     std::map<std::string, std::string>{{"Origin", "https://evil.example"}}),
            Poco::Exception);
    }

    void aRestartKeepsAccountsSessionsAndTokens()
    {
        const std::string cookie = session(registerAs("Kit", "kit%20password"));
        const std::string token =
            object(http().post("/api/tokens", "", "text/plain", {{"Cookie", cookie}}).body)
                ->getValue<std::string>("token");
        double took = 0;
        CPPUNIT_ASSERT_EQUAL(0, _daemon->stop(SIGTERM, 5, took));
        restart(configuration());
        CPPUNIT_ASSERT(
            has(http().get("/api/me", {{"Cookie", cookie}}).body, "\"account\":\"Kit\""));
        CPPUNIT_ASSERT(has(http().get("/api/me", {{"Authorization", "Bearer " + token}}).body,
                           "\"account\":\"Kit\""));
        CPPUNIT_ASSERT_EQUAL(409, registerAs("KIT", "other password").status);
        const std::string room = http().createRoom("r", false);
        CPPUNIT_ASSERT_EQUAL(409,
                             http().post("/send/" + room + "?nick=kit", "x", "text/plain").status);
        CPPUNIT_ASSERT_EQUAL(303, http()
                                      .post("/login", form("kit", "kit%20password"),
                                            "application/x-www-form-urlencoded")
                                      .status);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AccountTest);

} // namespace hchat::test
