#include "ctl/ControlCommands.h"

#include "chat/IdGenerator.h"
#include "chat/People.h"
#include "chat/RoomRegistry.h"
#include "model/Message.h"
#include "net/AddressBans.h"
#include "store/Store.h"
#include "util/Metrics.h"

#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/NumberParser.h>
#include <Poco/Path.h>
#include <Poco/String.h>

#include <algorithm>
#include <sstream>

namespace hchat
{

namespace
{
struct Syntax
{
    const char* name;
    const char* arguments;
    std::size_t least, most;
    const char* what;
};

const Syntax commands[] = {
    {"backup", "FILE", 1, 1, "write a consistent copy of the database to FILE, online"},
    {"rooms", "", 0, 0, "list every room: id, listing, messages, people online, activity, subject"},
    {"delete-room", "ID", 1, 1, "delete a room for everyone; its URLs answer 410"},
    {"ban-address", "ADDRESS[/BITS] [SECONDS]", 1, 2,
     "refuse an address or network on every port and close its connections"},
    {"unban-address", "ADDRESS[/BITS]", 1, 1, "lift an address ban"},
    {"bans", "", 0, 0, "list the address bans in force"},
    {"stats", "", 0, 0, "uptime, rooms, connections and messages, one 'name value' a line"},
};

const Syntax* find(const std::string& name)
{
    for (const Syntax& syntax : commands)
        if (name == syntax.name)
            return &syntax;
    return nullptr;
}

ControlCommands::Answer ok(std::string text)
{
    return {true, std::move(text), ""};
}

ControlCommands::Answer failed(std::string text)
{
    return {false, std::move(text), ""};
}

std::string until(const AddressBan& ban)
{
    return ban.forGood() ? "for good" : "until " + Message::formatTime(ban.until);
}
} // namespace

ControlCommands::ControlCommands(Parts parts) : _parts(std::move(parts)) {}

std::string ControlCommands::check(const std::vector<std::string>& words)
{
    if (words.empty())
        return "no command given";
    const Syntax* syntax = find(words[0]);
    if (!syntax)
        return "unknown command '" + words[0] + "'";
    const std::size_t given = words.size() - 1;
    if (given < syntax->least || given > syntax->most)
        return std::string("usage: ") + syntax->name +
               (*syntax->arguments ? std::string(" ") + syntax->arguments : "");
    return "";
}

std::string ControlCommands::usage()
{
    std::string text;
    for (const Syntax& syntax : commands)
    {
        std::string line = std::string("  ") + syntax.name + " " + syntax.arguments;
        line.resize(std::max<std::size_t>(line.size() + 1, 42), ' ');
        text += line + syntax.what + "\n";
    }
    return text;
}

ControlCommands::Answer ControlCommands::run(const std::vector<std::string>& words,
                                             const std::string& who)
{
    Poco::Logger& log = Poco::Logger::get("hchatd.control");
    const std::string problem = check(words);
    if (!problem.empty())
    {
        log.warning("%s: refused: %s", who, problem);
        return failed(problem);
    }
    log.information("%s: %s", who, Poco::cat(std::string(" "), words.begin(), words.end()));
    const std::string& name = words[0];
    try
    {
        if (name == "backup")
            return backup();
        if (name == "rooms")
            return rooms();
        if (name == "delete-room")
            return deleteRoom(words[1]);
        if (name == "ban-address")
            return banAddress(words[1], words.size() > 2 ? words[2] : "0");
        if (name == "unban-address")
            return unbanAddress(words[1]);
        if (name == "bans")
            return bans();
        return stats();
    }
    catch (const Poco::InvalidArgumentException& e)
    {
        log.warning("%s: refused: %s", who, e.message());
        return failed(e.message());
    }
    catch (const Poco::Exception& e)
    {
        log.error("%s: %s failed: %s", who, name, e.displayText());
        return failed(e.message().empty() ? e.displayText() : e.message());
    }
}

// backup FILE: the client writes FILE; the daemon sends the copy.
ControlCommands::Answer ControlCommands::backup()
{
    // Beside the database: the one folder the daemon may surely write.
    const std::string file = Poco::Path(Poco::Path::forDirectory(_parts.scratchDir),
                                        ".hchatd-backup-" + IdGenerator::next())
                                 .toString();
    _parts.store.backup(file);
    Answer answer = ok("");
    answer.file = file;
    return answer;
}

// rooms
ControlCommands::Answer ControlCommands::rooms()
{
    struct Row
    {
        Poco::Timestamp last;
        std::string line;
    };
    std::vector<Row> rows;
    for (const auto& room : _parts.rooms.all())
    {
        const RoomRecord& record = room->record();
        const Poco::Timestamp last = room->lastActivity();
        rows.push_back({last, record.id + " " + (record.isPublic ? "public  " : "unlisted") + " " +
                                  std::to_string(room->count()) + " " +
                                  std::to_string(_parts.people.countOnline(record.id)) + " " +
                                  Message::formatTime(last) + " " + record.subject + "\n"});
    }
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.last > b.last; });
    std::string text = "# id listing messages online last-activity subject\n";
    for (const Row& row : rows)
        text += row.line;
    return ok(text);
}

