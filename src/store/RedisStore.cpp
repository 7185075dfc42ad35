#include "store/RedisStore.h"

#include "redis/RedisAnswerLost.h"
#include "store/PlainSearch.h"
#include "store/RedisLua.h"
#include "store/RedisNews.h"
#include "store/RedisRecords.h"

#include <Poco/DigestEngine.h>
#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/RandomStream.h>
#include <Poco/String.h>

#include <algorithm>

namespace hchat
{

namespace
{

using Reply = RedisConnection::Reply;

std::vector<std::string> texts(const Reply& reply)
{
    std::vector<std::string> out;
    for (const Reply& element : reply.elements)
        out.push_back(element.text);
    return out;
}

} // namespace

RedisStore::RedisStore(Options options)
    : _options(std::move(options)),
      _redis(_options.address, _options.password, _options.timeout, _options.cluster)
{
    char drawn[8];
    Poco::RandomInputStream().read(drawn, sizeof drawn);
    static const char hex[] = "0123456789abcdef";
    for (char c : drawn)
        _daemon.append({hex[(c >> 4) & 15], hex[c & 15]});
    run({"PING"});
}

RedisStore::~RedisStore()
{
    close();
}

std::string RedisStore::roomKey(const std::string& roomId, const char* name) const
{
    return _options.keyPrefix + "{" + roomId + "}:" + name;
}

Reply RedisStore::run(const std::vector<std::string>& args)
{
    return _redis.command(args);
}

MessagePtr RedisStore::appendNext(const std::string& roomId, const MessagePtr& draft)
{
    if (_closed)
        throw Poco::IllegalStateException("the store is closed");
    const Poco::Int64 since =
        _options.retention > 0
            ? (Poco::Timestamp() - _options.retention.totalMicroseconds()).epochMicroseconds()
            : 0;
    std::vector<std::string> args = {"3",
                                     roomKey(roomId, "next"),
                                     roomKey(roomId, "log"),
                                     roomKey(roomId, "edits"),
                                     key("feed"),
                                     roomId,
                                     RedisRecords::body(*draft),
                                     std::to_string(_options.keep),
                                     std::to_string(since)};
    if (draft->isAmendment() && draft->target() != Message::noTarget)
        args.insert(args.end(),
                    {Message::kindName(draft->kind()), std::to_string(draft->target())});
    Reply number;
    try
    {
        number = _redis.run(RedisLua::append(), std::move(args));
    }
    catch (const RedisAnswerLost& e)
    {
        // The connection broke, or Redis did not answer in time, after the
        // script was sent: the room's log says whether it ran.
        const std::optional<std::uint64_t> found = findAppended(roomId, *draft);
        if (!found)
            throw;
        Poco::Logger::get("hchatd.redis")
            .warning("message %Lu of room %s was stored although Redis's answer was lost (%s)",
                     static_cast<Poco::UInt64>(*found), roomId, e.displayText());
        number.integer = static_cast<long long>(*found);
    }
    catch (const Poco::RuntimeException& e)
    {
        if (e.message().find("NOROOM") != std::string::npos)
            throw Poco::NotFoundException("no such room", roomId);
        throw;
    }
    const auto id = static_cast<std::uint64_t>(number.integer);
    return std::make_shared<const Message>(id, draft->kind(), draft->author(), draft->time(),
                                           draft->text(), draft->crowd(), draft->details());
}

std::optional<std::uint64_t> RedisStore::findAppended(const std::string& roomId,
                                                      const Message& draft)
{
    // Its entry is the number and the body sent; the time in microseconds,
    // author and sender in the body make it the one this node sent.
    const std::string body = RedisRecords::body(draft);
    try
    {
        const Reply last =
            run({"ZREVRANGE", roomKey(roomId, "log"), "0", std::to_string(appendedWithin - 1)});
        for (const std::string& entry : texts(last))
        {
            const std::size_t space = entry.find(' ');
            if (space != std::string::npos &&
                entry.compare(space + 1, std::string::npos, body) == 0)
                return static_cast<std::uint64_t>(std::stoull(entry.substr(0, space)));
        }
    }
    catch (const std::exception&)
    {
        // Still out of reach (or an entry that is not a number): the send's
        // own error answers.
    }
    return std::nullopt;
}

void RedisStore::listen(Listener& listener)
{
    std::lock_guard<std::mutex> lock(_listening);
    _listeners.push_back(&listener);
    if (_feed)
        return;
    _feed = std::make_unique<RedisFeed>(
        _redis, key("feed"), [this](const std::string& payload) { received(payload); },
        [this] { resumed(); }, _options.timeout + Poco::Timespan(1, 0));
    _feed->start();
    _feed->waitSubscribed(_options.timeout);
}

std::vector<Store::Listener*> RedisStore::listeners()
{
    std::lock_guard<std::mutex> lock(_listening);
    return _listeners;
}

void RedisStore::resumed()
{
    for (Listener* listener : listeners())
        listener->resumed();
}

void RedisStore::received(const std::string& payload)
{
    RedisNews::Tell tell;
    try
    {
        tell = RedisNews::read(payload, _daemon);
    }
    catch (const Poco::Exception& e)
    {
        Poco::Logger::get("hchatd.redis")
            .warning("Redis feed: ignored what hchatd did not write: %s", e.displayText());
        return;
    }
    if (!tell)
        return;
    for (Listener* listener : listeners())
        tell(*listener);
}

void RedisStore::publish(const std::string& news)
{
    run({"PUBLISH", key("feed"), news});
}

bool RedisStore::findRoom(const std::string& id, RoomRecord& room)
{
    Reply found = run({"HGET", key("rooms"), id});
    if (found.type != Reply::Type::Text)
        return false;
    room = RedisRecords::readRoom(found.text);
    return true;
}

bool RedisStore::findCredential(const std::string& digest, Credential& credential)
{
    Reply found = run({"HGET", key("credentials"), digest});
    if (found.type != Reply::Type::Text)
        return false;
    credential = RedisRecords::readCredential(found.text);
    return true;
}

std::string RedisStore::epoch()
{
    std::string fresh(16, '\0');
    Poco::RandomInputStream().read(&fresh[0], static_cast<std::streamsize>(fresh.size()));
    run({"SET", key("epoch"),
         Poco::DigestEngine::digestToHex(std::vector<unsigned char>(fresh.begin(), fresh.end())),
         "NX"});
    const Reply mark = run({"GET", key("epoch")});
    return mark.type == Reply::Type::Text ? mark.text : std::string();
}

void RedisStore::restoreRoom(const RoomRecord& room, std::uint64_t next)
{
    run({"HSETNX", key("rooms"), room.id, RedisRecords::room(room)});
    _redis.run(RedisLua::raise(), {"1", roomKey(room.id, "next"), std::to_string(next)});
}

void RedisStore::kick(const std::string& roomId, const std::string& key)
{
    publish(RedisNews::kicked(roomId, key));
}

std::string RedisStore::sharedKey(const std::string& name)
{
    std::string fresh(32, '\0');
    Poco::RandomInputStream().read(&fresh[0], static_cast<std::streamsize>(fresh.size()));
    run({"SET", key("key:" + name), fresh, "NX"});
    const Reply kept = run({"GET", key("key:" + name)});
    if (kept.type != Reply::Type::Text || kept.text.size() != fresh.size())
        throw Poco::DataFormatException("not a key hchatd made in Redis", key("key:" + name));
    return kept.text;
}

bool RedisStore::claimName(const std::string& folded, const std::string& key)
{
    return _redis
               .run(RedisLua::claim(),
                    {"1", this->key("name:" + folded), key, std::to_string(namesHeldMs)})
               .integer == 1;
}

std::vector<std::string>
RedisStore::holdNames(const std::vector<std::pair<std::string, std::string>>& held,
                      const std::vector<std::pair<std::string, std::string>>& released)
{
    // Every name of the daemon, every renewal: one round trip per server.
    std::vector<std::vector<std::string>> calls;
    for (const auto& [folded, person] : released)
        calls.push_back({"1", key("name:" + folded), person});
    if (!calls.empty())
        _redis.runEach(RedisLua::release(), calls);
    calls.clear();
    const std::string heldMs = std::to_string(namesHeldMs);
    for (const auto& [folded, person] : held)
        calls.push_back({"1", key("name:" + folded), person, heldMs});
    std::vector<std::string> lost;
    if (calls.empty())
        return lost;
    const std::vector<Reply> claims = _redis.runEach(RedisLua::claim(), calls);
    for (std::size_t i = 0; i < held.size(); ++i)
        if (claims[i].integer != 1)
            lost.push_back(held[i].first);
    return lost;
}

bool RedisStore::takeToken(const std::string& bucket, double rate, double burst,
                           Poco::Timespan& retryAfter)
{
    const Reply wait = _redis.run(RedisLua::token(), {"1", key("rate:" + bucket),
                                                      std::to_string(rate), std::to_string(burst)});
    if (wait.integer <= 0)
        return true;
    retryAfter = Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(wait.integer));
    return false;
}

