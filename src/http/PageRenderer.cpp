#include "http/PageRenderer.h"

#include "http/EmbeddedFiles.h"
#include "util/Html.h"

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Path.h>
#include <Poco/StreamCopier.h>

namespace hchat
{

namespace
{
std::string mimeType(const std::string& name)
{
    std::string ext = Poco::Path(name).getExtension();
    if (ext == "html")
        return "text/html; charset=utf-8";
    if (ext == "css")
        return "text/css; charset=utf-8";
    if (ext == "js")
        return "text/javascript; charset=utf-8";
    if (ext == "svg")
        return "image/svg+xml";
    if (ext == "png")
        return "image/png";
    if (ext == "ico")
        return "image/x-icon";
    return "application/octet-stream";
}
} // namespace

PageRenderer::PageRenderer(std::string overrideDir) : _overrideDir(std::move(overrideDir)) {}

bool PageRenderer::file(const std::string& name, std::string& content,
                        std::string& contentType) const
{
    const EmbeddedFile* embedded = EmbeddedFiles::find(name);
    if (!embedded)
        return false;
    contentType = mimeType(name);
    if (!_overrideDir.empty())
    {
        Poco::Path path(Poco::Path::forDirectory(_overrideDir), name);
        if (Poco::File(path).exists())
        {
            Poco::FileInputStream in(path.toString());
            content.clear();
            Poco::StreamCopier::copyToString(in, content);
            return true;
        }
    }
    content.assign(reinterpret_cast<const char*>(embedded->data), embedded->size);
    return true;
}

std::string PageRenderer::render(const std::string& templateName,
                                 const std::map<std::string, std::string>& values) const
{
    std::string text, type;
    if (!file(templateName, text, type))
        throw Poco::NotFoundException("no template", templateName);
    return fill(text, values);
}

std::string PageRenderer::fill(const std::string& text,
                               const std::map<std::string, std::string>& values)
{
    std::string out;
    out.reserve(text.size() + 256);
    std::size_t pos = 0;
    while (true)
    {
        std::size_t open = text.find("{{", pos);
        if (open == std::string::npos)
            break;
        bool raw = text.compare(open, 3, "{{{") == 0;
        std::size_t nameStart = open + (raw ? 3 : 2);
        std::size_t close = text.find(raw ? "}}}" : "}}", nameStart);
        if (close == std::string::npos)
            break;
        std::string name = text.substr(nameStart, close - nameStart);
        auto it = values.find(name);
        if (it == values.end())
            throw Poco::NotFoundException("no value for template placeholder", name);
        out.append(text, pos, open - pos);
        out += raw ? it->second : Html::escape(it->second);
        pos = close + (raw ? 3 : 2);
    }
    out.append(text, pos, std::string::npos);
    return out;
}

} // namespace hchat
