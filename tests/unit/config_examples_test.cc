// The shipped configurations and the seed document's examples, end to end: every file in
// configs/ loads and validates cleanly; each seed example imported from IOS validates, converts to
// YAML and back, renders as IOS and back, and compiles to the routes the seed states.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/config/acl_text.h"
#include "common/config/compile.h"
#include "common/config/ios_import.h"
#include "common/config/ios_render.h"
#include "common/config/load.h"
#include "common/config/validate.h"
#include "common/config/yaml_emit.h"
#include "common/config/yaml_loader.h"

namespace tandem::config {
namespace {

std::filesystem::path source_dir() {
    const char* d = std::getenv("TANDEM_SOURCE_DIR");
    return d ? std::filesystem::path(d) : std::filesystem::current_path();
}

std::string read(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(Examples, EveryShippedConfigValidatesWithoutWarnings) {
    int seen = 0;
    for (const auto& ent : std::filesystem::directory_iterator(source_dir() / "configs")) {
        if (ent.path().extension() != ".yaml") continue;
        ++seen;
        auto loaded = load_config_file(ent.path().string());
        EXPECT_EQ(loaded.diags.items().size(), 0u) << ent.path() << "\n" << loaded.diags.str();
    }
    EXPECT_GE(seen, 5);
}

class SeedIos : public ::testing::TestWithParam<std::string> {};

TEST_P(SeedIos, ImportsValidatesAndRoundTrips) {
    auto path = source_dir() / "tests/data/ios" / GetParam();
    auto imported = import_ios(read(path), path.string());
    Diagnostics diags = imported.diags;
    validate(imported.config, diags);
    EXPECT_FALSE(diags.has_errors()) << diags.str();

    // IOS -> model -> YAML -> model
    std::string yaml = to_yaml(imported.config);
    auto reloaded = load_yaml_string(yaml, "roundtrip.yaml");
    EXPECT_FALSE(reloaded.diags.has_errors()) << reloaded.diags.str() << yaml;
    EXPECT_EQ(reloaded.config, imported.config) << yaml;

    // model -> IOS -> model
    std::string ios = render_ios(reloaded.config);
    auto again = import_ios(ios, "rendered.ios");
    EXPECT_FALSE(again.diags.has_errors()) << again.diags.str() << ios;
    EXPECT_EQ(again.config, imported.config) << ios;
}

INSTANTIATE_TEST_SUITE_P(Seed, SeedIos,
                         ::testing::Values("seed-dynamic.ios", "seed-static.ios", "seed-hsrp.ios"));

TEST(Examples, SeedYamlEqualsSeedIosImport) {
    // configs/ holds the seed examples as YAML; they describe the same crypto configuration as the
    // imported IOS text (the YAML adds what the seed's fragments leave out, e.g. an address).
    auto yaml = load_config_file((source_dir() / "configs/seed-rri-static.yaml").string());
    auto ios = import_ios(read(source_dir() / "tests/data/ios/seed-static.ios"), "seed-static.ios");
    ASSERT_TRUE(yaml.ok()) << yaml.diags.str();
    EXPECT_EQ(yaml.config.crypto_maps, ios.config.crypto_maps);
    EXPECT_EQ(yaml.config.access_lists, ios.config.access_lists);
    EXPECT_EQ(yaml.config.transform_sets, ios.config.transform_sets);
}

std::vector<std::string> route_lines(const Config& cfg) {
    std::vector<std::string> out;
    for (const auto& r : static_rri_routes(cfg)) {
        out.push_back(r.prefix.str() + " via " + (r.next_hop ? r.next_hop->str() : r.interface) + " (" + r.map +
                      " " + std::to_string(r.seq) + ")");
    }
    return out;
}

TEST(Compile, SeedStaticExampleYieldsExactlyOneRoute) {
    // "RRI is enabled for mymap 1, but not for mymap 2. Upon the application of the crypto map to
    //  the interface, a route is created based on access-list 101 analogous to:
    //  ip route 172.17.11.0 255.255.255.0 FastEthernet 0/0"
    for (auto file : {"configs/seed-rri-static.yaml", "tests/data/ios/seed-static.ios"}) {
        auto loaded = load_config_file((source_dir() / file).string());
        ASSERT_TRUE(loaded.ok()) << loaded.diags.str();
        EXPECT_EQ(route_lines(loaded.config),
                  std::vector<std::string>{"172.17.11.0/24 via FastEthernet0/0 (mymap 1)"})
            << file;
    }
}

TEST(Compile, NoRoutesWithoutTheMapApplied) {
    auto loaded = load_config_file((source_dir() / "configs/seed-rri-static.yaml").string());
    ASSERT_TRUE(loaded.ok());
    Config cfg = loaded.config;
    cfg.interfaces[0].crypto_map.reset();
    EXPECT_TRUE(static_rri_routes(cfg).empty());
    cfg = loaded.config;
    cfg.interfaces[0].shutdown = true;
    EXPECT_TRUE(static_rri_routes(cfg).empty());
}

TEST(Compile, DynamicExampleHasNoStaticRoutes) {
    auto loaded = load_config_file((source_dir() / "configs/seed-rri-dynamic.yaml").string());
    ASSERT_TRUE(loaded.ok()) << loaded.diags.str();
    EXPECT_TRUE(static_rri_routes(loaded.config).empty());
    auto policies = compile_policies(loaded.config);
    ASSERT_EQ(policies.size(), 1u);
    ASSERT_EQ(policies[0].dynamic_templates.size(), 1u);
    EXPECT_EQ(policies[0].dynamic_templates[0], (std::pair<uint32_t, std::string>{3, "mydynmap"}));
    ASSERT_EQ(policies[0].rules.size(), 1u);
    EXPECT_EQ(policies[0].rules[0].action, SpdAction::bypass);
}

TEST(Compile, HsrpExampleUsesTheVirtualIpAndIsConditionalOnTheGroup) {
    auto loaded = load_config_file((source_dir() / "configs/seed-hsrp-ipsec.yaml").string());
    ASSERT_TRUE(loaded.ok()) << loaded.diags.str();
    auto policies = compile_policies(loaded.config);
    ASSERT_EQ(policies.size(), 1u);
    EXPECT_EQ(policies[0].local_endpoint->str(), "192.168.0.3");
    EXPECT_EQ(policies[0].standby_name, "group1");
    auto routes = static_rri_routes(loaded.config);
    ASSERT_EQ(routes.size(), 1u);
    EXPECT_EQ(routes[0].prefix.str(), "10.0.0.0/16");
    EXPECT_EQ(routes[0].standby_name, "group1");
}

TEST(Compile, CiscoAclOrderDenyMeansNextEntry) {
    Config cfg;
    Interface itf;
    itf.name = "out";
    itf.address = *Ipv4InterfaceAddress::parse("192.0.2.2/24");
    itf.crypto_map = CryptoMapBinding{{}, {}, "M", false, std::nullopt};
    cfg.interfaces.push_back(itf);
    AccessList acl{{}, {}, "A", {}};
    for (const char* text : {"deny ip 10.1.0.0 0.0.0.255 any", "remark x", "permit ip 10.1.0.0 0.0.255.255 10.9.0.0 0.0.255.255"}) {
        AclEntry e;
        AceError err;
        ASSERT_TRUE(parse_ace(text, e, err));
        acl.entries.push_back(e);
    }
    cfg.access_lists.push_back(acl);
    CryptoMap map{{}, {}, "M", {}};
    CryptoMapEntry e2;
    e2.seq = 20;
    e2.policy.match_address = "A";
    e2.policy.peers = {*Ipv4Address::parse("192.0.2.20")};
    CryptoMapEntry e1 = e2;
    e1.seq = 10;
    e1.policy.peers = {*Ipv4Address::parse("192.0.2.10")};
    map.entries = {e2, e1};  // out of order on purpose: evaluation is by seq
    cfg.crypto_maps.push_back(map);
    auto p = compile_policies(cfg);
    ASSERT_EQ(p.size(), 1u);
    ASSERT_EQ(p[0].rules.size(), 5u);
    EXPECT_EQ(p[0].rules[0].action, SpdAction::skip_entry);
    EXPECT_EQ(p[0].rules[0].seq, 10u);
    EXPECT_EQ(p[0].rules[1].action, SpdAction::protect);
    EXPECT_EQ(p[0].rules[1].acl_line, 2u);
    EXPECT_EQ(p[0].rules[1].peers[0].str(), "192.0.2.10");
    EXPECT_EQ(p[0].rules[3].seq, 20u);
    EXPECT_EQ(p[0].rules[4].action, SpdAction::bypass);
}

TEST(Compile, RriSkipsPrefixesOwnedByOperatorRoutesAndUsesRemotePeer) {
    auto loaded = load_config_file((source_dir() / "configs/seed-rri-static.yaml").string());
    ASSERT_TRUE(loaded.ok());
    Config cfg = loaded.config;
    cfg.routes.push_back(StaticRoute{{}, {}, *Ipv4Prefix::parse("172.17.11.0/24"),
                                     *Ipv4Address::parse("192.168.0.254"), std::nullopt, 1, std::nullopt});
    cfg.crypto_maps[0].entries[0].policy.reverse_route->remote_peer = *Ipv4Address::parse("192.168.0.99");
    cfg.crypto_maps[0].entries[0].policy.reverse_route->tag = 7;
    auto routes = static_rri_routes(cfg);
    ASSERT_EQ(routes.size(), 1u);
    EXPECT_TRUE(routes[0].shadowed_by_static);
    EXPECT_EQ(routes[0].next_hop->str(), "192.168.0.99");
    EXPECT_EQ(routes[0].tag, 7u);
}

}  // namespace
}  // namespace tandem::config
