#include "support/Eventually.h"
#include "support/TlsDaemonTest.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SecureStreamSocket.h>

#include <cppunit/extensions/HelperMacros.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace hchat::test
{

class TlsLifecycleTest : public TlsDaemonTest
/// The certificate's life (SPEC §9): SIGHUP with a new pair and with a
/// broken one, a bad pair at start, HTTPS without plain HTTP; and what a
/// TLS port accepts: TLS 1.2 and 1.3, resumed sessions, nothing older.
{
    CPPUNIT_TEST_SUITE(TlsLifecycleTest);
    CPPUNIT_TEST(sighupServesANewPairAndKeepsOpenConnections);
    CPPUNIT_TEST(sighupWithABrokenPairKeepsTheOldOne);
    CPPUNIT_TEST(aBadPairAtStartIsAConfigurationError);
    CPPUNIT_TEST(httpPortZeroServesHttpsAlone);
    CPPUNIT_TEST(onlyTls12And13WithResumption);
    CPPUNIT_TEST_SUITE_END();

    std::string servedName() const
    {
        Poco::Net::HTTPSClientSession session(_daemon->host(), static_cast<Poco::UInt16>(_tlsPort),
                                              _pki->client());
        Poco::Net::HTTPRequest request("GET", "/healthz", Poco::Net::HTTPMessage::HTTP_1_1);
        session.sendRequest(request);
        Poco::Net::HTTPResponse response;
        session.receiveResponse(response);
        return session.serverCertificate().commonName();
    }

    static void copy(const std::string& from, const std::string& to)
    {
        Poco::File(from).copyTo(to);
    }

    struct Probe
    {
        bool connected = false;
        int version = 0;
        bool resumed = false;
        unsigned long error = 0;
    };

    Probe probe(int version, SSL_SESSION** session) const
    /// A raw OpenSSL client limited to one protocol version, at security
    /// level 0 so that the refusal of old versions is the server's. With a
    /// session to resume, offers it; keeps the one it gets in *session.
    {
        Probe result;
        SSL_CTX* context = SSL_CTX_new(TLS_client_method());
        SSL_CTX_set_security_level(context, 0);
        SSL_CTX_set_min_proto_version(context, version);
        SSL_CTX_set_max_proto_version(context, version);
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<uint16_t>(_tlsPort));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        CPPUNIT_ASSERT_EQUAL(0,
                             ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address));
        SSL* ssl = SSL_new(context);
        SSL_set_fd(ssl, fd);
        if (*session)
            SSL_set_session(ssl, *session);
        ERR_clear_error();
        if (SSL_connect(ssl) == 1)
        {
            result.connected = true;
            result.version = SSL_version(ssl);
            result.resumed = SSL_session_reused(ssl) == 1;
            // A request and its answer: TLS 1.3 sends its tickets after the
            // handshake.
            const std::string request = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";
            SSL_write(ssl, request.data(), static_cast<int>(request.size()));
            char answer[512];
            SSL_read(ssl, answer, sizeof answer);
            if (*session)
                SSL_SESSION_free(*session);
            *session = SSL_get1_session(ssl);
            SSL_shutdown(ssl);
        }
        else
            result.error = ERR_peek_last_error();
        SSL_free(ssl);
        ::close(fd);
        SSL_CTX_free(context);
        return result;
    }

