#include "controlplane/daemon/policy_sync.h"

#include <gtest/gtest.h>

#include "common/config/load.h"

namespace tandem::control {
namespace {

config::Config load(const std::string& yaml) {
    auto l = config::load_config_text(yaml, "test.yaml", config::ConfigFormat::yaml);
    EXPECT_TRUE(l.ok()) << l.diags.str();
    return l.config;
}

const std::string kStaticAndDynamic = R"(
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
transform_sets:
  ts:
    esp: aes-gcm-128
crypto_maps:
  cmap:
    - seq: 10
      peers: [192.0.2.7]
      transform_sets: [ts]
      match_address: "101"
    - seq: 100
      dynamic: dmap
dynamic_maps:
  dmap:
    - seq: 1
      transform_sets: [ts]
)";

TEST(PolicySet, StaticEntriesGetStableIdsAndPortsComeFromInterfaceOrder) {
    auto cfg = load(kStaticAndDynamic);
    PolicySet ps;
    ASSERT_TRUE(ps.build(cfg).ok());
    EXPECT_EQ(dataplane_port(cfg, "inside"), 1);
    ASSERT_EQ(ps.rules().size(), 2u);
    EXPECT_TRUE(ps.rules().at(1).empty());
    const auto& out = ps.rules().at(0);
    ASSERT_GE(out.size(), 2u);
    EXPECT_EQ(out[0].action, dpapi::PolicyAction::protect);
    EXPECT_EQ(out[0].dst, Ipv4Prefix::parse("172.16.0.0/16").value());
    const PolicyEntry* e = ps.entry("cmap", 10);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(out[0].policy_id, e->policy_id);
    uint32_t id = e->policy_id;
    ASSERT_TRUE(ps.build(cfg).ok());
    EXPECT_EQ(ps.entry("cmap", 10)->policy_id, id);
}

TEST(PolicySet, DynamicSasAddRulesAfterTheStaticEntriesBeforeTheBypass) {
    auto cfg = load(kStaticAndDynamic);
    PolicySet ps;
    ASSERT_TRUE(ps.build(cfg).ok());
    const size_t before = ps.rules().at(0).size();
    PolicySet::DynamicSelectors sel{Ipv4Address::parse("10.1.1.0").value(), Ipv4Address::parse("10.1.1.255").value(),
                                    Ipv4Address::parse("10.2.1.0").value(), Ipv4Address::parse("10.2.1.255").value(),
                                    0, {}, {}};
    auto id = ps.add_dynamic("cmap", 100, "outside", sel);
    ASSERT_TRUE(id.ok()) << id.error().message;
    const auto& out = ps.rules().at(0);
    ASSERT_EQ(out.size(), before + 1);
    EXPECT_EQ(out[0].dst, Ipv4Prefix::parse("172.16.0.0/16").value());  // seq 10 first
    EXPECT_EQ(out[out.size() - 2].action, dpapi::PolicyAction::protect);
    EXPECT_EQ(out[out.size() - 2].policy_id, *id);
    EXPECT_EQ(out[out.size() - 2].src, Ipv4Prefix::parse("10.1.1.0/24").value());
    EXPECT_EQ(out[out.size() - 2].dst, Ipv4Prefix::parse("10.2.1.0/24").value());
    EXPECT_EQ(out.back().action, dpapi::PolicyAction::bypass);
    EXPECT_NE(*id, ps.entry("cmap", 10)->policy_id);

    ps.remove_dynamic(*id);
    EXPECT_EQ(ps.rules().at(0).size(), before);
    auto again = ps.add_dynamic("cmap", 100, "outside", sel);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *id);  // ids index dataplane arrays: reused
}

TEST(PolicySet, ARangeThatIsNotAPrefixBecomesSeveralRules) {
    auto cfg = load(kStaticAndDynamic);
    PolicySet ps;
    ASSERT_TRUE(ps.build(cfg).ok());
    const size_t before = ps.rules().at(0).size();
    PolicySet::DynamicSelectors sel{Ipv4Address::parse("10.1.1.1").value(), Ipv4Address::parse("10.1.1.6").value(),
                                    Ipv4Address::parse("10.2.1.0").value(), Ipv4Address::parse("10.2.1.255").value(),
                                    17, {}, {500, 500}};
    ASSERT_TRUE(ps.add_dynamic("cmap", 100, "outside", sel).ok());
    // 10.1.1.1/32, .2/31, .4/31, .6/32
    EXPECT_EQ(ps.rules().at(0).size(), before + 4);
    EXPECT_FALSE(ps.add_dynamic("cmap", 100, "nosuch", sel).ok());
}

TEST(PolicySet, AMapWithOnlyADynamicEntryStillTakesItsSas) {
    auto cfg = load(R"(
interfaces:
  - name: outside
    port: net_null0
    address: 192.0.2.1/24
    role: outside
    crypto_map: cmap
transform_sets:
  ts:
    esp: aes-gcm-128
crypto_maps:
  cmap:
    - seq: 100
      dynamic: dmap
dynamic_maps:
  dmap:
    - seq: 1
      transform_sets: [ts]
)");
    PolicySet ps;
    ASSERT_TRUE(ps.build(cfg).ok());
    PolicySet::DynamicSelectors sel{Ipv4Address::parse("10.1.1.0").value(), Ipv4Address::parse("10.1.1.255").value(),
                                    Ipv4Address::parse("10.2.1.0").value(), Ipv4Address::parse("10.2.1.255").value(),
                                    0, {}, {}};
    auto id = ps.add_dynamic("cmap", 100, "outside", sel);
    ASSERT_TRUE(id.ok());
    const auto& out = ps.rules().at(0);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].action, dpapi::PolicyAction::protect);
    EXPECT_EQ(out[0].policy_id, *id);
}

}  // namespace
}  // namespace tandem::control
