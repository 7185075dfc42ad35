#include "stream/StreamSession.h"
#include "chat/Announcer.h"
#include "chat/People.h"
#include "chat/Room.h"
#include "chat/RoomRegistry.h"
#include "store/MemoryStore.h"
#include "stream/StreamTransport.h"
#include "support/Eventually.h"
#include "support/SocketPair.h"
#include "util/Metrics.h"

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <map>
#include <mutex>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>

namespace hchat::test
{

class StreamSessionTest : public CppUnit::TestFixture
/// The one stream loop and its publisher shortcut: entries reach the client
/// once, in order, whoever writes them; a publisher writes only when the
/// stream is open, its owner idle and the client up to date; letters,
/// presence, commands and the end go through the transport.
{
    CPPUNIT_TEST_SUITE(StreamSessionTest);
    CPPUNIT_TEST(publisherWritesOnlyWhileOpen);
    CPPUNIT_TEST(busyOwnerLeavesItToTheOwner);
    CPPUNIT_TEST(farBehindIsTheOwnersWork);
    CPPUNIT_TEST(whatDidNotFitGoesOutFirstAndOnce);
    CPPUNIT_TEST(lettersPresenceAndCommands);
    CPPUNIT_TEST(presenceGoesOutFromTheThreadThatChangedIt);
    CPPUNIT_TEST(stopSendsTheLastBytes);
    CPPUNIT_TEST(aRoomLeftIsNotDelivered);
    CPPUNIT_TEST(aDeletedRoomEndsTheStreamOrLeavesIt);
    CPPUNIT_TEST(aClientThatStopsReadingIsClosedAndCounted);
    CPPUNIT_TEST_SUITE_END();

    // A transport whose wire form of an entry is its text and a newline,
    // and which notes which thread wrote each.
    struct Lines : StreamTransport
    {
        std::mutex mutex;
        std::map<std::string, std::thread::id> writers;
        std::atomic<bool> end{false};
        bool showPresence = false;
        std::string heard;
        std::string answer = "heard\n"; ///< queued for each read
        StreamSession* session = nullptr;

        void entries(const Cursor::Slice& slice, std::string& out) override
        {
            std::lock_guard<std::mutex> lock(mutex);
            for (const MessagePtr& m : slice.messages)
            {
                out += m->text() + "\n";
                writers[m->text()] = std::this_thread::get_id();
            }
        }
        void presence(const Room&, const std::string& frame, std::string& out) override
        {
            if (!showPresence)
                return;
            out += "presence " + frame + "\n";
            std::lock_guard<std::mutex> lock(mutex);
            writers[frame] = std::this_thread::get_id();
        }
        void letter(const Mailbox::Letter& letter, std::string& out) override
        {
            out += "letter " + letter.text + "\n";
        }
        bool received(const char* data, std::size_t size) override
        {
            heard.append(data, size);
            for (std::size_t i = 0; i < (answer.size() > 100 ? size : 1); ++i)
                session->queue(answer);
            return heard.find("bye") == std::string::npos;
        }
        int quietMs() override { return 20; }
        bool quiet() override { return !end.load(); }
        void closing(std::string& out) override { out += "closing\n"; }
        bool removed(const Room&, Removal why, std::string& out) override
        {
            out += why == Removal::RoomDeleted ? "deleted\n" : "kicked\n";
            return keepAfterDeletion;
        }
        bool keepAfterDeletion = false;

        std::thread::id writer(const std::string& text)
        {
            std::lock_guard<std::mutex> lock(mutex);
            return writers[text];
        }
    };

    static long peakKiB()
    {
        rusage usage{};
        ::getrusage(RUSAGE_SELF, &usage);
        return usage.ru_maxrss;
    }

    struct Fixture
    {
        MemoryStore store{1000};
        RoomRegistry rooms{store, 1000};
        People people{Poco::Timespan(5, 0), Poco::Timespan(0, 0)};
        Announcer announcer{rooms, false};
        Metrics metrics;
        std::shared_ptr<Room> room = rooms.create("test", false);
        const std::string peer = "192.0.2.1:4711";
        SocketPair pair;
        Lines transport;
        std::shared_ptr<StreamSession> session = std::make_shared<StreamSession>(
            pair.serverSocket(), 1, transport, people, announcer, metrics, "test client", peer);
        std::thread owner;
        std::exception_ptr failure;

        Fixture() { transport.session = session.get(); }
        ~Fixture()
        {
            transport.end = true;
            if (owner.joinable())
                owner.join();
            session->end();
        }
        void enter(std::uint64_t from = 0)
        {
            session->enter(room, from, "0123456789abcdef0123456789abcdef", "tess", "guest", true);
        }
        void serve()
        {
            owner = std::thread(
                [this]
                {
                    try
                    {
                        session->serve();
                    }
                    catch (...)
                    {
                        failure = std::current_exception();
                    }
                });
        }
        void say(const std::string& text) { room->append(MessageKind::Message, "a", text); }
        bool idle()
        /// Whether the owner sleeps with the stream open to publishers (soon).
        {
            return eventually([&] { return session->connection().tryClaim().owns_lock(); });
        }
        void openByHand()
        /// As the owner's first turn leaves it, without an owner thread.
        {
            auto hold = session->connection().hold();
            session->connection().setOpen(true);
        }
    };

public:
    void publisherWritesOnlyWhileOpen()
    {
        Fixture f;
        f.enter();
        f.say("before");
        CPPUNIT_ASSERT_EQUAL(std::string(), f.pair.readAvailable()); // nobody has opened it
        f.serve();
        CPPUNIT_ASSERT_EQUAL(std::string("before\n"), f.pair.readFor(5, 7));
        CPPUNIT_ASSERT(f.transport.writer("before") == f.owner.get_id());
        CPPUNIT_ASSERT(f.idle());
        f.say("after");
        CPPUNIT_ASSERT_EQUAL(std::string("after\n"), f.pair.readFor(5, 6));
        CPPUNIT_ASSERT(f.transport.writer("after") == std::this_thread::get_id());
        f.transport.end = true;
        f.owner.join();
        f.session->end();
        f.say("late");
        CPPUNIT_ASSERT_EQUAL(std::string(), f.pair.readAvailable()); // nothing after the end
    }

    void busyOwnerLeavesItToTheOwner()
    {
        Fixture f;
        f.enter();
        f.serve();
        f.say("first");
        CPPUNIT_ASSERT_EQUAL(std::string("first\n"), f.pair.readFor(5, 6));
        std::string expected;
        {
            auto held = f.session->connection().hold(); // the owner, busy writing
            for (int i = 0; i < 20; ++i)
            {
                f.say(std::to_string(i));
                expected += std::to_string(i) + "\n";
            }
            CPPUNIT_ASSERT_EQUAL(std::string(), f.pair.readAvailable());
        }
        CPPUNIT_ASSERT_EQUAL(expected, f.pair.readFor(5, expected.size()));
        for (int i = 0; i < 20; ++i)
            CPPUNIT_ASSERT(f.transport.writer(std::to_string(i)) != std::this_thread::get_id());
    }

    void farBehindIsTheOwnersWork()
    {
        Fixture f;
        f.enter();
        std::string expected;
        for (int i = 0; i < 17; ++i)
        {
            f.say(std::to_string(i));
            expected += std::to_string(i) + "\n";
        }
        f.openByHand();
        f.say("17"); // 17 behind: not the publisher's to send
        expected += "17\n";
        CPPUNIT_ASSERT_EQUAL(std::string(), f.pair.readAvailable());
        f.serve();
        CPPUNIT_ASSERT_EQUAL(expected, f.pair.readFor(5, expected.size()));
    }

    void whatDidNotFitGoesOutFirstAndOnce()
    {
        Fixture f;
        f.pair.shrinkServerBuffer();
        f.enter();
        f.openByHand();
        const std::string padding(4000, 'x');
        std::string expected;
        int n = 0;
        for (; n < 200 && !f.session->connection().hasUnsent(); ++n)
        {
            f.say(std::to_string(n) + padding);
            expected += std::to_string(n) + padding + "\n";
        }
        CPPUNIT_ASSERT(f.session->connection().hasUnsent()); // the client stopped taking bytes
        for (int i = n; i < n + 5; ++i)
        {
            f.say(std::to_string(i) + padding);
            expected += std::to_string(i) + padding + "\n";
        }
        f.serve();
        CPPUNIT_ASSERT(f.pair.readFor(10, expected.size()) == expected);
    }

    void lettersPresenceAndCommands()
    {
        Fixture f;
        f.transport.showPresence = true;
        f.enter();
        f.serve(); // the first turn sends the room's presence
        const std::string frame = f.pair.readFor(5, 1);
        CPPUNIT_ASSERT(frame.find("presence {\"type\":\"presence\",\"online\":[\"tess\"]") == 0);
        f.people.connect("fedcba9876543210fedcba9876543210", "olga", "guest", nullptr);
        CPPUNIT_ASSERT(f.people.sendPrivate("fedcba9876543210fedcba9876543210", "tess", "psst") ==
                       People::Delivery::Sent);
        CPPUNIT_ASSERT_EQUAL(std::string("letter psst\n"), f.pair.readFor(5, 12));
        CPPUNIT_ASSERT_EQUAL(ssize_t(5), ::send(f.pair.client, "hello", 5, 0));
        CPPUNIT_ASSERT_EQUAL(std::string("heard\n"), f.pair.readFor(5, 6));
        CPPUNIT_ASSERT_EQUAL(ssize_t(3), ::send(f.pair.client, "bye", 3, 0));
        CPPUNIT_ASSERT_EQUAL(std::string("heard\n"), f.pair.readFor(5, 6)); // queued, then the end
        f.owner.join();
        CPPUNIT_ASSERT_EQUAL(std::string("hellobye"), f.transport.heard);
        f.people.disconnect("fedcba9876543210fedcba9876543210", nullptr);
    }

    void presenceGoesOutFromTheThreadThatChangedIt()
    {
        Fixture f;
        f.transport.showPresence = true;
        f.enter();
        f.serve();
        CPPUNIT_ASSERT(f.pair.readFor(5, 1).find("presence ") == 0);
        CPPUNIT_ASSERT(f.idle());
        const std::string olga = "fedcba9876543210fedcba9876543210";
        const auto arrive = [&](const std::string& key, const std::string& name)
        {
            f.people.enter(f.room->id(), key, name, "guest", nullptr);
            f.people.sweep(Poco::Timestamp());
            f.room->presenceChanged();
            return std::string(*f.people.presenceJson(f.room->id()));
        };
        // Up to date and idle: this thread writes it; the owner sleeps on.
        std::string frame = arrive(olga, "olga");
        CPPUNIT_ASSERT_EQUAL("presence " + frame + "\n", f.pair.readFor(5, frame.size() + 10));
        CPPUNIT_ASSERT(f.transport.writer(frame) == std::this_thread::get_id());
        // Entries not yet sent: the owner sends them, then the frame.
        {
            auto held = f.session->connection().hold(); // the owner, busy writing
            f.say("first");
            frame = arrive("00112233445566778899aabbccddeeff", "pia");
            CPPUNIT_ASSERT_EQUAL(std::string(), f.pair.readAvailable());
        }
        const std::string expected = "first\npresence " + frame + "\n";
        CPPUNIT_ASSERT_EQUAL(expected, f.pair.readFor(5, expected.size()));
        CPPUNIT_ASSERT(f.transport.writer(frame) == f.owner.get_id());

        // Open to other threads but behind the log (its owner not yet woken
        // for it): the frame must not pass the entries.
        Fixture g;
        g.transport.showPresence = true;
        g.say("unread");
        g.enter();
        g.openByHand();
        g.room->presenceChanged();
        CPPUNIT_ASSERT_EQUAL(std::string(), g.pair.readAvailable());
    }

    void stopSendsTheLastBytes()
    {
        Fixture f;
        f.serve(); // not in a room: still stoppable
        CPPUNIT_ASSERT(f.idle());
        f.session->stop();
        CPPUNIT_ASSERT_EQUAL(std::string("closing\n"), f.pair.readFor(5, 8));
        f.owner.join();
        CPPUNIT_ASSERT(!f.failure);
    }

    void aRoomLeftIsNotDelivered()
    {
        Fixture f;
        std::shared_ptr<Room> other = f.rooms.create("other", false);
        MessagePtr stale = other->append(MessageKind::Message, "a", "elsewhere");
        f.enter();
        f.serve();
        f.say("here");
        CPPUNIT_ASSERT_EQUAL(std::string("here\n"), f.pair.readFor(5, 5));
        CPPUNIT_ASSERT(f.idle());
        // A late call from a room's snapshot, with a number this room has too.
        MessagePtr next = std::make_shared<const Message>(1, MessageKind::Message, "a",
                                                          Poco::Timestamp(), "stale");
        f.session->published(*other, next);
        f.session->published(*other, stale);
        f.say("still here");
        CPPUNIT_ASSERT_EQUAL(std::string("still here\n"), f.pair.readFor(5, 11));
    }

    void aDeletedRoomEndsTheStreamOrLeavesIt()
    {
        {
            Fixture f; // SSE, WebSocket: the words, then the end
            f.enter();
            f.serve();
            CPPUNIT_ASSERT(f.idle());
            CPPUNIT_ASSERT(f.rooms.remove(f.room->id()));
            CPPUNIT_ASSERT_EQUAL(std::string("deleted\n"), f.pair.readFor(5, 8));
            f.owner.join();
            CPPUNIT_ASSERT(!f.failure);
            CPPUNIT_ASSERT(f.session->room() == nullptr);
        }
        Fixture f; // the line protocol: the words, and the session goes on
        f.transport.keepAfterDeletion = true;
        f.enter();
        f.serve();
        CPPUNIT_ASSERT(f.idle());
        CPPUNIT_ASSERT(f.rooms.remove(f.room->id()));
        CPPUNIT_ASSERT_EQUAL(std::string("deleted\n"), f.pair.readFor(5, 8));
        CPPUNIT_ASSERT(eventually(
            [&]
            {
                f.people.sweep(Poco::Timestamp()); // a stay ended now goes at the next sweep
                return f.people.online(f.room->id()).empty();
            },
            5));
        CPPUNIT_ASSERT_EQUAL(ssize_t(5), ::send(f.pair.client, "hello", 5, 0));
        CPPUNIT_ASSERT_EQUAL(std::string("heard\n"), f.pair.readFor(5, 6));
    }

    void aClientThatStopsReadingIsClosedAndCounted()
    {
        // Each byte asks for 1 MiB and the client reads nothing: what waits
        // for it stays bounded, and the send timeout (1 s) ends the session.
        Fixture f;
        f.transport.answer.assign(1 << 20, 'x');
        f.pair.shrinkServerBuffer();
        f.enter();
        f.serve();
        const long before = peakKiB();
        const std::string asks(1000, '?'); // 1 GiB if it were kept
        CPPUNIT_ASSERT_EQUAL(static_cast<ssize_t>(asks.size()),
                             ::send(f.pair.client, asks.data(), asks.size(), 0));
        CPPUNIT_ASSERT(eventually([&] { return f.metrics.slowClientsClosed.load() == 1; }, 5));
        f.owner.join();
        CPPUNIT_ASSERT(!f.failure);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(peakKiB() - before), peakKiB() - before < 64 * 1024);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StreamSessionTest);

} // namespace hchat::test