std::string RedisStore::nameHolder(const std::string& folded)
{
    const Reply holder = run({"GET", key("name:" + folded)});
    return holder.type == Reply::Type::Text ? holder.text : std::string();
}

std::vector<std::string> RedisStore::nameHolders(const std::vector<std::string>& folded)
{
    std::vector<std::vector<std::string>> calls;
    for (const std::string& name : folded)
        calls.push_back({"1", key("name:" + name)});
    std::vector<std::string> holders(folded.size());
    if (calls.empty())
        return holders;
    const std::vector<Reply> replies = _redis.runEach(RedisLua::get(), calls);
    for (std::size_t i = 0; i < replies.size(); ++i)
        if (replies[i].type == Reply::Type::Text)
            holders[i] = replies[i].text;
    return holders;
}

void RedisStore::holdMailboxes(const std::vector<std::string>& keys)
{
    std::vector<std::vector<std::string>> calls;
    const std::string heldMs = std::to_string(namesHeldMs);
    for (const std::string& person : keys)
        calls.push_back({"1", key("mailbox:" + person), heldMs});
    if (!calls.empty())
        _redis.runEach(RedisLua::mark(), calls);
}

bool RedisStore::hasMailbox(const std::string& person)
{
    return run({"EXISTS", key("mailbox:" + person)}).integer == 1;
}