// delete-room ID
ControlCommands::Answer ControlCommands::deleteRoom(const std::string& id)
{
    if (!IdGenerator::isValid(id))
        return failed("'" + id + "' is no room id (32 lowercase hex digits)");
    auto room = _parts.rooms.find(id);
    if (!room)
        return failed(_parts.rooms.wasDeleted(id) ? "room " + id + " was deleted already"
                                                  : "no room " + id);
    const std::string subject = room->record().subject;
    room.reset();
    try
    {
        if (!_parts.rooms.remove(id))
            return failed("room " + id + " was deleted already");
    }
    catch (const Poco::Exception& e)
    {
        Poco::Logger::get("hchatd.control").error("deleting room %s: %s", id, e.displayText());
        return failed("room " + id +
                      " is gone until the daemon restarts, but the database could "
                      "not delete it: " +
                      e.message());
    }
    return ok("deleted room " + id + (subject.empty() ? "" : " (" + subject + ")") + "\n");
}

// ban-address ADDRESS[/BITS] [SECONDS]
ControlCommands::Answer ControlCommands::banAddress(const std::string& address,
                                                    const std::string& seconds)
{
    unsigned count = 0;
    if (seconds.find_first_not_of("0123456789") != std::string::npos ||
        !Poco::NumberParser::tryParseUnsigned(seconds, count) || count > 100u * 365 * 86400)
        return failed("bad SECONDS '" + seconds + "' (a whole number; 0 or none: for good)");
    AddressBan ban;
    ban.address = AddressBans::normalize(address);
    if (count > 0)
        ban.until = Poco::Timestamp() + Poco::Timespan(static_cast<long>(count), 0);
    _parts.store.saveAddressBan(ban); // kept over a restart, or nothing changes
    _parts.bans.set(ban);
    const std::size_t closed = _parts.disconnectBanned();
    return ok("banned " + ban.address + " " + until(ban) + "; closed " + std::to_string(closed) +
              (closed == 1 ? " connection\n" : " connections\n"));
}

// unban-address ADDRESS[/BITS]
ControlCommands::Answer ControlCommands::unbanAddress(const std::string& address)
{
    const std::string key = AddressBans::normalize(address);
    const auto bans = _parts.bans.list();
    if (std::none_of(bans.begin(), bans.end(),
                     [&](const AddressBan& ban) { return ban.address == key; }))
        return failed(key + " is not banned");
    // A shared store tells every daemon, this one too: lifted here maybe
    // before lift() below, which then finds nothing.
    _parts.store.removeAddressBan(key);
    _parts.bans.lift(key);
    return ok("lifted the ban of " + key + "\n");
}

// bans
ControlCommands::Answer ControlCommands::bans()
{
    std::string text;
    for (const AddressBan& ban : _parts.bans.list())
        text += ban.address + " " + until(ban) + "\n";
    return ok(text);
}

// stats
ControlCommands::Answer ControlCommands::stats()
{
    const Metrics& m = _parts.metrics;
    const auto value = [](const auto& counter) { return std::to_string(counter.load()); };
    std::size_t open = 0;
    for (const auto& room : _parts.rooms.all())
        open += room->record().isPublic ? 1 : 0;
    std::ostringstream out;
    out << "uptime_seconds " << _started.elapsed() / 1000000 << '\n'
        << "store " << _parts.storeName << '\n'
        << "rooms " << _parts.rooms.size() << '\n'
        << "rooms_public " << open << '\n'
        << "http_connections " << value(m.httpConnections) << '\n'
        << "longpoll_waiting " << value(m.longPollWaiting) << '\n'
        << "sse_streams " << value(m.sseStreams) << '\n'
        << "websockets " << value(m.webSockets) << '\n'
        << "line_sessions " << value(m.lineSessions) << '\n'
        << "messages_appended " << value(m.messagesAppended) << '\n'
        << "rooms_created " << value(m.roomsCreated) << '\n'
        << "address_bans " << _parts.bans.list().size() << '\n'
        << "banned_refused " << value(m.bannedRefused) << '\n';
    return ok(out.str());
}

} // namespace hchat
