// IOS text <-> model: the seed document's three examples (tests/data/ios/seed-*.ios), a full
// router configuration, the errors and warnings the importer gives (with line:column), and the
// render -> import round trip.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/config/ios_import.h"
#include "common/config/ios_render.h"

namespace tandem::config {
namespace {

std::filesystem::path source_dir() {
    const char* d = std::getenv("TANDEM_SOURCE_DIR");
    return d ? std::filesystem::path(d) : std::filesystem::current_path();
}

std::string read_data(const std::string& name) {
    std::ifstream in(source_dir() / "tests/data/ios" / name);
    EXPECT_TRUE(in.good()) << name;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

Ipv4Address ip(const char* s) { return *Ipv4Address::parse(s); }
Ipv4Prefix pfx(const char* s) { return *Ipv4Prefix::parse(s); }

std::vector<const Diagnostic*> of(const Diagnostics& d, Severity s) {
    std::vector<const Diagnostic*> out;
    for (const auto& x : d.items()) {
        if (x.severity == s) out.push_back(&x);
    }
    return out;
}

// The one error `text` produces.
Diagnostic only_error(std::string_view text) {
    auto r = import_ios(text, "t.ios");
    auto errors = of(r.diags, Severity::error);
    EXPECT_EQ(errors.size(), 1u) << text << "\n" << r.diags.str();
    return errors.empty() ? Diagnostic{} : *errors[0];
}

void expect_round_trip(const IosImportResult& r) {
    std::string text = render_ios(r.config);
    auto again = import_ios(text, "rendered.ios");
    EXPECT_FALSE(again.diags.has_errors()) << again.diags.str() << text;
    EXPECT_EQ(again.config, r.config) << text;
}

// ---------------------------------------------------------------- the seed's examples

TEST(IosSeed, StaticCryptoMap) {
    auto r = import_ios(read_data("seed-static.ios"), "seed-static.ios");
    EXPECT_FALSE(r.diags.has_errors()) << r.diags.str();
    EXPECT_EQ(r.diags.warning_count(), 0u) << r.diags.str();
    const Config& c = r.config;

    ASSERT_EQ(c.transform_sets.size(), 1u);
    EXPECT_EQ(c.transform_sets[0].name, "esp-3des-sha");
    EXPECT_EQ(c.transform_sets[0].cipher, EspCipher::aes_cbc_256);
    EXPECT_EQ(c.transform_sets[0].integrity, EspIntegrity::sha1_96);

    ASSERT_EQ(c.crypto_maps.size(), 1u);
    const auto& m = c.crypto_maps[0];
    EXPECT_EQ(m.name, "mymap");
    ASSERT_EQ(m.entries.size(), 2u);
    const auto& e1 = m.entries[0];
    const auto& e2 = m.entries[1];
    EXPECT_EQ(e1.seq, 1u);
    EXPECT_EQ(e1.policy.peers, std::vector<Ipv4Address>{ip("172.17.11.1")});
    ASSERT_TRUE(e1.policy.reverse_route.has_value());
    EXPECT_EQ(*e1.policy.reverse_route, ReverseRoute{});
    EXPECT_EQ(e1.policy.transform_sets, std::vector<std::string>{"esp-3des-sha"});
    EXPECT_EQ(e1.policy.match_address, "101");
    EXPECT_EQ(e2.seq, 2u);
    EXPECT_EQ(e2.policy.peers, std::vector<Ipv4Address>{ip("10.1.1.1")});
    EXPECT_FALSE(e2.policy.reverse_route.has_value());
    EXPECT_EQ(e2.policy.match_address, "102");

    // Positions: the entry at its command, the field at its value ("   match address 101").
    EXPECT_EQ(e1.pos.line, 8);
    EXPECT_EQ(e1.pos.column, 1);
    EXPECT_EQ(e1.pos.file, "seed-static.ios");
    const SourcePos& ma = pos_of(e1, "match_address");
    EXPECT_EQ(ma.line, 12);
    EXPECT_EQ(ma.column, 18);
    EXPECT_EQ(pos_of(e2, "peers").line, 14);

    ASSERT_EQ(c.access_lists.size(), 2u);
    EXPECT_EQ(c.access_lists[0].name, "101");
    ASSERT_EQ(c.access_lists[0].entries.size(), 1u);
    const auto& a = c.access_lists[0].entries[0];
    EXPECT_EQ(a.action, AclAction::permit);
    EXPECT_EQ(a.protocol, 0);
    EXPECT_EQ(*a.source.prefix(), pfx("192.168.1.0/24"));
    EXPECT_EQ(*a.destination.prefix(), pfx("172.17.11.0/24"));
    EXPECT_EQ(c.access_lists[1].name, "102");
    ASSERT_EQ(c.access_lists[1].entries.size(), 1u);
    EXPECT_EQ(*c.access_lists[1].entries[0].destination.prefix(), pfx("10.0.0.0/16"));

    ASSERT_EQ(c.interfaces.size(), 1u);
    EXPECT_EQ(c.interfaces[0].name, "FastEthernet0/0");
    ASSERT_TRUE(c.interfaces[0].crypto_map.has_value());
    EXPECT_EQ(c.interfaces[0].crypto_map->map, "mymap");
    EXPECT_FALSE(c.interfaces[0].crypto_map->redundancy);
    EXPECT_FALSE(c.interfaces[0].address.has_value());
}

TEST(IosSeed, DynamicCryptoMap) {
    auto r = import_ios(read_data("seed-dynamic.ios"), "seed-dynamic.ios");
    EXPECT_FALSE(r.diags.has_errors()) << r.diags.str();
    EXPECT_EQ(r.diags.warning_count(), 0u) << r.diags.str();
    const Config& c = r.config;
    ASSERT_EQ(c.dynamic_maps.size(), 1u);
    EXPECT_EQ(c.dynamic_maps[0].name, "mydynmap");  // written `crypto dynamic mydynmap 1`
    ASSERT_EQ(c.dynamic_maps[0].entries.size(), 1u);
    const auto& d = c.dynamic_maps[0].entries[0];
    EXPECT_EQ(d.seq, 1u);
    EXPECT_EQ(d.policy.transform_sets, std::vector<std::string>{"esp-3des-sha"});
    EXPECT_TRUE(d.policy.reverse_route.has_value());
    EXPECT_TRUE(d.policy.peers.empty());

    ASSERT_EQ(c.crypto_maps.size(), 1u);
    ASSERT_EQ(c.crypto_maps[0].entries.size(), 1u);
    const auto& e = c.crypto_maps[0].entries[0];
    EXPECT_EQ(e.seq, 3u);
    EXPECT_EQ(e.dynamic_map, "mydynmap");
    EXPECT_EQ(e.policy, CryptoPolicy{});

    // `crypto map mymap` is not indented under `interface FastEthernet 0/0` in the seed; IOS
    // still reads it in interface mode.
    ASSERT_EQ(c.interfaces.size(), 1u);
    EXPECT_EQ(c.interfaces[0].name, "FastEthernet0/0");
    ASSERT_TRUE(c.interfaces[0].crypto_map.has_value());
    EXPECT_EQ(c.interfaces[0].crypto_map->map, "mymap");
    EXPECT_EQ(c.interfaces[0].crypto_map->pos.line, 15);
}

TEST(IosSeed, HsrpAndIpsec) {
    auto r = import_ios(read_data("seed-hsrp.ios"), "seed-hsrp.ios");
    EXPECT_FALSE(r.diags.has_errors()) << r.diags.str();
    EXPECT_EQ(r.diags.warning_count(), 0u) << r.diags.str();
    const Config& c = r.config;
    ASSERT_EQ(c.crypto_maps.size(), 1u);
    ASSERT_EQ(c.crypto_maps[0].entries.size(), 1u);
    const auto& e = c.crypto_maps[0].entries[0];
    EXPECT_EQ(e.policy.peers, std::vector<Ipv4Address>{ip("10.1.1.1")});
    EXPECT_TRUE(e.policy.reverse_route.has_value());
    EXPECT_EQ(e.policy.match_address, "102");

    ASSERT_EQ(c.interfaces.size(), 1u);
    const auto& itf = c.interfaces[0];
    EXPECT_EQ(itf.name, "FastEthernet0/0");  // written `Interface FastEthernet 0/0`
    ASSERT_TRUE(itf.address.has_value());
    EXPECT_EQ(itf.address->str(), "192.168.0.2/24");
    ASSERT_EQ(itf.standby.size(), 1u);
    const auto& g = itf.standby[0];
    EXPECT_EQ(g.group, 0u);
    EXPECT_EQ(g.name, "group1");
    EXPECT_EQ(g.ip, ip("192.168.0.3"));
    EXPECT_EQ(g.priority, 100);
    EXPECT_EQ(g.hello_ms, 3000u);
    EXPECT_EQ(pos_of(g, "ip").line, 17);
    ASSERT_TRUE(itf.crypto_map.has_value());
    EXPECT_EQ(itf.crypto_map->map, "mymap");
    EXPECT_TRUE(itf.crypto_map->redundancy);
    EXPECT_EQ(itf.crypto_map->standby_name, "group1");

    ASSERT_EQ(c.access_lists.size(), 1u);
    EXPECT_EQ(c.access_lists[0].name, "102");
}

class IosRoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(IosRoundTrip, RenderThenImportIsEqual) {
    auto r = import_ios(read_data(GetParam()), GetParam());
    ASSERT_FALSE(r.diags.has_errors()) << r.diags.str();
    expect_round_trip(r);
    // Rendering is stable: the second rendering is the first.
    auto again = import_ios(render_ios(r.config), "rendered.ios");
    EXPECT_EQ(render_ios(again.config), render_ios(r.config));
}

INSTANTIATE_TEST_SUITE_P(Files, IosRoundTrip,
                         ::testing::Values("seed-dynamic.ios", "seed-static.ios", "seed-hsrp.ios", "full-router.ios"));

// ---------------------------------------------------------------- a full router configuration

TEST(IosFull, ImportsEverything) {
    auto r = import_ios(read_data("full-router.ios"), "full-router.ios");
    EXPECT_FALSE(r.diags.has_errors()) << r.diags.str();
    const Config& c = r.config;
    EXPECT_EQ(c.hostname, "vpn-gw1");

    // IKE
    ASSERT_EQ(c.ike.proposals.size(), 3u);
    const auto& gcm = c.ike.proposals[0];
    EXPECT_EQ(gcm.name, "prop-gcm");
    EXPECT_EQ(gcm.encryption, (std::vector<IkeCipher>{IkeCipher::aes_gcm_256, IkeCipher::aes_gcm_128}));
    EXPECT_EQ(gcm.prf, (std::vector<IkeHash>{IkeHash::sha384, IkeHash::sha256}));
    EXPECT_TRUE(gcm.integrity.empty());
    EXPECT_EQ(gcm.dh_groups, (std::vector<uint16_t>{20, 19}));
    const auto& cbc = c.ike.proposals[1];
    EXPECT_EQ(cbc.integrity, std::vector<IkeHash>{IkeHash::sha256});
    EXPECT_EQ(cbc.prf, std::vector<IkeHash>{IkeHash::sha256});  // IOS: prf defaults to integrity
    const auto& isakmp = c.ike.proposals[2];
    EXPECT_EQ(isakmp.name, "isakmp-10");
    EXPECT_EQ(isakmp.encryption, std::vector<IkeCipher>{IkeCipher::aes_cbc_256});
    EXPECT_EQ(isakmp.prf, std::vector<IkeHash>{IkeHash::sha256});
    EXPECT_EQ(isakmp.integrity, std::vector<IkeHash>{IkeHash::sha256});
    EXPECT_EQ(isakmp.dh_groups, std::vector<uint16_t>{14});
    EXPECT_EQ(c.ike.lifetime_seconds, 28800u);

    ASSERT_EQ(c.ike.keys.size(), 3u);
    EXPECT_EQ(c.ike.keys[0].peer, pfx("198.51.100.10/32"));
    EXPECT_EQ(c.ike.keys[0].key, "s3cret-a");
    EXPECT_EQ(c.ike.keys[1].peer, pfx("0.0.0.0/0"));
    EXPECT_EQ(c.ike.keys[1].key, "wildcard-key");
    EXPECT_EQ(c.ike.keys[2].peer, pfx("203.0.113.5/32"));
    EXPECT_EQ(c.ike.keys[2].key, "cisco123");
    EXPECT_EQ(c.ike.keys[2].pos.line, 45);
    ASSERT_TRUE(c.ike.keepalive.has_value());
    EXPECT_EQ(c.ike.keepalive->interval, 10u);
    EXPECT_EQ(c.ike.keepalive->retry, 3u);
    EXPECT_EQ(c.ike.keepalive->mode, DpdMode::periodic);
    EXPECT_EQ(c.ike.nat_keepalive, 20u);

    // IPsec
    EXPECT_EQ(c.ipsec.lifetime.seconds, 3600u);
    EXPECT_FALSE(c.ipsec.lifetime.kilobytes.has_value());
    EXPECT_EQ(c.ipsec.replay_window, 128u);
    ASSERT_EQ(c.transform_sets.size(), 2u);
    EXPECT_EQ(c.transform_sets[0].cipher, EspCipher::aes_gcm_256);
    EXPECT_EQ(c.transform_sets[0].integrity, EspIntegrity::none);
    EXPECT_EQ(c.transform_sets[1].cipher, EspCipher::aes_cbc_256);
    EXPECT_EQ(c.transform_sets[1].integrity, EspIntegrity::sha256_128);

    ASSERT_EQ(c.dynamic_maps.size(), 1u);
    const auto& dyn = c.dynamic_maps[0].entries.at(0).policy;
    EXPECT_EQ(dyn.transform_sets, (std::vector<std::string>{"ts-gcm", "ts-cbc"}));
    EXPECT_EQ(dyn.pfs_group, 19);
    ASSERT_TRUE(dyn.reverse_route.has_value());
    EXPECT_EQ(dyn.reverse_route->tag, 77u);
    EXPECT_EQ(dyn.reverse_route->distance, 20);

    ASSERT_EQ(c.crypto_maps.size(), 1u);
    const auto& vpn = c.crypto_maps[0];
    ASSERT_EQ(vpn.entries.size(), 3u);
    EXPECT_EQ(vpn.entries[0].seq, 10u);  // sorted by seq although 20 came first
    EXPECT_EQ(vpn.entries[1].seq, 20u);
    EXPECT_EQ(vpn.entries[2].seq, 100u);
    EXPECT_EQ(vpn.entries[2].dynamic_map, "dyn");
    const auto& p10 = vpn.entries[0].policy;
    EXPECT_EQ(p10.peers, (std::vector<Ipv4Address>{ip("198.51.100.10"), ip("198.51.100.11")}));
    EXPECT_EQ(p10.lifetime.seconds, 1800u);
    EXPECT_EQ(p10.pfs_group, 14);
    EXPECT_EQ(p10.match_address, "branch-a");
    ASSERT_TRUE(p10.reverse_route.has_value());
    EXPECT_TRUE(p10.reverse_route->static_routes);
    EXPECT_EQ(p10.reverse_route->remote_peer, ip("192.0.2.254"));
    EXPECT_TRUE(p10.reverse_route->gateway);
    EXPECT_FALSE(p10.ike_proposal.has_value());

    // Interfaces and HSRP
    ASSERT_EQ(c.interfaces.size(), 4u);
    EXPECT_EQ(c.interfaces[0].name, "Loopback0");
    EXPECT_EQ(c.interfaces[0].address->str(), "10.255.0.1/32");
    const auto& out = c.interfaces[1];
    EXPECT_EQ(out.name, "GigabitEthernet0/0");
    EXPECT_EQ(out.standby_version, 2);
    ASSERT_EQ(out.standby.size(), 1u);
    const auto& g1 = out.standby[0];
    EXPECT_EQ(g1.group, 1u);
    EXPECT_EQ(g1.ip, ip("192.0.2.1"));
    EXPECT_EQ(g1.hello_ms, 250u);
    EXPECT_EQ(g1.hold_ms, 750u);
    EXPECT_EQ(g1.priority, 110);
    EXPECT_TRUE(g1.preempt);
    EXPECT_EQ(g1.preempt_delay_ms, 30000u);
    ASSERT_TRUE(g1.auth.has_value());
    EXPECT_EQ(g1.auth->kind, StandbyAuth::Kind::md5);
    EXPECT_EQ(g1.auth->key, "hsrp-key");
    EXPECT_EQ(g1.name, "outside-ha");
    ASSERT_EQ(g1.track.size(), 2u);
    EXPECT_EQ(g1.track[0].object, 5u);
    EXPECT_EQ(g1.track[0].decrement, 20);
    EXPECT_EQ(g1.track[1].interface, "GigabitEthernet0/1");
    EXPECT_EQ(g1.track[1].decrement, 15);
    EXPECT_EQ(out.crypto_map->standby_name, "outside-ha");
    const auto& in = c.interfaces[2];
    EXPECT_EQ(in.mtu, 1400);
    ASSERT_EQ(in.standby.size(), 1u);
    EXPECT_EQ(in.standby[0].group, 2u);
    EXPECT_EQ(in.standby[0].auth->kind, StandbyAuth::Kind::text);
    EXPECT_EQ(in.standby[0].auth->key, "inside");
    EXPECT_TRUE(in.standby[0].preempt);
    EXPECT_EQ(in.standby[0].preempt_delay_ms, 0u);
    EXPECT_FALSE(in.crypto_map.has_value());
    EXPECT_TRUE(c.interfaces[3].shutdown);
    EXPECT_FALSE(c.interfaces[3].address.has_value());

    // Routes and ACLs
    ASSERT_EQ(c.routes.size(), 2u);
    EXPECT_EQ(c.routes[0].prefix, pfx("0.0.0.0/0"));
    EXPECT_EQ(c.routes[0].next_hop, ip("192.0.2.254"));
    EXPECT_EQ(c.routes[1].interface, "GigabitEthernet0/1");
    EXPECT_EQ(c.routes[1].next_hop, ip("10.0.0.254"));
    EXPECT_EQ(c.routes[1].distance, 5);
    EXPECT_EQ(c.routes[1].tag, 99u);
    ASSERT_EQ(c.access_lists.size(), 2u);
    const auto& named = c.access_lists[0];
    EXPECT_EQ(named.name, "branch-a");
    ASSERT_EQ(named.entries.size(), 3u);
    EXPECT_TRUE(named.entries[0].is_remark);
    EXPECT_EQ(named.entries[0].remark, "traffic to branch A");
    EXPECT_EQ(named.entries[1].protocol, 0);  // seq 15 sorts before seq 20
    EXPECT_EQ(named.entries[2].protocol, 6);
    EXPECT_EQ(named.entries[2].destination_ports, (PortMatch{PortMatch::Op::eq, 443, 0}));
    EXPECT_EQ(c.access_lists[1].name, "150");
}

TEST(IosFull, WarnsAboutEveryLineItDoesNotImport) {
    auto r = import_ios(read_data("full-router.ios"), "full-router.ios");
    std::vector<int> lines;
    for (const auto* w : of(r.diags, Severity::warning)) lines.push_back(w->pos.line);
    // no aaa, ip cef, isakmp policy (imported as IKEv2), set ikev2-profile, ip nat outside, duplex,
    // router ospf and its two lines, line con 0 and its line.
    EXPECT_EQ(lines, (std::vector<int>{16, 17, 39, 75, 84, 95, 111, 112, 113, 125, 126})) << r.diags.str();
    std::string all = r.diags.str();
    EXPECT_NE(all.find("full-router.ios:84:2: warning: 'ip nat outside' is not imported (not part of Tandem's model)"),
              std::string::npos)
        << all;
    EXPECT_NE(all.find("full-router.ios:39:1: warning: ike.proposals[isakmp-10]: Tandem speaks IKEv2 only; imported "
                       "as an IKEv2 proposal"),
              std::string::npos)
        << all;
    EXPECT_NE(all.find("full-router.ios:112:2: warning: 'redistribute static subnets' is not imported (part of "
                       "'router ospf 1', which is not imported)"),
              std::string::npos)
        << all;
}

TEST(IosFull, RenderedTextReadsLikeIos) {
    auto r = import_ios(read_data("full-router.ios"), "full-router.ios");
    std::string text = render_ios(r.config);
    for (const char* expected : {
             "hostname vpn-gw1\n",
             "crypto ikev2 proposal prop-gcm\n encryption aes-gcm-256 aes-gcm-128\n prf sha384 sha256\n group 20 19\n!\n",
             "crypto ipsec transform-set ts-cbc esp-aes 256 esp-sha256-hmac\n mode tunnel\n",
             "crypto map vpn 10 ipsec-isakmp\n set peer 198.51.100.10\n set peer 198.51.100.11\n",
             " reverse-route static remote-peer 192.0.2.254 gateway\n",
             "crypto map vpn 100 ipsec-isakmp dynamic dyn\n",
             " reverse-route tag 77\n set reverse-route distance 20\n",
             "interface GigabitEthernet0/0\n ip address 192.0.2.2 255.255.255.0\n standby version 2\n",
             " standby 1 timers msec 250 msec 750\n",
             " standby 1 preempt delay minimum 30\n",
             " standby 1 authentication md5 key-string hsrp-key\n",
             " standby 1 track 5 decrement 20\n standby 1 track GigabitEthernet0/1 15\n",
             " crypto map vpn redundancy outside-ha\n",
             "ip route 10.50.0.0 255.255.0.0 GigabitEthernet0/1 10.0.0.254 5 tag 99\n",
             "ip access-list extended branch-a\n remark traffic to branch A\n permit ip 10.0.0.0 0.0.0.255",
             "access-list 150 permit ip 10.0.0.0 0.0.255.255 172.20.0.0 0.0.255.255\n",
             "crypto ikev2 dpd 10 3 periodic\n",
         }) {
        EXPECT_NE(text.find(expected), std::string::npos) << "missing:\n" << expected << "\nin:\n" << text;
    }
    EXPECT_EQ(text.find("tandem dataplane"), std::string::npos);  // defaults are not commented
    EXPECT_EQ(text.substr(text.size() - 4), "end\n");
}

// ---------------------------------------------------------------- errors

TEST(IosErrors, ThreeDesIsRefusedClearly) {
    auto d = only_error("crypto ipsec transform-set t esp-3des esp-sha-hmac\n");
    EXPECT_EQ(d.pos.line, 1);
    EXPECT_EQ(d.pos.column, 30);
    EXPECT_EQ(d.message, "not supported: 3DES is deprecated (RFC 8221); use esp-aes 256 or esp-gcm 256");
    EXPECT_EQ(d.field, "transform_sets.t");
    auto r = import_ios("crypto ipsec transform-set t esp-3des esp-sha-hmac\n mode tunnel\n", "t.ios");
    EXPECT_TRUE(r.config.transform_sets.empty());
    EXPECT_EQ(r.diags.warning_count(), 1u);  // the body of a refused set is reported, not read
}

TEST(IosErrors, OtherRefusedTransforms) {
    auto des = import_ios("crypto ipsec transform-set t esp-des esp-md5-hmac", "t.ios");
    ASSERT_EQ(des.diags.error_count(), 2u) << des.diags.str();  // both transforms are refused
    EXPECT_NE(des.diags.items()[0].message.find("DES is deprecated"), std::string::npos);
    EXPECT_NE(des.diags.items()[1].message.find("HMAC-MD5 is deprecated"), std::string::npos);
    EXPECT_NE(only_error("crypto ipsec transform-set t esp-aes 256 esp-md5-hmac").message.find("HMAC-MD5"),
              std::string::npos);
    EXPECT_NE(only_error("crypto ipsec transform-set t ah-sha-hmac esp-gcm").message.find("AH is not offered"),
              std::string::npos);
    EXPECT_NE(only_error("crypto ipsec transform-set t esp-gcm 256 esp-sha-hmac").message.find("drop 'esp-sha-hmac'"),
              std::string::npos);
    EXPECT_NE(only_error("crypto ipsec transform-set t esp-aes").message.find("needs an integrity transform"),
              std::string::npos);
    EXPECT_NE(only_error("crypto ipsec transform-set t esp-aes 192 esp-sha-hmac").message.find("192-bit"),
              std::string::npos);
    auto typo = only_error("crypto ipsec transform-set t esp-gcn 256");
    EXPECT_NE(typo.message.find("did you mean esp-gcm?"), std::string::npos) << typo.message;
    auto transport = only_error("crypto ipsec transform-set t esp-gcm\n mode transport\n");
    EXPECT_EQ(transport.pos.line, 2);
    EXPECT_EQ(transport.pos.column, 7);
    EXPECT_NE(transport.message.find("Tandem does only tunnel mode"), std::string::npos);
}

TEST(IosErrors, DefaultsOfGcmAndAes) {
    auto r = import_ios("crypto ipsec transform-set g esp-gcm\ncrypto ipsec transform-set a esp-aes esp-sha512-hmac\n",
                        "t.ios");
    ASSERT_FALSE(r.diags.has_errors()) << r.diags.str();
    EXPECT_EQ(r.config.transform_sets[0].cipher, EspCipher::aes_gcm_128);
    EXPECT_EQ(r.config.transform_sets[1].cipher, EspCipher::aes_cbc_128);
    EXPECT_EQ(r.config.transform_sets[1].integrity, EspIntegrity::sha512_256);
}

struct BadLine {
    const char* text;
    int line;
    int column;
    const char* message_part;
};

TEST(IosErrors, MalformedLinesPointAtTheBadToken) {
    const BadLine cases[] = {
        {"crypto map m 1 ipsec-isakmp\n set peer 10.1.1\n", 2, 11, "'10.1.1' is not an IPv4 address"},
        {"crypto map m 1\n set peer 10.1.1.256\n", 2, 11, "is not an IPv4 address"},
        {"crypto map m x ipsec-isakmp\n", 1, 14, "'x' is not a number; expected sequence number (1..65535)"},
        {"crypto map m 0 ipsec-isakmp\n", 1, 14, "0 is out of range for sequence number (1..65535)"},
        {"crypto map m 70000\n", 1, 14, "out of range"},
        {"crypto map m 1 ipsec-isakmp bogus\n", 1, 29, "expected dynamic"},
        {"crypto map m 1 ipsec-manual\n", 1, 16, "manual keying"},
        {"crypto map m 1 ipsec-isakmp dynamic\n", 1, 36, "missing dynamic map name"},
        {"crypto map m\n", 1, 13, "missing sequence number"},
        {"crypto map m 1\n match address\n", 2, 15, "missing access list name"},
        {"crypto map m 1\n set pfs group2\n", 2, 10, "DH group 2 is not offered"},
        {"crypto map m 1\n set pfs fourteen\n", 2, 10, "is not a DH group"},
        {"crypto map m 1\n set security-association lifetime seconds 10\n", 2, 44, "out of range"},
        {"crypto map m 1\n set security-association lifetime minutes 10\n", 2, 36, "expected seconds or kilobytes"},
        {"crypto map m 1\n reverse-route remote-peer\n", 2, 27, "missing address after 'remote-peer'"},
        {"crypto map m 1\n reverse-route statik\n", 2, 16, "did you mean static?"},
        {"crypto map m 1\n reverse-route tag\n", 2, 19, "missing route tag"},
        {"crypto map m 1\n set reverse-route distance 300\n", 2, 29, "out of range"},
        {"crypto map m 1 ipsec-isakmp dynamic d\n set peer 1.2.3.4\n", 2, 2, "takes its policy from dynamic map d"},
        {"crypto dynamic-map d\n", 1, 21, "missing sequence number"},
        {"interface Gi0/0\n ip address 10.0.0.1 255.0.255.0\n", 2, 22, "is not a netmask"},
        {"interface Gi0/0\n ip address 10.0.0.1 0.0.0.255\n", 2, 22, "did you mean 255.255.255.0?"},
        {"interface Gi0/0\n ip address 10.0.0.1\n", 2, 21, "missing netmask"},
        {"interface Gi0/0\n ip address dhcp\n", 2, 13, "static interface address"},
        {"interface Gi0/0\n mtu 20\n", 2, 6, "out of range for MTU"},
        {"interface Gi0/0\n standby 1 priority 300\n", 2, 21, "300 is out of range for standby priority (0..255)"},
        {"interface Gi0/0\n standby 1 priority\n", 2, 20, "missing standby priority"},
        {"interface Gi0/0\n standby 1 pirority 10\n", 2, 12, "did you mean priority?"},
        {"interface Gi0/0\n standby 1 ip 10.0.0\n", 2, 15, "'10.0.0' is not an IPv4 address"},
        {"interface Gi0/0\n standby version 3\n", 2, 18, "out of range for HSRP version"},
        {"interface Gi0/0\n standby 1 timers 5 3\n", 2, 19, "must be greater than the hello time"},
        {"interface Gi0/0\n standby 1 timers msec 5 1\n", 2, 24, "out of range for hello time in milliseconds"},
        {"interface Gi0/0\n standby 1 track 1 decrement 0\n", 2, 30, "out of range for priority decrement"},
        {"interface Gi0/0\n standby 1 authentication md5 key-string 7 0822455D0A16\n", 2, 42, "type 7"},
        {"interface Gi0/0\n crypto map m redundancy g extra\n", 2, 28, "unexpected 'extra'"},
        {"interface FastEthernet\n", 1, 23, "missing the interface number"},
        {"access-list 10 permit any\n", 1, 13, "standard access lists cannot be crypto ACLs; use an extended one"},
        {"access-list 700 permit any\n", 1, 13, "not an IP extended list"},
        {"access-list 101 permit ip any 10.0.0.0 255.0.0.0\n", 1, 40, "looks like a subnet mask"},
        {"access-list 101 permit ip any\n", 1, 30, "missing destination"},
        {"access-list 101\n", 1, 16, "missing entry"},
        {"access-list abc permit ip any any\n", 1, 13, "not an access-list number"},
        {"ip access-list standard S\n", 1, 16, "standard access lists cannot be crypto ACLs"},
        {"ip access-list extended 5\n", 1, 25, "standard list"},
        {"ip access-list extended N\n 10 permit ip any any\n 10 deny ip any any\n", 3, 2, "already used"},
        {"ip access-list extended N\n permit tcp any any established\n", 3 - 1, 21, "not supported in crypto access lists"},
        {"ip route 10.0.0.1 255.0.0.0 1.2.3.4\n", 1, 10, "did you mean 10.0.0.0 255.0.0.0?"},
        {"ip route 10.0.0.0 0.255.255.255 1.2.3.4\n", 1, 19, "did you mean 255.0.0.0?"},
        {"ip route 10.0.0.0 255.0.0.0\n", 1, 28, "missing next hop"},
        {"ip route 10.0.0.0 255.0.0.0 1.2.3\n", 1, 29, "is not an IPv4 address"},
        {"ip route 10.0.0.0 255.0.0.0 1.2.3.4 0\n", 1, 37, "out of range for administrative distance"},
        {"ip route 10.0.0.0 255.0.0.0 1.2.3.4 5 foo\n", 1, 39, "unexpected 'foo'"},
        {"crypto isakmp policy 10\n encr 3des\n hash sha256\n group 14\n authentication pre-share\n", 2, 7, "deprecated"},
        {"crypto isakmp policy 10\n encr aes\n hash sha\n group 14\n authentication pre-share\n", 3, 7, "SHA-1"},
        {"crypto isakmp policy 10\n encr aes\n hash sha256\n group 2\n authentication pre-share\n", 4, 8, "DH group 2"},
        {"crypto isakmp policy 10\n encr aes\n hash sha256\n group 14\n authentication rsa-sig\n", 5, 17,
         "pre-shared keys only"},
        {"crypto isakmp policy 10\n hash sha256\n group 14\n authentication pre-share\n", 1, 1, "has no 'encryption' line"},
        {"crypto isakmp key 6 abc address 1.2.3.4\n", 1, 19, "type 6"},
        {"crypto isakmp key k hostname peer.example\n", 1, 21, "by peer address"},
        {"crypto isakmp key k address 1.2.3.4 255.255.0.0\n", 1, 29, "host bits set"},
        {"crypto isakmp keepalive 5\n", 1, 25, "out of range for keepalive interval"},
        {"crypto isakmp keepalive 10 2 sometimes\n", 1, 30, "expected periodic or on-demand"},
        {"crypto ikev2 dpd 10 2\n", 1, 22, "missing a DPD mode"},
        {"crypto ikev2 proposal p\n encryption aes-cbc-256 3des\n", 2, 25, "3des is deprecated"},
        {"crypto ikev2 proposal p\n integrity sha1\n", 2, 12, "sha1 is deprecated"},
        {"crypto ikev2 proposal p\n group 19 5\n", 2, 11, "DH group 5 is not offered"},
        {"crypto ikev2 keyring k\n peer a\n  address 1.2.3\n  pre-shared-key x\n", 3, 11, "not an IPv4 address"},
        {"crypto ikev2 keyring k\n peer a\n  pre-shared-key x\n", 2, 2, "has no 'address' line"},
        {"crypto ipsec security-association replay window-size 8\n", 1, 54, "out of range"},
        {"crypto ipsec security-association lifetime kilobytes 10\n", 1, 54, "out of range"},
        {"hostname\n", 1, 9, "missing host name"},
        {"crypto\n", 1, 7, "missing crypto command"},
    };
    for (const auto& c : cases) {
        auto d = only_error(c.text);
        EXPECT_EQ(d.pos.file, "t.ios") << c.text;
        EXPECT_EQ(d.pos.line, c.line) << c.text << "\n" << d.str();
        EXPECT_EQ(d.pos.column, c.column) << c.text << "\n" << d.str();
        EXPECT_NE(d.message.find(c.message_part), std::string::npos) << c.text << "\n" << d.str();
    }
}

TEST(IosErrors, FieldPathsUseYamlNames) {
    EXPECT_EQ(only_error("crypto map mymap 1\n match address\n").field, "crypto_maps.mymap[seq 1].match_address");
    EXPECT_EQ(only_error("interface FastEthernet 0/0\n standby 1 priority 300\n").field,
              "interfaces[FastEthernet0/0].standby[1].priority");
    EXPECT_EQ(only_error("access-list 101 permit ip any\n").field, "access_lists.101[0]");
    EXPECT_EQ(only_error("access-list 101 permit ip any any\naccess-list 101 permit ip any\n").field,
              "access_lists.101[1]");
    EXPECT_EQ(only_error("crypto isakmp key 6 k address 1.2.3.4\n").field, "ike.keys[0].key");
    EXPECT_EQ(only_error("crypto dynamic-map d 5\n set peer x\n").field, "dynamic_maps.d[seq 5].peers[0]");
}

TEST(IosErrors, EveryProblemIsReportedNotJustTheFirst) {
    auto r = import_ios("crypto map m 1\n set peer 1.2.3\n set pfs group1\ninterface Gi0/0\n mtu 1\n", "t.ios");
    auto errors = of(r.diags, Severity::error);
    ASSERT_EQ(errors.size(), 3u) << r.diags.str();
    EXPECT_EQ(errors[0]->pos.line, 2);
    EXPECT_EQ(errors[1]->pos.line, 3);
    EXPECT_EQ(errors[2]->pos.line, 5);
    // The good parts are still imported.
    EXPECT_EQ(r.config.crypto_maps.size(), 1u);
    EXPECT_EQ(r.config.interfaces.size(), 1u);
}

TEST(IosErrors, GarbageNeverCrashes) {
    const char* inputs[] = {
        "",
        "\n\n\n",
        "!\n!!!\n   !\n",
        "\x01\x02\x03 \xff\xfe\n",
        "crypto map\n",
        "crypto map m 1 ipsec-isakmp dynamic d discover\n",
        "   set peer 1.2.3.4\n",
        "interface\n standby\n standby 1\n standby 1 track\n standby 1 authentication\n standby 1 preempt delay\n",
        "ip\nip route\nip access-list\nip access-list extended\n",
        "crypto ikev2 keyring k\n address 1.2.3.4\n peer\n",
        "crypto isakmp\ncrypto isakmp policy\ncrypto isakmp policy 5\n",
        "crypto ikev2 proposal\ncrypto ikev2 proposal p\n encryption\n group\n prf\n",
        "access-list 101 remark\naccess-list 101 permit tcp any range 5 1 any\n",
        "crypto map m 99999999999999999999999999 ipsec-isakmp\n",
        "\r\n\tinterface\tGi0/0\r\n\tshutdown\r\n",
    };
    for (const char* text : inputs) {
        auto r = import_ios(text, "g.ios");
        for (const auto& d : r.diags.items()) {
            EXPECT_GE(d.pos.line, 1) << text;
            EXPECT_GE(d.pos.column, 1) << text;
        }
        if (!r.diags.has_errors()) expect_round_trip(r);
    }
}

TEST(IosErrors, TruncatedLinesOfTheFullConfigNeverCrashAndRoundTripWhenClean) {
    // Every prefix of every line of a realistic configuration, in place: a cheap, deterministic
    // stand-in for the fuzz target (tests/fuzz/fuzz_config_ios.cc).
    std::string full = read_data("full-router.ios");
    std::vector<std::string> lines;
    std::istringstream in(full);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    int clean = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
        for (size_t cut = 0; cut < lines[i].size(); ++cut) {
            std::string text;
            for (size_t j = 0; j < lines.size(); ++j) text += (j == i ? lines[j].substr(0, cut) : lines[j]) + "\n";
            auto r = import_ios(text, "cut.ios");
            if (r.diags.has_errors()) {
                ASSERT_GE(r.diags.items()[0].pos.line, 1);
                continue;
            }
            ++clean;
            auto again = import_ios(render_ios(r.config), "rendered.ios");
            ASSERT_FALSE(again.diags.has_errors()) << "line " << i + 1 << " cut at " << cut << "\n" << again.diags.str();
            ASSERT_EQ(again.config, r.config) << "line " << i + 1 << " cut at " << cut;
        }
    }
    EXPECT_GT(clean, 100);
}

// ---------------------------------------------------------------- warnings and layout

TEST(IosWarnings, UnknownLinesAreWarningsWithTheirLineNumbers) {
    auto r = import_ios("hostname r1\n"
                        "ip nat inside source list 1 interface Gi0/0 overload\n"
                        "interface Gi0/1\n"
                        " ip nat inside\n"
                        " ip address 10.0.0.1 255.255.255.0\n"
                        "router ospf 1\n"
                        " network 10.0.0.0 0.0.0.255 area 0\n"
                        "version 15.2\n"
                        "end\n",
                        "w.ios");
    EXPECT_FALSE(r.diags.has_errors()) << r.diags.str();
    auto w = of(r.diags, Severity::warning);
    ASSERT_EQ(w.size(), 4u) << r.diags.str();
    EXPECT_EQ(w[0]->pos.line, 2);
    EXPECT_EQ(w[0]->message, "'ip nat inside source list 1 interface Gi0/0 overload' is not imported (not part of "
                             "Tandem's model)");
    EXPECT_EQ(w[1]->pos.line, 4);
    EXPECT_EQ(w[1]->pos.column, 2);
    EXPECT_EQ(w[1]->str(), "w.ios:4:2: warning: 'ip nat inside' is not imported (not part of Tandem's model)");
    EXPECT_EQ(w[2]->pos.line, 6);
    EXPECT_EQ(w[3]->pos.line, 7);
    EXPECT_EQ(r.config.hostname, "r1");
    // The interface block went on after the unknown line.
    ASSERT_EQ(r.config.interfaces.size(), 1u);
    EXPECT_EQ(r.config.interfaces[0].name, "GigabitEthernet0/1");
    EXPECT_TRUE(r.config.interfaces[0].address.has_value());
}

TEST(IosWarnings, ProfilesAndSetReverseRouteWithoutRri) {
    auto r = import_ios("crypto map m 1\n set isakmp-profile p\n set reverse-route tag 5\n", "w.ios");
    EXPECT_FALSE(r.diags.has_errors());
    auto w = of(r.diags, Severity::warning);
    ASSERT_EQ(w.size(), 2u) << r.diags.str();
    EXPECT_EQ(w[0]->pos.line, 2);
    EXPECT_NE(w[0]->message.find("no IKE profiles"), std::string::npos);
    EXPECT_EQ(w[1]->pos.line, 3);
    EXPECT_NE(w[1]->message.find("reverse-route is not enabled"), std::string::npos);
    EXPECT_FALSE(r.config.crypto_maps[0].entries[0].policy.reverse_route.has_value());
}

TEST(IosLayout, KeywordsAreCaseInsensitiveAndIndentationIsTolerated) {
    auto r = import_ios("CRYPTO MAP Vpn 5 IPSEC-ISAKMP\n"
                        "        SET PEER 1.2.3.4\n"
                        "  Match Address Acl-1\n"
                        "INTERFACE gigabitethernet 0/3\n"
                        "\tSTANDBY 4 IP 10.0.0.9\n"
                        "IP ACCESS-LIST EXTENDED Acl-1\n"
                        "  PERMIT IP ANY HOST 10.9.9.9\n",
                        "c.ios");
    ASSERT_FALSE(r.diags.has_errors()) << r.diags.str();
    EXPECT_EQ(r.diags.warning_count(), 0u) << r.diags.str();
    const auto& e = r.config.crypto_maps.at(0).entries.at(0);
    EXPECT_EQ(r.config.crypto_maps[0].name, "Vpn");  // names keep their case
    EXPECT_EQ(e.policy.peers.at(0), ip("1.2.3.4"));
    EXPECT_EQ(e.policy.match_address, "Acl-1");
    EXPECT_EQ(r.config.interfaces.at(0).name, "GigabitEthernet0/3");
    EXPECT_EQ(r.config.interfaces[0].standby.at(0).group, 4u);
    EXPECT_EQ(r.config.access_lists.at(0).entries.at(0).destination, Ipv4Wildcard::host(ip("10.9.9.9")));
}

TEST(IosLayout, UnindentedGlobalCommandEndsTheSubMode) {
    auto r = import_ios("interface Gi0/0\n"
                        "crypto map m 1 ipsec-isakmp\n"   // a global command: a map entry, not a binding
                        "set peer 1.2.3.4\n"              // unindented, but a crypto map command
                        "interface Gi0/1\n"
                        "crypto map m redundancy\n",       // unindented interface command
                        "l.ios");
    ASSERT_FALSE(r.diags.has_errors()) << r.diags.str();
    EXPECT_FALSE(r.config.interfaces[0].crypto_map.has_value());
    EXPECT_EQ(r.config.crypto_maps.at(0).entries.at(0).policy.peers.size(), 1u);
    ASSERT_TRUE(r.config.interfaces[1].crypto_map.has_value());
    EXPECT_TRUE(r.config.interfaces[1].crypto_map->redundancy);
    EXPECT_FALSE(r.config.interfaces[1].crypto_map->standby_name.has_value());
}

TEST(IosLayout, IndentedCryptoMapEntryUnderAnInterfaceIsStillAnEntry) {
    auto r = import_ios("interface Gi0/0\n crypto map m\n crypto map m 10 ipsec-isakmp\n  set peer 1.2.3.4\n", "l.ios");
    ASSERT_FALSE(r.diags.has_errors()) << r.diags.str();
    EXPECT_EQ(r.config.interfaces.at(0).crypto_map->map, "m");
    EXPECT_EQ(r.config.crypto_maps.at(0).entries.at(0).policy.peers.size(), 1u);
}

TEST(IosLayout, ReenteringAnEntryEditsIt) {
    auto r = import_ios("crypto map m 20\n set peer 1.1.1.1\n"
                        "crypto map m 10\n set peer 2.2.2.2\n"
                        "crypto map m 20\n set transform-set t\n",
                        "l.ios");
    ASSERT_FALSE(r.diags.has_errors()) << r.diags.str();
    const auto& m = r.config.crypto_maps.at(0);
    ASSERT_EQ(m.entries.size(), 2u);
    EXPECT_EQ(m.entries[0].seq, 10u);
    EXPECT_EQ(m.entries[1].seq, 20u);
    EXPECT_EQ(m.entries[1].policy.peers.at(0), ip("1.1.1.1"));
    EXPECT_EQ(m.entries[1].policy.transform_sets, std::vector<std::string>{"t"});
}

TEST(IosLayout, ReverseRouteVariants) {
    auto r = import_ios("crypto map m 1\n set reverse-route distance 7\n reverse-route remote-peer 10.0.0.1 tag 9\n"
                        "crypto map m 2\n reverse-route static tag 4\n set reverse-route tag 8\n",
                        "rr.ios");
    ASSERT_FALSE(r.diags.has_errors()) << r.diags.str();
    const auto& rr1 = *r.config.crypto_maps[0].entries[0].policy.reverse_route;
    EXPECT_EQ(rr1.remote_peer, ip("10.0.0.1"));
    EXPECT_FALSE(rr1.gateway);
    EXPECT_EQ(rr1.tag, 9u);
    EXPECT_EQ(rr1.distance, 7);
    EXPECT_EQ(pos_of(rr1, "distance").line, 2);
    const auto& rr2 = *r.config.crypto_maps[0].entries[1].policy.reverse_route;
    EXPECT_TRUE(rr2.static_routes);
    EXPECT_EQ(rr2.tag, 8u);  // the later `set reverse-route tag` wins
    expect_round_trip(r);
}

TEST(IosLayout, StandbyVariants) {
    auto r = import_ios("interface Gi0/0\n"
                        " standby timers 1 4\n"
                        " standby 3 track Serial 0/1\n"
                        " standby 3 authentication cisco\n"
                        " standby 3 track 7\n"
                        " standby 3 track 7 decrement 30\n"
                        " standby 3 preempt delay minimum 5 reload 10\n",
                        "s.ios");
    ASSERT_FALSE(r.diags.has_errors()) << r.diags.str();
    EXPECT_EQ(r.diags.warning_count(), 1u) << r.diags.str();  // `reload` is not imported
    const auto& itf = r.config.interfaces.at(0);
    ASSERT_EQ(itf.standby.size(), 2u);
    EXPECT_EQ(itf.standby[0].group, 0u);
    EXPECT_EQ(itf.standby[0].hello_ms, 1000u);
    EXPECT_EQ(itf.standby[0].hold_ms, 4000u);
    const auto& g3 = itf.standby[1];
    ASSERT_EQ(g3.track.size(), 2u);
    EXPECT_EQ(g3.track[0].interface, "Serial0/1");
    EXPECT_EQ(g3.track[0].decrement, 10);
    EXPECT_EQ(g3.track[1].object, 7u);
    EXPECT_EQ(g3.track[1].decrement, 30);  // the second `track 7` replaced the first
    EXPECT_EQ(g3.auth->kind, StandbyAuth::Kind::text);
    EXPECT_EQ(g3.auth->key, "cisco");
    EXPECT_EQ(g3.preempt_delay_ms, 5000u);
    expect_round_trip(r);
}

TEST(IosLayout, InterfaceNamesAreNormalised) {
    EXPECT_EQ(normalise_interface_name("FastEthernet", "0/0"), "FastEthernet0/0");
    EXPECT_EQ(normalise_interface_name("fa0/1"), "FastEthernet0/1");
    EXPECT_EQ(normalise_interface_name("GIGABITETHERNET0/0.10"), "GigabitEthernet0/0.10");
    EXPECT_EQ(normalise_interface_name("Te1/0/1"), "TenGigabitEthernet1/0/1");
    EXPECT_EQ(normalise_interface_name("lo0"), "Loopback0");
    EXPECT_EQ(normalise_interface_name("Tu10"), "Tunnel10");
    EXPECT_EQ(normalise_interface_name("outside0"), "outside0");  // not an IOS type: as written
    EXPECT_EQ(normalise_interface_name("uplink"), "uplink");
}

TEST(IosRender, SettingsWithoutAnIosFormBecomeComments) {
    auto r = import_ios(read_data("seed-hsrp.ios"), "seed-hsrp.ios");
    Config c = r.config;
    c.interfaces[0].port = "0000:01:00.0";
    c.interfaces[0].role = InterfaceRole::outside;
    c.dataplane.workers = {1, 2};
    c.crypto_maps[0].entries[0].policy.reverse_route->metric = 20;
    std::string text = render_ios(c);
    EXPECT_NE(text.find("! tandem interface FastEthernet0/0 port 0000:01:00.0\n"), std::string::npos) << text;
    EXPECT_NE(text.find("! tandem interface FastEthernet0/0 role outside\n"), std::string::npos) << text;
    EXPECT_NE(text.find("! tandem dataplane main-lcore 0 workers 1,2"), std::string::npos) << text;
    EXPECT_NE(text.find("! tandem crypto map mymap 1 reverse-route metric 20\n"), std::string::npos) << text;
    // The comments are ignored by the importer: what IOS can say survives, the rest is dropped.
    auto again = import_ios(text, "r.ios");
    EXPECT_FALSE(again.diags.has_errors()) << again.diags.str();
    EXPECT_EQ(again.config, r.config);
}

TEST(IosRender, HsrpGroupZeroAndNumberedAcls) {
    auto r = import_ios(read_data("seed-hsrp.ios"), "seed-hsrp.ios");
    std::string text = render_ios(r.config);
    EXPECT_NE(text.find("interface FastEthernet0/0\n ip address 192.168.0.2 255.255.255.0\n standby ip 192.168.0.3\n"
                        " standby name group1\n crypto map mymap redundancy group1\n!\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("access-list 102 permit ip 192.168.1.0 0.0.0.255 10.0.0.0 0.0.255.255\n"), std::string::npos);
    EXPECT_NE(text.find("crypto ipsec transform-set esp-3des-sha esp-aes 256 esp-sha-hmac\n mode tunnel\n"),
              std::string::npos);
}

}  // namespace
}  // namespace tandem::config
