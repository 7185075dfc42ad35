#pragma once

#include <string>

namespace hchat
{

class CookieSigner
/// Client and person ids that only this daemon can have issued, in the
/// form of every id (32 lowercase hex characters): 64 random bits, then 64
/// bits of an HMAC-SHA-256 tag of them under a key drawn at start. An id a
/// client made up names no person, so fresh cookies buy no fresh rate
/// limit. A restart draws a new key: pages then get new ids, as nobody is
/// online after a restart anyway. Thread-safe (immutable after construction).
{
public:
    CookieSigner();
    /// A fresh random key.

    explicit CookieSigner(std::string key);
    /// A given key (tests).

    std::string issue() const;
    /// A new id.

    bool verify(const std::string& id) const;
    /// Whether issue() under this key made the id.

private:
    std::string tag(const std::string& random) const;

    std::string _key;
};

} // namespace hchat
