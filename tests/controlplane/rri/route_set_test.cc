// The route computation of Reverse Route Injection: the seed's static example, dynamic SAs up and
// down, `any` proxies, ranges, user static routes, HSRP, follow_sa, and the BIRD rendering.
#include "controlplane/rri/route_set.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "common/config/load.h"
#include "controlplane/rri/bird_consumer.h"

namespace tandem::rri {
namespace {

config::Config load(const std::string& yaml) {
    auto l = config::load_config_text(yaml, "test.yaml", config::ConfigFormat::yaml);
    EXPECT_TRUE(l.ok()) << l.diags.str();
    return l.config;
}

Ipv4Prefix P(const char* s) { return Ipv4Prefix::parse(s).value(); }
Ipv4Address A(const char* s) { return Ipv4Address::parse(s).value(); }

std::string source_dir() {
    const char* d = std::getenv("TANDEM_SOURCE_DIR");
    return d ? d : ".";
}

// The seed's "Reverse Route Injection on a Static Crypto Map", as shipped in the golden files.
TEST(RriRoutes, SeedStaticExampleYieldsExactlyMymap1Route) {
    auto l = config::load_config_file(source_dir() + "/tests/data/config/ok-seed-static-rri.yaml");
    ASSERT_TRUE(l.ok()) << l.diags.str();
    auto set = compute_routes(l.config, {}, nullptr);
    ASSERT_EQ(set.routes.size(), 1u);  // mymap 2 has no reverse-route: nothing for access list 102
    const Route& r = set.routes[0];
    EXPECT_EQ(r.prefix, P("172.17.11.0/24"));
    EXPECT_EQ(r.interface, "FastEthernet0/0");  // out the crypto interface
    EXPECT_FALSE(r.via_remote_peer);
    EXPECT_EQ(r.gateway, A("172.17.11.1"));    // the entry's first `set peer`
    EXPECT_EQ(r.map, "mymap");
    EXPECT_EQ(r.seq, 1u);
    EXPECT_EQ(r.source, Source::static_map);
    EXPECT_TRUE(r.sas.empty());                 // present without any SA
    EXPECT_TRUE(set.withheld.empty());
    // BIRD gets it as an interface route.
    auto b = bird_routes(set);
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].next_hop, bird::NextHop::via_interface("tdm-fastetherne"));
}

TEST(RriRoutes, RangePrefixes) {
    EXPECT_EQ(range_prefixes(A("10.2.1.0"), A("10.2.1.255")), std::vector<Ipv4Prefix>{P("10.2.1.0/24")});
    EXPECT_EQ(range_prefixes(A("10.2.1.0"), A("10.2.2.255")),
              (std::vector<Ipv4Prefix>{P("10.2.1.0/24"), P("10.2.2.0/24")}));
    EXPECT_EQ(range_prefixes(A("10.0.0.1"), A("10.0.0.6")),
              (std::vector<Ipv4Prefix>{P("10.0.0.1/32"), P("10.0.0.2/31"), P("10.0.0.4/31"), P("10.0.0.6/32")}));
    EXPECT_EQ(range_prefixes(A("0.0.0.0"), A("255.255.255.255")), std::vector<Ipv4Prefix>{P("0.0.0.0/0")});
    EXPECT_EQ(range_prefixes(A("192.0.2.9"), A("192.0.2.9")), std::vector<Ipv4Prefix>{P("192.0.2.9/32")});
    EXPECT_EQ(range_prefixes(A("128.0.0.0"), A("255.255.255.255")), std::vector<Ipv4Prefix>{P("128.0.0.0/1")});
    EXPECT_TRUE(range_prefixes(A("10.0.0.2"), A("10.0.0.1")).empty());
}

const std::string kGateway = R"(
interfaces:
  - name: outside
    port: net_null0
    address: 192.0.2.1/24
    role: outside
    crypto_map: cmap
  - name: inside
    port: net_null1
    address: 10.1.1.1/24
    role: inside
access_lists:
  "101":
    - permit ip 10.1.1.0 0.0.0.255 172.16.0.0 0.0.255.255
  "102":
    - permit ip 10.1.1.0 0.0.0.255 172.18.0.0 0.0.255.255
transform_sets:
  ts:
    esp: aes-gcm-128
crypto_maps:
  cmap:
    - seq: 10
      peers: [192.0.2.7]
      transform_sets: [ts]
      match_address: "101"
      reverse_route: {remote_peer: 192.0.2.254, tag: 7, distance: 20, metric: 30}
    - seq: 20
      peers: [192.0.2.8]
      transform_sets: [ts]
      match_address: "102"
      reverse_route: {follow_sa: true}
    - seq: 100
      dynamic: dmap
dynamic_maps:
  dmap:
    - seq: 1
      transform_sets: [ts]
      reverse_route: {tag: 101}
    - seq: 2
      transform_sets: [ts]
)";

