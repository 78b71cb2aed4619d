// Tests of the semantic validator: the seed document's three examples validate clean, and each
// rule reports its problem with the field path, a message that says what would be right, and the
// position the loader recorded for the field (FieldPositions), falling back to the object's.
#include "common/config/validate.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/config/acl_text.h"
#include "common/config/compile.h"

namespace tandem::config {
namespace {

SourcePos at(int line, int column = 1) { return SourcePos{"t.yaml", line, column}; }

Ipv4Address ip(std::string_view s) { return *Ipv4Address::parse(s); }

AclEntry ace(std::string_view text) {
    AclEntry e;
    AceError err;
    EXPECT_TRUE(parse_ace(text, e, err)) << text << ": " << err.message;
    return e;
}

AccessList acl(std::string name, std::initializer_list<std::string_view> entries) {
    AccessList a;
    a.name = std::move(name);
    for (auto t : entries) a.entries.push_back(ace(t));
    return a;
}

TransformSet transform_set(std::string name, EspCipher c = EspCipher::aes_cbc_256,
                           EspIntegrity i = EspIntegrity::sha256_128) {
    TransformSet t;
    t.name = std::move(name);
    t.cipher = c;
    t.integrity = i;
    return t;
}

Interface interface(std::string name, std::optional<std::string_view> address = std::nullopt) {
    Interface i;
    i.name = std::move(name);
    if (address) i.address = *Ipv4InterfaceAddress::parse(*address);
    return i;
}

CryptoMapBinding binding(std::string map, bool redundancy = false, std::optional<std::string> group = {}) {
    CryptoMapBinding b;
    b.map = std::move(map);
    b.redundancy = redundancy;
    b.standby_name = std::move(group);
    return b;
}

CryptoMapEntry static_entry(uint32_t seq, std::string_view peer, std::string acl_name, bool rri) {
    CryptoMapEntry e;
    e.seq = seq;
    e.policy.peers = {ip(peer)};
    e.policy.transform_sets = {"esp-3des-sha"};
    e.policy.match_address = std::move(acl_name);
    if (rri) e.policy.reverse_route = ReverseRoute{};
    return e;
}

StandbyGroup standby(uint32_t group, std::optional<std::string> name, std::optional<std::string_view> vip) {
    StandbyGroup g;
    g.group = group;
    g.name = std::move(name);
    if (vip) g.ip = ip(*vip);
    return g;
}

// Seed "Example: Reverse Route Injection on a Static Crypto Map".
Config seed_static() {
    Config c;
    c.transform_sets.push_back(transform_set("esp-3des-sha"));
    c.access_lists.push_back(acl("101", {"permit ip 192.168.1.0 0.0.0.255 172.17.11.0 0.0.0.255"}));
    c.access_lists.push_back(acl("102", {"permit ip 192.168.1.0 0.0.0.255 10.0.0.0 0.0.255.255"}));
    CryptoMap m;
    m.name = "mymap";
    m.entries.push_back(static_entry(1, "172.17.11.1", "101", true));
    m.entries.push_back(static_entry(2, "10.1.1.1", "102", false));
    c.crypto_maps.push_back(m);
    Interface fe = interface("FastEthernet0/0");
    fe.crypto_map = binding("mymap");
    c.interfaces.push_back(fe);
    return c;
}

// Seed "Example: Reverse Route Injection on a Dynamic Crypto Map".
Config seed_dynamic() {
    Config c;
    c.transform_sets.push_back(transform_set("esp-3des-sha"));
    DynamicMap d;
    d.name = "mydynmap";
    DynamicMapEntry de;
    de.seq = 1;
    de.policy.transform_sets = {"esp-3des-sha"};
    de.policy.reverse_route = ReverseRoute{};
    d.entries.push_back(de);
    c.dynamic_maps.push_back(d);
    CryptoMap m;
    m.name = "mymap";
    CryptoMapEntry e;
    e.seq = 3;
    e.dynamic_map = "mydynmap";
    m.entries.push_back(e);
    c.crypto_maps.push_back(m);
    Interface fe = interface("FastEthernet0/0");
    fe.crypto_map = binding("mymap");
    c.interfaces.push_back(fe);
    return c;
}

// Seed "Example: HSRP and IPsec".
Config seed_hsrp() {
    Config c;
    c.transform_sets.push_back(transform_set("esp-3des-sha"));
    c.access_lists.push_back(acl("102", {"permit ip 192.168.1.0 0.0.0.255 10.0.0.0 0.0.255.255"}));
    CryptoMap m;
    m.name = "mymap";
    m.entries.push_back(static_entry(1, "10.1.1.1", "102", true));
    c.crypto_maps.push_back(m);
    Interface fe = interface("FastEthernet0/0", "192.168.0.2/24");
    fe.standby.push_back(standby(0, "group1", "192.168.0.3"));
    fe.crypto_map = binding("mymap", true, "group1");
    c.interfaces.push_back(fe);
    return c;
}

Diagnostics run(const Config& c) {
    Diagnostics d;
    validate(c, d);
    return d;
}

// The diagnostics with this severity and field path.
std::vector<Diagnostic> at_field(const Diagnostics& d, Severity s, std::string_view field) {
    std::vector<Diagnostic> out;
    for (const auto& x : d.items()) {
        if (x.severity == s && x.field == field) out.push_back(x);
    }
    return out;
}

// Exactly one diagnostic of severity `s` at `field`, whose message contains every part.
::testing::AssertionResult reports(const Diagnostics& d, Severity s, std::string_view field,
                                   std::initializer_list<std::string_view> parts, int line = 0) {
    auto found = at_field(d, s, field);
    if (found.size() != 1) {
        return ::testing::AssertionFailure() << found.size() << " diagnostics at " << field << "; all:\n" << d.str();
    }
    for (auto p : parts) {
        if (found[0].message.find(p) == std::string::npos) {
            return ::testing::AssertionFailure() << "message lacks '" << p << "': " << found[0].str();
        }
    }
    if (line != 0 && found[0].pos.line != line) {
        return ::testing::AssertionFailure() << "at line " << found[0].pos.line << ", expected " << line << ": "
                                             << found[0].str();
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult error_at(const Diagnostics& d, std::string_view field,
                                    std::initializer_list<std::string_view> parts, int line = 0) {
    return reports(d, Severity::error, field, parts, line);
}

::testing::AssertionResult warning_at(const Diagnostics& d, std::string_view field,
                                      std::initializer_list<std::string_view> parts, int line = 0) {
    return reports(d, Severity::warning, field, parts, line);
}

// ---------------------------------------------------------------- the seed's examples

TEST(ValidateSeed, StaticExampleHasNoErrors) {
    Diagnostics d = run(seed_static());
    EXPECT_EQ(d.error_count(), 0u) << d.str();
    // The seed shows only the crypto map line of FastEthernet 0/0, not its address.
    EXPECT_EQ(d.warning_count(), 1u) << d.str();
    EXPECT_TRUE(warning_at(d, "interfaces[FastEthernet0/0].crypto_map", {"no local tunnel endpoint"}));

    Config c = seed_static();
    c.interfaces[0].address = *Ipv4InterfaceAddress::parse("172.16.0.1/24");
    Diagnostics clean = run(c);
    EXPECT_TRUE(clean.items().empty()) << clean.str();
}

TEST(ValidateSeed, DynamicExampleHasNoErrors) {
    Diagnostics d = run(seed_dynamic());
    EXPECT_EQ(d.error_count(), 0u) << d.str();
    EXPECT_EQ(d.warning_count(), 1u) << d.str();

    Config c = seed_dynamic();
    c.interfaces[0].address = *Ipv4InterfaceAddress::parse("172.16.0.1/24");
    Diagnostics clean = run(c);
    EXPECT_TRUE(clean.items().empty()) << clean.str();
}

TEST(ValidateSeed, HsrpExampleIsClean) {
    Diagnostics d = run(seed_hsrp());
    EXPECT_TRUE(d.items().empty()) << d.str();
}

TEST(ValidateSeed, ExamplesNeedTheirTransformSet) {
    for (Config c : {seed_static(), seed_dynamic(), seed_hsrp()}) {
        c.transform_sets.clear();
        Diagnostics d = run(c);
        EXPECT_TRUE(d.has_errors());
        for (const auto& x : d.items()) {
            if (x.severity == Severity::error) {
                EXPECT_NE(x.message.find("unknown transform set \"esp-3des-sha\""), std::string::npos) << x.str();
            }
        }
    }
    Config c = seed_hsrp();
    c.transform_sets[0].name = "esp-3des-sh";
    c.crypto_maps[0].entries[0].fields.set("transform_sets", at(7, 5));
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "crypto_maps.mymap[seq 1].transform_sets[0]", {"did you mean \"esp-3des-sh\"?"}, 7));
    EXPECT_EQ(d.error_count(), 1u) << d.str();
}

// ---------------------------------------------------------------- duplicates

TEST(ValidateDuplicates, InterfaceNames) {
    Config c = seed_hsrp();
    Interface dup = interface("FastEthernet0/0", "10.9.0.1/24");
    dup.fields.set("name", at(30, 9));
    c.interfaces[0].fields.set("name", at(3, 9));
    c.interfaces.push_back(dup);
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "interfaces[FastEthernet0/0]", {"duplicate interface name", "t.yaml:3:9"}, 30));
}

