#pragma once

#include "store/Store.h"

#include <Poco/Logger.h>

#include <atomic>
#include <string>
#include <utility>
#include <vector>

namespace hchat
{

class OtherDaemons
/// People's side of a shared store (SPEC §12: several daemons on one
/// Redis): names claimed among everyone online anywhere, who holds a name,
/// who has a live connection (a mailbox) on some daemon, the list of people
/// in each room told to the others, and private messages to people online
/// elsewhere. A call the store cannot answer is logged and answered as
/// stated at each. Until attach() (one daemon alone) nothing is shared:
/// claims are Unasked, nobody is found elsewhere, telling does nothing.
/// Thread-safe; People calls it without holding its own lock.
{
public:
    OtherDaemons();

    void attach(Store& store);
    bool attached() const { return _store.load() != nullptr; }

    enum class Claim
    {
        Unasked, ///< nothing shared, or the store is out of reach
        Granted,
        Refused ///< someone on another daemon has the name
    };
    Claim claim(const std::string& folded, const std::string& key, const std::string& name);
    /// Asks the store for the name (name: as asked, for the log). Out of
    /// reach: Unasked, so the name is given if it is free here; the claims
    /// are renewed (or found taken) once the store answers again.

    std::string holder(const std::string& folded, const std::string& name) const;
    /// The key of whoever holds the name on any daemon; "" when nobody
    /// does, or the store is out of reach.
    std::vector<bool> held(const std::vector<std::string>& folded) const;
    /// Whether each name is held on any daemon; all false when out of reach.

    void mailboxOpened(const std::string& key);
    /// Tells the store at once, so that a private message sent from another
    /// daemon right after finds the person; out of reach: the next renewal
    /// (tell()) does.

    std::string sendLetter(std::string toKey, const std::string& folded, const std::string& from,
                           const std::string& text);
    /// To the person `toKey` (empty: whoever holds the name `folded`) if
    /// they have a live connection on some daemon: their key; "" when
    /// nobody does. Throws when the store is out of reach.

    struct News
    /// What People tells the others (People::tellOthers()).
    {
        std::vector<std::pair<std::string, std::string>> held;     ///< (folded, key) to renew
        std::vector<std::pair<std::string, std::string>> released; ///< (folded, key) given up
        std::vector<std::pair<std::string, std::vector<std::string>>> lists; ///< room, names here
        std::vector<std::string> mailboxes; ///< keys of people with a stream here
    };
    void tell(const News& news);
    /// Renews and releases the names (a name found someone else's meanwhile
    /// is logged), then the mailboxes, then the lists. Throws when the store
    /// is out of reach.
    void leave(News news);
    /// This daemon stops: every name in news is given up and every list told
    /// empty (rather than let them expire). Out of reach: logged.

private:
    std::atomic<Store*> _store{nullptr};
    Poco::Logger& _log;
};

} // namespace hchat
