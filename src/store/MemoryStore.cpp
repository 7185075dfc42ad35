#include "store/MemoryStore.h"

#include "store/PlainSearch.h"

#include <Poco/Exception.h>
#include <Poco/String.h>

#include <algorithm>

namespace hchat
{

MemoryStore::MemoryStore(std::size_t retain) : _retain(retain == 0 ? 1 : retain) {}

void MemoryStore::createRoom(const RoomRecord& room)
{
    std::lock_guard<std::mutex> lock(_mutex);
    if (!_logs.emplace(room.id, Log()).second)
        throw Poco::ExistsException("room exists", room.id);
    _rooms.push_back(room);
}

void MemoryStore::saveRoom(const RoomRecord& room)
{
    std::lock_guard<std::mutex> lock(_mutex);
    for (RoomRecord& kept : _rooms)
        if (kept.id == room.id)
        {
            const RoomRecord fixed = kept;
            kept = room;
            kept.created = fixed.created;
            kept.owner = fixed.owner;
            kept.ownerKey = fixed.ownerKey;
            return;
        }
    throw Poco::NotFoundException("no such room", room.id);
}

std::vector<RoomRecord> MemoryStore::rooms()
{
    std::lock_guard<std::mutex> lock(_mutex);
    std::vector<RoomRecord> rooms = _rooms;
    for (RoomRecord& room : rooms)
    {
        const auto& messages = _logs[room.id].messages;
        if (!messages.empty())
            room.lastActivity = messages.back()->time();
    }
    return rooms;
}

std::future<void> MemoryStore::append(const std::string& roomId, const MessagePtr& message)
{
    std::promise<void> stored;
    try
    {
        appendNow(roomId, message);
        stored.set_value();
    }
    catch (const Poco::Exception&)
    {
        stored.set_exception(std::current_exception()); // keeps the exception's own type
    }
    return stored.get_future();
}

void MemoryStore::appendNow(const std::string& roomId, const MessagePtr& message)
{
    std::lock_guard<std::mutex> lock(_mutex);
    auto it = _logs.find(roomId);
    if (it == _logs.end())
        throw Poco::NotFoundException("no such room", roomId);
    Log& log = it->second;
    if (message->id() != log.next)
        throw Poco::IllegalStateException("message number out of sequence");
    if (message->isAmendment())
        for (MessagePtr& kept : log.messages)
            if (MessagePtr amended = kept->amendedBy(*message))
                kept = amended;
    log.messages.push_back(message);
    ++log.next;
    while (log.messages.size() > _retain)
        log.messages.pop_front();
}

std::vector<MessagePtr> MemoryStore::read(const std::string& roomId, std::uint64_t from,
                                          std::size_t limit)
{
    std::lock_guard<std::mutex> lock(_mutex);
    std::vector<MessagePtr> out;
    auto it = _logs.find(roomId);
    if (it == _logs.end() || it->second.messages.empty())
        return out;
    const auto& messages = it->second.messages;
    std::uint64_t first = messages.front()->id();
    std::size_t start = from <= first ? 0 : static_cast<std::size_t>(from - first);
    for (std::size_t i = start; i < messages.size() && out.size() < limit; ++i)
        out.push_back(messages[i]);
    return out;
}

Store::Findings MemoryStore::search(const std::string& roomId, const std::string& words,
                                    std::size_t limit, std::uint64_t before)
{
    const PlainSearch wanted(words);
    Findings findings;
    if (wanted.empty())
        return findings;
    std::lock_guard<std::mutex> lock(_mutex);
    auto it = _logs.find(roomId);
    if (it == _logs.end())
        return findings;
    const auto& messages = it->second.messages;
    std::string snippet;
    for (auto m = messages.rbegin(); m != messages.rend() && findings.found.size() < limit; ++m)
        if ((*m)->id() < before && (*m)->kind() == MessageKind::Message &&
            wanted.match((*m)->text(), snippet))
            findings.found.push_back(Found{*m, snippet});
    return findings;
}

Store::Tail MemoryStore::tail(const std::string& roomId, std::size_t count)
{
    std::lock_guard<std::mutex> lock(_mutex);
    Tail tail;
    auto it = _logs.find(roomId);
    if (it == _logs.end())
        return tail;
    const auto& messages = it->second.messages;
    std::size_t start = messages.size() > count ? messages.size() - count : 0;
    tail.recent.assign(messages.begin() + static_cast<std::ptrdiff_t>(start), messages.end());
    tail.next = it->second.next;
    return tail;
}

void MemoryStore::deleteRoom(const std::string& roomId)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _logs.erase(roomId);
    _rooms.erase(std::remove_if(_rooms.begin(), _rooms.end(),
                                [&](const RoomRecord& room) { return room.id == roomId; }),
                 _rooms.end());
    _deleted.push_back(roomId);
}

std::vector<std::string> MemoryStore::deletedRooms()
{
    std::lock_guard<std::mutex> lock(_mutex);
    return _deleted;
}

void MemoryStore::saveAddressBan(const AddressBan& ban)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _bans[ban.address] = ban;
}

void MemoryStore::removeAddressBan(const std::string& address)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _bans.erase(address);
}

std::vector<AddressBan> MemoryStore::addressBans()
{
    std::lock_guard<std::mutex> lock(_mutex);
    std::vector<AddressBan> bans;
    for (const auto& entry : _bans)
        bans.push_back(entry.second);
    return bans;
}

void MemoryStore::createAccount(const AccountRecord& account)
{
    std::lock_guard<std::mutex> lock(_mutex);
    if (!_accounts.emplace(Poco::toLower(account.name), account).second)
        throw Poco::ExistsException("account exists", account.name);
}

std::vector<AccountRecord> MemoryStore::accounts()
{
    std::lock_guard<std::mutex> lock(_mutex);
    std::vector<AccountRecord> all;
    for (const auto& entry : _accounts)
        all.push_back(entry.second);
    return all;
}

void MemoryStore::saveCredential(const Credential& credential)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _credentials[credential.digest] = credential;
}

void MemoryStore::removeCredential(const std::string& digest)
{
    std::lock_guard<std::mutex> lock(_mutex);
    _credentials.erase(digest);
}

std::vector<Credential> MemoryStore::credentials()
{
    std::lock_guard<std::mutex> lock(_mutex);
    const Poco::Timestamp now;
    std::vector<Credential> all;
    for (const auto& entry : _credentials)
        if (entry.second.kind == Credential::Kind::Token || now < entry.second.expires)
            all.push_back(entry.second);
    return all;
}

void MemoryStore::backup(const std::string&)
{
    throw Poco::NotImplementedException(
        "the memory store (store.kind = memory) keeps nothing to back up");
}

} // namespace hchat
