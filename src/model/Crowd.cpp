#include "model/Crowd.h"

#include "util/JsonWriter.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

namespace hchat
{

void Crowd::addTo(JsonWriter& json) const
{
    json.field("names", names).field("count", count);
}

std::string Crowd::json() const
{
    if (empty())
        return "";
    JsonWriter json;
    addTo(json);
    return json.take();
}

Crowd Crowd::parse(const std::string& json)
{
    Crowd crowd;
    if (json.empty())
        return crowd;
    try
    {
        Poco::JSON::Object::Ptr object =
            Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
        Poco::JSON::Array::Ptr list = object->getArray("names");
        for (std::size_t i = 0; list && i < list->size() && i < maxNames; ++i)
            crowd.names.push_back(list->getElement<std::string>(static_cast<unsigned>(i)));
        crowd.count = object->getValue<Poco::UInt64>("count");
    }
    catch (const Poco::Exception&)
    {
        return Crowd();
    }
    return crowd;
}

} // namespace hchat