ChildSa dynamic_sa(uint32_t id, const char* peer, const char* first, const char* last, uint32_t dseq = 1) {
    ChildSa sa;
    sa.child_id = id;
    sa.peer = A(peer);
    sa.remote_first = A(first);
    sa.remote_last = A(last);
    sa.spi_in = 0x1000 + id;
    sa.spi_out = 0x2000 + id;
    sa.map = "cmap";
    sa.seq = 100;
    sa.dynamic_map = "dmap";
    sa.dynamic_seq = dseq;
    sa.interface = "outside";
    return sa;
}

TEST(RriRoutes, StaticEntryOptions) {
    auto cfg = load(kGateway);
    auto set = compute_routes(cfg, {}, nullptr);
    ASSERT_EQ(set.routes.size(), 1u);  // seq 20 follows SAs: none yet
    const Route& r = set.routes[0];
    EXPECT_EQ(r.prefix, P("172.16.0.0/16"));
    EXPECT_TRUE(r.via_remote_peer);
    EXPECT_EQ(r.gateway, A("192.0.2.254"));
    EXPECT_EQ(r.tag, 7u);
    EXPECT_EQ(r.distance, 20);
    EXPECT_EQ(r.metric, 30u);
    auto b = bird_routes(set);
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].next_hop, bird::NextHop::via_address(A("192.0.2.254")));
    EXPECT_EQ(b[0].ospf_metric2, 30u);
    EXPECT_EQ(b[0].ospf_tag, 7u);
}

TEST(RriRoutes, DynamicSaUpAndDown) {
    auto cfg = load(kGateway);
    std::map<uint32_t, ChildSa> children;
    children[1] = dynamic_sa(1, "198.51.100.2", "10.2.1.0", "10.2.1.255");
    auto set = compute_routes(cfg, children, nullptr);
    ASSERT_EQ(set.routes.size(), 2u);
    const Route& r = set.routes[0];  // 10.2.1.0/24 sorts before 172.16.0.0/16
    EXPECT_EQ(r.prefix, P("10.2.1.0/24"));
    EXPECT_EQ(r.source, Source::dynamic_map);
    EXPECT_EQ(r.gateway, A("198.51.100.2"));  // the IKE peer
    EXPECT_FALSE(r.via_remote_peer);
    EXPECT_EQ(r.interface, "outside");
    EXPECT_EQ(r.tag, 101u);
    ASSERT_EQ(r.sas.size(), 1u);
    EXPECT_EQ(r.sas[0].spi_in, 0x1001u);
    // BIRD: out the crypto interface's kernel interface.
    EXPECT_EQ(bird_routes(set)[0].next_hop, bird::NextHop::via_interface("tdm-outside"));

    children.erase(1);
    set = compute_routes(cfg, children, nullptr);
    ASSERT_EQ(set.routes.size(), 1u);
    EXPECT_EQ(set.routes[0].prefix, P("172.16.0.0/16"));
}

TEST(RriRoutes, DynamicEntryWithoutReverseRouteGivesNothing) {
    auto cfg = load(kGateway);
    std::map<uint32_t, ChildSa> children{{1, dynamic_sa(1, "198.51.100.2", "10.2.1.0", "10.2.1.255", 2)}};
    EXPECT_EQ(compute_routes(cfg, children, nullptr).routes.size(), 1u);
}

TEST(RriRoutes, RangeProxyBecomesSeveralRoutesAndAnyIsSkipped) {
    auto cfg = load(kGateway);
    std::map<uint32_t, ChildSa> children;
    children[1] = dynamic_sa(1, "198.51.100.2", "10.2.1.0", "10.2.2.255");
    children[2] = dynamic_sa(2, "198.51.100.3", "0.0.0.0", "255.255.255.255");
    auto set = compute_routes(cfg, children, nullptr);
    std::vector<Ipv4Prefix> got;
    for (const auto& r : set.routes) got.push_back(r.prefix);
    EXPECT_EQ(got, (std::vector<Ipv4Prefix>{P("10.2.1.0/24"), P("10.2.2.0/24"), P("172.16.0.0/16")}));
}

TEST(RriRoutes, RekeyOverlapMakesOneRouteWithBothSas) {
    auto cfg = load(kGateway);
    std::map<uint32_t, ChildSa> children;
    children[1] = dynamic_sa(1, "198.51.100.2", "10.2.1.0", "10.2.1.255");
    children[2] = dynamic_sa(2, "198.51.100.2", "10.2.1.0", "10.2.1.255");
    auto set = compute_routes(cfg, children, nullptr);
    ASSERT_EQ(set.routes.size(), 2u);
    EXPECT_EQ(set.routes[0].sas.size(), 2u);
    EXPECT_TRUE(set.withheld.empty());
    // Another peer claiming the same proxy: the first keeps the route, the second is withheld.
    children[3] = dynamic_sa(3, "198.51.100.9", "10.2.1.0", "10.2.1.255");
    set = compute_routes(cfg, children, nullptr);
    ASSERT_EQ(set.routes.size(), 2u);
    EXPECT_EQ(set.routes[0].gateway, A("198.51.100.2"));
    ASSERT_EQ(set.withheld.size(), 1u);
    EXPECT_NE(set.withheld[0].reason.find("already injects"), std::string::npos);
}

