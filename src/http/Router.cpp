#include "http/Router.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

namespace hchat
{

void Router::add(const std::string& method, const std::string& pattern, Create create)
{
    _routes.push_back(Route{method, pattern, segments(pattern), std::move(create)});
}

std::vector<std::string> Router::segments(const std::string& path)
{
    std::vector<std::string> parts;
    if (path.empty() || path == "/")
        return parts;
    std::size_t start = path[0] == '/' ? 1 : 0;
    while (true)
    {
        std::size_t slash = path.find('/', start);
        parts.push_back(
            path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
        if (slash == std::string::npos)
            break;
        start = slash + 1;
    }
    return parts;
}

bool Router::matches(const Route& route, const std::vector<std::string>& parts, Params& params)
{
    if (route.parts.size() != parts.size())
        return false;
    params.clear();
    for (std::size_t i = 0; i < parts.size(); ++i)
    {
        const std::string& want = route.parts[i];
        if (want.size() > 2 && want.front() == '{' && want.back() == '}')
        {
            if (parts[i].empty())
                return false;
            params.push_back(parts[i]);
        }
        else if (want != parts[i])
            return false;
    }
    return true;
}

Router::Match Router::match(const std::string& method, const std::string& uri) const
{
    Match result;
    std::string path;
    try
    {
        path = Poco::URI(uri).getPath();
    }
    catch (const Poco::Exception&)
    {
        return result; // not a URI at all: 404
    }
    const auto parts = segments(path);
    Params params;
    for (const Route& route : _routes)
    {
        if (!matches(route, parts, params))
            continue;
        // Every GET route answers HEAD too (POCO sends no body for it).
        if (route.method == method || (method == "HEAD" && route.method == "GET"))
        {
            result.create = &route.create;
            result.params = params;
            result.pattern = route.pattern;
            result.allow.clear();
            return result;
        }
        const std::string methods = route.method == "GET" ? "GET, HEAD" : route.method;
        if (result.allow.find(route.method) == std::string::npos)
            result.allow += (result.allow.empty() ? "" : ", ") + methods;
    }
    return result;
}

} // namespace hchat