TEST(ValidateDuplicates, AccessListsTransformSetsProposalsMaps) {
    Config c = seed_hsrp();
    AccessList a = c.access_lists[0];
    a.pos = at(40);
    c.access_lists.push_back(a);
    TransformSet t = c.transform_sets[0];
    t.fields.set("name", at(41));
    c.transform_sets.push_back(t);
    IkeProposal p;
    p.name = "default";
    p.encryption = {IkeCipher::aes_gcm_128};
    p.prf = {IkeHash::sha256};
    p.dh_groups = {19};
    c.ike.proposals = {p, p};
    c.ike.proposals[1].pos = at(42);
    CryptoMap m = c.crypto_maps[0];
    m.pos = at(43);
    c.crypto_maps.push_back(m);
    DynamicMap dm;
    dm.name = "dyn";
    c.dynamic_maps = {dm, dm};
    c.dynamic_maps[1].pos = at(44);
    c.crypto_maps[0].entries.push_back(CryptoMapEntry{});
    c.crypto_maps[0].entries.back().seq = 10;
    c.crypto_maps[0].entries.back().dynamic_map = "dyn";
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "access_lists.102", {"duplicate access list name \"102\""}, 40));
    EXPECT_TRUE(error_at(d, "transform_sets.esp-3des-sha", {"duplicate transform set name"}, 41));
    EXPECT_TRUE(error_at(d, "ike.proposals[default]", {"duplicate IKE proposal name"}, 42));
    EXPECT_TRUE(error_at(d, "crypto_maps.mymap", {"duplicate crypto map name"}, 43));
    EXPECT_TRUE(error_at(d, "dynamic_maps.dyn", {"duplicate dynamic map name"}, 44));
}

TEST(ValidateDuplicates, SeqWithinCryptoMapAndDynamicMap) {
    Config c = seed_dynamic();
    c.interfaces[0].address = *Ipv4InterfaceAddress::parse("172.16.0.1/24");
    CryptoMapEntry e = c.crypto_maps[0].entries[0];
    e.fields.set("seq", at(12, 7));
    c.crypto_maps[0].entries.push_back(e);
    DynamicMapEntry de = c.dynamic_maps[0].entries[0];
    de.pos = at(20);
    c.dynamic_maps[0].entries.push_back(de);
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "crypto_maps.mymap[seq 3]", {"duplicate sequence number 3"}, 12));
    EXPECT_TRUE(error_at(d, "dynamic_maps.mydynmap[seq 1]", {"duplicate sequence number 1"}, 20));
    EXPECT_EQ(d.error_count(), 2u) << d.str();
}

TEST(ValidateDuplicates, StandbyGroupNumbersOnAnInterface) {
    Config c = seed_hsrp();
    StandbyGroup g = standby(0, std::nullopt, "192.168.0.4");
    g.fields.set("group", at(15, 11));
    c.interfaces[0].standby.push_back(g);
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "interfaces[FastEthernet0/0].standby[0].group", {"duplicate standby group 0"}, 15));
}

