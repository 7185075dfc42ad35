#pragma once

#include "store/Store.h"

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace hchat
{

class MemoryStore : public Store
/// A store that forgets everything at exit, for tests and throwaway use.
/// It keeps at most `retain` messages per room (chat.historyLimit), so the
/// daemon's memory stays bounded; older messages are gone and answer 410.
/// Thread-safe: _mutex guards every field.
{
public:
    explicit MemoryStore(std::size_t retain);

    void createRoom(const RoomRecord& room) override;
    void saveRoom(const RoomRecord& room) override;
    std::vector<RoomRecord> rooms() override;
    std::future<void> append(const std::string& roomId, const MessagePtr& message) override;
    std::vector<MessagePtr> read(const std::string& roomId, std::uint64_t from,
                                 std::size_t limit) override;
    Findings search(const std::string& roomId, const std::string& words, std::size_t limit,
                    std::uint64_t before) override;
    /// Newest first; a word matches anywhere in a text (no accent folding).
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
    /// Throws Poco::NotImplementedException: nothing outlives the process.

protected:
    virtual void appendNow(const std::string& roomId, const MessagePtr& message);
    /// Stores at once; throws when it cannot (overridden by tests to fail).

private:
    struct Log
    {
        std::deque<MessagePtr> messages;
        std::uint64_t next = 0;
    };

    std::size_t _retain;
    std::mutex _mutex;
    std::vector<RoomRecord> _rooms;
    std::map<std::string, Log> _logs;
    std::vector<std::string> _deleted;
    std::map<std::string, AddressBan> _bans;
    std::map<std::string, AccountRecord> _accounts; ///< by folded name
    std::map<std::string, Credential> _credentials; ///< by digest
};

} // namespace hchat
