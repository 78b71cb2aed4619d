// Tests of the YAML loader and emitter.
//
// Golden files (BIRD's cf tests style) under tests/data/config:
//   ok-*.yaml   must load and validate with no error, and no warning unless the file has a line
//               `# allow: warnings`;
//   err-*.yaml  start with `# expect: LINE:COL: SUBSTRING` lines and must give exactly those errors
//               (position and a substring of the message), no more and no fewer. They test the
//               loader alone, unless they have a line `# with: validate` (then validate() runs too).
// Then: every key of the schema is read (ok-full.yaml against a Config built here), field paths
// and positions, and the round trip Config -> to_yaml -> load == Config.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/config/acl_text.h"
#include "common/config/validate.h"
#include "common/config/yaml_emit.h"
#include "common/config/yaml_loader.h"

namespace tandem::config {
namespace {

namespace fs = std::filesystem;

fs::path data_dir() {
    const char* root = std::getenv("TANDEM_SOURCE_DIR");
    return fs::path(root ? root : ".") / "tests" / "data" / "config";
}

std::vector<std::string> golden_files(std::string_view prefix) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(data_dir(), ec)) {
        std::string name = e.path().filename().string();
        if (name.starts_with(prefix) && name.ends_with(".yaml")) out.push_back(name);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string read_text(const fs::path& p) {
    std::ifstream in(p);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string test_name(const testing::TestParamInfo<std::string>& info) {
    std::string s = info.param.substr(0, info.param.size() - 5);
    for (char& c : s) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    return s;
}

Ipv4Address addr(std::string_view s) { return *Ipv4Address::parse(s); }
Ipv4Prefix pfx(std::string_view s) { return *Ipv4Prefix::parse(s); }

AclEntry ace(std::string_view text) {
    AclEntry e;
    AceError err;
    EXPECT_TRUE(parse_ace(text, e, err)) << text << ": " << err.message;
    return e;
}

// ---------------------------------------------------------------- golden files

class GoldenOk : public testing::TestWithParam<std::string> {};

TEST_P(GoldenOk, LoadsCleanly) {
    fs::path p = data_dir() / GetParam();
    std::string text = read_text(p);
    auto r = load_yaml_file(p.string());
    EXPECT_EQ(r.diags.error_count(), 0u) << r.diags.str();
    validate(r.config, r.diags);
    EXPECT_EQ(r.diags.error_count(), 0u) << "validate():\n" << r.diags.str();
    if (text.find("# allow: warnings") == std::string::npos) {
        EXPECT_EQ(r.diags.warning_count(), 0u) << r.diags.str();
    }
    // What loads also survives the emitter.
    std::string yaml = to_yaml(r.config);
    auto again = load_yaml_string(yaml, "emitted");
    EXPECT_FALSE(again.diags.has_errors()) << again.diags.str() << yaml;
    EXPECT_TRUE(again.config == r.config) << yaml;
}

INSTANTIATE_TEST_SUITE_P(Config, GoldenOk, testing::ValuesIn(golden_files("ok-")), test_name);

struct Expectation {
    int line = 0;
    int column = 0;
    std::string substring;
};

std::vector<Expectation> expectations(const std::string& text) {
    std::vector<Expectation> out;
    std::istringstream in(text);
    std::string line;
    const std::string tag = "# expect: ";
    while (std::getline(in, line)) {
        if (!line.starts_with(tag)) continue;
        Expectation e;
        std::string rest = line.substr(tag.size());
        size_t c1 = rest.find(':');
        size_t c2 = rest.find(':', c1 + 1);
        if (c1 == std::string::npos || c2 == std::string::npos) {
            ADD_FAILURE() << "malformed expectation: " << line;
            continue;
        }
        e.line = std::stoi(rest.substr(0, c1));
        e.column = std::stoi(rest.substr(c1 + 1, c2 - c1 - 1));
        e.substring = rest.substr(c2 + 1);
        if (!e.substring.empty() && e.substring[0] == ' ') e.substring.erase(0, 1);
        out.push_back(e);
    }
    return out;
}

class GoldenErr : public testing::TestWithParam<std::string> {};

TEST_P(GoldenErr, GivesExactlyTheExpectedErrors) {
    fs::path p = data_dir() / GetParam();
    std::string text = read_text(p);
    auto want = expectations(text);
    ASSERT_FALSE(want.empty()) << GetParam() << " has no '# expect: LINE:COL: TEXT' line";
    auto r = load_yaml_file(p.string());
    if (text.find("\n# with: validate\n") != std::string::npos) validate(r.config, r.diags);
    std::vector<const Diagnostic*> errors;
    for (const auto& d : r.diags.items()) {
        if (d.severity == Severity::error) errors.push_back(&d);
    }
    std::vector<bool> used(errors.size(), false);
    for (const auto& w : want) {
        bool found = false;
        for (size_t i = 0; i < errors.size() && !found; ++i) {
            const Diagnostic& d = *errors[i];
            if (!used[i] && d.pos.line == w.line && d.pos.column == w.column &&
                d.message.find(w.substring) != std::string::npos) {
                used[i] = found = true;
            }
        }
        EXPECT_TRUE(found) << "expected " << w.line << ":" << w.column << ": " << w.substring << "\ngot:\n"
                           << r.diags.str();
    }
    for (size_t i = 0; i < errors.size(); ++i) {
        EXPECT_TRUE(used[i]) << "unexpected error: " << errors[i]->str();
    }
    for (const auto& d : r.diags.items()) {
        EXPECT_EQ(d.pos.file, p.string()) << d.str();
    }
}

INSTANTIATE_TEST_SUITE_P(Config, GoldenErr, testing::ValuesIn(golden_files("err-")), test_name);

TEST(GoldenFiles, Exist) {
    EXPECT_GE(golden_files("ok-").size(), 4u) << data_dir();
    EXPECT_GE(golden_files("err-").size(), 12u) << data_dir();
}

// ---------------------------------------------------------------- every key

// The Config that tests/data/config/ok-full.yaml describes.
Config full_config() {
    Config c;
    c.hostname = "gw1";

    Interface e0;
    e0.name = "FastEthernet0/0";
    e0.port = "0000:01:00.0";
    e0.address = Ipv4InterfaceAddress{addr("192.168.0.2"), 24};
    e0.role = InterfaceRole::outside;
    e0.mtu = 1400;
    e0.shutdown = true;
    e0.standby_version = 2;
    StandbyGroup g1;
    g1.group = 1;
    g1.name = "group1";
    g1.ip = addr("192.168.0.3");
    g1.priority = 110;
    g1.preempt = true;
    g1.preempt_delay_ms = 5000;
    g1.hello_ms = 250;
    g1.hold_ms = 1000;
    g1.auth = StandbyAuth{StandbyAuth::Kind::md5, "s3cret"};
    StandbyTrack t1;
    t1.object = 7;
    t1.decrement = 20;
    StandbyTrack t2;
    t2.interface = "inside0";
    g1.track = {t1, t2};
    StandbyGroup g2;
    g2.group = 2;
    g2.preempt = true;
    g2.hello_ms = 1000;
    g2.hold_ms = 4000;
    g2.auth = StandbyAuth{StandbyAuth::Kind::text, "cisco"};
    e0.standby = {g1, g2};
    CryptoMapBinding b;
    b.map = "mymap";
    b.redundancy = true;
    b.standby_name = "group1";
    e0.crypto_map = b;
    Interface in0;
    in0.name = "inside0";
    in0.port = "net_tap1,iface=tdm1";
    in0.address = Ipv4InterfaceAddress{addr("10.0.0.1"), 24};
    in0.role = InterfaceRole::inside;
    Interface out1;
    out1.name = "out1";
    out1.address = Ipv4InterfaceAddress{addr("172.16.0.1"), 30};
    out1.role = InterfaceRole::outside;
    CryptoMapBinding b2;
    b2.map = "othermap";
    out1.crypto_map = b2;
    c.interfaces = {e0, in0, out1};

    AccessList a101;
    a101.name = "101";
    AclEntry structured;
    structured.action = AclAction::deny;
    structured.protocol = 6;
    structured.source = Ipv4Wildcard::from_prefix(pfx("10.0.0.0/8"));
    structured.source_ports = PortMatch{PortMatch::Op::eq, 80, 0};
    structured.destination = Ipv4Wildcard::host(addr("1.2.3.4"));
    structured.destination_ports = PortMatch{PortMatch::Op::range, 1000, 2000};
    structured.log = true;
    AclEntry remark;
    remark.is_remark = true;
    remark.remark = "a remark";
    a101.entries = {ace("permit ip 192.168.1.0 0.0.0.255 172.17.11.0 0.0.0.255"),
                    ace("remark structured entries follow"), structured, remark};
    AccessList a102;
    a102.name = "102";
    a102.entries = {ace("permit ip 192.168.1.0 0.0.0.255 10.0.0.0 0.0.255.255")};
    AccessList web;
    web.name = "web-only";
    web.entries = {ace("permit udp any 10.1.0.0 0.0.255.255 eq 500 log")};
    c.access_lists = {a101, a102, web};

    TransformSet ts1;
    ts1.name = "esp-aes-sha";
    ts1.cipher = EspCipher::aes_cbc_256;
    ts1.integrity = EspIntegrity::sha256_128;
    TransformSet ts2;
    ts2.name = "esp-gcm";
    ts2.cipher = EspCipher::aes_gcm_128;
    c.transform_sets = {ts1, ts2};

    IkeProposal p;
    p.name = "default";
    p.encryption = {IkeCipher::aes_cbc_256, IkeCipher::aes_gcm_128};
    p.prf = {IkeHash::sha384};
    p.integrity = {IkeHash::sha512};
    p.dh_groups = {19, 14};
    c.ike.proposals = {p};
    PresharedKey k1;
    k1.peer = pfx("10.1.1.1/32");
    k1.key = "secret";
    PresharedKey k2;
    k2.peer = pfx("0.0.0.0/0");
    k2.key = "fallback";
    c.ike.keys = {k1, k2};
    c.ike.lifetime_seconds = 3600;
    Keepalive ka;
    ka.interval = 30;
    ka.retry = 5;
    ka.mode = DpdMode::on_demand;
    c.ike.keepalive = ka;
    c.ike.nat_keepalive = 20;

    c.ipsec.lifetime = Lifetime{1800, 4608000};
    c.ipsec.replay_window = 128;
    c.ipsec.pfs_group = 14;

    CryptoMap mymap;
    mymap.name = "mymap";
    CryptoMapEntry m1;
    m1.seq = 1;
    m1.policy.peers = {addr("172.17.11.1"), addr("172.17.11.2")};
    m1.policy.transform_sets = {"esp-aes-sha", "esp-gcm"};
    m1.policy.match_address = "101";
    ReverseRoute rr;
    rr.static_routes = true;
    rr.remote_peer = addr("192.168.0.254");
    rr.gateway = true;
    rr.tag = 7;
    rr.distance = 20;
    rr.metric = 100;
    m1.policy.reverse_route = rr;
    m1.policy.pfs_group = 19;
    m1.policy.lifetime.seconds = 600;
    m1.policy.ike_proposal = "default";
    CryptoMapEntry m3;
    m3.seq = 3;
    m3.dynamic_map = "mydynmap";
    mymap.entries = {m1, m3};  // sorted by seq although the file lists 3 first
    CryptoMap other;
    other.name = "othermap";
    CryptoMapEntry o10;
    o10.seq = 10;
    o10.policy.peers = {addr("10.1.1.1")};
    o10.policy.transform_sets = {"esp-gcm"};
    o10.policy.match_address = "102";
    o10.policy.reverse_route = ReverseRoute{};
    o10.policy.reverse_route->follow_sa = true;
    CryptoMapEntry o20;
    o20.seq = 20;
    o20.policy.peers = {addr("10.1.1.2")};
    o20.policy.transform_sets = {"esp-gcm"};
    o20.policy.match_address = "102";
    other.entries = {o10, o20};
    c.crypto_maps = {mymap, other};

    DynamicMap dyn;
    dyn.name = "mydynmap";
    DynamicMapEntry d1;
    d1.seq = 1;
    d1.policy.transform_sets = {"esp-aes-sha"};
    d1.policy.reverse_route = ReverseRoute{};
    d1.policy.lifetime.kilobytes = 10000;
    dyn.entries = {d1};
    c.dynamic_maps = {dyn};

    StaticRoute r1;
    r1.prefix = pfx("10.9.0.0/16");
    r1.next_hop = addr("192.168.0.254");
    r1.interface = "FastEthernet0/0";
    r1.distance = 5;
    r1.tag = 9;
    StaticRoute r2;
    r2.prefix = pfx("0.0.0.0/0");
    r2.next_hop = addr("192.168.0.1");
    c.routes = {r1, r2};

    c.dataplane.main_lcore = 2;
    c.dataplane.workers = {3, 4};
    c.dataplane.crypto = CryptoDevice::openssl;
    c.dataplane.poll = PollMode::adaptive;
    c.dataplane.mbufs = 4095;
    c.dataplane.mbuf_cache = 128;
    c.dataplane.hugepages = false;
    c.dataplane.memory_mb = 512;
    c.dataplane.file_prefix = "gw1";
    c.dataplane.api_socket = "/tmp/dp.sock";
    c.dataplane.eal_args = {"--log-level=8", "-v"};
    c.dataplane.main_cpu = 0;
    c.dataplane.max_sas = 200000;
    c.dataplane.max_policies = 100000;
    c.dataplane.max_routes = 1000000;
    c.bird.enabled = true;
    c.bird.socket = "/tmp/bird.ctl";
    c.bird.include_file = "/tmp/rri.conf";
    c.bird.protocol = "rri_gw1";
    c.control.socket = "/tmp/control.sock";
    return c;
}

TEST(YamlLoader, EveryKeyIsRead) {
    auto r = load_yaml_file((data_dir() / "ok-full.yaml").string());
    ASSERT_FALSE(r.diags.has_errors()) << r.diags.str();
    const Config want = full_config();
    const Config& got = r.config;
    EXPECT_EQ(got.hostname, want.hostname);
    ASSERT_EQ(got.interfaces.size(), want.interfaces.size());
    for (size_t i = 0; i < want.interfaces.size(); ++i) {
        const Interface& a = got.interfaces[i];
        const Interface& b = want.interfaces[i];
        SCOPED_TRACE(b.name);
        EXPECT_EQ(a.name, b.name);
        EXPECT_EQ(a.port, b.port);
        EXPECT_EQ(a.address, b.address);
        EXPECT_EQ(a.role, b.role);
        EXPECT_EQ(a.mtu, b.mtu);
        EXPECT_EQ(a.shutdown, b.shutdown);
        EXPECT_EQ(a.standby_version, b.standby_version);
        ASSERT_EQ(a.standby.size(), b.standby.size());
        for (size_t k = 0; k < b.standby.size(); ++k) {
            const StandbyGroup& x = a.standby[k];
            const StandbyGroup& y = b.standby[k];
            EXPECT_EQ(x.group, y.group);
            EXPECT_EQ(x.name, y.name);
            EXPECT_EQ(x.ip, y.ip);
            EXPECT_EQ(x.priority, y.priority);
            EXPECT_EQ(x.preempt, y.preempt);
            EXPECT_EQ(x.preempt_delay_ms, y.preempt_delay_ms);
            EXPECT_EQ(x.hello_ms, y.hello_ms);
            EXPECT_EQ(x.hold_ms, y.hold_ms);
            EXPECT_EQ(x.auth, y.auth);
            EXPECT_EQ(x.track, y.track);
        }
        EXPECT_EQ(a.crypto_map, b.crypto_map);
        EXPECT_EQ(a, b);
    }
    ASSERT_EQ(got.access_lists.size(), want.access_lists.size());
    for (size_t i = 0; i < want.access_lists.size(); ++i) {
        EXPECT_EQ(got.access_lists[i].name, want.access_lists[i].name);
        ASSERT_EQ(got.access_lists[i].entries.size(), want.access_lists[i].entries.size());
        for (size_t k = 0; k < want.access_lists[i].entries.size(); ++k) {
            EXPECT_EQ(got.access_lists[i].entries[k], want.access_lists[i].entries[k])
                << want.access_lists[i].name << "[" << k << "]: " << format_ace(got.access_lists[i].entries[k]);
        }
    }
    EXPECT_EQ(got.transform_sets, want.transform_sets);
    EXPECT_EQ(got.ike.proposals, want.ike.proposals);
    EXPECT_EQ(got.ike.keys, want.ike.keys);
    EXPECT_EQ(got.ike.lifetime_seconds, want.ike.lifetime_seconds);
    EXPECT_EQ(got.ike.keepalive, want.ike.keepalive);
    EXPECT_EQ(got.ike.nat_keepalive, want.ike.nat_keepalive);
    EXPECT_EQ(got.ipsec.lifetime, want.ipsec.lifetime);
    EXPECT_EQ(got.ipsec.replay_window, want.ipsec.replay_window);
    EXPECT_EQ(got.ipsec.pfs_group, want.ipsec.pfs_group);
    ASSERT_EQ(got.crypto_maps.size(), want.crypto_maps.size());
    for (size_t i = 0; i < want.crypto_maps.size(); ++i) {
        EXPECT_EQ(got.crypto_maps[i].name, want.crypto_maps[i].name);
        ASSERT_EQ(got.crypto_maps[i].entries.size(), want.crypto_maps[i].entries.size());
        for (size_t k = 0; k < want.crypto_maps[i].entries.size(); ++k) {
            const auto& x = got.crypto_maps[i].entries[k];
            const auto& y = want.crypto_maps[i].entries[k];
            EXPECT_EQ(x.seq, y.seq);
            EXPECT_EQ(x.dynamic_map, y.dynamic_map);
            EXPECT_EQ(x.policy.peers, y.policy.peers);
            EXPECT_EQ(x.policy.transform_sets, y.policy.transform_sets);
            EXPECT_EQ(x.policy.match_address, y.policy.match_address);
            EXPECT_EQ(x.policy.reverse_route, y.policy.reverse_route);
            EXPECT_EQ(x.policy.pfs_group, y.policy.pfs_group);
            EXPECT_EQ(x.policy.lifetime, y.policy.lifetime);
            EXPECT_EQ(x.policy.ike_proposal, y.policy.ike_proposal);
        }
    }
    EXPECT_EQ(got.dynamic_maps, want.dynamic_maps);
    EXPECT_EQ(got.routes, want.routes);
    EXPECT_EQ(got.dataplane.main_lcore, want.dataplane.main_lcore);
    EXPECT_EQ(got.dataplane.workers, want.dataplane.workers);
    EXPECT_EQ(got.dataplane.eal_args, want.dataplane.eal_args);
    EXPECT_EQ(got.dataplane, want.dataplane);
    EXPECT_EQ(got.bird, want.bird);
    EXPECT_EQ(got.control, want.control);
    EXPECT_TRUE(got == want);
}

TEST(YamlLoader, RecordsPositionsOfObjectsAndFields) {
    auto r = load_yaml_file((data_dir() / "ok-full.yaml").string());
    ASSERT_FALSE(r.diags.has_errors()) << r.diags.str();
    const Interface& e0 = r.config.interfaces.at(0);
    EXPECT_EQ(e0.pos.line, 5);
    EXPECT_EQ(e0.pos.column, 5);
    EXPECT_EQ(pos_of(e0, "mtu").line, 9);
    EXPECT_EQ(pos_of(e0, "mtu").column, 10);
    const StandbyGroup& g1 = e0.standby.at(0);
    EXPECT_EQ(g1.pos.line, 13);
    EXPECT_EQ(g1.pos.column, 9);
    EXPECT_EQ(pos_of(g1, "priority").line, 16);
    EXPECT_EQ(pos_of(g1, "priority").column, 19);
    const AccessList& a101 = r.config.access_lists.at(0);
    EXPECT_EQ(a101.pos.line, 37);  // the name
    EXPECT_EQ(a101.pos.column, 3);
    EXPECT_EQ(a101.entries.at(2).pos.line, 40);
    EXPECT_EQ(pos_of(a101.entries.at(2), "destination").line, 44);
    EXPECT_EQ(pos_of(a101.entries.at(2), "destination").column, 20);
    // mymap's seq 1 is the second entry of the file.
    const CryptoMapEntry& m1 = r.config.crypto_maps.at(0).entries.at(0);
    EXPECT_EQ(m1.seq, 1u);
    EXPECT_EQ(pos_of(m1, "match_address").line, 83);
    EXPECT_EQ(pos_of(m1, "match_address").column, 22);
    EXPECT_EQ(r.config.interfaces.at(0).pos.file, (data_dir() / "ok-full.yaml").string());
}

TEST(YamlLoader, FieldPathsUseYamlNames) {
    auto r = load_yaml_string(R"(
interfaces:
  - name: e0
    standby:
      - {group: 1, priority: 256}
access_lists:
  101:
    - permit ip any any
    - permit ip any any
    - permit ip 10.0.0.0 0.0.0.255 any log-input
crypto_maps:
  mymap:
    - {seq: 1, match_address: ""}
ike:
  keys:
    - {peer: 10.1.1.1, key: ""}
routes:
  - {prefix: 10.0.0.1/8, interface: e0}
)",
                              "t.yaml");
    std::vector<std::string> fields;
    for (const auto& d : r.diags.items()) fields.push_back(d.field);
    std::sort(fields.begin(), fields.end());
    EXPECT_EQ(fields, (std::vector<std::string>{"access_lists.101[2]", "crypto_maps.mymap[seq 1].match_address",
                                                "ike.keys[0].key", "interfaces[e0].standby[1].priority",
                                                "routes[0].prefix"}))
        << r.diags.str();
}

TEST(YamlLoader, AclTokenColumnAccountsForQuotes) {
    auto plain = load_yaml_string("access_lists:\n  a: [permit ip any hst 1.2.3.4]\n", "t");
    auto quoted = load_yaml_string("access_lists:\n  a: [\"permit ip any hst 1.2.3.4\"]\n", "t");
    ASSERT_EQ(plain.diags.items().size(), 1u) << plain.diags.str();
    ASSERT_EQ(quoted.diags.items().size(), 1u) << quoted.diags.str();
    // "permit ip any " is 14 characters: 'hst' is at column 7 + 14 = 21, or 22 after a quote.
    EXPECT_EQ(plain.diags.items()[0].pos.column, 21);
    EXPECT_EQ(quoted.diags.items()[0].pos.column, 22);
}

TEST(YamlLoader, Durations) {
    auto r = load_yaml_string(R"(
interfaces:
  - name: e0
    standby:
      - {group: 1, timers: {hello: 250ms, hold: 3s}, preempt: {delay: 2}}
      - {group: 2, timers: {hello: 1, hold: "1500ms"}, preempt: false}
      - {group: 3, timers: {hello: -1, hold: 1.5s}}
)",
                              "t");
    ASSERT_EQ(r.config.interfaces.size(), 1u);
    const auto& s = r.config.interfaces[0].standby;
    ASSERT_EQ(s.size(), 3u);
    EXPECT_EQ(s[0].hello_ms, 250u);
    EXPECT_EQ(s[0].hold_ms, 3000u);
    EXPECT_TRUE(s[0].preempt);
    EXPECT_EQ(s[0].preempt_delay_ms, 2000u);
    EXPECT_EQ(s[1].hello_ms, 1000u);
    EXPECT_EQ(s[1].hold_ms, 1500u);
    EXPECT_FALSE(s[1].preempt);
    // Bad values are reported and leave the defaults.
    EXPECT_EQ(s[2].hello_ms, 3000u);
    EXPECT_EQ(s[2].hold_ms, 10000u);
    EXPECT_EQ(r.diags.error_count(), 2u) << r.diags.str();
}

TEST(YamlLoader, CryptoMapBindingAndReverseRouteForms) {
    auto r = load_yaml_string(R"(
interfaces:
  - {name: a, crypto_map: m}
  - {name: b, crypto_map: {name: m, redundancy: true}}
  - {name: c, crypto_map: {name: m, redundancy: false}}
crypto_maps:
  m:
    - {seq: 1, reverse_route: false}
    - {seq: 2, reverse_route: true}
    - {seq: 3, reverse_route: {remote_peer: 10.0.0.1, gateway: true}}
    - {seq: 4, match_address: 101}
)",
                              "t");
    ASSERT_FALSE(r.diags.has_errors()) << r.diags.str();
    const auto& i = r.config.interfaces;
    ASSERT_EQ(i.size(), 3u);
    EXPECT_EQ(i[0].crypto_map->map, "m");
    EXPECT_FALSE(i[0].crypto_map->redundancy);
    EXPECT_TRUE(i[1].crypto_map->redundancy);
    EXPECT_FALSE(i[1].crypto_map->standby_name.has_value());
    EXPECT_FALSE(i[2].crypto_map->redundancy);
    const auto& e = r.config.crypto_maps.at(0).entries;
    ASSERT_EQ(e.size(), 4u);
    EXPECT_FALSE(e[0].policy.reverse_route.has_value());
    EXPECT_EQ(e[1].policy.reverse_route, ReverseRoute{});
    ASSERT_TRUE(e[2].policy.reverse_route.has_value());
    EXPECT_EQ(e[2].policy.reverse_route->remote_peer, addr("10.0.0.1"));
    EXPECT_TRUE(e[2].policy.reverse_route->gateway);
    EXPECT_EQ(e[3].policy.match_address, "101");
}

