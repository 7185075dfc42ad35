#include "chat/Permissions.h"
#include "chat/Room.h"
#include "store/MemoryStore.h"
#include "store/SqliteStore.h"
#include "support/DaemonProcess.h"

#include <Poco/File.h>

#include <cppunit/extensions/HelperMacros.h>

namespace hchat::test
{

class MessageAmendmentTest : public CppUnit::TestFixture
/// Edits and deletions below the transports (SPEC §11): who may do what to
/// whom, as a table; what an edit or delete entry does to the entries it
/// targets; a room and both stores rewrite them, inside and beyond the
/// in-memory window, and SQLite keeps that (and a room's owner) over a reopen.
{
    CPPUNIT_TEST_SUITE(MessageAmendmentTest);
    CPPUNIT_TEST(permissionsTable);
    CPPUNIT_TEST(amendedByRewritesOnlyItsTarget);
    CPPUNIT_TEST(roomRewritesInAndBeyondItsWindow);
    CPPUNIT_TEST(amendChecksTheTargetAsItReadsNow);
    CPPUNIT_TEST(sqliteKeepsAmendmentsAndOwners);
    CPPUNIT_TEST_SUITE_END();

    using Role = Permissions::Role;
    using Action = Permissions::Action;

    static MessagePtr message(std::uint64_t id, MessageKind kind, const std::string& text,
                              std::uint64_t target = Message::noTarget)
    {
        MessageDetails details;
        details.target = target;
        details.sender = "s";
        return std::make_shared<const Message>(id, kind, "ann", Poco::Timestamp(), text, Crowd(),
                                               details);
    }

    static RoomRecord record()
    {
        RoomRecord r;
        r.id = "0123456789abcdef0123456789abcdef";
        r.subject = "t";
        r.owner = "Ann";
        r.ownerKey = "digest";
        return r;
    }

    static MessageDetails about(std::uint64_t target)
    {
        MessageDetails details;
        details.target = target;
        return details;
    }

public:
    void permissionsTable()
    {
        const Role roles[] = {Role::Person, Role::Moderator, Role::Owner, Role::Operator};
        // Rows: the actor; columns: the subject (whose message, whom to ban).
        const bool deleteOthers[4][4] = {{false, false, false, false},
                                         {true, false, false, false},
                                         {true, true, false, false},
                                         {true, true, true, false}};
        for (int a = 0; a < 4; ++a)
            for (int s = 0; s < 4; ++s)
                for (Action action : {Action::DeleteMessage, Action::Kick, Action::Ban})
                    CPPUNIT_ASSERT_EQUAL(deleteOthers[a][s],
                                         Permissions::may(roles[a], action, roles[s]));
        const bool ownersOnly[4] = {false, false, true, true};
        for (int a = 0; a < 4; ++a)
        {
            for (Action action : {Action::ChangeRoom, Action::NameModerators, Action::DeleteRoom})
                CPPUNIT_ASSERT_EQUAL(ownersOnly[a], Permissions::may(roles[a], action));
            CPPUNIT_ASSERT(Permissions::may(roles[a], Action::EditOwn));
            CPPUNIT_ASSERT(Permissions::may(roles[a], Action::DeleteOwn));
        }
        CPPUNIT_ASSERT_EQUAL(std::string("owner"), std::string(Permissions::name(Role::Owner)));
    }

    void amendedByRewritesOnlyItsTarget()
    {
        const MessagePtr original = message(3, MessageKind::Message, "helo");
        const MessagePtr notice = message(4, MessageKind::Join, "ann joined");
        const MessagePtr edit = message(5, MessageKind::Edit, "hello", 3);
        const MessagePtr otherEdit = message(6, MessageKind::Edit, "x", 4);

        const MessagePtr edited = original->amendedBy(*edit);
        CPPUNIT_ASSERT(edited);
        CPPUNIT_ASSERT_EQUAL(std::string("hello"), edited->text());
        CPPUNIT_ASSERT(edited->isEdited() && edited->edited() == edit->time());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), edited->id());
        CPPUNIT_ASSERT(edited->json().find("\"edited\":\"") != std::string::npos);
        CPPUNIT_ASSERT(!original->amendedBy(*otherEdit));
        CPPUNIT_ASSERT(!notice->amendedBy(*otherEdit)); // a notice is never edited
        CPPUNIT_ASSERT(!original->amendedBy(*notice));
        CPPUNIT_ASSERT(edit->json().find("\"kind\":\"edit\"") != std::string::npos &&
                       edit->json().find("\"target\":3") != std::string::npos);

