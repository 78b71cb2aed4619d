#include "common/config/acl_text.h"

#include <gtest/gtest.h>

namespace tandem::config {
namespace {

AclEntry parse_ok(std::string_view text) {
    AclEntry e;
    AceError err;
    EXPECT_TRUE(parse_ace(text, e, err)) << text << ": " << err.message;
    return e;
}

AceError parse_err(std::string_view text) {
    AclEntry e;
    AceError err;
    EXPECT_FALSE(parse_ace(text, e, err)) << text;
    return err;
}

TEST(AceText, SeedStaticExample) {
    auto e = parse_ok("permit ip 192.168.1.0 0.0.0.255 172.17.11.0 0.0.0.255");
    EXPECT_EQ(e.action, AclAction::permit);
    EXPECT_EQ(e.protocol, 0);
    EXPECT_EQ(e.source.prefix()->str(), "192.168.1.0/24");
    EXPECT_EQ(e.destination.prefix()->str(), "172.17.11.0/24");
    EXPECT_EQ(format_ace(e), "permit ip 192.168.1.0 0.0.0.255 172.17.11.0 0.0.0.255");
}

TEST(AceText, AnyHostPrefixAndPorts) {
    auto e = parse_ok("deny tcp host 10.0.0.1 range 1000 2000 10.1.0.0/16 eq www log");
    EXPECT_EQ(e.action, AclAction::deny);
    EXPECT_EQ(e.protocol, 6);
    EXPECT_TRUE(e.source.is_host());
    EXPECT_EQ(e.source_ports, (PortMatch{PortMatch::Op::range, 1000, 2000}));
    EXPECT_EQ(e.destination.prefix()->str(), "10.1.0.0/16");
    EXPECT_EQ(e.destination_ports, (PortMatch{PortMatch::Op::eq, 80, 0}));
    EXPECT_TRUE(e.log);
    EXPECT_EQ(format_ace(e), "deny tcp host 10.0.0.1 range 1000 2000 10.1.0.0 0.0.255.255 eq 80 log");

    auto u = parse_ok("permit udp any eq isakmp any eq non500-isakmp");
    EXPECT_EQ(u.source_ports.lo, 500);
    EXPECT_EQ(u.destination_ports.lo, 4500);
    EXPECT_TRUE(u.source.is_any());

    auto n = parse_ok("permit 47 any any");
    EXPECT_EQ(n.protocol, 47);
    EXPECT_EQ(format_ace(n), "permit gre any any");
}

TEST(AceText, Remark) {
    auto e = parse_ok("remark  traffic to   branch 7  ");
    EXPECT_TRUE(e.is_remark);
    EXPECT_EQ(e.remark, "traffic to   branch 7");
}

TEST(AceText, RoundTripsThroughFormat) {
    for (const char* text : {"permit ip any any", "deny icmp host 1.2.3.4 10.0.0.0 0.255.255.255",
                             "permit udp 10.0.0.0 0.0.0.255 gt 1023 any lt 1024",
                             "permit tcp any neq 22 host 9.9.9.9", "permit 132 any any"}) {
        auto e = parse_ok(text);
        auto again = parse_ok(format_ace(e));
        EXPECT_EQ(e, again) << text;
    }
}

TEST(AceText, ErrorsPointAtTheToken) {
    auto err = parse_err("permit ip 192.168.1.0 255.255.255.0 any");
    EXPECT_EQ(err.offset, 22u);
    EXPECT_NE(err.message.find("0.0.0.255"), std::string::npos) << err.message;

    err = parse_err("permit ipp any any");
    EXPECT_EQ(err.offset, 7u);

    err = parse_err("allow ip any any");
    EXPECT_EQ(err.offset, 0u);

    err = parse_err("permit ip 192.168.1.5 0.0.0.255 any");
    EXPECT_EQ(err.offset, 10u);
    EXPECT_NE(err.message.find("192.168.1.0 0.0.0.255"), std::string::npos) << err.message;

    err = parse_err("permit ip any eq 80 any");
    EXPECT_NE(err.message.find("tcp or udp"), std::string::npos) << err.message;

    err = parse_err("permit tcp any any range 2000 1000");
    EXPECT_NE(err.message.find("empty"), std::string::npos) << err.message;

    err = parse_err("permit ip 10.0.0.1 any");
    EXPECT_NE(err.message.find("wildcard"), std::string::npos) << err.message;

    err = parse_err("permit tcp any any established");
    EXPECT_NE(err.message.find("not supported"), std::string::npos) << err.message;

    err = parse_err("permit ip any");
    EXPECT_NE(err.message.find("missing destination"), std::string::npos) << err.message;

    err = parse_err("");
    EXPECT_NE(err.message.find("empty"), std::string::npos);

    err = parse_err("permit tcp any eq 70000 any");
    EXPECT_NE(err.message.find("not a port"), std::string::npos);
}

}  // namespace
}  // namespace tandem::config
