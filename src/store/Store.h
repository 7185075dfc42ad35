#pragma once

#include "model/AccountRecord.h"
#include "model/AddressBan.h"
#include "model/Message.h"
#include "model/RoomRecord.h"

#include <Poco/Timespan.h>

#include <cstdint>
#include <future>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace hchat
{

class Store
/// Where rooms and messages live beyond the in-memory window of each Room.
/// Implementations: MemoryStore (tests, throwaway use), SqliteStore (default)
/// and RedisStore (several daemons share it: isShared()).
/// All methods are thread-safe.
///
/// Contract: append() hands a message over and returns a future that becomes
/// ready once the message is as durable as the store can make it, or holds
/// the Poco::Exception that kept it from being stored. A Room acknowledges a
/// message only after its future is ready without an exception, so a store
/// may commit the messages of many senders together (group commit).
/// Appends to one room are stored in the order they were handed over, and
/// only if message->id() is the room's next number: after a failed append,
/// every later append of that room that was already handed over fails too,
/// so a room's stored log never has a gap. Other methods throw on failure.
///
/// An edit or delete entry (Message::isAmendment) rewrites what it targets
/// in the same step as it is stored (Message::amendedBy): the target and, for
/// a deletion, every edit of it; nothing of a deleted text stays readable,
/// in the store's file either (SqliteStore: its search index's copy of the
/// words within seconds, merged out after the deletion).
{
public:
    struct Tail
    /// The end of a room's log, loaded when the room is first used.
    {
        std::vector<MessagePtr> recent; ///< the last messages, in order
        std::uint64_t next = 0;         ///< the number the next message gets
    };

    class Listener
    /// Told by a shared store what any daemon stored, this one included, in
    /// the order it was stored, from a thread of the store's own. Each
    /// listener takes what concerns it.
    {
    public:
        virtual ~Listener() = default;
        virtual void appended(const std::string& /*roomId*/, const MessagePtr&) {}
        virtual void roomSaved(const RoomRecord&) {}
        /// A room was created or its settings changed.
        virtual void roomDeleted(const std::string& /*roomId*/) {}
        virtual void accountCreated(const AccountRecord&) {}
        virtual void credentialSaved(const Credential&) {}
        virtual void credentialRemoved(const std::string& /*digest*/) {}
        virtual void kicked(const std::string& /*roomId*/, const std::string& /*key*/) {}
        virtual void addressBanned(const AddressBan&) {}
        virtual void addressUnbanned(const std::string& /*address*/) {}
        /// Someone was put out of a room (Room::kick) on some daemon.
        virtual void roomNames(const std::string& /*daemon*/, const std::string& /*roomId*/,
                               const std::vector<std::string>& /*names*/)
        {
        }
        /// Who is in the room on another daemon now (sharePresence()).
        virtual void letter(const std::string& /*toKey*/, const std::string& /*from*/,
                            const std::string& /*text*/)
        {
        }
        /// A private message to the person `key`, wherever they are.
        virtual void resumed() {}
        /// What was stored while the store could not tell (it was out of
        /// reach; also at the start) was not told: read it again.
    };

    virtual ~Store() = default;

    virtual bool isShared() const { return false; }
    /// Whether other daemons store into it too: then it numbers the
    /// messages (appendNext(), never append()) and tells a Listener.
    virtual MessagePtr appendNext(const std::string& roomId, const MessagePtr& draft);
    /// A shared store's append: stores draft (its id is ignored) as the
    /// room's next message, durably, and returns it with its number. Throws
    /// when it is not stored: nothing is acknowledged then. Other stores:
    /// Poco::NotImplementedException.
    virtual void listen(Listener&) {}
    /// A shared store tells the listener from now on (until close());
    /// several may listen.
    virtual bool findRoom(const std::string&, RoomRecord&) { return false; }
    virtual bool findCredential(const std::string& /*digest*/, Credential&) { return false; }
    virtual std::string epoch() { return ""; }
    /// A shared store: a random mark made with its data (made now when
    /// missing). Another mark than before means the store lost what it
    /// had (a restart without persistence, a flush). Others: "".
    virtual void restoreRoom(const RoomRecord&, std::uint64_t /*next*/) {}
    /// A shared store that lost its data: stores the room again (unless it
    /// is there) with its numbering going on from at least `next`.
    virtual void kick(const std::string& /*roomId*/, const std::string& /*key*/) {}
    /// A shared store tells every daemon (Listener::kicked) that the person
    /// `key` is put out of the room; other stores: nothing to do.
    virtual std::string sharedKey(const std::string& /*name*/) { return ""; }

    // What a shared store shares of the people online (People, SPEC §12).
    // Other stores: one daemon has them all, there is nothing to do.
    static constexpr long namesHeldMs = 7000;
    /// How long a name stays claimed after the last claimName/holdNames of
    /// it (a daemon killed: its people's names free up after that).
    virtual bool claimName(const std::string& /*folded*/, const std::string& /*key*/)
    {
        return true;
    }
    /// The name (Nickname::folded) is the person `key`'s on every daemon,
    /// for namesHeldMs. False when someone else holds it.
    virtual std::vector<std::string>
    holdNames(const std::vector<std::pair<std::string, std::string>>& /*held*/,
              const std::vector<std::pair<std::string, std::string>>& /*released*/)
    {
        return {};
    }
    /// Renews the (folded name, key) claims held, ends the released ones
    /// (unless someone else holds them by now), and returns the held names
    /// someone else claimed meanwhile.
    virtual std::string nameHolder(const std::string& /*folded*/) { return ""; }
    /// The key of the person who holds that name on some daemon, or "".
    virtual std::vector<std::string> nameHolders(const std::vector<std::string>& folded)
    {
        return std::vector<std::string>(folded.size());
    }
    /// nameHolder() of each name, in one round trip per server.
    virtual void holdMailboxes(const std::vector<std::string>& /*keys*/) {}
    /// These people (keys) can be sent private messages on this daemon (a
    /// stream of theirs is open here): every daemon knows for namesHeldMs.
    virtual bool hasMailbox(const std::string& /*key*/) { return false; }
    /// Whether some daemon said so of the person within namesHeldMs.
    virtual void sharePresence(const std::string& /*roomId*/,
                               const std::vector<std::string>& /*names*/)
    {
    }
    /// Tells the other daemons who is in the room on this one
    /// (Listener::roomNames there); an empty list: nobody any more.
    virtual void sendLetter(const std::string& /*toKey*/, const std::string& /*from*/,
                            const std::string& /*text*/)
    {
    }
    /// A private message to the person `key` on whatever daemon they are
    /// (Listener::letter on every daemon).
    virtual bool takeToken(const std::string& /*bucket*/, double /*rate*/, double /*burst*/,
                           Poco::Timespan& /*retryAfter*/)
    {
        return true;
    }
    /// A shared store: takes a token from the bucket every daemon shares
    /// (`rate` tokens a second, at most `burst`, full when new); false,
    /// with the wait for the next one, when it is empty. Other stores:
    /// true (RateLimiter keeps the buckets of a daemon of its own).
    /// A shared store: the random key of that name every daemon on it uses
    /// (32 bytes; made by the first daemon that asks), so that what one
    /// signs the others accept. Other stores: "" (each daemon draws its own).
    /// A shared store: the room or credential, when it exists (stored by
    /// another daemon a moment ago, and not told yet). Other stores: false,
    /// since rooms() and credentials() gave them all.

    virtual void createRoom(const RoomRecord& room) = 0;
    virtual void saveRoom(const RoomRecord& room) = 0;
    /// Replaces what the owner may change of a stored room: subject,
    /// listing, posting rule, slow mode, moderators and bans.
    virtual std::vector<RoomRecord> rooms() = 0;
    /// Every room, in creation order, with its last activity as stored.

    virtual std::future<void> append(const std::string& roomId, const MessagePtr& message) = 0;
    /// Hands a message over for storing (see the contract above). Never throws.

    virtual std::vector<MessagePtr> read(const std::string& roomId, std::uint64_t from,
                                         std::size_t limit) = 0;
    /// Up to limit messages with id >= from, in order. Messages dropped by
    /// retention are missing, so the first id returned may be above from.

    struct Found
    /// A message found by search(), and its words around what matched.
    {
        MessagePtr message;
        std::string snippet; ///< each match between \x02 and \x03; "…" where cut
    };

    struct Findings
    /// What search() found, and how far back it looked.
    {
        std::vector<Found> found;
        std::uint64_t searchedFrom = 0; ///< those numbered below it were not searched (0: none)
    };

    static constexpr std::uint64_t everyMessage = std::numeric_limits<std::uint64_t>::max();
    ///< search()'s before when no number is too high

    virtual Findings search(const std::string& roomId, const std::string& words, std::size_t limit,
                            std::uint64_t before) = 0;
    /// Up to limit messages (kind message, never a deleted one) of the room,
    /// numbered below before, that have every one of the words, the last one
    /// as a prefix, letters compared without case (SqliteStore: nor
    /// accents); best matches first (SqliteStore: by rank; the others: the
    /// newest). RedisStore reads at most 10,000 messages a call, from
    /// the newest down, and stops at limit found: searchedFrom says where to
    /// go on (as before) for the older ones; the others search every one.

    virtual Tail tail(const std::string& roomId, std::size_t count) = 0;
    /// The last count messages of a room and its next number.

    virtual void deleteRoom(const std::string& roomId) = 0;
    /// Removes the room's record and every message of it (their bytes
    /// overwritten where the store has a file) and keeps its id among
    /// deletedRooms(). Appends to it that were handed over fail.
    virtual std::vector<std::string> deletedRooms() = 0;
    /// The ids of the rooms deleted so far: their URLs answer 410.

    virtual void saveAddressBan(const AddressBan& ban) = 0;
    /// Adds the ban, or replaces the one of the same address.
    virtual void removeAddressBan(const std::string& address) = 0;
    virtual std::vector<AddressBan> addressBans() = 0;

    virtual void createAccount(const AccountRecord& account) = 0;
    /// Throws Poco::ExistsException when the name (case-insensitively) has one.
    virtual std::vector<AccountRecord> accounts() = 0;

    virtual void saveCredential(const Credential& credential) = 0;
    virtual void removeCredential(const std::string& digest) = 0;
    virtual std::vector<Credential> credentials() = 0;
    /// Every session and token; sessions past their end are left out (and
    /// may be deleted).

    virtual void backup(const std::string& file) = 0;
    /// Writes a consistent copy of everything stored now to file (an SQLite
    /// database hchatd can open as its store), while appends go on. Throws
    /// Poco::NotImplementedException for a store that keeps no file.

    virtual void close() {}
    /// Stores what was handed over, then refuses further appends (shutdown).
};

} // namespace hchat
