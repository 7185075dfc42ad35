#include "support/TestPki.h"

#include "support/DaemonProcess.h"

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

namespace hchat::test
{

TestPki::TestPki() : _dir(DaemonProcess::tempDir())
{
    openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", _dir + "/ca.key", "-out",
             _dir + "/ca.crt", "-days", "2", "-subj", "/CN=hchatd test CA", "-addext",
             "basicConstraints=critical,CA:TRUE", "-addext",
             "keyUsage=critical,keyCertSign,cRLSign"});
}

TestPki::~TestPki()
{
    try
    {
        Poco::File(_dir).remove(true);
    }
    catch (const Poco::Exception&)
    {
        // A leftover temporary folder is no reason to fail a test.
    }
}

TestPki::Pair TestPki::issue(const std::string& name)
{
    const std::string base = _dir + "/" + name;
    {
        Poco::FileOutputStream ext(base + ".ext");
        ext << "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
               "extendedKeyUsage=serverAuth\n";
    }
    openssl({"req", "-newkey", "rsa:2048", "-nodes", "-keyout", base + ".key", "-out",
             base + ".csr", "-subj", "/CN=" + name});
    openssl({"x509", "-req", "-in", base + ".csr", "-CA", _dir + "/ca.crt", "-CAkey",
             _dir + "/ca.key", "-CAcreateserial", "-days", "2", "-extfile", base + ".ext", "-out",
             base + ".leaf"});
    // The certificate file holds the chain, as Let's Encrypt's fullchain.pem.
    {
        Poco::FileOutputStream chain(base + ".crt");
        Poco::FileInputStream leaf(base + ".leaf"), ca(_dir + "/ca.crt");
        Poco::StreamCopier::copyStream(leaf, chain);
        Poco::StreamCopier::copyStream(ca, chain);
    }
    return Pair{base + ".crt", base + ".key"};
}

Poco::Net::Context::Ptr TestPki::client() const
{
    Poco::Net::Context::Params params;
    params.caLocation = _dir + "/ca.crt";
    params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
    params.loadDefaultCAs = false;
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    return context;
}

void TestPki::openssl(const std::vector<std::string>& args) const
{
    Poco::Pipe out;
    Poco::ProcessHandle process = Poco::Process::launch("openssl", args, nullptr, &out, &out);
    Poco::PipeInputStream stream(out);
    std::string output;
    Poco::StreamCopier::copyToString(stream, output);
    if (process.wait() != 0)
        throw Poco::RuntimeException("openssl " + args.front() + " failed: " + output);
}

} // namespace hchat::test
