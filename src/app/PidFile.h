#pragma once

#include <string>

namespace hchat
{

class PidFile
/// Writes this process's id to a file for init scripts, and removes the
/// file again when destroyed. Not thread-safe; owned by the application.
{
public:
    explicit PidFile(std::string path);
    /// Throws Poco::FileException naming the path when it cannot be written.
    ~PidFile();

    PidFile(const PidFile&) = delete;
    PidFile& operator=(const PidFile&) = delete;

private:
    std::string _path;
};

} // namespace hchat
