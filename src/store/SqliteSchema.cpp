#include "store/SqliteSchema.h"

#include "store/SqliteSearch.h"

#include <string>
#include <vector>

namespace hchat
{

using namespace Poco::Data::Keywords;

namespace
{

// The tables of a new file, in the order they are made.
const std::vector<const char*> schema = {
    "CREATE TABLE rooms ("
    " seq     INTEGER PRIMARY KEY,"              // internal key, what messages refer to
    " id      TEXT NOT NULL UNIQUE,"             // the public id: 32 lowercase hex characters
    " subject TEXT NOT NULL,"                    // UTF-8, at most 200 bytes, may be empty
    " public  INTEGER NOT NULL,"                 // 1: listed on the index page and /api/rooms
    " created INTEGER NOT NULL,"                 // when the room was created
    " next    INTEGER NOT NULL,"                 // at least the number its next message gets, and
    " last    INTEGER NOT NULL,"                 // at least the time of its last message: both
                                                 // written when retention deletes a room's
                                                 // messages, else the newest message says it
    " owner   TEXT NOT NULL DEFAULT '',"         // the account that created it, or ''
    " owner_key TEXT NOT NULL DEFAULT '',"       // digest of its owner link's secret, or ''
    " posting TEXT NOT NULL DEFAULT 'everyone'," // who may post: everyone, accounts, moderators
    " slow    INTEGER NOT NULL DEFAULT 0,"       // slow mode: seconds between one's messages
    " moderators TEXT NOT NULL DEFAULT '',"      // account names, space-separated
    " indexed INTEGER NOT NULL DEFAULT 0)",      // messages numbered below it are searchable
    "CREATE TABLE messages ("
    " room   INTEGER NOT NULL,"            // rooms.seq
    " id     INTEGER NOT NULL,"            // number in the room: 0, 1, 2, … without gaps
    " kind   TEXT NOT NULL,"               // message, join, leave or nick
    " author TEXT NOT NULL,"               // display name
    " time   INTEGER NOT NULL,"            // when it was appended
    " text   TEXT NOT NULL,"               // exactly as sent, UTF-8
    " crowd  TEXT NOT NULL DEFAULT '',"    // a grouped notice's people (Crowd::json), or ''
    " account TEXT NOT NULL DEFAULT '',"   // the account that sent it (accounts.name), or ''
    " sender TEXT NOT NULL DEFAULT '',"    // who sent it (a digest), so they may edit it
    " target INTEGER NOT NULL DEFAULT -1," // an edit or delete entry: the message it is about
    " edited INTEGER NOT NULL DEFAULT 0,"  // when its text was last edited; 0: never
    " request TEXT NOT NULL DEFAULT '',"   // the sender's Idempotency-Key for it, or ''
    " PRIMARY KEY (room, id)) WITHOUT ROWID",
    // The edits of a message, found when it is deleted (their text goes too).
    "CREATE INDEX edits ON messages (room, target) WHERE kind = 'edit'",
    "CREATE TABLE deleted_rooms ("
    " id   TEXT PRIMARY KEY," // a deleted room's public id: its URLs answer 410; nothing
    " time INTEGER NOT NULL)" // else of it is kept. time: when it was deleted
    " WITHOUT ROWID",
    "CREATE TABLE address_bans ("
    " address TEXT PRIMARY KEY," // an address or a network ("192.0.2.0/24") refused
    " until   INTEGER NOT NULL)" // on every port until then; 0: for good
    " WITHOUT ROWID",
    "CREATE TABLE room_bans ("
    " room   INTEGER NOT NULL," // rooms.seq
    " name   TEXT NOT NULL,"    // the name banned, folded
    " sender TEXT NOT NULL,"    // the person banned (a digest), or ''
    " until  INTEGER NOT NULL," // when it ends; 0: for good
    " PRIMARY KEY (room, name)) WITHOUT ROWID",
    "CREATE TABLE accounts ("
    " folded  TEXT PRIMARY KEY," // the name in lower case, which makes names unique
    " name    TEXT NOT NULL,"    // the name as registered
    " hash    TEXT NOT NULL,"    // Argon2id of the password (crypto_pwhash_str)
    " created INTEGER NOT NULL)"
    " WITHOUT ROWID",
    "CREATE TABLE credentials ("
    " digest  TEXT PRIMARY KEY," // hex SHA-256 of a session's or token's secret,
    " kind    TEXT NOT NULL,"    // never the secret: 'session' or 'token'
    " account TEXT NOT NULL,"    // accounts.name
    " expires INTEGER NOT NULL)" // a session ends then; a token: 0
    " WITHOUT ROWID",
    SqliteSearch::schema(), // the messages' words (FTS5)
};

// upgrades[v - 1] takes a file of version v to version v + 1.
const std::vector<std::vector<const char*>> upgrades = {
    {"ALTER TABLE messages ADD COLUMN crowd TEXT NOT NULL DEFAULT ''"}, // 1 -> 2: grouped notices
    {schema[3], schema[4]}, // 2 -> 3: deleted rooms and address bans
    {"ALTER TABLE messages ADD COLUMN account TEXT NOT NULL DEFAULT ''", schema[6],
     schema[7]}, // 3 -> 4: accounts
    {"ALTER TABLE rooms ADD COLUMN owner TEXT NOT NULL DEFAULT ''",
     "ALTER TABLE rooms ADD COLUMN owner_key TEXT NOT NULL DEFAULT ''",
     "ALTER TABLE messages ADD COLUMN sender TEXT NOT NULL DEFAULT ''",
     "ALTER TABLE messages ADD COLUMN target INTEGER NOT NULL DEFAULT -1",
     "ALTER TABLE messages ADD COLUMN edited INTEGER NOT NULL DEFAULT 0",
     "ALTER TABLE rooms ADD COLUMN posting TEXT NOT NULL DEFAULT 'everyone'",
     "ALTER TABLE rooms ADD COLUMN slow INTEGER NOT NULL DEFAULT 0",
     "ALTER TABLE rooms ADD COLUMN moderators TEXT NOT NULL DEFAULT ''", schema[2],
     schema[5]}, // 4 -> 5: owners, edits and deletions, moderation
    {"ALTER TABLE rooms ADD COLUMN indexed INTEGER NOT NULL DEFAULT 0", SqliteSearch::schema(),
     SqliteSearch::fill(),
     "UPDATE rooms SET indexed = (SELECT coalesce(max(id) + 1, 0) FROM messages WHERE room = "
     "rooms.seq)"},                                                       // 5 -> 6: search
    {"ALTER TABLE messages ADD COLUMN request TEXT NOT NULL DEFAULT ''"}, // 6 -> 7: retries
};

} // namespace

void SqliteSchema::apply(Poco::Data::Session& db, int found)
{
    if (found == version)
        return;
    if (found == 0)
        for (const char* statement : schema)
            db << statement, now;
    else
        for (int v = found; v < version; ++v)
            for (const char* statement : upgrades[static_cast<std::size_t>(v - 1)])
                db << statement, now;
    db << "PRAGMA user_version=" + std::to_string(version), now;
}

} // namespace hchat
