#include "http/CookieSigner.h"

#include "chat/IdGenerator.h"

#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/RandomStream.h>
#include <Poco/SHA2Engine.h>

namespace hchat
{

namespace
{
// What HMACEngine asks of its hash: SHA-256's block and digest sizes.
struct Sha256 : Poco::SHA2Engine
{
    enum
    {
        BLOCK_SIZE = 64,
        DIGEST_SIZE = 32
    };
    Sha256() : Poco::SHA2Engine(SHA_256) {}
};

const std::size_t halfHex = 16; // 64 random bits, then 64 bits of their tag
} // namespace

CookieSigner::CookieSigner()
{
    Poco::RandomInputStream random;
    _key.resize(32);
    random.read(&_key[0], static_cast<std::streamsize>(_key.size()));
}

CookieSigner::CookieSigner(std::string key) : _key(std::move(key)) {}

std::string CookieSigner::tag(const std::string& random) const
{
    Poco::HMACEngine<Sha256> hmac(_key);
    hmac.update(random);
    return Poco::DigestEngine::digestToHex(hmac.digest()).substr(0, halfHex);
}

std::string CookieSigner::issue() const
{
    const std::string random = IdGenerator::next().substr(0, halfHex);
    return random + tag(random);
}

bool CookieSigner::verify(const std::string& id) const
{
    if (!IdGenerator::isValid(id))
        return false;
    // Compared in constant time: the tag is a secret until it matches.
    const std::string expected = tag(id.substr(0, halfHex));
    unsigned char differ = 0;
    for (std::size_t i = 0; i < halfHex; ++i)
        differ |= static_cast<unsigned char>(expected[i] ^ id[halfHex + i]);
    return differ == 0;
}

} // namespace hchat