TEST(YamlLoader, UnreadableFileIsOneError) {
    auto r = load_yaml_file("/nonexistent/tandem.yaml");
    ASSERT_EQ(r.diags.items().size(), 1u);
    EXPECT_EQ(r.diags.items()[0].severity, Severity::error);
    EXPECT_EQ(r.diags.items()[0].pos.file, "/nonexistent/tandem.yaml");
    EXPECT_TRUE(r.config == Config{});
    auto dir = load_yaml_file(data_dir().string());
    EXPECT_EQ(dir.diags.error_count(), 1u) << dir.diags.str();
}

TEST(YamlLoader, TopLevelMustBeAMapping) {
    auto r = load_yaml_string("- a\n- b\n", "t");
    ASSERT_EQ(r.diags.items().size(), 1u);
    EXPECT_NE(r.diags.items()[0].message.find("expected a mapping"), std::string::npos);
}

// The examples in docs/configuration.md are what operators copy: each ```yaml block must load and
// validate cleanly.
TEST(YamlLoader, DocumentationExamplesAreValid) {
    const char* root = std::getenv("TANDEM_SOURCE_DIR");
    fs::path doc = fs::path(root ? root : ".") / "docs" / "configuration.md";
    std::string text = read_text(doc);
    ASSERT_FALSE(text.empty()) << doc;
    int blocks = 0;
    for (size_t at = text.find("```yaml\n"); at != std::string::npos; at = text.find("```yaml\n", at)) {
        at += 8;
        size_t end = text.find("```", at);
        ASSERT_NE(end, std::string::npos);
        ++blocks;
        auto r = load_yaml_string(std::string_view(text).substr(at, end - at), "docs example " + std::to_string(blocks));
        validate(r.config, r.diags);
        EXPECT_EQ(r.diags.items().size(), 0u) << r.diags.str();
        at = end + 3;
    }
    EXPECT_GE(blocks, 2);
}

