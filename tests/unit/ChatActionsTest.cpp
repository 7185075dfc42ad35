#include "chat/ChatActions.h"
#include "chat/Announcer.h"
#include "chat/Doorbell.h"
#include "chat/Mailbox.h"
#include "chat/People.h"
#include "chat/RateLimiter.h"
#include "chat/Room.h"
#include "chat/RoomRegistry.h"
#include "chat/RoomRoles.h"
#include "store/MemoryStore.h"
#include "util/Metrics.h"

#include <Poco/Exception.h>

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class ChatActionsTest : public CppUnit::TestFixture
/// The chat actions every transport shares: what each refuses, with which
/// words, that refusals cost nothing and are counted, and what each does.
{
    CPPUNIT_TEST_SUITE(ChatActionsTest);
    CPPUNIT_TEST(textRule);
    CPPUNIT_TEST(sendAppendsUnderTheAuthor);
    CPPUNIT_TEST(rateLimitRefusesAndSaysWhen);
    CPPUNIT_TEST(aSendWithARequestKeyIsAppendedOnce);
    CPPUNIT_TEST(refusalsAreCountedByTransportAndReason);
    CPPUNIT_TEST(namesAreOnePersonsAcrossActions);
    CPPUNIT_TEST(privateMessagesNeedSomeoneOnline);
    CPPUNIT_TEST(roomsByNameOrId);
    CPPUNIT_TEST(roomCreationSpendsThePersonsAndTheAddresssTokens);
    CPPUNIT_TEST_SUITE_END();

    using Result = ChatActions::Result;

    struct Fixture
    {
        MemoryStore store{1000};
        RoomRegistry rooms{store, 1000};
        People people{Poco::Timespan(5, 0), Poco::Timespan(0, 0)};
        Announcer announcer{rooms, true};
        RateLimiter limiter{1, 3};
        Metrics metrics;
        RoomRoles roles{{}};
        ChatActions actions{rooms, people, announcer, limiter, metrics, roles, 10};
        std::shared_ptr<Room> room = rooms.create("test", true);

        static ChatActions::Actor actor(const std::string& key,
                                        ChatActions::Transport t = ChatActions::Transport::Line)
        {
            return ChatActions::Actor{key, "addr:" + key, "127.0.0.1", t, "", ""};
        }
    };

    static const std::string alice;
    static const std::string bob;

    static ChatActions::Outcome checkText(ChatActions& actions, const ChatActions::Actor& actor,
                                          std::string text)
    {
        return actions.checkText(actor, text);
    }

public:
    void aSendWithARequestKeyIsAppendedOnce()
    {
        Fixture f; // 3 messages at once, then 1 a second
        const auto a = Fixture::actor(alice);
        auto sent = f.actions.send(a, *f.room, "alice", "hi", "k-1");
        CPPUNIT_ASSERT(sent.done() && !sent.replayed);
        // Sent again (its answer was lost): the same message, no token spent.
        for (int i = 0; i < 3; ++i)
        {
            auto again = f.actions.send(a, *f.room, "alice", "hi", "k-1");
            CPPUNIT_ASSERT(again.done() && again.replayed);
            CPPUNIT_ASSERT_EQUAL(sent.message->id(), again.message->id());
        }
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), f.room->next());
        auto reused = f.actions.send(a, *f.room, "alice", "other", "k-1");
        CPPUNIT_ASSERT(reused.result == Result::KeyReused);
        CPPUNIT_ASSERT_EQUAL(std::string("key-reused"), std::string(reused.code()));
        // Another person's key is theirs.
        auto bobs = f.actions.send(Fixture::actor(bob), *f.room, "bob", "hi", "k-1");
        CPPUNIT_ASSERT(bobs.done() && !bobs.replayed);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), bobs.message->id());
        CPPUNIT_ASSERT(f.actions.send(a, *f.room, "alice", "two", "k-2").done());
        CPPUNIT_ASSERT(f.actions.send(a, *f.room, "alice", "three", "k-3").done());
        CPPUNIT_ASSERT(f.actions.send(a, *f.room, "alice", "four", "k-4").result ==
                       Result::RateLimited);
        CPPUNIT_ASSERT(f.actions.send(a, *f.room, "alice", "two", "k-2").replayed);
    }

    void textRule()
    {
        Fixture f;
        const auto a = Fixture::actor(alice);
        CPPUNIT_ASSERT(checkText(f.actions, a, "0123456789").done());
        auto tooLong = checkText(f.actions, a, "0123456789!");
        CPPUNIT_ASSERT(tooLong.result == Result::TooLong);
        CPPUNIT_ASSERT_EQUAL(std::string("too-long"), std::string(tooLong.code()));
        CPPUNIT_ASSERT_EQUAL(std::string("Message too long"), tooLong.brief);
        CPPUNIT_ASSERT_EQUAL(std::string("the message is too long (at most 10 bytes)"),
                             tooLong.detail);
        CPPUNIT_ASSERT(checkText(f.actions, a, " \t\n").result == Result::Empty);
        CPPUNIT_ASSERT_EQUAL(std::string("Empty message"), checkText(f.actions, a, "").brief);
        auto utf8 = checkText(f.actions, a, "\xc3\x28");
        CPPUNIT_ASSERT(utf8.result == Result::BadUtf8);
        CPPUNIT_ASSERT_EQUAL(std::string("Invalid UTF-8"), utf8.brief);
        auto control = checkText(f.actions, a, std::string("a\0b", 3));
        CPPUNIT_ASSERT(control.result == Result::BadText);
        CPPUNIT_ASSERT_EQUAL(std::string("Invalid text"), control.brief);
        std::string crlf = "a\r\nb";
        CPPUNIT_ASSERT(f.actions.checkText(a, crlf).done());
        CPPUNIT_ASSERT_EQUAL(std::string("a\nb"), crlf);
    }

    void sendAppendsUnderTheAuthor()
    {
        Fixture f;
        auto sent = f.actions.send(Fixture::actor(alice), *f.room, "alice", "hello");
        CPPUNIT_ASSERT(sent.done());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), sent.message->id());
        CPPUNIT_ASSERT_EQUAL(std::string("alice"), sent.message->author());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), f.metrics.messagesAppended.load());
        // A refused text appends nothing and costs no token.
        for (int i = 0; i < 5; ++i)
            CPPUNIT_ASSERT(f.actions.send(Fixture::actor(alice), *f.room, "alice", "").result ==
                           Result::Empty);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), f.room->next());
        CPPUNIT_ASSERT(f.actions.send(Fixture::actor(alice), *f.room, "alice", "again").done());
        f.room->close();
        auto closed = f.actions.send(Fixture::actor(bob), *f.room, "bob", "late");
        CPPUNIT_ASSERT(closed.result == Result::NotStored);
        CPPUNIT_ASSERT_EQUAL(std::string("Message not stored, try again"), closed.brief);
    }

    void rateLimitRefusesAndSaysWhen()
    {
        Fixture f;
        for (int i = 0; i < 3; ++i) // the burst
            CPPUNIT_ASSERT(f.actions.send(Fixture::actor(alice), *f.room, "alice", "m").done());
        auto limited = f.actions.send(Fixture::actor(alice), *f.room, "alice", "m");
        CPPUNIT_ASSERT(limited.result == Result::RateLimited);
        CPPUNIT_ASSERT(limited.retryAfter > 0 && limited.retryAfter <= Poco::Timespan(1, 0));
        CPPUNIT_ASSERT_EQUAL(std::string("Too many messages, slow down"), limited.brief);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), f.metrics.rateLimited.load());
        // Another person has a budget of their own; whispers spend the same one.
        CPPUNIT_ASSERT(f.actions.send(Fixture::actor(bob), *f.room, "bob", "m").done());
        CPPUNIT_ASSERT(f.actions.whisper(Fixture::actor(alice), "bob", "psst").result ==
                       Result::RateLimited);
        CPPUNIT_ASSERT(f.actions.createRoom(Fixture::actor(alice), "more", true).result ==
                       Result::RateLimited);
    }

    void refusalsAreCountedByTransportAndReason()
    {
        Fixture f;
        checkText(f.actions, Fixture::actor(alice, ChatActions::Transport::WebSocket), "");
        checkText(f.actions, Fixture::actor(alice, ChatActions::Transport::WebSocket), "");
        f.actions.checkName(Fixture::actor(alice, ChatActions::Transport::Http), "no spaces");
        const std::string text = f.actions.metricsText();
        CPPUNIT_ASSERT(text.find("hchatd_refusals_total{transport=\"ws\",reason=\"empty\"} 2\n") !=
                       std::string::npos);
        CPPUNIT_ASSERT(
            text.find("hchatd_refusals_total{transport=\"http\",reason=\"bad-nick\"} 1\n") !=
            std::string::npos);
        CPPUNIT_ASSERT(
            text.find("hchatd_refusals_total{transport=\"line\",reason=\"empty\"} 0\n") !=
            std::string::npos);
    }

    void namesAreOnePersonsAcrossActions()
    {
        Fixture f;
        auto box = std::make_shared<Mailbox>(std::make_shared<Doorbell>());
        CPPUNIT_ASSERT_EQUAL(std::string("alice"),
                             f.actions.connect(Fixture::actor(alice), "alice", box).name);
        auto taken = f.actions.markSeen(Fixture::actor(bob), *f.room, "ALICE");
        CPPUNIT_ASSERT(taken.result == Result::NameTaken);
        CPPUNIT_ASSERT_EQUAL(std::string("Username taken"), taken.brief);
        CPPUNIT_ASSERT(f.actions.markSeen(Fixture::actor(bob), *f.room, "bob").done());
        CPPUNIT_ASSERT(f.actions.rename(Fixture::actor(bob), "Alice").result == Result::NameTaken);
        CPPUNIT_ASSERT(f.actions.rename(Fixture::actor(bob), "bad name").result == Result::BadName);
        auto renamed = f.actions.rename(Fixture::actor(alice), "alicia");
        CPPUNIT_ASSERT_EQUAL(std::string("alicia"), renamed.name);
        CPPUNIT_ASSERT(f.actions.connect(Fixture::actor(bob), "alicia", nullptr).result ==
                       Result::NameTaken);
        f.people.disconnect(alice, box);
    }

    void privateMessagesNeedSomeoneOnline()
    {
        Fixture f;
        auto box = std::make_shared<Mailbox>(std::make_shared<Doorbell>());
        f.actions.connect(Fixture::actor(bob), "bob", box);
        CPPUNIT_ASSERT(f.actions.whisper(Fixture::actor(alice), "BOB", "hi").done());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), box->takeAll().size());
        auto nobody = f.actions.whisper(Fixture::actor(alice), "carol", "hi");
        CPPUNIT_ASSERT(nobody.result == Result::NotOnline);
        CPPUNIT_ASSERT_EQUAL(std::string("User not found"), nobody.brief);
        CPPUNIT_ASSERT(f.actions.whisper(Fixture::actor(alice), "no/such", "hi").result ==
                       Result::NotOnline);
        CPPUNIT_ASSERT(f.actions.whisper(Fixture::actor(alice), "bob", " ").result ==
                       Result::Empty);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), f.metrics.privateMessages.load());
        f.people.disconnect(bob, box);
        // Someone on another daemon, the shared store out of reach: refused,
        // the sender's connection untouched.
        struct Unreachable : MemoryStore
        {
            Unreachable() : MemoryStore(10) {}
            std::string nameHolder(const std::string&) override
            {
                throw Poco::IOException("Redis at 127.0.0.1:1: connection refused");
            }
        } shared;
        f.people.share(shared);
        auto down = f.actions.whisper(Fixture::actor(alice), "dave", "hi");
        CPPUNIT_ASSERT(down.result == Result::NotStored);
        CPPUNIT_ASSERT_EQUAL(std::string("Message not sent, try again"), down.brief);
    }

    void roomsByNameOrId()
    {
        Fixture f;
        auto general = f.actions.openRoom(Fixture::actor(alice), "#general");
        CPPUNIT_ASSERT(general.done() && general.room->record().isPublic);
        CPPUNIT_ASSERT_EQUAL(general.room,
                             f.actions.openRoom(Fixture::actor(bob), "#GENERAL").room);
        CPPUNIT_ASSERT_EQUAL(f.room, f.actions.openRoom(Fixture::actor(bob), f.room->id()).room);
        CPPUNIT_ASSERT(f.actions.openRoom(Fixture::actor(bob), "#bad name").result ==
                       Result::BadRoom);
        auto none = f.actions.openRoom(Fixture::actor(bob), "0123456789abcdef0123456789abcdef");
        CPPUNIT_ASSERT(none.result == Result::NoRoom);
        CPPUNIT_ASSERT_EQUAL(std::string("Room not found"), none.brief);
        CPPUNIT_ASSERT(f.actions.createRoom(Fixture::actor(bob), "a\x01", true).result ==
                       Result::BadRoom);
        CPPUNIT_ASSERT(
            f.actions.createRoom(Fixture::actor(bob), std::string(201, 'x'), true).result ==
            Result::BadRoom);
        auto created = f.actions.createRoom(Fixture::actor(bob), "Ops", false);
        CPPUNIT_ASSERT(created.done() && !created.room->record().isPublic);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), f.metrics.roomsCreated.load());
    }

    void roomCreationSpendsThePersonsAndTheAddresssTokens()
    {
        // Self-made cookies (a new person each time) from one address, burst 3.
        Fixture f;
        auto fresh = [](int i)
        {
            return ChatActions::Actor{"p" + std::to_string(i),
                                      "p" + std::to_string(i),
                                      "192.0.2.7:" + std::to_string(4000 + i),
                                      ChatActions::Transport::Http,
                                      "",
                                      ""};
        };
        CPPUNIT_ASSERT(f.actions.openRoom(fresh(0), "#first").done());
        CPPUNIT_ASSERT(f.actions.createRoom(fresh(1), "two", true).done());
        CPPUNIT_ASSERT(f.actions.createRoom(fresh(2), "three", true).done());
        auto refused = f.actions.createRoom(fresh(3), "four", true);
        CPPUNIT_ASSERT(refused.result == Result::RateLimited);
        CPPUNIT_ASSERT(refused.detail.find("from this address") != std::string::npos);
        CPPUNIT_ASSERT(f.actions.openRoom(fresh(4), "#fifth").result == Result::RateLimited);
        CPPUNIT_ASSERT(f.actions.openRoom(fresh(5), "#first").done()); // joining costs nothing
        // Another address has its own budget.
        ChatActions::Actor elsewhere{"q", "q", "[2001:db8::1]:5000", ChatActions::Transport::Line,
                                     "",  ""};
        CPPUNIT_ASSERT(f.actions.openRoom(elsewhere, "#sixth").done());
    }
};

const std::string ChatActionsTest::alice = "a0000000000000000000000000000000";
const std::string ChatActionsTest::bob = "b0000000000000000000000000000000";

CPPUNIT_TEST_SUITE_REGISTRATION(ChatActionsTest);

} // namespace hchat::test