public:
    void sighupServesANewPairAndKeepsOpenConnections()
    {
        const std::string id = https().createRoom("reload", false);
        auto open = wss("/ws/" + id + "?nick=steady");
        auto line = tlsLine();
        line->say("USERNAME terminal");
        line->say("JOIN " + id);
        CPPUNIT_ASSERT(!line->expect("OK Joined").empty());
        CPPUNIT_ASSERT_EQUAL(std::string("first"), servedName());

        const TestPki::Pair second = _pki->issue("second");
        copy(second.certificate, _pair.certificate);
        copy(second.privateKey, _pair.privateKey);
        ::kill(_daemon->pid(), SIGHUP);
        CPPUNIT_ASSERT(_daemon->logHas("reloaded the TLS pair"));
        CPPUNIT_ASSERT_EQUAL(std::string("second"), servedName());

        // The connections made with the old pair go on both ways.
        open->sendText(R"({"type":"send","text":"after the reload"})");
        CPPUNIT_ASSERT_EQUAL(std::string("after the reload"),
                             object(open->nextChat())->getValue<std::string>("text"));
        CPPUNIT_ASSERT_EQUAL("ROOM " + id + " steady after the reload",
                             line->expect("ROOM " + id + " steady"));
        line->say("from the old connection");
        CPPUNIT_ASSERT_EQUAL(std::string("from the old connection"),
                             object(open->nextChat())->getValue<std::string>("text"));
        CPPUNIT_ASSERT(http().get("/metrics").body.find("\nhchatd_tls_reloads_total 1\n") !=
                       std::string::npos);
    }

    void sighupWithABrokenPairKeepsTheOldOne()
    {
        {
            Poco::FileOutputStream key(_pair.privateKey);
            key << "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n";
        }
        ::kill(_daemon->pid(), SIGHUP);
        CPPUNIT_ASSERT(_daemon->logHas("keeping the pair in use"));
        CPPUNIT_ASSERT_MESSAGE(_daemon->log(),
                               _daemon->log().find(_pair.privateKey) != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("first"), servedName());
        // A certificate that does not match the key is refused too.
        copy(_pki->issue("other").certificate, _pair.certificate);
        copy(_pki->issue("third").privateKey, _pair.privateKey);
        ::kill(_daemon->pid(), SIGHUP);
        CPPUNIT_ASSERT(eventually(
            [&]
            {
                return http().get("/metrics").body.find("\nhchatd_tls_reload_failures_total 2\n") !=
                       std::string::npos;
            }));
        CPPUNIT_ASSERT_EQUAL(std::string("first"), servedName());
        CPPUNIT_ASSERT_EQUAL(200, https().get("/healthz").status);
    }

    void aBadPairAtStartIsAConfigurationError()
    {
        const std::string dir = _pki->dir();
        const TestPki::Pair other = _pki->issue("other");
        struct Case
        {
            std::string certificate, key, named;
        };
        for (const Case& c : {Case{_pair.certificate, other.privateKey, other.privateKey},
                              Case{dir + "/missing.crt", _pair.privateKey, dir + "/missing.crt"},
                              Case{_pair.certificate, dir + "/missing.key", dir + "/missing.key"}})
        {
            {
                Poco::FileOutputStream conf(dir + "/bad.conf");
                conf << "http.address = 127.0.0.1\nstore.kind = memory\n"
                     << "tls.port = " << LineClient::freePort() << "\n"
                     << "tls.certificate = " << c.certificate << "\n"
                     << "tls.privateKey = " << c.key << "\n";
            }
            std::string out;
            CPPUNIT_ASSERT_EQUAL_MESSAGE(
                out, 78, DaemonProcess::run({"-c", dir + "/bad.conf", "-p", "0"}, out));
            CPPUNIT_ASSERT_MESSAGE(out, out.find(c.named) != std::string::npos);
        }
    }

    void httpPortZeroServesHttpsAlone()
    {
        const int tlsPort = LineClient::freePort();
        std::map<std::string, std::string> keys = {{"store.kind", "memory"},
                                                   {"http.port", "0"},
                                                   {"tls.port", std::to_string(tlsPort)},
                                                   {"tls.certificate", _pair.certificate},
                                                   {"tls.privateKey", _pair.privateKey}};
        {
            DaemonProcess alone(keys);
            const std::string log = alone.log();
            const std::string listening =
                "hchatd listening on https://127.0.0.1:" + std::to_string(tlsPort) + " (";
            CPPUNIT_ASSERT_MESSAGE(log, log.find(listening) != std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(log, log.find("http://") == std::string::npos);
            TestClient client(alone.host(), tlsPort, _pki->client());
            CPPUNIT_ASSERT_EQUAL(200, client.get("/healthz").status);
        }
        // Neither port: nothing would serve, which is a configuration error.
        const std::string dir = _pki->dir();
        {
            Poco::FileOutputStream conf(dir + "/none.conf");
            conf << "http.address = 127.0.0.1\nstore.kind = memory\n";
        }
        std::string out;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(
            out, 78, DaemonProcess::run({"-c", dir + "/none.conf", "-p", "0"}, out));
        CPPUNIT_ASSERT_MESSAGE(out,
                               out.find("http.port and tls.port are both 0") != std::string::npos);
    }

    void onlyTls12And13WithResumption()
    {
        for (int old : {TLS1_VERSION, TLS1_1_VERSION})
        {
            SSL_SESSION* none = nullptr;
            const Probe refused = probe(old, &none);
            CPPUNIT_ASSERT(!refused.connected);
            CPPUNIT_ASSERT_EQUAL(SSL_R_TLSV1_ALERT_PROTOCOL_VERSION, ERR_GET_REASON(refused.error));
        }
        for (int version : {TLS1_2_VERSION, TLS1_3_VERSION})
        {
            SSL_SESSION* session = nullptr;
            const Probe fresh = probe(version, &session);
            CPPUNIT_ASSERT(fresh.connected);
            CPPUNIT_ASSERT_EQUAL(version, fresh.version);
            CPPUNIT_ASSERT(!fresh.resumed);
            CPPUNIT_ASSERT(session != nullptr);
            const Probe again = probe(version, &session);
            CPPUNIT_ASSERT(again.connected);
            CPPUNIT_ASSERT_MESSAGE("TLS version " + std::to_string(version), again.resumed);
            SSL_SESSION_free(session);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TlsLifecycleTest);

} // namespace hchat::test