// ---------------------------------------------------------------- emitter

// A configuration with every kind of value, including the awkward ones (numeric names, strings
// that look like numbers or booleans, sub-second durations, empty worker list).
Config rich_config() {
    Config c = full_config();
    c.hostname = "123";
    c.interfaces[0].standby[0].hello_ms = 1500;
    c.interfaces[0].standby[1].preempt_delay_ms = 250;
    c.interfaces[2].crypto_map->redundancy = true;  // redundancy: true (the only named group)
    StandbyGroup plain;
    plain.name = "true";
    c.interfaces[1].standby = {plain};
    AclEntry tcp = ace("deny tcp host 10.1.1.1 gt 1023 10.2.0.0 0.0.255.255 neq www");
    AclEntry discontiguous = ace("permit ip 10.0.0.0 0.255.0.255 any");
    AclEntry proto = ace("permit 47 any any log");
    c.access_lists[2].entries.insert(c.access_lists[2].entries.end(), {tcp, discontiguous, proto});
    AccessList empty;
    empty.name = "1e5";
    c.access_lists.push_back(empty);
    c.ike.keepalive->mode = DpdMode::periodic;
    c.ike.keys[1].peer = pfx("10.2.0.0/16");
    c.ipsec.replay_window = 0;
    c.crypto_maps[1].entries[0].policy.reverse_route = ReverseRoute{};
    c.crypto_maps[1].entries[0].policy.reverse_route->distance = 1;
    c.dataplane.workers.clear();
    c.dataplane.eal_args.push_back("");
    c.dataplane.eal_args.push_back("no");
    c.control.socket = "/run/tandem/control.sock";  // the default: left out
    return c;
}

