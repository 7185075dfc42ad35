#include "util/Secrets.h"

#include <Poco/Exception.h>

#include <mutex>
#include <sodium.h>

namespace hchat
{

namespace
{
void ready()
{
    static std::once_flag once;
    std::call_once(once,
                   []
                   {
                       if (sodium_init() < 0)
                           throw Poco::RuntimeException("libsodium could not be set up");
                   });
}
} // namespace

std::string Secrets::hashPassword(const std::string& password)
{
    ready();
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password.data(), password.size(),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        throw Poco::RuntimeException("no memory to hash a password");
    return hash;
}

bool Secrets::checkPassword(const std::string& hash, const std::string& password)
{
    ready();
    if (hash.size() >= crypto_pwhash_STRBYTES)
        return false;
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string Secrets::digest(const std::string& secret)
{
    ready();
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, out, sizeof out);
    return hex;
}

} // namespace hchat
