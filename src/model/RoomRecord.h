#pragma once

#include "model/RoomBan.h"

#include <Poco/Timestamp.h>

#include <string>
#include <vector>

namespace hchat
{

struct RoomRecord
/// What is stored about a room besides its messages. Its id, creation and
/// owner are fixed; its owner changes the rest (SPEC §11).
{
    enum class Posting
    {
        Everyone,  ///< anyone who is not banned
        Accounts,  ///< people logged in to an account
        Moderators ///< the owner, the moderators and the operator
    };

    std::string id;      ///< 32 lowercase hex characters
    std::string subject; ///< UTF-8, trimmed, at most 200 bytes, may be empty
    bool isPublic = false;
    Poco::Timestamp created;
    Poco::Timestamp lastActivity; ///< the time of its last message (or created) when read
    std::string owner;            ///< the account that created it, or "" (SPEC §11)
    std::string ownerKey; ///< the digest (Secrets::digest) of its owner link's secret, or ""
    Posting posting = Posting::Everyone;
    int slowMode = 0;                    ///< seconds between one person's messages; 0: off
    std::vector<std::string> moderators; ///< account names, as the owner gave them
    std::vector<RoomBan> bans;

    static const char* postingName(Posting posting);
    /// "everyone", "accounts", "moderators".
    static bool parsePosting(const std::string& name, Posting& posting);
};

} // namespace hchat
