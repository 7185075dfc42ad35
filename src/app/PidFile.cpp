#include "app/PidFile.h"

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Process.h>

#include <fstream>

namespace hchat
{

PidFile::PidFile(std::string path) : _path(std::move(path))
{
    std::ofstream out(_path, std::ios::trunc);
    out << Poco::Process::id() << '\n';
    out.close();
    if (!out)
        throw Poco::FileException("cannot write the pid file", _path);
}

PidFile::~PidFile()
{
    try
    {
        Poco::File(_path).remove();
    }
    catch (const Poco::Exception&)
    {
    }
}

} // namespace hchat