TEST(ValidateDuplicates, StandbyNameUsedTwiceInTheConfig) {
    Config c = seed_hsrp();
    Interface in = interface("GigabitEthernet0/1", "10.20.0.2/24");
    StandbyGroup g = standby(5, "group1", "10.20.0.1");
    g.fields.set("name", at(25, 15));
    in.standby.push_back(g);
    c.interfaces.push_back(in);
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "interfaces[GigabitEthernet0/1].standby[5].name",
                         {"\"group1\" is already used by interfaces[FastEthernet0/0].standby[0]"}, 25));
}

TEST(ValidateDuplicates, DpdkPorts) {
    Config c = seed_hsrp();
    c.interfaces[0].port = "0000:01:00.0";
    Interface in = interface("inside0", "10.20.0.2/24");
    in.port = "0000:01:00.0";
    in.fields.set("port", at(33, 11));
    c.interfaces.push_back(in);
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "interfaces[inside0].port", {"already used by interface FastEthernet0/0"}, 33));
    c.interfaces[1].port = "0000:02:00.0";
    EXPECT_FALSE(run(c).has_errors());
}

TEST(ValidateDuplicates, PresharedKeyPeers) {
    Config c = seed_hsrp();
    PresharedKey k;
    k.peer = *Ipv4Prefix::parse("10.1.1.1/32");
    k.key = "secret";
    c.ike.keys = {k, k};
    c.ike.keys[1].fields.set("peer", at(50, 7));
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "ike.keys[1].peer", {"10.1.1.1/32", "already given by ike.keys[0]"}, 50));
    c.ike.keys[1].peer = *Ipv4Prefix::parse("10.1.1.0/24");
    EXPECT_FALSE(run(c).has_errors());
}

// ---------------------------------------------------------------- interfaces and standby groups

TEST(ValidateInterfaces, StandbyNeedsAnInterfaceAddress) {
    Config c = seed_hsrp();
    c.interfaces[0].address.reset();
    c.interfaces[0].fields.set("standby", at(8, 5));
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "interfaces[FastEthernet0/0].standby", {"need an interface address"}, 8));
}

TEST(ValidateInterfaces, StandbyIpMustBeAnotherHostOfTheSubnet) {
    struct Case {
        const char* vip;
        const char* says;
    };
    for (Case k : {Case{"192.168.1.3", "outside the interface subnet 192.168.0.0/24"},
                   Case{"192.168.0.2", "interface's own address"}, Case{"192.168.0.0", "network address"},
                   Case{"192.168.0.255", "broadcast address"}}) {
        Config c = seed_hsrp();
        c.interfaces[0].standby[0].ip = ip(k.vip);
        c.interfaces[0].standby[0].fields.set("ip", at(11, 13));
        Diagnostics d = run(c);
        EXPECT_TRUE(error_at(d, "interfaces[FastEthernet0/0].standby[0].ip", {k.says}, 11)) << k.vip;
    }
    // On a /31 both addresses are hosts (RFC 3021).
    Config c = seed_hsrp();
    c.interfaces[0].address = *Ipv4InterfaceAddress::parse("192.168.0.2/31");
    EXPECT_FALSE(run(c).has_errors()) << run(c).str();
}

TEST(ValidateInterfaces, GroupNumberRangeDependsOnVersion) {
    Config c = seed_hsrp();
    c.interfaces[0].standby[0].group = 256;
    c.interfaces[0].standby[0].fields.set("group", at(9, 3));
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "interfaces[FastEthernet0/0].standby[256].group",
                         {"(0..255)", "use standby_version 2"}, 9));
    c.interfaces[0].standby_version = 2;
    EXPECT_FALSE(run(c).has_errors());
    c.interfaces[0].standby[0].group = 4096;
    EXPECT_TRUE(error_at(run(c), "interfaces[FastEthernet0/0].standby[4096].group", {"(0..4095)"}, 9));
}

TEST(ValidateInterfaces, Version1TimersAreWholeSeconds) {
    Config c = seed_hsrp();
    StandbyGroup& g = c.interfaces[0].standby[0];
    g.hello_ms = 250;
    g.hold_ms = 1500;
    g.fields.set("hello", at(12, 20));
    g.fields.set("timers", at(12, 9));
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "interfaces[FastEthernet0/0].standby[0].timers.hello",
                         {"250 ms", "use standby_version 2 for millisecond timers"}, 12));
    EXPECT_TRUE(error_at(d, "interfaces[FastEthernet0/0].standby[0].timers.hold", {"1500 ms"}, 12));
    EXPECT_EQ(at_field(d, Severity::error, "interfaces[FastEthernet0/0].standby[0].timers.hello")[0].pos.column, 20);
    // Each timer is checked on its own: a whole-second hold is still range-checked.
    g.hold_ms = 1000;
    EXPECT_TRUE(error_at(run(c), "interfaces[FastEthernet0/0].standby[0].timers.hold", {"hold 1 s", "2..255 s"}, 12));
    g.hold_ms = 1500;
    // Version 2 accepts them.
    c.interfaces[0].standby_version = 2;
    EXPECT_FALSE(run(c).has_errors()) << run(c).str();
}

TEST(ValidateInterfaces, TimerRanges) {
    Config c = seed_hsrp();
    StandbyGroup& g = c.interfaces[0].standby[0];
    g.hello_ms = 255000;
    g.hold_ms = 256000;
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "interfaces[FastEthernet0/0].standby[0].timers.hello", {"1..254 s"}));
    EXPECT_TRUE(error_at(d, "interfaces[FastEthernet0/0].standby[0].timers.hold", {"2..255 s"}));

    c.interfaces[0].standby_version = 2;
    g.hello_ms = 10;
    g.hold_ms = 60;
    EXPECT_TRUE(error_at(run(c), "interfaces[FastEthernet0/0].standby[0].timers.hello", {"15 ms..254 s"}));
    g.hello_ms = 15;
    EXPECT_FALSE(run(c).has_errors());
}

TEST(ValidateInterfaces, HoldMustExceedHello) {
    Config c = seed_hsrp();
    StandbyGroup& g = c.interfaces[0].standby[0];
    g.hello_ms = 5000;
    g.hold_ms = 5000;
    g.fields.set("timers", at(14, 9));
    EXPECT_TRUE(error_at(run(c), "interfaces[FastEthernet0/0].standby[0].timers.hold",
                         {"hold 5 s must be greater than hello 5 s"}, 14));
}

