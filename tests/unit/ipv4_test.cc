#include "common/ipv4.h"

#include <gtest/gtest.h>

namespace tandem {
namespace {

TEST(Ipv4Address, ParsesAndFormatsDottedQuad) {
    auto a = Ipv4Address::parse("192.168.0.3");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->value(), 0xc0a80003u);
    EXPECT_EQ(a->str(), "192.168.0.3");
    EXPECT_EQ(Ipv4Address::parse("0.0.0.0")->str(), "0.0.0.0");
    EXPECT_EQ(Ipv4Address::parse("255.255.255.255")->value(), 0xffffffffu);
}

TEST(Ipv4Address, RejectsMalformedText) {
    for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-4", "01.2.3.4", "1..2.3",
                            "a.b.c.d", "1.2.3.4 ", " 1.2.3.4", "1.2.3.4/24", "1.2.3.1000"}) {
        EXPECT_FALSE(Ipv4Address::parse(bad)) << bad;
    }
}

TEST(Ipv4Address, Classifies) {
    EXPECT_TRUE(Ipv4Address(224, 0, 0, 2).is_multicast());
    EXPECT_FALSE(Ipv4Address(223, 255, 255, 255).is_multicast());
    EXPECT_TRUE(Ipv4Address(127, 0, 0, 1).is_loopback());
    EXPECT_TRUE(Ipv4Address().is_unspecified());
}

TEST(Ipv4Prefix, ParsesCanonicalPrefixes) {
    auto p = Ipv4Prefix::parse("172.17.11.0/24");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->length(), 24u);
    EXPECT_EQ(p->str(), "172.17.11.0/24");
    EXPECT_EQ(p->netmask_str(), "172.17.11.0 255.255.255.0");
    EXPECT_EQ(p->last().str(), "172.17.11.255");
    EXPECT_TRUE(p->contains(*Ipv4Address::parse("172.17.11.77")));
    EXPECT_FALSE(p->contains(*Ipv4Address::parse("172.17.12.1")));
    EXPECT_TRUE(Ipv4Prefix::parse("0.0.0.0/0")->is_default());
    EXPECT_EQ(Ipv4Prefix::parse("10.1.1.1/32")->first(), Ipv4Prefix::parse("10.1.1.1/32")->last());
}

TEST(Ipv4Prefix, RejectsHostBitsAndNamesTheCanonicalPrefix) {
    auto p = Ipv4Prefix::parse("10.2.1.1/24");
    ASSERT_FALSE(p);
    EXPECT_NE(p.error().message.find("10.2.1.0/24"), std::string::npos) << p.error().message;
    EXPECT_FALSE(Ipv4Prefix::parse("10.0.0.0/33"));
    EXPECT_FALSE(Ipv4Prefix::parse("10.0.0.0"));
    EXPECT_FALSE(Ipv4Prefix::parse("10.0.0.0/"));
    EXPECT_FALSE(Ipv4Prefix::parse("10.0.0.0/024"));
}

TEST(Ipv4Prefix, ContainsOtherPrefixes) {
    auto big = *Ipv4Prefix::parse("10.0.0.0/16");
    EXPECT_TRUE(big.contains(*Ipv4Prefix::parse("10.0.5.0/24")));
    EXPECT_FALSE(big.contains(*Ipv4Prefix::parse("10.0.0.0/8")));
    EXPECT_FALSE(big.contains(*Ipv4Prefix::parse("10.1.0.0/24")));
}

TEST(Netmask, LengthOfContiguousMasksOnly) {
    EXPECT_EQ(netmask_length(*Ipv4Address::parse("255.255.255.0")), 24u);
    EXPECT_EQ(netmask_length(*Ipv4Address::parse("0.0.0.0")), 0u);
    EXPECT_EQ(netmask_length(*Ipv4Address::parse("255.255.255.255")), 32u);
    EXPECT_FALSE(netmask_length(*Ipv4Address::parse("255.0.255.0")));
    EXPECT_FALSE(netmask_length(*Ipv4Address::parse("0.0.0.255")));
}

TEST(InterfaceAddress, KeepsHostBits) {
    auto a = Ipv4InterfaceAddress::parse("192.168.0.2/24");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->address.str(), "192.168.0.2");
    EXPECT_EQ(a->subnet().str(), "192.168.0.0/24");
    EXPECT_EQ(a->str(), "192.168.0.2/24");
}