void RedisStore::sharePresence(const std::string& roomId, const std::vector<std::string>& names)
{
    publish(RedisNews::roomNames(_daemon, roomId, names));
}

void RedisStore::sendLetter(const std::string& toKey, const std::string& from,
                            const std::string& text)
{
    publish(RedisNews::letter(toKey, from, text));
}

void RedisStore::createRoom(const RoomRecord& room)
{
    const std::string record = RedisRecords::room(room);
    if (run({"HSETNX", key("rooms"), room.id, record}).integer == 0)
        throw Poco::ExistsException("room exists", room.id);
    run({"SET", roomKey(room.id, "next"), "0", "NX"});
    publish(RedisNews::roomSaved(record));
}

void RedisStore::saveRoom(const RoomRecord& room)
{
    RoomRecord kept;
    if (!findRoom(room.id, kept))
        throw Poco::NotFoundException("no such room", room.id);
    RoomRecord saved = room;
    saved.created = kept.created;
    saved.owner = kept.owner;
    saved.ownerKey = kept.ownerKey;
    const std::string record = RedisRecords::room(saved);
    run({"HSET", key("rooms"), room.id, record});
    publish(RedisNews::roomSaved(record));
}

std::vector<RoomRecord> RedisStore::rooms()
{
    const Reply all = run({"HGETALL", key("rooms")});
    std::vector<RoomRecord> rooms;
    for (std::size_t i = 1; i < all.elements.size(); i += 2)
        rooms.push_back(RedisRecords::readRoom(all.elements[i].text));
    std::sort(rooms.begin(), rooms.end(),
              [](const RoomRecord& a, const RoomRecord& b)
              { return a.created < b.created || (a.created == b.created && a.id < b.id); });
    for (RoomRecord& room : rooms)
    {
        const Reply last = run({"ZRANGE", roomKey(room.id, "log"), "-1", "-1"});
        if (!last.elements.empty())
            room.lastActivity = RedisRecords::readMessage(last.elements[0].text)->time();
    }
    return rooms;
}

std::future<void> RedisStore::append(const std::string&, const MessagePtr&)
{
    throw Poco::NotImplementedException("Redis numbers the messages: use appendNext()");
}

std::vector<MessagePtr> RedisStore::read(const std::string& roomId, std::uint64_t from,
                                         std::size_t limit)
{
    std::vector<MessagePtr> out;
    if (limit == 0)
        return out;
    const Reply entries = run({"ZRANGEBYSCORE", roomKey(roomId, "log"), std::to_string(from),
                               "+inf", "LIMIT", "0", std::to_string(limit)});
    for (const std::string& entry : texts(entries))
        out.push_back(RedisRecords::readMessage(entry));
    return out;
}

