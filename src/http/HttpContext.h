#pragma once

namespace hchat
{

class AccountActions;
class Accounts;
class Announcer;
class ChatActions;
class CookieSigner;
class PageRenderer;
class RoomActions;
class People;
class RoomRegistry;
class TrustedProxies;
struct Metrics;

struct HttpContext
/// What every HTTP handler may use, owned by HChatApplication and alive
/// longer than the server. Each part documents its own thread safety.
/// Settings reach a handler through its constructor (RequestDispatcher).
{
    ChatActions& actions;
    AccountActions& accountActions;
    RoomActions& roomActions;
    Accounts& accounts;
    RoomRegistry& rooms;
    People& people;
    Announcer& announcer;
    Metrics& metrics;
    const PageRenderer& pages;
    const CookieSigner& cookies;
    const TrustedProxies& proxies; ///< whose X-Forwarded-For names the client
};

} // namespace hchat
