#include "controlplane/cli/command_registry.h"

#include <gtest/gtest.h>

namespace tandem::cli {
namespace {

class Registry : public ::testing::Test {
protected:
    void SetUp() override {
        auto record = [this](std::string name) {
            return [this, name](const Request& r) -> Result<std::string> {
                last = name;
                args = r.args;
                json = r.json;
                return std::string("ran ") + name;
            };
        };
        reg.add("show crypto ipsec sa", "[peer ADDR] [detail]", "IPsec SAs", record("ipsec sa"));
        reg.add("show crypto ipsec transform-set", "", "transform sets", record("transform-set"));
        reg.add("show crypto ikev2 sa", "[detail]", "IKE SAs", record("ikev2 sa"));
        reg.add("show crypto map", "[interface IF | tag NAME]", "crypto maps", record("map"));
        reg.add("show standby", "", "HSRP", record("standby"));
        reg.add("clear crypto sa", "[peer ADDR]", "delete SAs", record("clear sa"));
        reg.add("reload", "", "re-read the configuration", record("reload"));
    }
    CommandRegistry reg;
    std::string last;
    std::vector<std::string> args;
    bool json = false;
};

TEST_F(Registry, ExactKeywordsRunTheCommandWithTheRestAsArguments) {
    auto r = reg.execute({"show", "crypto", "ipsec", "sa", "peer", "192.0.2.1", "detail"});
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(*r, "ran ipsec sa");
    EXPECT_EQ(args, (std::vector<std::string>{"peer", "192.0.2.1", "detail"}));
    EXPECT_FALSE(json);
}

TEST_F(Registry, UniqueAbbreviationsWorkAsOnARouter) {
    ASSERT_TRUE(reg.execute({"sh", "cry", "ips", "sa"}).ok());
    EXPECT_EQ(last, "ipsec sa");
    ASSERT_TRUE(reg.execute({"sh", "cry", "ips", "t"}).ok());
    EXPECT_EQ(last, "transform-set");
    ASSERT_TRUE(reg.execute({"sh", "stand"}).ok());
    EXPECT_EQ(last, "standby");
    ASSERT_TRUE(reg.execute({"sh", "cry", "map", "tag", "mymap"}).ok());
    EXPECT_EQ(last, "map");
    EXPECT_EQ(args, (std::vector<std::string>{"tag", "mymap"}));
}

TEST_F(Registry, AmbiguousAndInvalidInputIsNamed) {
    auto r = reg.execute({"sh", "crypto", "i", "sa"});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("ambiguous"), std::string::npos);
    EXPECT_NE(r.error().message.find("ikev2, ipsec"), std::string::npos);
    r = reg.execute({"show", "cryptox"});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("invalid input 'cryptox'"), std::string::npos) << r.error().message;
    r = reg.execute({"show", "crypto"});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("incomplete command"), std::string::npos);
    EXPECT_NE(r.error().message.find("ikev2"), std::string::npos);
    EXPECT_FALSE(reg.execute({}).ok());
    EXPECT_EQ(last, "");  // nothing ran
}

TEST_F(Registry, JsonFlagAnywhere) {
    ASSERT_TRUE(reg.execute({"show", "--json", "standby"}).ok());
    EXPECT_TRUE(json);
    EXPECT_TRUE(args.empty());
}

TEST_F(Registry, HelpListsEveryCommandSorted) {
    std::string h = reg.help();
    EXPECT_LT(h.find("clear crypto sa [peer ADDR]"), h.find("show crypto ipsec sa [peer ADDR] [detail]"));
    EXPECT_NE(h.find("re-read the configuration"), std::string::npos);
}

TEST(SplitWords, QuotesAndControlCharacters) {
    auto w = split_words("  show  \"a b\"  c ");
    ASSERT_TRUE(w.ok());
    EXPECT_EQ(*w, (std::vector<std::string>{"show", "a b", "c"}));
    EXPECT_FALSE(split_words("show \"open").ok());
    EXPECT_FALSE(split_words(std::string("show\x01")).ok());
    EXPECT_TRUE(split_words("")->empty());
}

}  // namespace
}  // namespace tandem::cli
