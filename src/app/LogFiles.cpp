#include "app/LogFiles.h"

#include <Poco/AsyncChannel.h>
#include <Poco/FileChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/LoggingRegistry.h>

#include <algorithm>

namespace hchat
{

namespace
{

void closeFiles(Poco::Channel::Ptr channel, std::vector<std::string>& paths)
{
    while (channel)
    {
        if (auto* file = dynamic_cast<Poco::FileChannel*>(channel.get()))
        {
            const std::string path = file->path();
            if (std::find(paths.begin(), paths.end(), path) == paths.end())
            {
                file->close();
                paths.push_back(path);
            }
            return;
        }
        if (auto* formatting = dynamic_cast<Poco::FormattingChannel*>(channel.get()))
            channel = formatting->getChannel();
        else if (auto* async = dynamic_cast<Poco::AsyncChannel*>(channel.get()))
            channel = async->getChannel();
        else
            return;
    }
}

} // namespace

std::vector<std::string> LogFiles::reopen(const std::vector<std::string>& channelNames)
{
    std::vector<std::string> paths;
    for (const std::string& name : channelNames)
    {
        try
        {
            closeFiles(Poco::LoggingRegistry::defaultRegistry().channelForName(name), paths);
        }
        catch (const Poco::NotFoundException&)
        {
        }
    }
    std::vector<std::string> loggers;
    Poco::Logger::names(loggers);
    for (const std::string& name : loggers)
        closeFiles(Poco::Logger::get(name).getChannel(), paths);
    return paths;
}

} // namespace hchat
