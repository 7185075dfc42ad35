#pragma once

namespace hchat
{

class AfterRequest
/// What a handler leaves its connection's thread to do once POCO's request,
/// response and session are gone (EndpointHandler::takeAfterRequest(),
/// HttpConnection): a kept-alive long poll's wait, which then holds none of
/// their buffers. It answers on the socket by itself, and leaves nothing
/// of the next request read: POCO reads that.
{
public:
    virtual ~AfterRequest() = default;

    virtual bool run() = 0;
    /// True when the connection stays open for its next request.
};

} // namespace hchat
