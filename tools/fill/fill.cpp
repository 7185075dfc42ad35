// hchatd-fill: writes a large hchatd database for make bench, with the
// daemon's own SqliteStore, so the file is exactly what hchatd writes.
//
//   hchatd-fill DATABASE ROOMS MESSAGES
//
// Creates ROOMS public rooms and appends MESSAGES messages of 100 bytes,
// spread round-robin over them. Prints the id of the first room.
#include "chat/IdGenerator.h"
#include "store/SqliteStore.h"

#include <Poco/Exception.h>

#include <cstdlib>
#include <deque>
#include <future>
#include <iostream>

int main(int argc, char** argv)
{
    if (argc != 4)
    {
        std::cerr << "usage: hchatd-fill DATABASE ROOMS MESSAGES\n";
        return 64;
    }
    try
    {
        hchat::SqliteStore store(argv[1]);
        const long rooms = std::atol(argv[2]), messages = std::atol(argv[3]);
        std::vector<std::string> ids;
        for (long r = 0; r < rooms; ++r)
        {
            hchat::RoomRecord record;
            record.id = hchat::IdGenerator::next();
            record.subject = "filled " + std::to_string(r);
            record.isPublic = true;
            store.createRoom(record);
            ids.push_back(record.id);
        }
        std::deque<std::future<void>> inFlight;
        const std::string text(100, 'x');
        for (long i = 0; i < messages; ++i)
        {
            auto room = static_cast<std::size_t>(i % rooms);
            auto message = std::make_shared<const hchat::Message>(
                static_cast<std::uint64_t>(i / rooms), hchat::MessageKind::Message, "filler",
                Poco::Timestamp(), text);
            inFlight.push_back(store.append(ids[room], message));
            if (inFlight.size() >= 20000) // bounded memory; the writer batches them
            {
                inFlight.front().get();
                inFlight.pop_front();
            }
        }
        for (auto& f : inFlight)
            f.get();
        store.close();
        std::cout << ids.front() << "\n";
        return 0;
    }
    catch (const Poco::Exception& e)
    {
        std::cerr << "hchatd-fill: " << e.displayText() << "\n";
        return 1;
    }
}