TEST(ValidateInterfaces, Version1TextAuthenticationAtMost8) {
    Config c = seed_hsrp();
    StandbyGroup& g = c.interfaces[0].standby[0];
    g.auth = StandbyAuth{StandbyAuth::Kind::text, "ninechars"};
    g.fields.set("authentication", at(16, 9));
    EXPECT_TRUE(error_at(run(c), "interfaces[FastEthernet0/0].standby[0].authentication",
                         {"9 characters", "at most 8"}, 16));
    g.auth->key = "eightchr";
    EXPECT_FALSE(run(c).has_errors());
    g.auth = StandbyAuth{StandbyAuth::Kind::md5, "a much longer md5 key string"};
    EXPECT_FALSE(run(c).has_errors());
}

TEST(ValidateInterfaces, TrackedInterfaceMustExistAndNotBeSelf) {
    Config c = seed_hsrp();
    c.interfaces.push_back(interface("GigabitEthernet0/1", "10.20.0.2/24"));
    StandbyTrack t;
    t.interface = "GigabitEthernet0/2";
    t.fields.set("interface", at(18, 24));
    StandbyTrack self;
    self.interface = "FastEthernet0/0";
    c.interfaces[0].standby[0].track = {t, self};
    c.interfaces[0].standby[0].track[1].pos = at(19, 13);
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "interfaces[FastEthernet0/0].standby[0].track[0].interface",
                         {"unknown interface \"GigabitEthernet0/2\"", "did you mean \"GigabitEthernet0/1\"?"}, 18));
    EXPECT_TRUE(error_at(d, "interfaces[FastEthernet0/0].standby[0].track[1].interface", {"its own interface"}, 19));
}

TEST(ValidateInterfaces, AddressMustNotBeNetworkOrBroadcast) {
    Config c = seed_hsrp();
    c.interfaces[0].address = *Ipv4InterfaceAddress::parse("192.168.0.255/24");
    c.interfaces[0].fields.set("address", at(6, 14));
    EXPECT_TRUE(error_at(run(c), "interfaces[FastEthernet0/0].address",
                         {"broadcast address of 192.168.0.0/24", "192.168.0.1..192.168.0.254"}, 6));
    c.interfaces[0].address = *Ipv4InterfaceAddress::parse("192.168.0.0/24");
    EXPECT_TRUE(error_at(run(c), "interfaces[FastEthernet0/0].address", {"network address"}, 6));
}

// ---------------------------------------------------------------- crypto map bindings

TEST(ValidateBinding, MapMustExist) {
    Config c = seed_hsrp();
    c.interfaces[0].crypto_map->map = "mymapp";
    c.interfaces[0].crypto_map->fields.set("name", at(21, 17));
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "interfaces[FastEthernet0/0].crypto_map",
                         {"unknown crypto map \"mymapp\"", "did you mean \"mymap\"?"}, 21));
    // mymap itself is now applied nowhere.
    EXPECT_TRUE(warning_at(d, "crypto_maps.mymap", {"applied to no interface"}));
}

TEST(ValidateBinding, RedundancyNameMustBeAGroupOfTheInterface) {
    Config c = seed_hsrp();
    c.interfaces[0].crypto_map->standby_name = "grop1";
    c.interfaces[0].crypto_map->fields.set("redundancy", at(22, 30));
    // The seed: a standby name that is gone returns the endpoint to the interface address.
    EXPECT_TRUE(warning_at(run(c), "interfaces[FastEthernet0/0].crypto_map.redundancy",
                           {"no standby group named \"grop1\"", "did you mean \"group1\"?", "interface address"}, 22));
    EXPECT_FALSE(run(c).has_errors());
    auto pol = compile_policies(c);
    ASSERT_EQ(pol.size(), 1u);
    EXPECT_EQ(pol[0].local_endpoint->str(), "192.168.0.2");
    EXPECT_FALSE(pol[0].standby_name.has_value());

    Interface other = interface("GigabitEthernet0/1", "10.20.0.2/24");
    other.standby.push_back(standby(7, "group7", "10.20.0.1"));
    c.interfaces.push_back(other);
    c.interfaces[0].crypto_map->standby_name = "group7";
    EXPECT_TRUE(error_at(run(c), "interfaces[FastEthernet0/0].crypto_map.redundancy",
                         {"is on interface GigabitEthernet0/1"}, 22));
}

TEST(ValidateBinding, RedundancyWithoutNameNeedsExactlyOneNamedGroup) {
    Config c = seed_hsrp();
    c.interfaces[0].crypto_map->standby_name.reset();
    EXPECT_FALSE(run(c).has_errors()) << run(c).str();

    c.interfaces[0].standby.push_back(standby(2, "group2", "192.168.0.4"));
    c.interfaces[0].crypto_map->pos = at(23, 5);
    EXPECT_TRUE(error_at(run(c), "interfaces[FastEthernet0/0].crypto_map.redundancy",
                         {"several named standby groups", "\"group1\", \"group2\""}, 23));

    c.interfaces[0].standby[0].name.reset();
    c.interfaces[0].standby[1].name.reset();
    EXPECT_TRUE(warning_at(run(c), "interfaces[FastEthernet0/0].crypto_map.redundancy",
                           {"needs a named standby group", "interface address"}, 23));
    EXPECT_FALSE(run(c).has_errors());
}

TEST(ValidateBinding, BoundGroupWithoutIpWarns) {
    Config c = seed_hsrp();
    c.interfaces[0].standby[0].ip.reset();
    c.interfaces[0].standby[0].pos = at(10, 4);
    Diagnostics d = run(c);
    EXPECT_FALSE(d.has_errors()) << d.str();
    EXPECT_TRUE(warning_at(d, "interfaces[FastEthernet0/0].standby[0].ip",
                           {"virtual IP will be learned from the active router"}, 10));
}

// ---------------------------------------------------------------- crypto map entries

TEST(ValidateCryptoMap, StaticEntryNeedsPeerAclAndTransformSet) {
    Config c = seed_hsrp();
    CryptoMapEntry& e = c.crypto_maps[0].entries[0];
    e.policy.peers.clear();
    e.policy.match_address.reset();
    e.policy.transform_sets.clear();
    e.pos = at(30, 3);
    e.fields.set("peers", at(31, 5));
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "crypto_maps.mymap[seq 1].peers", {"at least one peer", "disabled"}, 31));
    EXPECT_TRUE(error_at(d, "crypto_maps.mymap[seq 1].match_address", {"needs match_address", "disabled"}, 30));
    EXPECT_TRUE(error_at(d, "crypto_maps.mymap[seq 1].transform_sets", {"at least one transform set"}, 30));
}

