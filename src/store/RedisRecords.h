#pragma once

#include "model/AccountRecord.h"
#include "model/AddressBan.h"
#include "model/Message.h"
#include "model/RoomRecord.h"

#include <string>
#include <vector>

namespace hchat
{

class RedisRecords
/// How RedisStore writes what it keeps as Redis values: JSON objects whose
/// values are all strings (the Lua of RedisStore edits messages with
/// cjson, which would round 16-digit numbers). A message is kept as
/// "<number> <microseconds> <json>", its number and time first so that a
/// script reads them without decoding. Decoding throws
/// Poco::DataFormatException for what these functions did not write.
/// Presence lists and private messages (names, letter) go through the
/// channel only.
{
public:
    static std::string body(const Message& message);
    /// "<microseconds> <json>": what the append script puts its number before.
    static std::string entry(const Message& message);
    /// "<number> <microseconds> <json>".
    static MessagePtr readMessage(const std::string& entry);

    static std::string room(const RoomRecord& room);
    static RoomRecord readRoom(const std::string& json);

    static std::string account(const AccountRecord& account);
    static AccountRecord readAccount(const std::string& json);
    static std::string credential(const Credential& credential);
    static Credential readCredential(const std::string& json);
    static std::string ban(const AddressBan& ban);
    static AddressBan readBan(const std::string& json);
    static std::string names(const std::vector<std::string>& names);
    static std::vector<std::string> readNames(const std::string& json);
    static std::string letter(const std::string& toKey, const std::string& from,
                              const std::string& text);
    static void readLetter(const std::string& json, std::string& toKey, std::string& from,
                           std::string& text);
};

} // namespace hchat