Store::Findings RedisStore::search(const std::string& roomId, const std::string& words,
                                   std::size_t limit, std::uint64_t before)
{
    // Redis has no index of words: the node reads the log from before down,
    // a page per round trip, so that a search never holds Redis for long,
    // and stops at the budget; the client asks again for the older ones.
    const PlainSearch wanted(words);
    Findings findings;
    if (wanted.empty() || limit == 0 || before == 0)
        return findings;
    const std::size_t page = 1000;
    std::string below = before == everyMessage ? "+inf" : "(" + std::to_string(before);
    std::string snippet;
    for (std::size_t read = 0; read < searchBudget;)
    {
        const std::size_t asked = std::min(page, searchBudget - read);
        const Reply entries = run({"ZREVRANGEBYSCORE", roomKey(roomId, "log"), below, "-inf",
                                   "LIMIT", "0", std::to_string(asked)});
        for (const std::string& entry : texts(entries))
        {
            MessagePtr message = RedisRecords::readMessage(entry);
            ++read;
            findings.searchedFrom = message->id();
            if (message->kind() == MessageKind::Message && wanted.match(message->text(), snippet))
                findings.found.push_back(Found{message, snippet});
            if (findings.found.size() == limit)
                return findings;
        }
        if (entries.elements.size() < asked)
        {
            findings.searchedFrom = 0; // the oldest message was read
            break;
        }
        below = "(" + std::to_string(findings.searchedFrom);
    }
    return findings;
}

Store::Tail RedisStore::tail(const std::string& roomId, std::size_t count)
{
    const Reply reply =
        _redis.run(RedisLua::tail(),
                   {"2", roomKey(roomId, "next"), roomKey(roomId, "log"), std::to_string(count)});
    Tail tail;
    if (reply.elements.empty() || reply.elements[0].integer < 0)
        return tail;
    tail.next = static_cast<std::uint64_t>(reply.elements[0].integer);
    for (std::size_t i = 1; i < reply.elements.size(); ++i)
        tail.recent.push_back(RedisRecords::readMessage(reply.elements[i].text));
    return tail;
}

void RedisStore::deleteRoom(const std::string& roomId)
{
    // Its counter first: appends in flight anywhere fail from here on.
    run({"DEL", roomKey(roomId, "next")});
    run({"SADD", key("deleted"), roomId});
    run({"HDEL", key("rooms"), roomId});
    run({"DEL", roomKey(roomId, "log"), roomKey(roomId, "edits")});
    publish(RedisNews::roomDeleted(roomId));
}

std::vector<std::string> RedisStore::deletedRooms()
{
    return texts(run({"SMEMBERS", key("deleted")}));
}

void RedisStore::saveAddressBan(const AddressBan& ban)
{
    const std::string record = RedisRecords::ban(ban);
    run({"HSET", key("bans"), ban.address, record});
    publish(RedisNews::addressBanned(record));
}

void RedisStore::removeAddressBan(const std::string& address)
{
    run({"HDEL", key("bans"), address});
    publish(RedisNews::addressUnbanned(address));
}

std::vector<AddressBan> RedisStore::addressBans()
{
    const Reply all = run({"HGETALL", key("bans")});
    std::vector<AddressBan> bans;
    for (std::size_t i = 1; i < all.elements.size(); i += 2)
        bans.push_back(RedisRecords::readBan(all.elements[i].text));
    return bans;
}

void RedisStore::createAccount(const AccountRecord& account)
{
    const std::string record = RedisRecords::account(account);
    if (run({"HSETNX", key("accounts"), Poco::toLower(account.name), record}).integer == 0)
        throw Poco::ExistsException("account exists", account.name);
    publish(RedisNews::accountCreated(record));
}

std::vector<AccountRecord> RedisStore::accounts()
{
    const Reply all = run({"HGETALL", key("accounts")});
    std::vector<AccountRecord> accounts;
    for (std::size_t i = 1; i < all.elements.size(); i += 2)
        accounts.push_back(RedisRecords::readAccount(all.elements[i].text));
    return accounts;
}

void RedisStore::saveCredential(const Credential& credential)
{
    const std::string record = RedisRecords::credential(credential);
    run({"HSET", key("credentials"), credential.digest, record});
    publish(RedisNews::credentialSaved(record));
}

void RedisStore::removeCredential(const std::string& digest)
{
    run({"HDEL", key("credentials"), digest});
    publish(RedisNews::credentialRemoved(digest));
}

std::vector<Credential> RedisStore::credentials()
{
    const Reply all = run({"HGETALL", key("credentials")});
    const Poco::Timestamp now;
    std::vector<Credential> credentials;
    for (std::size_t i = 1; i < all.elements.size(); i += 2)
    {
        Credential credential = RedisRecords::readCredential(all.elements[i].text);
        if (credential.kind == Credential::Kind::Token || now < credential.expires)
            credentials.push_back(credential);
        else
            run({"HDEL", key("credentials"), credential.digest});
    }
    return credentials;
}

void RedisStore::backup(const std::string&)
{
    throw Poco::NotImplementedException(
        "the Redis store (store.kind = redis) is backed up by Redis itself: BGSAVE, or a copy "
        "of its AOF");
}

void RedisStore::close()
{
    _closed = true;
    if (_feed)
        _feed->stop();
}

} // namespace hchat