TEST(ValidateCryptoMap, ReferencesMustExist) {
    Config c = seed_hsrp();
    CryptoMapEntry& e = c.crypto_maps[0].entries[0];
    e.policy.match_address = "10";
    e.policy.transform_sets = {"esp-3des-sha", "esp-aes"};
    e.policy.ike_proposal = "prop1";
    e.fields.set("match_address", at(32, 20));
    e.fields.set("transform_sets", at(33, 20));
    e.fields.set("ike_proposal", at(34, 20));
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "crypto_maps.mymap[seq 1].match_address",
                         {"unknown access list \"10\"", "did you mean \"102\"?"}, 32));
    EXPECT_TRUE(error_at(d, "crypto_maps.mymap[seq 1].transform_sets[1]",
                         {"unknown transform set \"esp-aes\"", "defined transform sets: \"esp-3des-sha\""}, 33));
    EXPECT_TRUE(error_at(d, "crypto_maps.mymap[seq 1].ike_proposal",
                         {"unknown IKE proposal \"prop1\"", "no IKE proposals are defined"}, 34));
    EXPECT_TRUE(at_field(d, Severity::error, "crypto_maps.mymap[seq 1].transform_sets[0]").empty());
}

TEST(ValidateCryptoMap, DynamicMapReferenceMustExist) {
    Config c = seed_dynamic();
    c.crypto_maps[0].entries[0].dynamic_map = "mydynmapp";
    c.crypto_maps[0].entries[0].fields.set("dynamic", at(35, 16));
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "crypto_maps.mymap[seq 3].dynamic",
                         {"unknown dynamic map \"mydynmapp\"", "did you mean \"mydynmap\"?"}, 35));
    // A dynamic entry needs no peer, ACL or transform set of its own.
    EXPECT_EQ(d.error_count(), 1u) << d.str();
}

TEST(ValidateCryptoMap, PfsGroupMustBeSupported) {
    Config c = seed_hsrp();
    c.crypto_maps[0].entries[0].policy.pfs_group = 2;
    c.crypto_maps[0].entries[0].fields.set("pfs", at(36, 12));
    c.ipsec.pfs_group = 5;
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "crypto_maps.mymap[seq 1].pfs", {"DH group 2 is not supported", "14, 19, 20"}, 36));
    EXPECT_TRUE(error_at(d, "ipsec.pfs", {"DH group 5"}));
    c.crypto_maps[0].entries[0].policy.pfs_group = 19;
    c.ipsec.pfs_group = 14;
    EXPECT_FALSE(run(c).has_errors());
}

TEST(ValidateCryptoMap, Lifetimes) {
    Config c = seed_hsrp();
    CryptoMapEntry& e = c.crypto_maps[0].entries[0];
    e.policy.lifetime.seconds = 119;
    e.policy.lifetime.kilobytes = 2559;
    e.fields.set("lifetime", at(37, 5));
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "crypto_maps.mymap[seq 1].lifetime.seconds", {"120..86400"}, 37));
    EXPECT_TRUE(error_at(d, "crypto_maps.mymap[seq 1].lifetime.kilobytes", {"at least 2560"}, 37));
    e.policy.lifetime.seconds = 86401;
    e.fields.set("lifetime.seconds", at(39, 40));  // the IOS importer records each clause
    EXPECT_TRUE(error_at(run(c), "crypto_maps.mymap[seq 1].lifetime.seconds", {"86401"}, 39));
    EXPECT_TRUE(error_at(run(c), "crypto_maps.mymap[seq 1].lifetime.kilobytes", {"2559"}, 37));
    e.policy.lifetime = Lifetime{86400, 2560};
    EXPECT_FALSE(run(c).has_errors());
}

TEST(ValidateDynamicMap, EntryNeedsATransformSetAndKnownReferences) {
    Config c = seed_dynamic();
    DynamicMapEntry& e = c.dynamic_maps[0].entries[0];
    e.policy.transform_sets.clear();
    e.policy.match_address = "nope";
    e.fields.set("transform_sets", at(38, 3));
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "dynamic_maps.mydynmap[seq 1].transform_sets", {"at least one transform set"}, 38));
    EXPECT_TRUE(error_at(d, "dynamic_maps.mydynmap[seq 1].match_address", {"unknown access list \"nope\""}));
}

// ---------------------------------------------------------------- reverse route

TEST(ValidateReverseRoute, GatewayNeedsRemotePeer) {
    Config c = seed_hsrp();
    ReverseRoute& rr = *c.crypto_maps[0].entries[0].policy.reverse_route;
    rr.gateway = true;
    rr.fields.set("gateway", at(40, 9));
    EXPECT_TRUE(error_at(run(c), "crypto_maps.mymap[seq 1].reverse_route.gateway", {"needs remote_peer"}, 40));
    rr.remote_peer = ip("192.168.0.254");
    EXPECT_FALSE(run(c).has_errors());
}

TEST(ValidateReverseRoute, StaticAndFollowSaContradict) {
    Config c = seed_hsrp();
    ReverseRoute& rr = *c.crypto_maps[0].entries[0].policy.reverse_route;
    rr.static_routes = true;
    rr.follow_sa = true;
    rr.pos = at(41, 7);
    EXPECT_TRUE(error_at(run(c), "crypto_maps.mymap[seq 1].reverse_route.follow_sa", {"contradict"}, 41));
    rr.follow_sa = false;
    EXPECT_FALSE(run(c).has_errors());
}

TEST(ValidateReverseRoute, DynamicMapsAlwaysFollowSas) {
    Config c = seed_dynamic();
    ReverseRoute& rr = *c.dynamic_maps[0].entries[0].policy.reverse_route;
    rr.static_routes = true;
    rr.follow_sa = true;
    rr.fields.set("static", at(42, 9));
    rr.fields.set("follow_sa", at(43, 9));
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "dynamic_maps.mydynmap[seq 1].reverse_route.static", {"always follow"}, 42));
    EXPECT_TRUE(error_at(d, "dynamic_maps.mydynmap[seq 1].reverse_route.follow_sa", {"always follow"}, 43));
}