TEST(RriRoutes, FollowSaEntryRoutesOnlyLiveSas) {
    auto cfg = load(kGateway);
    ChildSa sa;
    sa.child_id = 5;
    sa.peer = A("192.0.2.8");
    sa.remote_first = A("172.18.1.0");
    sa.remote_last = A("172.18.1.255");
    sa.map = "cmap";
    sa.seq = 20;
    sa.interface = "outside";
    auto set = compute_routes(cfg, {{5, sa}}, nullptr);
    ASSERT_EQ(set.routes.size(), 2u);
    EXPECT_EQ(set.routes[1].prefix, P("172.18.1.0/24"));
    EXPECT_EQ(set.routes[1].source, Source::follow_sa);
    EXPECT_EQ(set.routes[1].gateway, A("192.0.2.8"));
    // A SA of a plain static entry adds nothing: its ACL route is there already.
    sa.seq = 10;
    sa.remote_first = A("172.16.5.0");
    sa.remote_last = A("172.16.5.255");
    EXPECT_EQ(compute_routes(cfg, {{5, sa}}, nullptr).routes.size(), 1u);
}

TEST(RriRoutes, UserStaticRouteIsNeverTouched) {
    auto cfg = load(kGateway + R"(
routes:
  - {prefix: 172.16.0.0/16, next_hop: 10.1.1.254}
  - {prefix: 10.2.1.0/24, next_hop: 10.1.1.254}
)");
    std::map<uint32_t, ChildSa> children{{1, dynamic_sa(1, "198.51.100.2", "10.2.1.0", "10.2.1.255")}};
    auto set = compute_routes(cfg, children, nullptr);
    EXPECT_TRUE(set.routes.empty());
    ASSERT_EQ(set.withheld.size(), 2u);
    for (const auto& w : set.withheld) EXPECT_NE(w.reason.find("static route"), std::string::npos);
}

const std::string kHsrp = R"(
interfaces:
  - name: FastEthernet0/0
    port: net_null0
    address: 192.168.0.2/24
    role: outside
    standby:
      - name: group1
        ip: 192.168.0.3
    crypto_map: {name: mymap, redundancy: group1}
access_lists:
  "102":
    - permit ip 192.168.1.0 0.0.0.255 10.0.0.0 0.0.255.255
transform_sets:
  ts: {esp: aes-gcm-128}
crypto_maps:
  mymap:
    - seq: 1
      peer: 10.1.1.1
      reverse_route: true
      transform_sets: [ts]
      match_address: "102"
    - seq: 5
      dynamic: dmap
dynamic_maps:
  dmap:
    - seq: 1
      transform_sets: [ts]
      reverse_route: true
)";

TEST(RriRoutes, HsrpBoundRoutesOnlyWhileActive) {
    auto cfg = load(kHsrp);
    ChildSa sa = dynamic_sa(1, "198.51.100.2", "10.2.1.0", "10.2.1.255");
    sa.map = "mymap";
    sa.seq = 5;
    sa.interface = "FastEthernet0/0";
    std::map<uint32_t, ChildSa> children{{1, sa}};
    bool active = true;
    IsActiveFn is_active = [&](const std::string& g) {
        EXPECT_EQ(g, "group1");
        return active;
    };
    auto set = compute_routes(cfg, children, is_active);
    ASSERT_EQ(set.routes.size(), 2u);
    EXPECT_EQ(set.routes[0].prefix, P("10.0.0.0/16"));  // the static map's ACL route
    EXPECT_EQ(set.routes[1].prefix, P("10.2.1.0/24"));  // the SA's
    for (const auto& r : set.routes) EXPECT_EQ(r.standby_name, std::optional<std::string>("group1"));
    active = false;
    set = compute_routes(cfg, children, is_active);
    EXPECT_TRUE(set.routes.empty());
    ASSERT_EQ(set.withheld.size(), 2u);
    EXPECT_NE(set.withheld[0].reason.find("not Active"), std::string::npos);
    // Without an HSRP state provider, every group counts as Active.
    EXPECT_EQ(compute_routes(cfg, children, nullptr).routes.size(), 2u);
}

TEST(RriRoutes, MapNoLongerAppliedDropsSaRoutes) {
    auto cfg = load(kGateway);
    std::map<uint32_t, ChildSa> children{{1, dynamic_sa(1, "198.51.100.2", "10.2.1.0", "10.2.1.255")}};
    cfg.interfaces[0].shutdown = true;
    EXPECT_TRUE(compute_routes(cfg, children, nullptr).routes.empty());
}

TEST(RriRoutes, KernelIfname) {
    EXPECT_EQ(kernel_ifname("outside"), "tdm-outside");
    EXPECT_EQ(kernel_ifname("FastEthernet0/0"), "tdm-fastetherne");
    EXPECT_EQ(kernel_ifname("Gi 0:1"), "tdm-gi-0-1");
}

}  // namespace
}  // namespace tandem::rri
