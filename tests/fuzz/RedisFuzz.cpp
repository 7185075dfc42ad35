// libFuzzer target: what a daemon reads off the shared Redis channel
// (RedisNews, RedisRecords). Anyone who can PUBLISH there writes it, and
// the channel's thread catches only Poco::Exception: anything else thrown
// would end the daemon.
#include "store/RedisNews.h"

#include <Poco/Exception.h>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace
{

struct Reader : hchat::Store::Listener
/// Reads every field it is told, so a bad value would show.
{
    std::size_t seen = 0;
    void appended(const std::string& room, const hchat::MessagePtr& m) override
    {
        seen += room.size() + m->json().size() + m->author().size() + m->crowd().json().size();
    }
    void roomSaved(const hchat::RoomRecord& r) override { seen += r.id.size() + r.subject.size(); }
    void roomDeleted(const std::string& room) override { seen += room.size(); }
    void accountCreated(const hchat::AccountRecord& a) override { seen += a.name.size(); }
    void credentialSaved(const hchat::Credential& c) override { seen += c.digest.size(); }
    void kicked(const std::string& room, const std::string& key) override
    {
        seen += room.size() + key.size();
    }
    void addressBanned(const hchat::AddressBan& ban) override { seen += ban.address.size(); }
    void roomNames(const std::string& daemon, const std::string& room,
                   const std::vector<std::string>& names) override
    {
        seen += daemon.size() + room.size() + names.size();
    }
    void letter(const std::string& to, const std::string& from, const std::string& text) override
    {
        seen += to.size() + from.size() + text.size();
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string news(reinterpret_cast<const char*>(data), size);
    try
    {
        const hchat::RedisNews::Tell tell = hchat::RedisNews::read(news, "d1");
        Reader reader;
        if (tell)
            tell(reader);
    }
    catch (const Poco::Exception&)
    {
        // Refused, as the channel's thread logs and skips it.
    }
    catch (...)
    {
        std::abort(); // would escape the channel's thread
    }
    return 0;
}