TEST(YamlEmit, RoundTripsARichConfig) {
    const Config c = rich_config();
    std::string yaml = to_yaml(c);
    auto r = load_yaml_string(yaml, "emitted");
    ASSERT_FALSE(r.diags.has_errors()) << r.diags.str() << yaml;
    EXPECT_EQ(r.diags.items().size(), 0u) << r.diags.str();
    EXPECT_EQ(r.config.hostname, "123");
    EXPECT_EQ(r.config.interfaces, c.interfaces) << yaml;
    EXPECT_EQ(r.config.access_lists, c.access_lists) << yaml;
    EXPECT_EQ(r.config.ike, c.ike) << yaml;
    EXPECT_EQ(r.config.ipsec, c.ipsec) << yaml;
    EXPECT_EQ(r.config.crypto_maps, c.crypto_maps) << yaml;
    EXPECT_EQ(r.config.dataplane, c.dataplane) << yaml;
    EXPECT_TRUE(r.config == c) << yaml;
}

TEST(YamlEmit, RoundTripsTheDefaultConfig) {
    std::string yaml = to_yaml(Config{});
    auto r = load_yaml_string(yaml, "emitted");
    EXPECT_EQ(r.diags.items().size(), 0u) << r.diags.str() << yaml;
    EXPECT_TRUE(r.config == Config{}) << yaml;
}