TEST(ValidateReverseRoute, DistanceAndRemotePeer) {
    Config c = seed_hsrp();
    ReverseRoute& rr = *c.crypto_maps[0].entries[0].policy.reverse_route;
    rr.distance = 0;
    rr.remote_peer = Ipv4Address();
    rr.fields.set("distance", at(44, 3));
    rr.fields.set("remote_peer", at(45, 3));
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "crypto_maps.mymap[seq 1].reverse_route.distance", {"1..255"}, 44));
    EXPECT_TRUE(error_at(d, "crypto_maps.mymap[seq 1].reverse_route.remote_peer", {"0.0.0.0"}, 45));
    rr.distance = 255;
    rr.remote_peer = ip("192.168.0.254");
    EXPECT_FALSE(run(c).has_errors());
}

// ---------------------------------------------------------------- crypto ACLs

TEST(ValidateCryptoAcl, AnyIsNotSupportedWithReverseRoute) {
    Config c = seed_static();
    c.access_lists[0].entries.push_back(ace("remark branch"));
    c.access_lists[0].entries.push_back(ace("permit ip 192.168.1.0 0.0.0.255 any"));
    c.access_lists[0].entries[2].fields.set("destination", at(50, 40));
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "access_lists.101[2]",
                         {"access list 101 entry 2: 'any' as destination cannot be used with reverse-route "
                          "(crypto map mymap 1)",
                          "name the remote network, e.g. 10.0.0.0 0.0.255.255"},
                         50));
    // The same entry in 102, which mymap 2 uses without reverse-route, is fine.
    Config ok = seed_static();
    ok.access_lists[1].entries.push_back(ace("permit ip any 10.0.0.0 0.0.255.255"));
    EXPECT_FALSE(run(ok).has_errors()) << run(ok).str();
    // Deny entries are not routes.
    ok.access_lists[0].entries.push_back(ace("deny ip any any"));
    EXPECT_FALSE(run(ok).has_errors()) << run(ok).str();
}

TEST(ValidateCryptoAcl, AnyWithReverseRouteOnADynamicMap) {
    Config c = seed_dynamic();
    c.access_lists.push_back(acl("150", {"permit ip any 10.0.0.0 0.0.255.255"}));
    c.access_lists[0].entries[0].pos = at(51, 5);
    c.dynamic_maps[0].entries[0].policy.match_address = "150";
    EXPECT_TRUE(error_at(run(c), "access_lists.150[0]", {"'any' as source", "(dynamic map mydynmap 1)"}, 51));
}

TEST(ValidateCryptoAcl, DiscontiguousWildcardIsNotASelector) {
    Config c = seed_hsrp();
    c.access_lists[0].entries[0] = ace("permit ip 192.168.1.0 0.0.0.255 10.0.0.0 0.0.254.255");
    c.access_lists[0].entries[0].fields.set("destination", at(52, 30));
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "access_lists.102[0].destination",
                         {"discontiguous", "covering it is 10.0.0.0 0.0.255.255 (10.0.0.0/16)"}, 52));
    EXPECT_EQ(d.items()[0].message.find("one entry per prefix"), std::string::npos);  // 128 prefixes
    EXPECT_EQ(d.error_count(), 1u) << d.str();

    // One don't-care bit outside the low run: two prefixes say it exactly.
    c.access_lists[0].entries[0] = ace("permit ip 192.168.1.0 0.0.2.255 10.0.0.0 0.0.255.255");
    EXPECT_TRUE(error_at(run(c), "access_lists.102[0].source",
                         {"192.168.1.0 0.0.2.255", "covering it is 192.168.0.0 0.0.3.255 (192.168.0.0/22)",
                          "one entry per prefix: 192.168.1.0/24, 192.168.3.0/24"}));
}

TEST(ValidateCryptoAcl, NeqPortIsNotOneRange) {
    Config c = seed_hsrp();
    c.access_lists[0].entries[0] = ace("permit tcp 192.168.1.0 0.0.0.255 10.0.0.0 0.0.255.255 neq 80");
    c.access_lists[0].entries[0].fields.set("destination_port", at(53, 60));
    EXPECT_TRUE(error_at(run(c), "access_lists.102[0].destination_port",
                         {"neq 80", "range 0 79", "range 81 65535"}, 53));
}

TEST(ValidateCryptoAcl, AclWithoutPermitProtectsNothing) {
    Config c = seed_hsrp();
    c.access_lists[0].entries = {ace("remark nothing yet"), ace("deny ip any any")};
    c.access_lists[0].pos = at(54, 3);
    EXPECT_TRUE(error_at(run(c), "access_lists.102", {"no permit entry", "crypto map mymap 1", "protects nothing"}, 54));
}

TEST(ValidateCryptoAcl, UnusedAclsAreNotChecked) {
    Config c = seed_hsrp();
    c.access_lists.push_back(acl("199", {"permit ip any 10.0.0.0 0.0.254.255", "deny tcp any any neq 22"}));
    c.access_lists.push_back(acl("198", {"remark only"}));
    Diagnostics d = run(c);
    EXPECT_TRUE(d.items().empty()) << d.str();
}

// ---------------------------------------------------------------- transforms and IKE

TEST(ValidateTransformSet, GcmWithoutIntegrityCbcWithIt) {
    Config c = seed_hsrp();
    c.transform_sets.push_back(transform_set("gcm", EspCipher::aes_gcm_256, EspIntegrity::sha256_128));
    c.transform_sets.back().fields.set("integrity", at(60, 16));
    c.transform_sets.push_back(transform_set("cbc", EspCipher::aes_cbc_128, EspIntegrity::none));
    c.transform_sets.back().fields.set("esp", at(61, 10));
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "transform_sets.gcm.integrity", {"aes-gcm-256 authenticates by itself"}, 60));
    EXPECT_TRUE(error_at(d, "transform_sets.cbc.integrity", {"aes-cbc-128 needs an integrity algorithm"}, 61));
    EXPECT_EQ(d.error_count(), 2u) << d.str();
}

