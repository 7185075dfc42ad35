#pragma once

#include <cstddef>
#include <string>

namespace hchat
{

struct EmbeddedFile
{
    const char* name;
    const unsigned char* data;
    std::size_t size;
};

class EmbeddedFiles
/// The files of html/, compiled in by tools/embed (see the Makefile); the
/// definitions are generated into build/gen/EmbeddedFiles.cpp.
{
public:
    static const EmbeddedFile* find(const std::string& name);
    /// The file with that name (no folders), or null.
};

} // namespace hchat
