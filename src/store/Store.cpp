#include "store/Store.h"

#include <Poco/Exception.h>

namespace hchat
{

MessagePtr Store::appendNext(const std::string&, const MessagePtr&)
{
    throw Poco::NotImplementedException("this store numbers no messages: use append()");
}

} // namespace hchat
