// `show ip route [static]` and `show crypto route`, text and JSON.
#include "controlplane/rri/show_routes.h"

#include <gtest/gtest.h>

#include "common/config/load.h"

namespace tandem::rri {
namespace {

const std::string kSeed = R"(
interfaces:
  - name: FastEthernet0/0
    address: 192.168.0.2/24
    role: outside
    crypto_map: mymap
transform_sets:
  esp-3des-sha: {esp: aes-cbc-256, integrity: sha1}
access_lists:
  101:
    - permit ip 192.168.1.0 0.0.0.255 172.17.11.0 0.0.0.255
  102:
    - permit ip 192.168.1.0 0.0.0.255 10.0.0.0 0.0.255.255
crypto_maps:
  mymap:
    - seq: 1
      peer: 172.17.11.1
      reverse_route: {tag: 5}
      transform_sets: [esp-3des-sha]
      match_address: 101
    - seq: 2
      peer: 10.1.1.1
      transform_sets: [esp-3des-sha]
      match_address: 102
    - seq: 10
      dynamic: dyn
dynamic_maps:
  dyn:
    - seq: 1
      transform_sets: [esp-3des-sha]
      reverse_route: true
routes:
  - {prefix: 0.0.0.0/0, next_hop: 192.168.0.254}
)";

config::Config load(const std::string& yaml) {
    auto l = config::load_config_text(yaml, "test.yaml", config::ConfigFormat::yaml);
    EXPECT_TRUE(l.ok()) << l.diags.str();
    return l.config;
}

RouteSet with_sa(const config::Config& cfg) {
    ChildSa sa;
    sa.child_id = 3;
    sa.peer = Ipv4Address(192, 0, 2, 2);
    sa.remote_first = Ipv4Address(10, 2, 1, 0);
    sa.remote_last = Ipv4Address(10, 2, 1, 255);
    sa.spi_in = 0xc1a2b3d4;
    sa.spi_out = 0xd4c3b2a1;
    sa.map = "mymap";
    sa.seq = 10;
    sa.dynamic_map = "dyn";
    sa.dynamic_seq = 1;
    sa.interface = "FastEthernet0/0";
    return compute_routes(cfg, {{3, sa}}, nullptr);
}

TEST(ShowIpRoute, SeedStaticExample) {
    auto cfg = load(kSeed);
    auto set = compute_routes(cfg, {}, nullptr);
    auto t = show_ip_route(cfg, set, {}, false);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(*t,
              "Codes: L - local, C - connected, S - static, * - candidate default\n"
              "       V - reverse route injection (RRI), injected by a crypto map\n\n"
              "Gateway of last resort is 192.168.0.254 to network 0.0.0.0\n\n"
              "S*     0.0.0.0/0 [1/0] via 192.168.0.254\n"
              "S V    172.17.11.0/24 [1/0] via 172.17.11.1, FastEthernet0/0, tag 5\n"
              "C      192.168.0.0/24 is directly connected, FastEthernet0/0\n"
              "L      192.168.0.2/32 is directly connected, FastEthernet0/0\n");
    auto s = show_ip_route(cfg, set, {"st"}, false);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->find("directly connected"), std::string::npos);
    EXPECT_NE(s->find("S V    172.17.11.0/24"), std::string::npos);
    EXPECT_FALSE(show_ip_route(cfg, set, {"bogus"}, false).ok());
}

TEST(ShowIpRoute, Json) {
    auto cfg = load(kSeed);
    auto j = show_ip_route(cfg, with_sa(cfg), {"static"}, true);
    ASSERT_TRUE(j.ok());
    EXPECT_EQ(*j,
              "[\n"
              R"({"prefix":"0.0.0.0/0","code":"S","rri":false,"distance":1,"metric":0,"next_hop":"192.168.0.254","interface":null,"tag":null,"crypto_map":null,"seq":null},)"
              "\n"
              R"({"prefix":"10.2.1.0/24","code":"S","rri":true,"distance":1,"metric":0,"next_hop":"192.0.2.2","interface":"FastEthernet0/0","tag":null,"crypto_map":"mymap","seq":10},)"
              "\n"
              R"({"prefix":"172.17.11.0/24","code":"S","rri":true,"distance":1,"metric":0,"next_hop":"172.17.11.1","interface":"FastEthernet0/0","tag":5,"crypto_map":"mymap","seq":1})"
              "\n]\n");
}

TEST(ShowCryptoRoute, TextWithSasAndWithheld) {
    auto cfg = load(kSeed + "  - {prefix: 172.17.11.0/24, next_hop: 192.168.0.254}\n");
    auto t = show_crypto_route(with_sa(cfg), {}, false);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(*t,
              "VPN Routing Table: Shows RRI and VTI created routes\n"
              "Codes: RRI - Reverse-Route, VTI- Virtual Tunnel Interface\n"
              "        S - Static Map ACLs\n\n"
              "Routes created in table GLOBAL DEFAULT\n"
              "10.2.1.0/255.255.255.0 [1/0] via 192.0.2.2 tag 0\n"
              "                                on FastEthernet0/0 RRI\n"
              "                                crypto map mymap 10, dynamic map dyn 1\n"
              "                                SA peer 192.0.2.2, spi in 0xC1A2B3D4 out 0xD4C3B2A1 (CHILD SA 3)\n"
              "\nRoutes computed but not injected\n"
              "172.17.11.0/255.255.255.0 [1/0] via 172.17.11.1 tag 5\n"
              "                                on FastEthernet0/0 RRI S\n"
              "                                crypto map mymap 1\n"
              "                                NOT injected: a configured static route owns this prefix\n");
    EXPECT_FALSE(show_crypto_route({}, {"x"}, false).ok());
}

TEST(ShowCryptoRoute, Json) {
    auto cfg = load(kSeed);
    auto j = show_crypto_route(with_sa(cfg), {}, true);
    ASSERT_TRUE(j.ok());
    EXPECT_EQ(*j,
              "[\n"
              R"({"prefix":"10.2.1.0/24","injected":true,"reason":null,"source":"dynamic","distance":1,"metric":null,"tag":null,"next_hop":"192.0.2.2","remote_peer":false,"interface":"FastEthernet0/0","crypto_map":"mymap","seq":10,"dynamic_map":"dyn","dynamic_seq":1,"standby_group":null,"sas":[{"child_sa_id":3,"peer":"192.0.2.2","spi_in":3248665556,"spi_out":3569595041}]},)"
              "\n"
              R"({"prefix":"172.17.11.0/24","injected":true,"reason":null,"source":"static","distance":1,"metric":null,"tag":5,"next_hop":"172.17.11.1","remote_peer":false,"interface":"FastEthernet0/0","crypto_map":"mymap","seq":1,"dynamic_map":null,"dynamic_seq":null,"standby_group":null,"sas":[]})"
              "\n]\n");
    EXPECT_EQ(*show_crypto_route({}, {}, true), "[]\n");
}

}  // namespace
}  // namespace tandem::rri
