#pragma once

#include <Poco/Timestamp.h>

#include <string>

namespace hchat
{

struct AccountRecord
/// A registered name (SPEC §10) as the store keeps it.
{
    std::string name;         ///< as registered (its case kept); unique case-insensitively
    std::string passwordHash; ///< Argon2id, libsodium's crypto_pwhash_str form
    Poco::Timestamp created;
};

struct Credential
/// A login session (the hchat_session cookie) or a bot's token: never the
/// secret itself, only its digest, and whose it is.
{
    enum class Kind
    {
        Session,
        Token
    };
    Kind kind = Kind::Session;
    std::string digest;         ///< hex SHA-256 of the secret
    std::string account;        ///< the account's name
    Poco::Timestamp expires{0}; ///< sessions end then; tokens: 0, never
};

} // namespace hchat
