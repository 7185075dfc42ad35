#pragma once

#include "redis/RedisFeed.h"
#include "redis/RedisRouter.h"
#include "store/Store.h"

#include <Poco/Timespan.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace hchat
{

class RedisStore : public Store
/// The store several daemons share (SPEC §12, store.kind = redis): every
/// room, message, account, session, token and address ban in one Redis.
/// A message is numbered, stored and published in one Lua script (so two
/// daemons sending at once can make no gap, no duplicate and no second
/// order) and acknowledged once Redis answered; with appendfsync always
/// that is after Redis wrote it to disk. Each daemon follows one channel
/// (RedisFeed) that tells it of every message, room change and deletion.
///
/// Keys, under keyPrefix (P): P rooms, P deleted, P bans, P accounts,
/// P credentials (hashes and a set), and per room P{<id>}:next (the number
/// of its next message; exists while the room does), P{<id>}:log (a sorted
/// set of RedisRecords entries scored by number) and P{<id>}:edits (which
/// edit entries each edited message has, for its deletion); a room's keys
/// share the hash tag {<id>}, so that a Redis Cluster keeps them on one
/// server and a script may use them together (RedisRouter sends each
/// command where its key is). The channel is P feed.
///
/// Redis out of reach: every method throws Poco::IOException within the
/// timeout (sends answer 503), and the feed reconnects by itself. A send
/// whose answer was lost (the connection broke after the script was sent,
/// or the answer came too late) is looked for among the room's last
/// appendedWithin entries once Redis answers again: found, it is
/// acknowledged with its number rather than refused while stored.
{
public:
    struct Options
    {
        std::string address = "127.0.0.1:6379";
        std::string password;
        std::string keyPrefix = "hchat:";
        Poco::Timespan timeout = Poco::Timespan(2, 0);
        Poco::Timespan retention = 0; ///< messages older than this are trimmed (0: kept)
        std::size_t keep = 0;         ///< messages kept per room (0: every one)
        bool cluster = false;         ///< address is a server of a Redis Cluster
    };

    explicit RedisStore(Options options);
    /// Connects once to check that Redis answers (throws Poco::IOException
    /// naming the address when it does not).
    ~RedisStore() override;

    bool isShared() const override { return true; }
    MessagePtr appendNext(const std::string& roomId, const MessagePtr& draft) override;
    static constexpr std::size_t appendedWithin = 100;
    void listen(Listener& listener) override;
    bool findRoom(const std::string& id, RoomRecord& room) override;
    bool findCredential(const std::string& digest, Credential& credential) override;
    std::string epoch() override;
    /// Kept as P epoch.
    void restoreRoom(const RoomRecord& room, std::uint64_t next) override;
    void kick(const std::string& roomId, const std::string& key) override;
    std::string sharedKey(const std::string& name) override;
    /// Kept as P key:<name>.
    bool claimName(const std::string& folded, const std::string& key) override;
    std::vector<std::string>
    holdNames(const std::vector<std::pair<std::string, std::string>>& held,
              const std::vector<std::pair<std::string, std::string>>& released) override;
    std::string nameHolder(const std::string& folded) override;
    std::vector<std::string> nameHolders(const std::vector<std::string>& folded) override;
    void holdMailboxes(const std::vector<std::string>& keys) override;
    bool hasMailbox(const std::string& key) override;
    /// A name held is P name:<folded>, the holder's key, expiring.
    void sharePresence(const std::string& roomId, const std::vector<std::string>& names) override;
    void sendLetter(const std::string& toKey, const std::string& from,
                    const std::string& text) override;
    /// Both go through the channel only: nothing of them is stored.
    bool takeToken(const std::string& bucket, double rate, double burst,
                   Poco::Timespan& retryAfter) override;
    /// P rate:<bucket>, a hash that expires once it would be full.

    void createRoom(const RoomRecord& room) override;
    void saveRoom(const RoomRecord& room) override;
    std::vector<RoomRecord> rooms() override;
    std::future<void> append(const std::string& roomId, const MessagePtr& message) override;
    /// Throws Poco::NotImplementedException: this store numbers messages.
    std::vector<MessagePtr> read(const std::string& roomId, std::uint64_t from,
                                 std::size_t limit) override;
    Findings search(const std::string& roomId, const std::string& words, std::size_t limit,
                    std::uint64_t before) override;
    /// PlainSearch, newest first, over at most searchBudget messages below
    /// before, read from Redis a page at a time.
    static constexpr std::size_t searchBudget = 10000;
    Tail tail(const std::string& roomId, std::size_t count) override;
    void deleteRoom(const std::string& roomId) override;
    std::vector<std::string> deletedRooms() override;
    void saveAddressBan(const AddressBan& ban) override;
    void removeAddressBan(const std::string& address) override;
    std::vector<AddressBan> addressBans() override;
    void createAccount(const AccountRecord& account) override;
    std::vector<AccountRecord> accounts() override;
    void saveCredential(const Credential& credential) override;
    void removeCredential(const std::string& digest) override;
    std::vector<Credential> credentials() override;
    void backup(const std::string& file) override;
    /// Throws Poco::NotImplementedException: Redis keeps its own (BGSAVE,
    /// the AOF).
    void close() override;

private:
    std::string key(const std::string& name) const { return _options.keyPrefix + name; }
    std::string roomKey(const std::string& roomId, const char* name) const;
    RedisConnection::Reply run(const std::vector<std::string>& args);
    std::optional<std::uint64_t> findAppended(const std::string& roomId, const Message& draft);
    /// The number of the entry the script stores for draft, when it is
    /// among the room's last appendedWithin; none when it is not or Redis
    /// is still out of reach.
    void received(const std::string& payload);
    /// What the channel said (RedisNews), told to each listener.
    void publish(const std::string& news);
    /// On the channel, to every daemon (this one included).
    void resumed();
    std::vector<Listener*> listeners();

    const Options _options;
    RedisRouter _redis;
    std::mutex _listening; ///< guards _listeners and _feed's start
    std::vector<Listener*> _listeners;
    std::unique_ptr<RedisFeed> _feed;
    std::atomic<bool> _closed{false};
    std::string _daemon; ///< a random id of this daemon, for its presence lists
};

} // namespace hchat
