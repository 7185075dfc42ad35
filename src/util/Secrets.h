#pragma once

#include <string>

namespace hchat
{

class Secrets
/// How hchatd keeps secrets (SPEC §10), with libsodium: a password only as
/// its Argon2id hash, a session's or token's 128-bit secret only as its
/// SHA-256 digest. Thread-safe (no state but libsodium's, set up once).
{
public:
    static std::string hashPassword(const std::string& password);
    /// crypto_pwhash_str with the "interactive" limits (64 MiB, about 0.1 s
    /// here): a salted Argon2id hash in its text form. Throws
    /// Poco::RuntimeException when memory for it is lacking.

    static bool checkPassword(const std::string& hash, const std::string& password);
    /// Whether the password is the one hashed; the comparison takes the
    /// same time however much of it matches (libsodium).

    static std::string digest(const std::string& secret);
    /// Hex SHA-256: what the store keeps of a session's or token's secret.
};

} // namespace hchat