TEST(ValidateIke, ProposalChecks) {
    Config c = seed_hsrp();
    IkeProposal empty;
    empty.name = "empty";
    empty.fields.set("encryption", at(62, 3));
    empty.fields.set("prf", at(63, 3));
    empty.fields.set("groups", at(64, 3));
    IkeProposal gcm;
    gcm.name = "gcm";
    gcm.encryption = {IkeCipher::aes_gcm_128};
    gcm.prf = {IkeHash::sha256};
    gcm.integrity = {IkeHash::sha256};
    gcm.dh_groups = {19, 2};
    gcm.fields.set("integrity", at(65, 3));
    gcm.fields.set("groups", at(66, 3));
    IkeProposal cbc;
    cbc.name = "cbc";
    cbc.encryption = {IkeCipher::aes_gcm_128, IkeCipher::aes_cbc_256};
    cbc.prf = {IkeHash::sha384};
    cbc.dh_groups = {14};
    cbc.pos = at(67);
    c.ike.proposals = {empty, gcm, cbc};
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "ike.proposals[empty].encryption", {"no encryption algorithm"}, 62));
    EXPECT_TRUE(error_at(d, "ike.proposals[empty].prf", {"no PRF"}, 63));
    EXPECT_TRUE(error_at(d, "ike.proposals[empty].groups", {"no DH group"}, 64));
    EXPECT_TRUE(error_at(d, "ike.proposals[gcm].integrity", {"only AES-GCM"}, 65));
    EXPECT_TRUE(error_at(d, "ike.proposals[gcm].groups[1]", {"DH group 2 is not supported"}, 66));
    EXPECT_TRUE(error_at(d, "ike.proposals[cbc].integrity", {"AES-CBC needs an integrity algorithm"}, 67));
    EXPECT_EQ(d.error_count(), 6u) << d.str();
}

TEST(ValidateIke, PresharedKeyMustNotBeEmpty) {
    Config c = seed_hsrp();
    PresharedKey k;
    k.peer = *Ipv4Prefix::parse("0.0.0.0/0");
    k.fields.set("key", at(68, 20));
    c.ike.keys = {k};
    EXPECT_TRUE(error_at(run(c), "ike.keys[0].key", {"empty pre-shared key for 0.0.0.0/0"}, 68));
}

// ---------------------------------------------------------------- routes and processes

TEST(ValidateRoutes, NeedNextHopOrKnownInterface) {
    Config c = seed_hsrp();
    StaticRoute none;
    none.prefix = *Ipv4Prefix::parse("10.9.0.0/16");
    none.pos = at(70, 5);
    StaticRoute typo = none;
    typo.interface = "FastEthernet0/O";
    typo.fields.set("interface", at(71, 40));
    StaticRoute ok = none;
    ok.next_hop = ip("192.168.0.254");
    c.routes = {none, typo, ok};
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "routes[0]", {"neither next_hop nor interface"}, 70));
    EXPECT_TRUE(error_at(d, "routes[1].interface", {"did you mean \"FastEthernet0/0\"?"}, 71));
    EXPECT_EQ(d.error_count(), 2u) << d.str();
}

TEST(ValidateDataplane, WorkerLcores) {
    Config c = seed_hsrp();
    c.dataplane.main_lcore = 0;
    c.dataplane.workers = {1, 0, 2, 1};
    c.dataplane.fields.set("workers", at(80, 12));
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "dataplane.workers[1]", {"is the main lcore"}, 80));
    EXPECT_TRUE(error_at(d, "dataplane.workers[3]", {"lcore 1 is listed twice"}, 80));
    EXPECT_EQ(d.error_count(), 2u) << d.str();
}

TEST(ValidateDataplane, MbufsAndCache) {
    Config c = seed_hsrp();
    c.dataplane.mbufs = 0;
    c.dataplane.fields.set("mbufs", at(81, 10));
    EXPECT_TRUE(error_at(run(c), "dataplane.mbufs", {"greater than 0"}, 81));

    c.dataplane.mbufs = 8191;
    c.dataplane.mbuf_cache = 513;
    c.dataplane.fields.set("mbuf_cache", at(82, 15));
    EXPECT_TRUE(error_at(run(c), "dataplane.mbuf_cache", {"512"}, 82));

    c.dataplane.mbufs = 300;
    c.dataplane.mbuf_cache = 201;
    EXPECT_TRUE(error_at(run(c), "dataplane.mbuf_cache", {"mbufs / 1.5", "at most 200"}, 82));
    c.dataplane.mbuf_cache = 200;
    EXPECT_FALSE(run(c).has_errors());
}

TEST(ValidateDataplane, EalArgsMustNotRepeatTandemsOwn) {
    Config c = seed_hsrp();
    c.dataplane.eal_args = {"--file-prefix=x", "-l", "0-3", "--lcores=1", "--no-huge", "--vdev", "net_tap0",
                            "-a0000:01:00.0", "--allow", "--log-level=8", "-n", "4", "--legacy-mem"};
    c.dataplane.fields.set("eal_args", at(83, 3));
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "dataplane.eal_args[0]", {"dataplane.file_prefix"}, 83));
    EXPECT_TRUE(error_at(d, "dataplane.eal_args[1]", {"-l/--lcores", "dataplane.main_lcore and dataplane.workers"}));
    EXPECT_TRUE(error_at(d, "dataplane.eal_args[3]", {"dataplane.workers"}));
    EXPECT_TRUE(error_at(d, "dataplane.eal_args[4]", {"hugepages: false"}));
    EXPECT_TRUE(error_at(d, "dataplane.eal_args[5]", {"--vdev", "interface's port"}));
    EXPECT_TRUE(error_at(d, "dataplane.eal_args[7]", {"-a/--allow", "interface's port"}));
    EXPECT_TRUE(error_at(d, "dataplane.eal_args[8]", {"-a/--allow"}));
    EXPECT_EQ(d.error_count(), 7u) << d.str();
}

TEST(ValidateBird, ProtocolAndPaths) {
    Config c = seed_hsrp();
    c.bird.protocol = "1rri";
    c.bird.fields.set("protocol", at(90, 13));
    c.bird.include_file = "bird-rri.conf";
    c.bird.socket = "";
    c.bird.fields.set("socket", at(91, 11));
    Diagnostics d = run(c);
    EXPECT_TRUE(error_at(d, "bird.protocol", {"not a BIRD symbol", "letter"}, 90));
    EXPECT_TRUE(error_at(d, "bird.include_file", {"not an absolute path"}));
    EXPECT_TRUE(error_at(d, "bird.socket", {"must not be empty"}, 91));

    c = seed_hsrp();
    c.bird.protocol = "gw";
    EXPECT_TRUE(error_at(run(c), "bird.protocol", {"reserved"}));
    c.bird.protocol = "rri_v2";
    EXPECT_FALSE(run(c).has_errors());
}

