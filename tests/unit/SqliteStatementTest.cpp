#include "store/SqliteStatement.h"

#include <Poco/Exception.h>

#include <cppunit/extensions/HelperMacros.h>
#include <sqlite3.h>

namespace hchat::test
{

class SqliteStatementTest : public CppUnit::TestFixture
/// A statement compiled once: rows read with step(), runs of it again and
/// again, one left half-read, and errors that leave it usable.
{
    CPPUNIT_TEST_SUITE(SqliteStatementTest);
    CPPUNIT_TEST(rowsAreReadAndTheStatementRunsAgain);
    CPPUNIT_TEST(aRunLeftUnfinishedIsResetByTheNextBind);
    CPPUNIT_TEST(anErrorLeavesItUsable);
    CPPUNIT_TEST_SUITE_END();

    sqlite3* _db = nullptr;

public:
    void setUp() override
    {
        CPPUNIT_ASSERT_EQUAL(SQLITE_OK, sqlite3_open(":memory:", &_db));
        CPPUNIT_ASSERT_EQUAL(
            SQLITE_OK, sqlite3_exec(_db,
                                    "CREATE TABLE t (k INTEGER PRIMARY KEY, n INTEGER, s TEXT);"
                                    "INSERT INTO t VALUES (1, -5, 'één'), (2, 7, NULL),"
                                    " (3, 9000000000, 'a' || char(0) || 'b')",
                                    nullptr, nullptr, nullptr));
    }

    void tearDown() override { sqlite3_close(_db); }

    void rowsAreReadAndTheStatementRunsAgain()
    {
        SqliteStatement select(_db, "SELECT n, s FROM t WHERE k >= ? ORDER BY k LIMIT ?");
        for (int run = 0; run < 2; ++run) // the same rows each time
        {
            select.bind(1, Poco::Int64(1)).bind(2, Poco::Int64(10));
            CPPUNIT_ASSERT(select.step());
            CPPUNIT_ASSERT_EQUAL(Poco::Int64(-5), select.integer(0));
            CPPUNIT_ASSERT_EQUAL(std::string("één"), select.text(1));
            CPPUNIT_ASSERT(select.step());
            CPPUNIT_ASSERT_EQUAL(Poco::Int64(7), select.integer(0));
            CPPUNIT_ASSERT_EQUAL(std::string(), select.text(1)); // NULL
            CPPUNIT_ASSERT(select.step());
            CPPUNIT_ASSERT_EQUAL(Poco::Int64(9000000000), select.integer(0));
            CPPUNIT_ASSERT_EQUAL(std::string("a\0b", 3), select.text(1)); // every byte
            CPPUNIT_ASSERT(!select.step());
        }
        select.bind(1, Poco::Int64(3)).bind(2, Poco::Int64(10));
        CPPUNIT_ASSERT(select.step());
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(9000000000), select.integer(0));
        CPPUNIT_ASSERT(!select.step());
        select.bind(1, Poco::Int64(4)).bind(2, Poco::Int64(10));
        CPPUNIT_ASSERT(!select.step()); // none
    }

    void aRunLeftUnfinishedIsResetByTheNextBind()
    {
        SqliteStatement select(_db, "SELECT k FROM t WHERE k >= ? ORDER BY k");
        select.bind(1, Poco::Int64(1));
        CPPUNIT_ASSERT(select.step());
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), select.integer(0));
        // Not read to the end: binding again starts a new run, from its first row.
        select.bind(1, Poco::Int64(2));
        CPPUNIT_ASSERT(select.step());
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(2), select.integer(0));
        CPPUNIT_ASSERT(select.step());
        CPPUNIT_ASSERT(!select.step());
    }

    void anErrorLeavesItUsable()
    {
        SqliteStatement insert(_db, "INSERT INTO t (k, n, s) VALUES (?, ?, 'x')");
        insert.bind(1, Poco::Int64(1)).bind(2, Poco::Int64(0));
        CPPUNIT_ASSERT_THROW(insert.step(), Poco::Exception); // k 1 is taken
        insert.bind(1, Poco::Int64(5)).bind(2, Poco::Int64(50));
        CPPUNIT_ASSERT(!insert.step()); // an INSERT has no rows: done
        SqliteStatement select(_db, "SELECT n FROM t WHERE k = ?");
        select.bind(1, Poco::Int64(5));
        CPPUNIT_ASSERT(select.step());
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(50), select.integer(0));
        CPPUNIT_ASSERT(!select.step());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteStatementTest);

} // namespace hchat::test
