#include "support/DaemonTest.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/TemporaryFile.h>

#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <iterator>
#include <regex>
#include <set>

namespace hchat::test
{

class MetricsTest : public DaemonTest
/// GET /metrics as Prometheus reads it (promtool check metrics, from
/// Debian's prometheus package, fetched by make check), and the Grafana
/// dashboard in contrib/ against it: every series it draws exists.
{
    CPPUNIT_TEST_SUITE(MetricsTest);
    CPPUNIT_TEST(promtoolFindsNothingToSay);
    CPPUNIT_TEST(theDashboardDrawsOnlyMetricsThatExist);
    CPPUNIT_TEST_SUITE_END();

    std::map<std::string, std::string> configuration() const override
    {
        return {{"store.kind", "memory"}};
    }

    std::string someTraffic() const
    {
        // Something in every family: a room, messages, a refusal.
        const std::string id = http().createRoom("metrics", true);
        http().post("/send/" + id, "hello", "text/plain");
        http().post("/send/" + id, "", "text/plain");
        const Reply metrics = http().get("/metrics");
        CPPUNIT_ASSERT_EQUAL(200, metrics.status);
        return metrics.body;
    }

    static std::set<std::string> names(const std::string& text)
    {
        std::set<std::string> found;
        const std::regex name("hchatd_[a-z_]+");
        for (auto it = std::sregex_iterator(text.begin(), text.end(), name);
             it != std::sregex_iterator(); ++it)
            found.insert(it->str());
        return found;
    }

    static void expressions(const Poco::Dynamic::Var& node, std::string& out)
    {
        if (node.type() == typeid(Poco::JSON::Object::Ptr))
        {
            auto object = node.extract<Poco::JSON::Object::Ptr>();
            for (const auto& key : {"expr", "definition"})
                if (object->has(key))
                    out += object->getValue<std::string>(key) + "\n";
            for (const auto& entry : *object)
                expressions(entry.second, out);
        }
        else if (node.type() == typeid(Poco::JSON::Array::Ptr))
            for (const auto& item : *node.extract<Poco::JSON::Array::Ptr>())
                expressions(item, out);
    }

public:
    void promtoolFindsNothingToSay()
    {
        Poco::TemporaryFile file;
        std::ofstream(file.path()) << someTraffic();
        const char* promtool = std::getenv("PROMTOOL");
        Poco::Pipe out;
        Poco::Pipe in;
        Poco::ProcessHandle run = Poco::Process::launch(
            promtool ? promtool : "build/tools/promtool", {"check", "metrics"}, &in, &out, &out);
        {
            Poco::PipeOutputStream feed(in);
            std::ifstream metrics(file.path());
            feed << metrics.rdbuf();
            feed.close();
        }
        Poco::PipeInputStream said(out);
        const std::string output{std::istreambuf_iterator<char>(said),
                                 std::istreambuf_iterator<char>()};
        CPPUNIT_ASSERT_EQUAL_MESSAGE(output, 0, run.wait());
        CPPUNIT_ASSERT_EQUAL(std::string(""), output);
    }

    void theDashboardDrawsOnlyMetricsThatExist()
    {
        std::set<std::string> served;
        const std::regex help("# HELP (hchatd_[a-z_]+) ");
        const std::string metrics = someTraffic();
        for (auto it = std::sregex_iterator(metrics.begin(), metrics.end(), help);
             it != std::sregex_iterator(); ++it)
            served.insert((*it)[1]);
        CPPUNIT_ASSERT(served.size() > 20);

        std::ifstream file("contrib/grafana/hchatd.json");
        CPPUNIT_ASSERT_MESSAGE("run from the repository", file.good());
        const Poco::Dynamic::Var dashboard = Poco::JSON::Parser().parse(file);
        auto root = dashboard.extract<Poco::JSON::Object::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::string("hchatd"), root->getValue<std::string>("uid"));
        std::string exprs;
        expressions(dashboard, exprs);
        const std::set<std::string> drawn = names(exprs);
        CPPUNIT_ASSERT(drawn.size() > 20);
        for (const std::string& name : drawn)
            CPPUNIT_ASSERT_MESSAGE(name + " is drawn but not served", served.count(name));
        // ...and what is served is drawn: nothing goes unseen.
        for (const std::string& name : served)
            CPPUNIT_ASSERT_MESSAGE(name + " is served but not drawn", drawn.count(name));

        std::set<int> ids;
        for (const auto& panel : *root->getArray("panels"))
        {
            auto object = panel.extract<Poco::JSON::Object::Ptr>();
            CPPUNIT_ASSERT(ids.insert(object->getValue<int>("id")).second);
            if (object->getValue<std::string>("type") != "row")
                CPPUNIT_ASSERT(object->getArray("targets")->size() > 0);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MetricsTest);

} // namespace hchat::test