        const MessagePtr deletion = message(7, MessageKind::Delete, "", 3);
        const MessagePtr deleted = edited->amendedBy(*deletion);
        CPPUNIT_ASSERT(deleted && deleted->kind() == MessageKind::Deleted);
        CPPUNIT_ASSERT(deleted->text().empty());
        CPPUNIT_ASSERT(deleted->json().find("\"kind\":\"deleted\"") != std::string::npos);
        const MessagePtr blanked = edit->amendedBy(*deletion);
        CPPUNIT_ASSERT(blanked && blanked->kind() == MessageKind::Edit && blanked->text().empty());
        CPPUNIT_ASSERT(!otherEdit->amendedBy(*deletion));
        CPPUNIT_ASSERT(!deleted->amendedBy(*edit)); // nothing brings it back
    }

    void roomRewritesInAndBeyondItsWindow()
    {
        MemoryStore store(100);
        store.createRoom(record());
        Room room(record(), store, 3); // three messages in memory
        room.append(MessageKind::Message, "ann", "old one");
        room.append(MessageKind::Message, "ann", "typo");
        for (int i = 0; i < 3; ++i)
            room.append(MessageKind::Message, "bob", "filler");
        const auto yes = [](const MessagePtr& target) { return target != nullptr; };
        // Message 0 is beyond the window (read from the store), 4 is in it.
        CPPUNIT_ASSERT(room.amend(MessageKind::Edit, "ann", "older one", about(0), yes));
        CPPUNIT_ASSERT(room.amend(MessageKind::Edit, "bob", "fixed", about(4), yes));
        MessagePtr out;
        CPPUNIT_ASSERT(room.get(0, out) == Room::Lookup::Found);
        CPPUNIT_ASSERT_EQUAL(std::string("older one"), out->text());
        CPPUNIT_ASSERT(room.get(4, out) == Room::Lookup::Found);
        CPPUNIT_ASSERT_EQUAL(std::string("fixed"), out->text());
        CPPUNIT_ASSERT(room.amend(MessageKind::Delete, "bob", "", about(4), yes));
        CPPUNIT_ASSERT(room.get(4, out) == Room::Lookup::Found);
        CPPUNIT_ASSERT(out->kind() == MessageKind::Deleted);
        // The edit of 4 (number 6) lost its text, in memory and in the store.
        CPPUNIT_ASSERT(room.get(6, out) == Room::Lookup::Found);
        CPPUNIT_ASSERT(out->text().empty());
        CPPUNIT_ASSERT(store.read(record().id, 6, 1).front()->text().empty());
        CPPUNIT_ASSERT(store.read(record().id, 4, 1).front()->kind() == MessageKind::Deleted);
        std::uint64_t next = 0;
        CPPUNIT_ASSERT_EQUAL(std::size_t(8), room.range(0, 100, next).size());
    }

    void amendChecksTheTargetAsItReadsNow()
    {
        MemoryStore store(100);
        store.createRoom(record());
        Room room(record(), store, 10);
        room.append(MessageKind::Message, "ann", "hi");
        MessagePtr seen;
        const auto look = [&](const MessagePtr& target)
        {
            seen = target;
            return false;
        };
        CPPUNIT_ASSERT(!room.amend(MessageKind::Edit, "ann", "x", about(0), look));
        CPPUNIT_ASSERT(seen && seen->text() == "hi");
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), room.next()); // a "no" appends nothing
        CPPUNIT_ASSERT(!room.amend(MessageKind::Delete, "ann", "", about(5), look));
        CPPUNIT_ASSERT(!seen); // no message 5
    }

    void sqliteKeepsAmendmentsAndOwners()
    {
        const std::string dir = DaemonProcess::tempDir();
        const std::string id = record().id;
        {
            SqliteStore store(dir + "/a.db");
            store.createRoom(record());
            store.append(id, message(0, MessageKind::Message, "first")).get();
            store.append(id, message(1, MessageKind::Edit, "second", 0)).get();
            store.append(id, message(2, MessageKind::Message, "other")).get();
            store.append(id, message(3, MessageKind::Edit, "other, edited", 2)).get();
            store.append(id, message(4, MessageKind::Delete, "", 0)).get();
        }
        SqliteStore store(dir + "/a.db");
        const auto rooms = store.rooms();
        CPPUNIT_ASSERT_EQUAL(std::string("Ann"), rooms.at(0).owner);
        CPPUNIT_ASSERT_EQUAL(std::string("digest"), rooms.at(0).ownerKey);
        const auto all = store.read(id, 0, 10);
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), all.size());
        CPPUNIT_ASSERT(all[0]->kind() == MessageKind::Deleted && all[0]->text().empty());
        CPPUNIT_ASSERT(all[1]->kind() == MessageKind::Edit && all[1]->text().empty());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), all[1]->target());
        CPPUNIT_ASSERT_EQUAL(std::string("other, edited"), all[2]->text());
        CPPUNIT_ASSERT(all[2]->isEdited());
        CPPUNIT_ASSERT_EQUAL(std::string("s"), all[2]->sender());
        CPPUNIT_ASSERT_EQUAL(std::string("other, edited"), all[3]->text());
        CPPUNIT_ASSERT(all[4]->kind() == MessageKind::Delete);
        Poco::File(dir).remove(true);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MessageAmendmentTest);

} // namespace hchat::test
