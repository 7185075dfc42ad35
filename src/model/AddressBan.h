#pragma once

#include <Poco/Timestamp.h>

#include <string>

namespace hchat
{

struct AddressBan
/// An address or a network refused on every port (hchatd --ctl ban-address).
{
    std::string address;      ///< "192.0.2.7", "2001:db8::1" or a network, "192.0.2.0/24"
    Poco::Timestamp until{0}; ///< when it ends; the epoch (0): never

    bool forGood() const { return until.epochMicroseconds() == 0; }
};

} // namespace hchat
