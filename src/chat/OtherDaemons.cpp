#include "chat/OtherDaemons.h"

#include <Poco/Exception.h>

namespace hchat
{

OtherDaemons::OtherDaemons() : _log(Poco::Logger::get("hchatd.people")) {}

void OtherDaemons::attach(Store& store)
{
    _store.store(&store);
}

OtherDaemons::Claim OtherDaemons::claim(const std::string& folded, const std::string& key,
                                        const std::string& name)
{
    Store* store = _store.load();
    if (!store)
        return Claim::Unasked;
    try
    {
        return store->claimName(folded, key) ? Claim::Granted : Claim::Refused;
    }
    catch (const Poco::Exception& e)
    {
        _log.warning("name %s not claimed in the shared store: %s", name, e.displayText());
        return Claim::Unasked;
    }
}

std::string OtherDaemons::holder(const std::string& folded, const std::string& name) const
{
    Store* store = _store.load();
    if (!store)
        return "";
    try
    {
        return store->nameHolder(folded);
    }
    catch (const Poco::Exception& e)
    {
        _log.warning("who has %s: the shared store did not say: %s", name, e.displayText());
        return "";
    }
}

std::vector<bool> OtherDaemons::held(const std::vector<std::string>& folded) const
{
    std::vector<bool> out(folded.size(), false);
    Store* store = _store.load();
    if (!store || folded.empty())
        return out;
    try
    {
        const std::vector<std::string> holders = store->nameHolders(folded);
        for (std::size_t i = 0; i < holders.size() && i < out.size(); ++i)
            out[i] = !holders[i].empty();
    }
    catch (const Poco::Exception& e)
    {
        _log.warning("who is online: the shared store did not say: %s", e.displayText());
    }
    return out;
}

void OtherDaemons::mailboxOpened(const std::string& key)
{
    Store* store = _store.load();
    if (!store)
        return;
    try
    {
        store->holdMailboxes({key});
    }
    catch (const Poco::Exception& e)
    {
        // The store out of reach is told by the name's claim already.
        _log.debug("private messages from other daemons reach %s after the next renewal: %s", key,
                   e.displayText());
    }
}

std::string OtherDaemons::sendLetter(std::string toKey, const std::string& folded,
                                     const std::string& from, const std::string& text)
{
    Store* store = _store.load();
    if (!store)
        return "";
    if (toKey.empty())
        toKey = store->nameHolder(folded);
    // Someone only polling anywhere has nothing to deliver it to.
    if (toKey.empty() || !store->hasMailbox(toKey))
        return "";
    store->sendLetter(toKey, from, text);
    return toKey;
}

void OtherDaemons::tell(const News& news)
{
    Store* store = _store.load();
    if (!store)
        return;
    for (const std::string& lost : store->holdNames(news.held, news.released))
        _log.warning("the name %s is someone else's on another daemon too", lost);
    // Before the lists: whoever sees a person arrive can write to them.
    store->holdMailboxes(news.mailboxes);
    for (const auto& [roomId, names] : news.lists)
        store->sharePresence(roomId, names);
}

void OtherDaemons::leave(News news)
{
    news.released.insert(news.released.end(), news.held.begin(), news.held.end());
    news.held.clear();
    news.mailboxes.clear(); // theirs expire within Store::namesHeldMs
    for (auto& [roomId, names] : news.lists)
        names.clear();
    try
    {
        tell(news);
    }
    catch (const Poco::Exception& e)
    {
        _log.warning("the other daemons keep this one's people a while: %s", e.displayText());
    }
}

} // namespace hchat