TEST(YamlEmit, LeavesOutDefaultsAndQuotesNumericNames) {
    Config c;
    Interface i;
    i.name = "FastEthernet0/0";
    StandbyGroup g;
    g.name = "group1";
    i.standby = {g};
    CryptoMapBinding b;
    b.map = "mymap";
    i.crypto_map = b;
    c.interfaces = {i};
    AccessList a;
    a.name = "101";
    a.entries = {ace("permit ip 192.168.1.0 0.0.0.255 10.0.0.0 0.0.255.255")};
    c.access_lists = {a};
    std::string yaml = to_yaml(c);
    EXPECT_EQ(yaml,
              "interfaces:\n"
              "  - name: FastEthernet0/0\n"
              "    standby:\n"
              "      - group: 0\n"
              "        name: group1\n"
              "    crypto_map: mymap\n"
              "access_lists:\n"
              "  \"101\":\n"
              "    - permit ip 192.168.1.0 0.0.0.255 10.0.0.0 0.0.255.255\n");
}

TEST(YamlEmit, KeysFollowTheSchemaOrder) {
    std::string yaml = to_yaml(rich_config());
    std::vector<std::string> order = {"hostname:", "interfaces:", "access_lists:", "transform_sets:", "ike:",
                                      "ipsec:", "crypto_maps:", "dynamic_maps:", "routes:", "dataplane:", "bird:"};
    size_t at = 0;
    for (const auto& k : order) {
        size_t p = yaml.find("\n" + k);
        if (k == "hostname:") p = yaml.rfind(k, 0);
        ASSERT_NE(p, std::string::npos) << k << "\n" << yaml;
        EXPECT_GE(p, at) << k << "\n" << yaml;
        at = p;
    }
    EXPECT_EQ(yaml.find("\ncontrol:"), std::string::npos) << yaml;
}

}  // namespace
}  // namespace tandem::config

namespace tandem::config {
namespace {

TEST(YamlLoader, InitiateStartOnAStaticEntry) {
    auto r = load_yaml_string(R"(crypto_maps:
  m:
    - seq: 10
      peer: 192.0.2.2
      match_address: "101"
      initiate: start
    - seq: 20
      peer: 192.0.2.3
      match_address: "101"
      initiate: traffic
)", "t");
    const auto& e = r.config.crypto_maps.at(0).entries;
    EXPECT_TRUE(e.at(0).initiate_at_start);
    EXPECT_FALSE(e.at(1).initiate_at_start);
    auto bad = load_yaml_string("crypto_maps:\n  m:\n    - {seq: 10, peer: 192.0.2.2, initiate: boot}\n", "t");
    EXPECT_NE(bad.diags.str().find("t:3:"), std::string::npos) << bad.diags.str();
    EXPECT_NE(bad.diags.str().find("initiate mode"), std::string::npos) << bad.diags.str();
}

}  // namespace
}  // namespace tandem::config
