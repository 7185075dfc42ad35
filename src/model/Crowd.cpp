#include "model/Crowd.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace hchat
{

void Crowd::addTo(Poco::JSON::Object& object) const
{
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const std::string& name : names)
        list->add(name);
    object.set("names", list);
    object.set("count", static_cast<Poco::UInt64>(count));
}

std::string Crowd::json() const
{
    if (empty())
        return "";
    Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
    addTo(object);
    std::ostringstream out;
    object.stringify(out);
    return out.str();
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
