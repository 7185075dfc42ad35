#pragma once

namespace hchat
{

class Settings;
class RoomRegistry;
class RateLimiter;
class PageRenderer;
struct Metrics;
class People;
class Announcer;

struct ServerContext
/// What every HTTP handler may use, owned by HChatApplication and alive
/// longer than the server. Each part documents its own thread safety.
{
    const Settings& settings;
    RoomRegistry& rooms;
    RateLimiter& limiter;
    Metrics& metrics;
    const PageRenderer& pages;
    People& people;
    Announcer& announcer;
};

} // namespace hchat