// ---------------------------------------------------------------- warnings

TEST(ValidateWarnings, CryptoMapAppliedToNoInterface) {
    Config c = seed_hsrp();
    CryptoMap spare = c.crypto_maps[0];
    spare.name = "spare";
    spare.pos = at(100, 1);
    c.crypto_maps.push_back(spare);
    Diagnostics d = run(c);
    EXPECT_FALSE(d.has_errors()) << d.str();
    EXPECT_TRUE(warning_at(d, "crypto_maps.spare", {"applied to no interface"}, 100));
}

TEST(ValidateWarnings, NoLocalTunnelEndpoint) {
    Config c = seed_static();
    c.interfaces[0].crypto_map->pos = at(101, 5);
    EXPECT_TRUE(warning_at(run(c), "interfaces[FastEthernet0/0].crypto_map",
                           {"neither an address nor redundancy", "no local tunnel endpoint"}, 101));
}

TEST(ValidateWarnings, OverlappingSubnets) {
    Config c = seed_hsrp();
    Interface other = interface("GigabitEthernet0/1", "192.168.0.130/25");
    other.fields.set("address", at(102, 14));
    c.interfaces.push_back(other);
    Diagnostics d = run(c);
    EXPECT_FALSE(d.has_errors()) << d.str();
    EXPECT_TRUE(warning_at(d, "interfaces[GigabitEthernet0/1].address",
                           {"192.168.0.128/25 overlaps 192.168.0.0/24 of interface FastEthernet0/0"}, 102));
    c.interfaces[1].address = *Ipv4InterfaceAddress::parse("192.168.1.1/24");
    EXPECT_TRUE(run(c).items().empty()) << run(c).str();
}

TEST(ValidateWarnings, UnreferencedDynamicMap) {
    Config c = seed_dynamic();
    c.interfaces[0].address = *Ipv4InterfaceAddress::parse("172.16.0.1/24");
    c.crypto_maps[0].entries[0].dynamic_map.reset();
    c.crypto_maps[0].entries[0].policy = static_entry(3, "10.1.1.1", "102", false).policy;
    c.access_lists.push_back(acl("102", {"permit ip 192.168.1.0 0.0.0.255 10.0.0.0 0.0.255.255"}));
    c.dynamic_maps[0].pos = at(103, 1);
    Diagnostics d = run(c);
    EXPECT_FALSE(d.has_errors()) << d.str();
    EXPECT_TRUE(warning_at(d, "dynamic_maps.mydynmap", {"not referenced by any crypto map"}, 103));
}

TEST(ValidateWarnings, CryptoMapOnInsideInterface) {
    Config c = seed_hsrp();
    c.interfaces[0].role = InterfaceRole::inside;
    c.interfaces[0].fields.set("role", at(104, 11));
    Diagnostics d = run(c);
    EXPECT_FALSE(d.has_errors()) << d.str();
    EXPECT_TRUE(warning_at(d, "interfaces[FastEthernet0/0].role", {"inside interface"}, 104));
    c.interfaces[0].role = InterfaceRole::outside;
    EXPECT_TRUE(run(c).items().empty());
}

// ---------------------------------------------------------------- everything at once

TEST(Validate, ReportsEveryProblem) {
    Config c = seed_hsrp();
    c.interfaces[0].standby[0].ip = ip("10.0.0.3");                  // outside the subnet
    c.crypto_maps[0].entries[0].policy.match_address = "103";        // unknown ACL
    c.crypto_maps[0].entries[0].policy.pfs_group = 1;                // unsupported
    c.transform_sets[0].integrity = EspIntegrity::none;              // CBC without integrity
    c.dataplane.workers = {0};                                       // the main lcore
    c.bird.protocol = "gw";                                          // reserved
    c.routes.push_back(StaticRoute{});                               // no next hop / interface
    Diagnostics d = run(c);
    EXPECT_EQ(d.error_count(), 7u) << d.str();
    for (const char* field : {"interfaces[FastEthernet0/0].standby[0].ip", "crypto_maps.mymap[seq 1].match_address",
                              "crypto_maps.mymap[seq 1].pfs", "transform_sets.esp-3des-sha.integrity",
                              "dataplane.workers[0]", "bird.protocol", "routes[0]"}) {
        EXPECT_EQ(at_field(d, Severity::error, field).size(), 1u) << field << "\n" << d.str();
    }
}

// The seed's active/standby split: groups on both sides of one gateway should agree.
TEST(ValidateStandby, UnequalInsideAndOutsidePrioritiesWarn) {
    Config c = seed_hsrp();
    c.interfaces[0].role = InterfaceRole::outside;
    Interface in = interface("GigabitEthernet0/1", "10.20.0.2/24");
    in.role = InterfaceRole::inside;
    in.standby.push_back(standby(2, "inside", "10.20.0.1"));
    c.interfaces.push_back(in);
    EXPECT_FALSE(run(c).has_errors()) << run(c).str();
    EXPECT_EQ(run(c).str().find("split"), std::string::npos) << run(c).str();

    c.interfaces[1].standby[0].priority = 110;
    c.interfaces[1].standby[0].fields.set("priority", at(30, 19));
    EXPECT_TRUE(warning_at(run(c), "interfaces[GigabitEthernet0/1].standby[2].priority",
                           {"priority 110 differs from 100", "active/standby split"}, 30));

    c.interfaces[1].standby[0].priority = 100;
    c.interfaces[1].standby[0].preempt = true;
    EXPECT_TRUE(warning_at(run(c), "interfaces[GigabitEthernet0/1].standby[2].preempt", {"preemption is on here but off"}));
}

}  // namespace
}  // namespace tandem::config

namespace tandem::config {
namespace {

TEST(ValidateCryptoMap, InitiateStartNeedsAStaticEntryWithPeerAndAcl) {
    Config c = seed_hsrp();
    c.crypto_maps[0].entries[0].initiate_at_start = true;
    EXPECT_FALSE(run(c).has_errors()) << run(c).str();
    c.crypto_maps[0].entries[0].policy.peers.clear();
    EXPECT_NE(run(c).str().find("`initiate: start` needs a peer and match_address"), std::string::npos) << run(c).str();
}

}  // namespace
}  // namespace tandem::config
