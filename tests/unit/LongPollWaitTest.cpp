#include "http/LongPollWait.h"
#include "chat/Room.h"
#include "http/LongPollAnswer.h"
#include "net/Connection.h"
#include "store/MemoryStore.h"
#include "support/Eventually.h"
#include "support/SocketPair.h"

#include <Poco/Net/HTTPResponse.h>

#include <cppunit/extensions/HelperMacros.h>

#include <cerrno>
#include <chrono>
#include <sys/socket.h>
#include <thread>

namespace hchat::test
{

class LongPollWaitTest : public CppUnit::TestFixture
/// A waiting long poll as a subscriber: the publisher of its message writes
/// the whole 200 once, without waking the poll's thread; anything else
/// (a later number, a full socket, a closed wait, the room's close) leaves
/// it to that thread. Across requests, the watch reads the client's next
/// polls and they are answered while the owner sleeps on; anything else the
/// client sends, and its end, wake the owner. And the long poll's answer,
/// byte for byte.
{
    CPPUNIT_TEST_SUITE(LongPollWaitTest);
    CPPUNIT_TEST(answerIsTheWholeResponse);
    CPPUNIT_TEST(publisherAnswersItsMessageOnce);
    CPPUNIT_TEST(ownerWhoSettlesFirstAnswersItself);
    CPPUNIT_TEST(finishedWaitIsNeverWritten);
    CPPUNIT_TEST(fullSocketRingsTheOwnerWithTheRestKept);
    CPPUNIT_TEST(closeRingsEvenAnsweredWaits);
    CPPUNIT_TEST(watchServesNextPollsWhileTheOwnerSleeps);
    CPPUNIT_TEST(clientsEndWakesTheOwner);
    CPPUNIT_TEST(inputBeforeTheAnswerGoesToTheOwner);
    CPPUNIT_TEST_SUITE_END();

    struct Fixture
    {
        MemoryStore store{100};
        std::shared_ptr<Room> room;
        SocketPair pair;
        std::shared_ptr<Connection> connection = std::make_shared<Connection>(pair.serverSocket());
        Poco::Net::HTTPResponse head;
        LongPollAnswer answer{false, false, head};
        std::atomic<std::int64_t> waiting{0};
        NextRequestWatch watch; ///< last: stopped first, while what it reads is there
        Fixture()
        {
            RoomRecord r;
            r.id = "0123456789abcdef0123456789abcdef";
            store.createRoom(r);
            room = std::make_shared<Room>(r, store, 100);
            head.setKeepAlive(true);
        }
        std::shared_ptr<LongPollWait> wait(std::uint64_t n)
        {
            auto w = std::make_shared<LongPollWait>(n, connection, answer, waiting);
            auto hold = connection->hold();
            connection->setOpen(true);
            room->subscribe(w);
            return w;
        }
        std::shared_ptr<LongPollWait> waitAcross(std::uint64_t n)
        {
            watch.start();
            // The client's polls here are "poll <n>"; anything else is not one.
            auto next = [this](std::uint64_t& number)
            {
                char bytes[64];
                const long got = connection->receive(bytes, sizeof bytes);
                if (got <= 0)
                    return got < 0 ? LongPollWait::Next::Nothing : LongPollWait::Next::Other;
                const std::string text(bytes, static_cast<std::size_t>(got));
                if (text.rfind("poll ", 0) == 0)
                {
                    number = std::stoull(text.substr(5));
                    return LongPollWait::Next::Poll;
                }
                connection->unread(bytes, static_cast<std::size_t>(got));
                return LongPollWait::Next::Other;
            };
            auto w =
                std::make_shared<LongPollWait>(n, connection, answer, waiting, room, next, watch);
            {
                auto hold = connection->hold();
                connection->setOpen(true);
            }
            room->subscribe(w);
            w->watch();
            return w;
        }
        void send(const std::string& text) const
        {
            CPPUNIT_ASSERT_EQUAL(static_cast<ssize_t>(text.size()),
                                 ::send(pair.client, text.data(), text.size(), 0));
        }
        void answerZero()
        {
            room->append(MessageKind::Message, "a", "zero");
            CPPUNIT_ASSERT(readUntil("zero").find("X-Chat-Id: 0\r\n") != std::string::npos);
        }
        std::string readUntil(const std::string& body) const
        {
            std::string got;
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
            while (got.find("\r\n\r\n" + body) == std::string::npos &&
                   std::chrono::steady_clock::now() < deadline)
            {
                got += pair.readAvailable();
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
            return got;
        }
    };

    struct Owner
    /// The wait's owner, as KeptAlivePoll's thread: asleep until the bell
    /// leaves it something to do. A failed check ends it (the room's close).
    {
        Owner(LongPollWait& w, Room& room) : wait(w), room(room)
        {
            thread = std::thread(
                [this]
                {
                    for (;;)
                    {
                        const int ready = wait.wait(10000);
                        if (ready < 0 && wait.rung() && wait.keepWaiting(this->room))
                            continue;
                        break;
                    }
                    woke = true;
                });
        }
        ~Owner()
        {
            if (thread.joinable())
            {
                wait.closed(room);
                thread.join();
            }
        }
        LongPollWait& wait;
        Room& room;
        std::atomic<bool> woke{false};
        std::thread thread;
    };

public:
    void answerIsTheWholeResponse()
    {
        Poco::Net::HTTPResponse head;
        head.setKeepAlive(true);
        head.set("X-Content-Type-Options", "nosniff");
        Message m(7, MessageKind::Message, "ann", Poco::Timestamp(0), "hi\nthere");
        std::string out;
        LongPollAnswer(false, false, head).format(m, out);
        CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.0 200 OK\r\n"), out.substr(0, 17));
        CPPUNIT_ASSERT(out.find("\r\nConnection: Keep-Alive\r\n") != std::string::npos);
        CPPUNIT_ASSERT(out.find("\r\nX-Content-Type-Options: nosniff\r\n") != std::string::npos);
        CPPUNIT_ASSERT(out.find("\r\nContent-Type: text/plain; charset=utf-8\r\n") !=
                       std::string::npos);
        CPPUNIT_ASSERT(out.find("\r\nX-Chat-Id: 7\r\nX-Chat-Author: ann\r\nX-Chat-Time: "
                                "1970-01-01T00:00:00.000Z\r\nX-Chat-Kind: message\r\n"
                                "Content-Length: 8\r\n\r\nhi\nthere") != std::string::npos);
        CPPUNIT_ASSERT(out.find("\r\nDate: ") != std::string::npos);
        out.clear();
        LongPollAnswer(true, false, head).format(m, out);
        CPPUNIT_ASSERT(out.find("Content-Type: application/json\r\n") != std::string::npos);
        CPPUNIT_ASSERT(out.find("\r\n\r\n" + m.json()) != std::string::npos);
    }

    void publisherAnswersItsMessageOnce()
    {
        Fixture f;
        f.room->append(MessageKind::Message, "a", "zero");
        auto one = f.wait(1);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), f.waiting.load());
        f.room->append(MessageKind::Message, "a", "one");
        f.room->append(MessageKind::Message, "a", "two"); // not its number: nothing more
        const std::string got = f.pair.readAvailable();
        CPPUNIT_ASSERT(got.find("X-Chat-Id: 1\r\n") != std::string::npos);
        CPPUNIT_ASSERT(got.substr(got.size() - 3) == "one");
        CPPUNIT_ASSERT(got.find("X-Chat-Id: 2") == std::string::npos);
        CPPUNIT_ASSERT(!one->rung()); // the owner sleeps on
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), f.waiting.load());
        CPPUNIT_ASSERT(one->finish());
        f.room->unsubscribe(one);
    }

    void ownerWhoSettlesFirstAnswersItself()
    {
        Fixture f;
        auto w = f.wait(0);
        CPPUNIT_ASSERT(w->settle());  // the owner found message 0 itself
        CPPUNIT_ASSERT(!w->settle()); // once
        f.room->append(MessageKind::Message, "a", "zero");
        CPPUNIT_ASSERT_EQUAL(std::string(), f.pair.readAvailable());
        CPPUNIT_ASSERT(!w->finish());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), f.waiting.load());
        f.room->unsubscribe(w);
    }

    void finishedWaitIsNeverWritten()
    {
        Fixture f;
        auto w = f.wait(0);
        CPPUNIT_ASSERT(!w->finish()); // timed out, say; still subscribed for a moment
        f.room->append(MessageKind::Message, "a", "zero");
        CPPUNIT_ASSERT_EQUAL(std::string(), f.pair.readAvailable());
        f.room->unsubscribe(w);
    }

    void fullSocketRingsTheOwnerWithTheRestKept()
    {
        Fixture f;
        f.pair.shrinkServerBuffer();
        auto w = f.wait(0);
        std::thread owner([&] { w->wait(5000); });
        f.room->append(MessageKind::Message, "a", std::string(200000, 'x'));
        owner.join(); // woken by the bell, well before the timeout
        CPPUNIT_ASSERT(w->rung());
        CPPUNIT_ASSERT(!w->finish());
        CPPUNIT_ASSERT(f.connection->hasUnsent()); // the owner sends the rest
        std::string got;
        std::thread reader([&] { got = f.pair.readFor(5, 200000); });
        {
            auto claim = f.connection->claim();
        }
        reader.join();
        CPPUNIT_ASSERT(got.size() > 200000 && got.find("X-Chat-Id: 0\r\n") != std::string::npos);
        f.room->unsubscribe(w);
    }

    void closeRingsEvenAnsweredWaits()
    {
        Fixture f;
        auto answered = f.wait(0);
        f.room->append(MessageKind::Message, "a", "zero");
        auto next = f.wait(1);
        f.room->close();
        // The answered one too: its owner still sleeps, waiting for its client.
        CPPUNIT_ASSERT(answered->rung());
        CPPUNIT_ASSERT(next->rung());
        CPPUNIT_ASSERT(answered->finish());
        CPPUNIT_ASSERT(!next->finish());
        f.room->unsubscribe(answered);
        f.room->unsubscribe(next);
    }

    void watchServesNextPollsWhileTheOwnerSleeps()
    {
        Fixture f;
        auto w = f.waitAcross(0);
        Owner owner(*w, *f.room);
        f.answerZero();   // by its publisher
        f.send("poll 1"); // read by the watch; answered by its publisher
        // Once the watch has read it and let go of the connection: a publish
        // that finds the connection claimed rings for the owner instead,
        // as it must (a busy machine made that happen here once).
        CPPUNIT_ASSERT(eventually([&] { return f.waiting.load() == 1; }));
        {
            auto claim = f.connection->claim();
        }
        f.room->append(MessageKind::Message, "a", "one");
        CPPUNIT_ASSERT(f.readUntil("one").find("X-Chat-Id: 1\r\n") != std::string::npos);
        f.room->append(MessageKind::Message, "a", "two");
        f.send("poll 2"); // there already: answered by the watch
        CPPUNIT_ASSERT(f.readUntil("two").find("X-Chat-Id: 2\r\n") != std::string::npos);
        CPPUNIT_ASSERT(!owner.woke);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), f.waiting.load());

        f.send("GET / HTTP/1.1\r\n\r\n"); // not a poll: the owner's
        owner.thread.join();
        CPPUNIT_ASSERT(w->handedOver());
        CPPUNIT_ASSERT(w->finish());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), w->number());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), w->taken());
        char bytes[64];
        CPPUNIT_ASSERT_EQUAL(18L, f.connection->receive(bytes, sizeof bytes)); // given back whole
        f.room->unsubscribe(w);
    }

    void clientsEndWakesTheOwner()
    {
        Fixture f;
        auto w = f.waitAcross(0);
        Owner owner(*w, *f.room);
        f.answerZero();
        ::shutdown(f.pair.client, SHUT_WR);
        owner.thread.join(); // well before its timeout
        CPPUNIT_ASSERT(w->handedOver());
        CPPUNIT_ASSERT(w->finish());
        f.room->unsubscribe(w);
    }

    void inputBeforeTheAnswerGoesToTheOwner()
    {
        Fixture f;
        auto w = f.waitAcross(0);
        Owner owner(*w, *f.room);
        f.send("poll 1"); // pipelined: the owner answers 0 first, then reads it
        owner.thread.join();
        CPPUNIT_ASSERT(w->handedOver());
        CPPUNIT_ASSERT(!w->finish());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), w->number());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), w->taken());
        f.room->append(MessageKind::Message, "a", "zero"); // finished: not written
        CPPUNIT_ASSERT_EQUAL(std::string(), f.pair.readAvailable());
        f.room->unsubscribe(w);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LongPollWaitTest);

} // namespace hchat::test
