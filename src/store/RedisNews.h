#pragma once

#include "store/Store.h"

#include <functional>
#include <string>
#include <vector>

namespace hchat
{

class RedisNews
/// What the daemons sharing a Redis tell each other on its one channel
/// (SPEC §12), written and read in this one place: "<kind letter> <what>",
/// one PUBLISH each, heard by every daemon (its own included) in Redis's
/// order. The records in it are RedisRecords'. Kinds: m <room id> <entry>
/// (a message; published by the append script, RedisLua::append), r <room>,
/// d <room id>, a <account>, c <credential>, x <digest>, k <room id>
/// <person key>, b <address ban>, u <address>, o <daemon> <room id> <names>,
/// p <letter>.
{
public:
    // record: what RedisRecords made of it, as the keys keep it too.
    static std::string roomSaved(const std::string& record);
    static std::string roomDeleted(const std::string& roomId);
    static std::string accountCreated(const std::string& record);
    static std::string credentialSaved(const std::string& record);
    static std::string credentialRemoved(const std::string& digest);
    static std::string kicked(const std::string& roomId, const std::string& key);
    static std::string addressBanned(const std::string& record);
    static std::string addressUnbanned(const std::string& address);
    static std::string roomNames(const std::string& daemon, const std::string& roomId,
                                 const std::vector<std::string>& names);
    static std::string letter(const std::string& toKey, const std::string& from,
                              const std::string& text);

    using Tell = std::function<void(Store::Listener&)>;
    static Tell read(const std::string& news, const std::string& daemon);
    /// The call that tells a listener what `news` says, decoded once for
    /// all listeners; an empty one for a list of `daemon`'s own (this
    /// daemon's lists are its People's). Throws Poco::DataFormatException
    /// for what was not written as above.
};

} // namespace hchat
