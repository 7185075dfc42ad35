#pragma once

#include <Poco/Timestamp.h>

#include <functional>
#include <string>
#include <vector>

namespace hchat
{

class AddressBans;
class People;
class RoomRegistry;
class Store;
struct Metrics;

class ControlCommands
/// What an operator can do to a running daemon through its control socket
/// (hchatd --ctl, ControlServer), each command handled below under its
/// syntax line. Every command is logged with who asked. Thread-safe.
{
public:
    struct Answer
    {
        bool ok = false;
        std::string text; ///< the output (ok), or the error in a sentence
        std::string file; ///< ok: a file to send after text, removed once sent (backup)
    };

    struct Parts
    /// The daemon's pieces the commands act on.
    {
        RoomRegistry& rooms;
        People& people;
        Store& store;
        AddressBans& bans;
        Metrics& metrics;
        std::function<std::size_t()> disconnectBanned; ///< closes banned addresses' connections
        std::string scratchDir;                        ///< where a backup is written first
        std::string storeName;                         ///< "sqlite /var/lib/hchatd/hchatd.db"
    };

    explicit ControlCommands(Parts parts);

    Answer run(const std::vector<std::string>& words, const std::string& who);
    /// words: the command and its arguments; who: the peer, for the log.

    static std::string check(const std::vector<std::string>& words);
    /// Why the words are no command ("" when they are one): an unknown
    /// name or the wrong number of arguments. Also used by the client.
    static std::string usage();
    /// The commands, one a line, for --help and errors.

private:
    Answer backup();
    Answer rooms();
    Answer deleteRoom(const std::string& id);
    Answer banAddress(const std::string& address, const std::string& seconds);
    Answer unbanAddress(const std::string& address);
    Answer bans();
    Answer stats();

    Parts _parts;
    const Poco::Timestamp _started;
};

} // namespace hchat
