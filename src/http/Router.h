#pragma once

#include <functional>
#include <string>
#include <vector>

namespace Poco::Net
{
class HTTPRequestHandler;
}

namespace hchat
{

class Router
/// A route table: method + path pattern → a function that makes the handler.
/// Patterns are literal segments and {placeholders}; a placeholder matches
/// one non-empty segment, handed to the function in order. Knows nothing of
/// the handlers themselves, so it is tested on its own.
/// Thread-safe for match() once every add() is done.
{
public:
    using Params = std::vector<std::string>;
    using Create = std::function<Poco::Net::HTTPRequestHandler*(const Params&)>;

    struct Match
    {
        const Create* create = nullptr; ///< null: no route for this method
        Params params;
        std::string pattern; ///< the matched pattern, e.g. "/msg/{id}/{n}"
        std::string
            allow; ///< when create is null: methods the path has ("GET, POST"), or empty (404)
    };

    void add(const std::string& method, const std::string& pattern, Create create);

    Match match(const std::string& method, const std::string& uri) const;
    /// uri: the request target, with or without a query string.

    static std::vector<std::string> segments(const std::string& path);

private:
    struct Route
    {
        std::string method;
        std::string pattern;
        std::vector<std::string> parts;
        Create create;
    };

    static bool matches(const Route& route, const std::vector<std::string>& parts, Params& params);

    std::vector<Route> _routes;
};

} // namespace hchat
