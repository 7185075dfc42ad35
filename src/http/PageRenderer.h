#pragma once

#include <map>
#include <string>

namespace hchat
{

class PageRenderer
/// The web client's files (html/): compiled into the binary, or read from
/// http.htmlDir when that is set (to work on the client without rebuilding).
/// Only names compiled in are served, so no request can reach another file.
/// Templates take {{name}} (HTML-escaped) and {{{name}}} (inserted as is:
/// only for markup the server built from escaped parts).
/// Thread-safe: immutable after construction.
{
public:
    explicit PageRenderer(std::string overrideDir);

    bool file(const std::string& name, std::string& content, std::string& contentType) const;
    /// The file's bytes and MIME type; false if there is no such file.

    std::string render(const std::string& templateName,
                       const std::map<std::string, std::string>& values) const;
    /// Fills a template. Throws Poco::NotFoundException for an unknown
    /// template or placeholder, so a mistake shows up in the first test.

    static std::string fill(const std::string& text,
                            const std::map<std::string, std::string>& values);

private:
    std::string _overrideDir;
};

} // namespace hchat
