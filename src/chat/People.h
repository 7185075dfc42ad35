#pragma once

#include "chat/Mailbox.h"
#include "chat/NameTable.h"
#include "chat/OtherDaemons.h"
#include "chat/PresenceFrames.h"
#include "chat/RemotePresence.h"
#include "store/Store.h"

#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <queue>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace hchat
{

class People : public Store::Listener
/// Who is online, in which rooms, under which name: one registry for the
/// whole daemon, shared by every transport, so a name is unique
/// (case-insensitively) among the people online whatever they use (SPEC §5).
///
/// A person is a key: the hchat_person cookie of a browser, the peer address
/// of a cookie-less HTTP client, or a fresh key per WebSocket, SSE stream or
/// TCP session without a cookie. A person is in a room
///  - while one of their live connections (WebSocket, SSE, TCP) is in it,
///  - for `leaveGrace` after the last one closed, so a page reload is no
///    leave and join,
///  - and for `pollWindow` after a long poll or send (HTTP clients have no
///    connection to watch).
/// A live connection's arrival is announced (a join entry) unless the person
/// was announced in that room already; a leave entry follows only an
/// announced stay. Long polls and sends are never announced: a curl script
/// posting one message has not "joined", and hchatd's /msg numbering stays
/// what its clients expect.
///
/// The registry only decides; the caller writes the log entries (Announcer)
/// and sweep() reports leaves and changed rooms once a second.
///
/// On a shared store (several daemons, SPEC §12) a chosen name is claimed
/// in the store before it is given, so it is unique among everyone online
/// on any daemon (guest names, drawn at random, are not claimed);
/// tellOthers() renews the claims and tells the other daemons who is in
/// each room here, and their lists (Store::Listener::roomNames) join this
/// daemon's in online() and the presence frames until they are
/// `elsewhereFor` old. A private message to someone online elsewhere goes
/// through the store. OtherDaemons does the talking to the store.
/// Thread-safe: _mutex guards everything but _others. Never held while a
/// room's lock, a socket or the store is used.
{
public:
    People(Poco::Timespan pollWindow, Poco::Timespan leaveGrace);

    void share(Store& store);
    /// The store is shared: names are claimed in it, lists and private
    /// messages go through it (listen to it for those of the others).

    struct Outcome
    /// What a call did to the person, for the caller to announce.
    {
        std::string name;                   ///< the person's name now
        bool taken = false;                 ///< the wanted name is someone else's
        std::string previous;               ///< the former name, if it changed
        std::vector<std::string> renamedIn; ///< rooms that get a nick entry
        bool arrived = false;               ///< enter(): a join entry is due
    };

    Outcome enter(const std::string& roomId, const std::string& key, const std::string& wanted,
                  const std::string& guest, const std::shared_ptr<Mailbox>& mailbox);
    /// A live connection of `key` is in the room. `wanted`: the name asked
    /// for (empty: keep the current one; a newcomer gets `guest`). A name
    /// that is taken leaves the person's name as it was (`taken` is set).
    /// `mailbox` (may be null) receives the person's private messages
    /// until exit().

    void exit(const std::string& roomId, const std::string& key,
              const std::shared_ptr<Mailbox>& mailbox, bool now = false);
    /// That connection closed; its grace period starts when it was the last.
    /// now: the person said they leave (LEAVE, QUIT): no grace period.

    Outcome seen(const std::string& roomId, const std::string& key, const std::string& wanted,
                 const std::string& guest, const Poco::Timestamp& now);
    /// A long poll or send of `key` in the room (never announced).

    Outcome connect(const std::string& key, const std::string& wanted, const std::string& guest,
                    const std::shared_ptr<Mailbox>& mailbox);
    void disconnect(const std::string& key, const std::shared_ptr<Mailbox>& mailbox);
    /// A connection that is the person's before it is in any room (a TCP
    /// session from USERNAME on). The name is held until disconnect().

    Outcome rename(const std::string& key, const std::string& wanted);
    /// Changes the name of someone online (their live connections keep it).

    bool reserve(const std::string& name, const std::string& key);
    /// The name is `key`'s alone from now on, whether they are online or
    /// not (a registered account's: SPEC §10); anyone else who wants it
    /// finds it taken. False, and nothing changes, when someone else online
    /// has it now.
    void unreserve(const std::string& name);

    std::string nameOf(const std::string& key, const std::string& fallback) const;
    std::string keyOf(const std::string& name) const;
    std::vector<bool> online(const std::vector<std::string>& names) const;
    /// Whether each name is someone's online here or on another daemon
    /// (IRC's ISON): the shared store asked once for all not here.
    /// The key of the person online under that name (any case), or "".
    bool isIn(const std::string& key, const std::string& name, const std::string& roomId) const;
    /// Whether that person is in the room now: here, or under that name
    /// on another daemon's list.

    std::vector<std::string> online(const std::string& roomId) const;
    /// Names of the people in the room, sorted case-insensitively.
    std::size_t countOnline(const std::string& roomId) const;

    using Names = PresenceFrames::Names;
    Names namesAsOfSweep(const std::string& roomId) const;
    /// The names of the people in the room, sorted, as of the last sweep
    /// (at most a second old) and shared: for lists that thousands of
    /// arrivals each ask for (IRC's NAMES), where online() would sort them
    /// all under the registry's lock every time.

    using Frame = PresenceFrames::Frame;
    Frame presenceJson(const std::string& roomId) const;
    /// {"type":"presence","online":[first 200 names],"count":n}, as of the
    /// last sweep (the frame is rebuilt there, not on every arrival).

    enum class Delivery
    {
        Sent,
        NotOnline ///< nobody of that name has a live connection
    };

    Delivery sendPrivate(const std::string& fromKey, const std::string& to,
                         const std::string& text);
    /// To every live connection of the person named `to` and, as an echo,
    /// of the sender. Someone online on another daemon: through the store,
    /// when they have a live connection there (Store::hasMailbox); someone
    /// only polling, here or there, is NotOnline. Throws when the shared
    /// store is out of reach.

    struct Swept
    {
        std::vector<std::pair<std::string, std::string>> left; ///< (room, name) to announce
        std::vector<std::string> changed; ///< rooms whose list changed since the last sweep
    };
    Swept sweep(const Poco::Timestamp& now);
    /// Ends the stays whose grace or poll window is over, and the other
    /// daemons' lists that were not renewed.

    void tellOthers(const Poco::Timestamp& now);
    /// A shared store: ends the claims of names given up, tells the lists
    /// of rooms whose people changed here, and every `renewEvery` renews
    /// every claim and list. Waits for the store; call it after sweep().

    void leaveOthers();
    /// A shared store, when the daemon stops: its people's names are freed
    /// and the other daemons told its lists are empty (rather than wait
    /// `elsewhereFor`). Logs what the store did not take.

    void roomNames(const std::string& daemon, const std::string& roomId,
                   const std::vector<std::string>& names) override;
    void letter(const std::string& toKey, const std::string& from,
                const std::string& text) override;

    static const Poco::Timespan renewEvery;   ///< 2 s
    static const Poco::Timespan elsewhereFor; ///< 7 s: a list not renewed is gone

private:
    using Claim = OtherDaemons::Claim;
    Claim claim(const std::string& key, const std::string& wanted);
    /// Asks the shared store for `wanted` before _mutex is taken, unless the
    /// person has it already or it is taken here anyway.

    struct Stay
    {
        int live = 0;                ///< live connections in the room
        Poco::Timestamp lastSeen{0}; ///< last long poll or send
        Poco::Timestamp lastLive{0}; ///< when the last live connection closed
        bool announced = false;      ///< a join entry was written
    };
    struct Person
    {
        std::string name;
        std::string folded;   ///< the name held in _names; empty when not held
        bool claimed = false; ///< a chosen name, claimed in the shared store (a guest
                              ///< name is drawn at random: not claimed)
        std::map<std::string, Stay> rooms;
        std::vector<std::shared_ptr<Mailbox>> mailboxes;
    };

    Person& personFor(const std::string& key, const std::string& wanted, const std::string& guest,
                      Claim claim, Outcome& outcome);
    void applyName(Person& person, const std::string& key, const std::string& wanted, Claim claim,
                   Outcome& outcome);
    using News = OtherDaemons::News;
    News news(bool renew);
    /// Under _mutex: the names given up and the lists changed since last
    /// time; renew: also every name held, every room's list and every
    /// person's mailbox.
    void given(const std::string& wanted, const std::string& key, Claim claim, bool applied);
    /// A granted claim that was not used is released.
    void release(const std::string& folded, const std::string& key);
    void setName(Person& person, const std::string& key, const std::string& name);
    static void post(const Person& person, const Mailbox::LetterPtr& letter);
    /// To each of the person's connections here.
    void dropIfGone(const std::string& key);
    Poco::Timestamp::TimeVal endOf(const Stay& stay) const;
    /// When a stay without a live connection ends: after the grace and the
    /// poll window, each from its own last time.
    void quiet(const std::string& key, const std::string& roomId, const Stay& stay);
    /// The stay has no live connection now: sweep() looks at it at endOf().
    void changed(const std::string& roomId, bool here = true);
    /// here: this daemon's people changed (the others are told).
    std::vector<std::string> localNames(const std::string& roomId) const;
    std::vector<std::string> sortedNames(const std::string& roomId) const;
    /// With the other daemons' people (each name once).
    bool occupied(const std::string& roomId) const;

    const Poco::Timespan _pollWindow;
    const Poco::Timespan _leaveGrace;
    mutable std::mutex _mutex;
    std::unordered_map<std::string, Person> _people; ///< by key
    NameTable _names;
    std::unordered_map<std::string, std::set<std::string>> _rooms; ///< room → keys
    struct Due
    /// A stay that had no live connection, and when it may end.
    {
        Poco::Timestamp::TimeVal at;
        std::string key;
        std::string roomId;
        bool operator>(const Due& other) const { return at > other.at; }
    };
    /// The stays sweep() may end (the only ones: those without a live
    /// connection), soonest first, so that a sweep looks only at those due.
    /// An entry is checked when due: a stay live again, gone, or seen since
    /// (a later end) is dropped or put back; one stay may have two entries.
    std::priority_queue<Due, std::vector<Due>, std::greater<Due>> _quiet;
    std::set<std::string> _changed;
    OtherDaemons _others;          ///< the shared store's side; called without _mutex
    std::set<std::string> _toTell; ///< rooms whose people here changed since tellOthers()
    std::vector<std::pair<std::string, std::string>> _released; ///< (folded, key) not told yet
    Poco::Timestamp _renewed{0};
    RemotePresence _elsewhere;      ///< who is in each room on the other daemons
    mutable PresenceFrames _frames; ///< built by sweep(), or at the first ask
};

} // namespace hchat
