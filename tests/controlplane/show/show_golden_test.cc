// The show renderers against golden files, for the seed's three example configurations and for
// tests/data/config/ok-full.yaml (every option set), each command with each filter, text and JSON.
//
// Goldens live in tests/data/show/<config>/<command>[.<filter>].{txt,json}. After a deliberate
// change to the output, regenerate them with TANDEM_UPDATE_GOLDEN=1 and read the diff by eye.
// Every JSON output is also parsed by Python's json module (an independent parser), which checks
// too that every object of an output has the same keys.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/config/load.h"
#include "controlplane/show/show.h"
#include "tests/controlplane/show/golden.h"

namespace tandem::show {
namespace {

namespace fs = std::filesystem;
using namespace tandem::show::testing;

config::Config load(const std::string& relative) {
    auto loaded = config::load_config_file((source_dir() / relative).string());
    EXPECT_TRUE(loaded.ok()) << relative << ":\n" << loaded.diags.str();
    return loaded.config;
}

struct Case {
    std::string config;    // short name, the golden directory
    std::string path;      // relative to the source directory
    std::string command;   // transform-set, crypto-map, dynamic-map
    std::vector<std::string> args;
};

std::string golden_name(const Case& c) {
    std::string n = c.command;
    if (!c.args.empty()) {
        n += ".";
        for (size_t i = 0; i < c.args.size(); ++i) {
            std::string a = c.args[i];
            for (char& ch : a) if (ch == '/') ch = '_';
            n += (i ? "-" : "") + a;
        }
    }
    return n;
}

Result<std::string> run(const config::Config& cfg, const Case& c, bool json) {
    if (c.command == "transform-set") return show_transform_sets(cfg, c.args, json);
    if (c.command == "crypto-map") return show_crypto_map(cfg, c.args, json);
    return show_dynamic_map(cfg, c.args, json);
}

std::vector<Case> cases() {
    const std::vector<std::pair<std::string, std::string>> configs = {
        {"seed-rri-static", "configs/seed-rri-static.yaml"},
        {"seed-rri-dynamic", "configs/seed-rri-dynamic.yaml"},
        {"seed-hsrp-ipsec", "configs/seed-hsrp-ipsec.yaml"},
        {"ok-full", "tests/data/config/ok-full.yaml"},
    };
    std::vector<Case> out;
    for (const auto& [name, path] : configs) {
        out.push_back({name, path, "transform-set", {}});
        out.push_back({name, path, "crypto-map", {}});
        out.push_back({name, path, "crypto-map", {"interface", "FastEthernet0/0"}});
        out.push_back({name, path, "crypto-map", {"tag", "mymap"}});
        out.push_back({name, path, "dynamic-map", {}});
    }
    out.push_back({"seed-rri-dynamic", "configs/seed-rri-dynamic.yaml", "dynamic-map", {"tag", "mydynmap"}});
    out.push_back({"ok-full", "tests/data/config/ok-full.yaml", "dynamic-map", {"tag", "mydynmap"}});
    out.push_back({"ok-full", "tests/data/config/ok-full.yaml", "crypto-map", {"interface", "out1"}});
    out.push_back({"ok-full", "tests/data/config/ok-full.yaml", "crypto-map", {"tag", "othermap"}});
    out.push_back({"ok-full", "tests/data/config/ok-full.yaml", "transform-set", {"tag", "esp-gcm"}});
    return out;
}

class ShowGolden : public ::testing::TestWithParam<Case> {};

TEST_P(ShowGolden, MatchesGoldenFile) {
    const Case& c = GetParam();
    const config::Config cfg = load(c.path);
    for (bool json : {false, true}) {
        auto r = run(cfg, c, json);
        ASSERT_TRUE(r.ok()) << r.error().message;
        const fs::path golden =
            source_dir() / "tests/data/show" / c.config / (golden_name(c) + (json ? ".json" : ".txt"));
        expect_golden(*r, golden);
        if (json) {
            EXPECT_EQ(python_json_check(*r), "") << *r;
        }
    }
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
    std::string n = info.param.config + "_" + golden_name(info.param);
    for (char& ch : n) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    }
    return n;
}

INSTANTIATE_TEST_SUITE_P(Configs, ShowGolden, ::testing::ValuesIn(cases()), case_name);

// ---------------------------------------------------------------- errors and edge cases

std::string error_of(const Result<std::string>& r) { return r ? "(no error)" : r.error().message; }

TEST(ShowErrors, UnknownNamesAreNamed) {
    const auto cfg = load("tests/data/config/ok-full.yaml");
    EXPECT_EQ(error_of(show_crypto_map(cfg, {"tag", "nosuch"}, false)), "Crypto map nosuch not found");
    EXPECT_EQ(error_of(show_crypto_map(cfg, {"tag", "mydynmap"}, true)), "Crypto map mydynmap not found");
    EXPECT_EQ(error_of(show_crypto_map(cfg, {"interface", "Gi0/9"}, false)), "Interface Gi0/9 does not exist");
    EXPECT_EQ(error_of(show_dynamic_map(cfg, {"tag", "mymap"}, false)), "Dynamic crypto map mymap not found");
    EXPECT_EQ(error_of(show_transform_sets(cfg, {"tag", "nosuch"}, false)), "Transform set nosuch not found");
}

TEST(ShowErrors, BadFiltersNameTheExpectedWords) {
    const auto cfg = load("configs/seed-rri-static.yaml");
    EXPECT_EQ(error_of(show_crypto_map(cfg, {"peer", "10.1.1.1"}, false)),
              "Invalid input `peer` after `show crypto map`: expected `interface IF` or `tag NAME`");
    EXPECT_EQ(error_of(show_dynamic_map(cfg, {"interface", "FastEthernet0/0"}, false)),
              "Invalid input `interface` after `show crypto dynamic-map`: expected `tag NAME`");
    EXPECT_EQ(error_of(show_transform_sets(cfg, {"detail"}, false)),
              "Invalid input `detail` after `show crypto ipsec transform-set`: expected `tag NAME`");
    EXPECT_EQ(error_of(show_crypto_map(cfg, {"tag"}, false)),
              "Incomplete command `show crypto map tag`: expected a map name");
}

TEST(ShowCryptoMap, InterfaceWithoutCryptoMapShowsNothing) {
    const auto cfg = load("tests/data/config/ok-full.yaml");
    EXPECT_EQ(show_crypto_map(cfg, {"interface", "inside0"}, false).value_or("error"), "");
    EXPECT_EQ(show_crypto_map(cfg, {"interface", "inside0"}, true).value_or("error"), "[]\n");
}

TEST(ShowCryptoMap, AbbreviatedInterfaceAndKeyword) {
    const auto cfg = load("configs/seed-rri-static.yaml");
    EXPECT_EQ(show_crypto_map(cfg, {"int", "fa0/0"}, false).value_or("a"),
              show_crypto_map(cfg, {"interface", "FastEthernet0/0"}, false).value_or("b"));
}

TEST(ShowCryptoMap, CurrentPeerComesFromLiveStateWhenGiven) {
    const auto cfg = load("configs/seed-rri-static.yaml");
    CurrentPeerFn live = [](const std::string& map, uint32_t seq) -> std::optional<Ipv4Address> {
        if (map == "mymap" && seq == 2) return Ipv4Address(10, 1, 1, 9);
        return std::nullopt;
    };
    auto text = show_crypto_map(cfg, {}, false, live);
    ASSERT_TRUE(text.ok());
    EXPECT_NE(text->find("Current peer: 172.17.11.1\n"), std::string::npos);  // entry 1: no SA, first peer
    EXPECT_NE(text->find("Current peer: 10.1.1.9\n"), std::string::npos);     // entry 2: live
    EXPECT_EQ(text->find("Current peer: 10.1.1.1\n"), std::string::npos);
    auto json = show_crypto_map(cfg, {}, true, live);
    ASSERT_TRUE(json.ok());
    EXPECT_NE(json->find(R"("current_peer":"10.1.1.9")"), std::string::npos);
}

TEST(ShowCryptoMap, NamesAreEscapedInJson) {
    config::Config cfg;
    cfg.crypto_maps.push_back({});
    cfg.crypto_maps[0].name = "we\"ird\\map";
    cfg.crypto_maps[0].entries.push_back({});
    cfg.crypto_maps[0].entries[0].seq = 1;
    cfg.crypto_maps[0].entries[0].dynamic_map = "d\tm";
    auto json = show_crypto_map(cfg, {}, true);
    ASSERT_TRUE(json.ok());
    EXPECT_NE(json->find(R"("map":"we\"ird\\map")"), std::string::npos) << *json;
    EXPECT_NE(json->find(R"("dynamic_map":"d\tm")"), std::string::npos) << *json;
    EXPECT_EQ(python_json_check(*json), "");
}

}  // namespace
}  // namespace tandem::show
