// The filter words of the show commands: keyword abbreviation, interface names, and the errors.
#include <gtest/gtest.h>

#include "controlplane/show/args.h"

namespace tandem::show {
namespace {

using Kind = Filter::Kind;

Filter ok(const std::vector<std::string>& args, bool allow_interface = true) {
    auto r = parse_filter(args, "show crypto map", allow_interface);
    EXPECT_TRUE(r.ok()) << (r ? "" : r.error().message);
    return r ? *r : Filter{};
}

std::string err(const std::vector<std::string>& args, bool allow_interface = true) {
    auto r = parse_filter(args, "show crypto map", allow_interface);
    EXPECT_FALSE(r.ok());
    return r ? "" : r.error().message;
}

TEST(ParseFilter, NothingIsEverything) { EXPECT_EQ(ok({}).kind, Kind::all); }

TEST(ParseFilter, KeywordsMayBeAbbreviatedInAnyCase) {
    EXPECT_EQ(ok({"tag", "mymap"}).kind, Kind::tag);
    EXPECT_EQ(ok({"t", "mymap"}).value, "mymap");
    EXPECT_EQ(ok({"TAG", "mymap"}).kind, Kind::tag);
    EXPECT_EQ(ok({"int", "fa0/0"}).kind, Kind::interface);
    EXPECT_EQ(ok({"i", "fa0/0"}).value, "fa0/0");
}

TEST(ParseFilter, TheTagKeepsItsCase) { EXPECT_EQ(ok({"tag", "MyMap"}).value, "MyMap"); }

TEST(ParseFilter, InterfaceTypeAndNumberMayBeTwoWords) {
    Filter f = ok({"interface", "FastEthernet", "0/0"});
    EXPECT_EQ(f.kind, Kind::interface);
    EXPECT_EQ(f.value, "FastEthernet0/0");
}

TEST(ParseFilter, UnknownWordNamesWhatIsExpected) {
    EXPECT_EQ(err({"peer", "1.2.3.4"}),
              "Invalid input `peer` after `show crypto map`: expected `interface IF` or `tag NAME`");
    EXPECT_EQ(err({"interface", "x"}, false), "Invalid input `interface` after `show crypto map`: expected `tag NAME`");
}

TEST(ParseFilter, MissingValue) {
    EXPECT_EQ(err({"tag"}), "Incomplete command `show crypto map tag`: expected a map name");
    EXPECT_EQ(err({"int"}), "Incomplete command `show crypto map interface`: expected an interface name");
}

TEST(ParseFilter, TrailingWords) {
    EXPECT_EQ(err({"tag", "mymap", "detail"}), "Invalid input `detail` after `show crypto map tag mymap`");
    EXPECT_EQ(err({"interface", "Fa0/0", "x"}), "Invalid input `x` after `show crypto map interface Fa0/0`");
}

config::Config two_interfaces() {
    config::Config c;
    c.interfaces.resize(3);
    c.interfaces[0].name = "FastEthernet0/0";
    c.interfaces[1].name = "FastEthernet0/1";
    c.interfaces[2].name = "out0";
    return c;
}

TEST(FindInterface, ByFullNameAnyCaseOrAbbreviatedType) {
    const auto c = two_interfaces();
    for (const char* typed : {"FastEthernet0/0", "fastethernet0/0", "Fa0/0", "f0/0", "Fast 0/0"}) {
        auto r = find_interface(c, typed);
        ASSERT_TRUE(r.ok()) << typed;
        EXPECT_EQ((*r)->name, "FastEthernet0/0") << typed;
    }
    auto out = find_interface(c, "OUT0");
    ASSERT_TRUE(out.ok());
    EXPECT_EQ((*out)->name, "out0");
}

TEST(FindInterface, UnknownAndAmbiguous) {
    auto c = two_interfaces();
    auto r = find_interface(c, "Gi0/0");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "Interface Gi0/0 does not exist");
    auto none = find_interface(c, "0/0");
    ASSERT_FALSE(none.ok());
    c.interfaces[2].name = "Fddi0/0";
    auto amb = find_interface(c, "F0/0");
    ASSERT_FALSE(amb.ok());
    EXPECT_EQ(amb.error().message, "Ambiguous interface F0/0: FastEthernet0/0, Fddi0/0");
}

}  // namespace
}  // namespace tandem::show
