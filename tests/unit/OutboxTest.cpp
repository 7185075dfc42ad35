#include "http/Outbox.h"
#include "chat/Doorbell.h"
#include "chat/Room.h"
#include "store/MemoryStore.h"

#include <cppunit/extensions/HelperMacros.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace hchat::test
{

class OutboxTest : public CppUnit::TestFixture
/// A stream's write side shared by its own thread and by publishers: a
/// publisher sends only when it can without waiting, and whatever the
/// client is owed reaches it once, in order, whoever sends it.
{
    CPPUNIT_TEST_SUITE(OutboxTest);
    CPPUNIT_TEST(publisherSendsOnlyOnceOpen);
    CPPUNIT_TEST(roomDeliversThroughTheShortcutWithoutRinging);
    CPPUNIT_TEST(busyOwnerOrFarBehindClientIsLeftToTheOwner);
    CPPUNIT_TEST(whatDidNotFitGoesOutFirstAndOnce);
    CPPUNIT_TEST_SUITE_END();

    // A transport whose wire form of a message is its text and a newline.
    static void lines(const Cursor::Slice& slice, std::string& out)
    {
        for (const MessagePtr& m : slice.messages)
            out.append(m->text()).append("\n");
    }

    struct Fixture
    {
        MemoryStore store{1000};
        std::shared_ptr<Room> room;
        int client = -1; ///< what the client reads
        int server = -1; ///< the daemon's end
        Fixture()
        {
            RoomRecord r;
            r.id = "0123456789abcdef0123456789abcdef";
            store.createRoom(r);
            room = std::make_shared<Room>(r, store, 1000);
            int pair[2];
            CPPUNIT_ASSERT_EQUAL(0, ::socketpair(AF_UNIX, SOCK_STREAM, 0, pair));
            client = pair[0];
            server = pair[1];
        }
        ~Fixture()
        {
            ::close(client);
            ::close(server);
        }
        std::string readAvailable() const
        {
            std::string got;
            char buffer[65536];
            ssize_t n;
            while ((n = ::recv(client, buffer, sizeof buffer, MSG_DONTWAIT)) > 0)
                got.append(buffer, static_cast<std::size_t>(n));
            return got;
        }
    };

public:
    void publisherSendsOnlyOnceOpen()
    {
        Fixture f;
        Outbox outbox(f.server, f.room, 0, lines);
        f.room->append(MessageKind::Message, "a", "one");
        CPPUNIT_ASSERT(!outbox.deliverNow()); // the owner has not sent what comes first
        CPPUNIT_ASSERT_EQUAL(std::string(), f.readAvailable());
        {
            auto claim = outbox.claim();
            outbox.write("head\n");
            outbox.setOpen(true);
        }
        CPPUNIT_ASSERT(outbox.deliverNow());
        f.room->append(MessageKind::Message, "a", "two");
        CPPUNIT_ASSERT(outbox.deliverNow());
        CPPUNIT_ASSERT(outbox.deliverNow()); // nothing new: nothing to do
        CPPUNIT_ASSERT_EQUAL(std::string("head\none\ntwo\n"), f.readAvailable());
        {
            auto claim = outbox.claim();
            outbox.write("end\n");
            outbox.setOpen(false);
        }
        f.room->append(MessageKind::Message, "a", "three");
        CPPUNIT_ASSERT(!outbox.deliverNow()); // nothing may follow the end
        CPPUNIT_ASSERT_EQUAL(std::string("end\n"), f.readAvailable());
    }

    void roomDeliversThroughTheShortcutWithoutRinging()
    {
        Fixture f;
        Outbox outbox(f.server, f.room, 0, lines);
        auto bell = std::make_shared<Doorbell>();
        bell->setShortcut([&outbox] { return outbox.deliverNow(); });
        f.room->subscribe(bell);
        f.room->append(MessageKind::Message, "a", "before");
        CPPUNIT_ASSERT(bell->rung()); // not open yet: the owner is woken
        bell->clear();
        {
            auto claim = outbox.claim();
            outbox.setOpen(true);
        }
        f.room->append(MessageKind::Message, "a", "after");
        CPPUNIT_ASSERT(!bell->rung()); // sent by this thread, the owner sleeps on
        CPPUNIT_ASSERT_EQUAL(std::string("before\nafter\n"), f.readAvailable());
        f.room->close();
        CPPUNIT_ASSERT(bell->rung()); // a close always wakes the owner
        f.room->unsubscribe(bell);
    }

    void busyOwnerOrFarBehindClientIsLeftToTheOwner()
    {
        Fixture f;
        Outbox outbox(f.server, f.room, 0, lines);
        {
            auto claim = outbox.claim();
            outbox.setOpen(true);
            f.room->append(MessageKind::Message, "a", "0");
            // The owner holds the outbox: a publisher does not wait for it.
            bool delivered = true;
            std::thread publisher([&] { delivered = outbox.deliverNow(); });
            publisher.join();
            CPPUNIT_ASSERT(!delivered);
        }
        // A few behind: a publisher sends them all.
        for (int i = 1; i < 10; ++i)
            f.room->append(MessageKind::Message, "a", std::to_string(i));
        CPPUNIT_ASSERT(outbox.deliverNow());
        std::string got = f.readAvailable();
        CPPUNIT_ASSERT_EQUAL(std::string("0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n"), got);
        // Far behind: left to the owner, who may have to read the store.
        for (int i = 10; i < 40; ++i)
            f.room->append(MessageKind::Message, "a", std::to_string(i));
        CPPUNIT_ASSERT(!outbox.deliverNow());
        CPPUNIT_ASSERT_EQUAL(std::string(), f.readAvailable());
        {
            auto claim = outbox.claim();
            std::string rest;
            for (Cursor::Slice s = outbox.cursor().take(100); !s.messages.empty();
                 s = outbox.cursor().take(100))
                outbox.formatSlice(s, rest);
            outbox.write(rest);
        }
        got += f.readAvailable();
        std::string expected;
        for (int i = 0; i < 40; ++i)
            expected += std::to_string(i) + "\n";
        CPPUNIT_ASSERT_EQUAL(expected, got);
    }

    void whatDidNotFitGoesOutFirstAndOnce()
    {
        // The client stops reading: a publisher's send is cut short, the
        // rest waits in the outbox, and the owner's next claim sends it
        // before anything else, blocking until the client reads again.
        Fixture f;
        int small = 4096;
        ::setsockopt(f.server, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
        ::setsockopt(f.client, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        Outbox outbox(f.server, f.room, 0, lines);
        {
            auto claim = outbox.claim();
            outbox.setOpen(true);
        }
        std::string expected;
        int refusals = 0;
        for (int i = 0; i < 200; ++i)
        {
            std::string text = std::to_string(i) + ":" + std::string(900, 'x');
            expected += text + "\n";
            f.room->append(MessageKind::Message, "a", text);
            if (!outbox.deliverNow())
                ++refusals;
        }
        CPPUNIT_ASSERT(refusals > 0); // the buffers filled up
        std::string got;
        std::thread reader(
            [&]
            {
                char buffer[4096];
                while (got.size() < expected.size())
                {
                    pollfd p{f.client, POLLIN, 0};
                    if (::poll(&p, 1, 5000) <= 0)
                        return;
                    ssize_t n = ::recv(f.client, buffer, sizeof buffer, 0);
                    if (n <= 0)
                        return;
                    got.append(buffer, static_cast<std::size_t>(n));
                }
            });
        {
            auto claim = outbox.claim(); // the leftover first
            std::string rest;
            for (Cursor::Slice s = outbox.cursor().take(100); !s.messages.empty();
                 s = outbox.cursor().take(100))
                outbox.formatSlice(s, rest);
            outbox.write(rest);
        }
        reader.join();
        CPPUNIT_ASSERT_EQUAL(expected.size(), got.size());
        CPPUNIT_ASSERT(expected == got);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(OutboxTest);

} // namespace hchat::test