TEST(Wildcard, CiscoSemantics) {
    Ipv4Wildcard w(*Ipv4Address::parse("192.168.1.0"), *Ipv4Address::parse("0.0.0.255"));
    EXPECT_TRUE(w.is_contiguous());
    EXPECT_EQ(w.prefix()->str(), "192.168.1.0/24");
    EXPECT_TRUE(w.matches(*Ipv4Address::parse("192.168.1.200")));
    EXPECT_FALSE(w.matches(*Ipv4Address::parse("192.168.2.1")));
    EXPECT_EQ(w.str(), "192.168.1.0 0.0.0.255");
    EXPECT_EQ(Ipv4Wildcard::any().str(), "any");
    EXPECT_TRUE(Ipv4Wildcard::any().matches(*Ipv4Address::parse("8.8.8.8")));
    EXPECT_EQ(Ipv4Wildcard::any().prefix()->str(), "0.0.0.0/0");
    EXPECT_EQ(Ipv4Wildcard::host(*Ipv4Address::parse("10.1.1.1")).str(), "host 10.1.1.1");
    EXPECT_EQ(Ipv4Wildcard::host(*Ipv4Address::parse("10.1.1.1")).prefix()->length(), 32u);
}

TEST(Wildcard, DiscontiguousMatchesButIsNoPrefix) {
    // 10.0.x.1 for any x.
    Ipv4Wildcard w(*Ipv4Address::parse("10.0.0.1"), *Ipv4Address::parse("0.0.255.0"));
    EXPECT_FALSE(w.is_contiguous());
    EXPECT_FALSE(w.prefix());
    EXPECT_TRUE(w.matches(*Ipv4Address::parse("10.0.77.1")));
    EXPECT_FALSE(w.matches(*Ipv4Address::parse("10.0.77.2")));
}

TEST(Wildcard, NetmaskTypedAsWildcardIsCaughtWithTheFix) {
    auto w = parse_wildcard_mask("255.255.255.0");
    ASSERT_FALSE(w);
    EXPECT_NE(w.error().message.find("0.0.0.255"), std::string::npos) << w.error().message;
    EXPECT_TRUE(parse_wildcard_mask("0.0.0.255"));
    EXPECT_TRUE(parse_wildcard_mask("0.0.0.0"));
    EXPECT_TRUE(parse_wildcard_mask("255.255.255.255"));
    EXPECT_TRUE(parse_wildcard_mask("0.0.255.0"));  // discontiguous but legal in IOS
}

TEST(PortMatch, Operators) {
    PortMatch eq{PortMatch::Op::eq, 443, 0};
    EXPECT_TRUE(eq.matches(443));
    EXPECT_FALSE(eq.matches(444));
    PortMatch range{PortMatch::Op::range, 1000, 2000};
    EXPECT_TRUE(range.matches(1000));
    EXPECT_TRUE(range.matches(2000));
    EXPECT_FALSE(range.matches(2001));
    EXPECT_TRUE((PortMatch{PortMatch::Op::lt, 1024, 0}).matches(1023));
    EXPECT_FALSE((PortMatch{PortMatch::Op::lt, 1024, 0}).matches(1024));
    EXPECT_TRUE((PortMatch{PortMatch::Op::gt, 1024, 0}).matches(1025));
    EXPECT_FALSE((PortMatch{PortMatch::Op::neq, 22, 0}).matches(22));
    EXPECT_EQ(range.str(), "range 1000 2000");
    EXPECT_EQ(PortMatch{}.str(), "");
}

TEST(Names, PortsAndProtocols) {
    EXPECT_EQ(port_by_name("isakmp", true), 500);
    EXPECT_EQ(port_by_name("non500-isakmp", true), 4500);
    EXPECT_EQ(port_by_name("www", false), 80);
    EXPECT_EQ(port_by_name("65535", false), 65535);
    EXPECT_FALSE(port_by_name("65536", false));
    EXPECT_FALSE(port_by_name("isakmp", false));
    EXPECT_EQ(protocol_by_name("ip"), 0);
    EXPECT_EQ(protocol_by_name("esp"), 50);
    EXPECT_EQ(protocol_by_name("132"), 132);
    EXPECT_FALSE(protocol_by_name("256"));
    EXPECT_FALSE(protocol_by_name("tcpp"));
    EXPECT_EQ(protocol_name(17), "udp");
    EXPECT_EQ(protocol_name(132), "132");
}

}  // namespace
}  // namespace tandem
