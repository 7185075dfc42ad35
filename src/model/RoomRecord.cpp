#include "model/RoomRecord.h"

namespace hchat
{

const char* RoomRecord::postingName(Posting posting)
{
    switch (posting)
    {
    case Posting::Everyone:
        return "everyone";
    case Posting::Accounts:
        return "accounts";
    case Posting::Moderators:
        return "moderators";
    }
    return "everyone";
}

bool RoomRecord::parsePosting(const std::string& name, Posting& posting)
{
    for (Posting p : {Posting::Everyone, Posting::Accounts, Posting::Moderators})
        if (name == postingName(p))
        {
            posting = p;
            return true;
        }
    return false;
}

} // namespace hchat
