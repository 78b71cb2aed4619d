// The live-state show renderers (show crypto ikev2 sa, show crypto ipsec sa) against golden files,
// for hand-built snapshots: a responder IKE SA with AES-GCM / ECP-256 behind a NAT carrying
// traffic, an initiator IKE SA with AES-CBC / MODP-2048 (one CHILD SA the dataplane did not report,
// one rekeyed in another map), a half-open responder SA and an initiator still waiting for its
// IKE_SA_INIT response; and no SA at all. Then the filters' selections and the argument errors.
//
// Goldens: tests/data/show/live/<command>[.<args>].{txt,json}.
#include <gtest/gtest.h>

#include "controlplane/show/live.h"
#include "tests/controlplane/show/golden.h"

namespace tandem::show {
namespace {

using namespace tandem::show::testing;
using ike::ChildState;
using ike::DhGroup;
using ike::EncrId;
using ike::IkeState;
using ike::IntegId;
using ike::PrfId;

const Ipv4Address kLocal(192, 0, 2, 1);
const Ipv4Address kNatPeer(198, 51, 100, 7);   // the responder SA's peer, behind a NAT
const Ipv4Address kCbcPeer(203, 0, 113, 9);
const Ipv4Address kHalfOpenPeer(203, 0, 113, 50);
const Ipv4Address kPendingPeer(203, 0, 113, 77);

ike::TsRange prefix(Ipv4Address a, unsigned len) { return ike::TsRange::prefix(Ipv4Prefix(a, len)); }

// Responder, AES-GCM-128 / PRF SHA-256 / ECP-256, NAT-T (both on 4500), 12 s old, one CHILD SA.
ike::IkeSaSnapshot gcm_responder() {
    ike::IkeSaSnapshot sa;
    sa.id = 1;
    sa.peer = "branch-nat";
    sa.local = {kLocal, 4500};
    sa.remote = {kNatPeer, 4500};
    sa.spi_i = 0x1C2D3E4F5A6B7C8DULL;
    sa.spi_r = 0x8A5C3D2F1B4E6A7CULL;
    sa.role = ike::Role::responder;
    sa.state = IkeState::established;
    sa.algs.encr = {EncrId::aes_gcm_16, 128};
    sa.algs.prf = PrfId::hmac_sha2_256;
    sa.algs.integ = IntegId::none;
    sa.algs.dh = DhGroup::ecp_256;
    sa.natt = true;
    sa.lifetime_remaining_s = 86388;
    ike::ChildSaSnapshot c;
    c.id = 1;
    c.name = "mymap-10";
    c.tag = 10;
    c.state = ChildState::up;
    c.inbound_spi = 0xC1A2B3D4;
    c.outbound_spi = 0xD4C3B2A1;
    c.algs.encr = {EncrId::aes_gcm_16, 128};
    c.local_ts = prefix(Ipv4Address(10, 1, 1, 0), 24);
    c.remote_ts = prefix(Ipv4Address(10, 2, 1, 0), 24);
    c.lifetime_remaining_s = 3540;
    sa.children.push_back(c);
    return sa;
}

// Initiator, AES-CBC-256 / HMAC-SHA-256 / MODP-2048, no NAT, 300 s old; CHILD 2 (esp-256-aes
// esp-sha-hmac, PFS group 14, a TCP/443 range selector) and CHILD 3, rekeyed, in another map.
ike::IkeSaSnapshot cbc_initiator() {
    ike::IkeSaSnapshot sa;
    sa.id = 2;
    sa.peer = "hq";
    sa.local = {kLocal, 500};
    sa.remote = {kCbcPeer, 500};
    sa.spi_i = 0x0123456789ABCDEFULL;
    sa.spi_r = 0xFEDCBA9876543210ULL;
    sa.role = ike::Role::initiator;
    sa.state = IkeState::established;
    sa.algs.encr = {EncrId::aes_cbc, 256};
    sa.algs.prf = PrfId::hmac_sha2_256;
    sa.algs.integ = IntegId::hmac_sha2_256_128;
    sa.algs.dh = DhGroup::modp_2048;
    sa.lifetime_remaining_s = 28500;
    ike::ChildSaSnapshot c;
    c.id = 2;
    c.name = "mymap-20";
    c.tag = 20;
    c.state = ChildState::up;
    c.inbound_spi = 0x0000ABCD;
    c.outbound_spi = 0x8000FFFF;
    c.algs.encr = {EncrId::aes_cbc, 256};
    c.algs.integ = IntegId::hmac_sha1_96;
    c.algs.esn = true;
    c.algs.dh = DhGroup::modp_2048;
    c.local_ts = prefix(Ipv4Address(10, 1, 2, 0), 24);
    c.remote_ts = {Ipv4Address(172, 16, 5, 10), Ipv4Address(172, 16, 5, 20), 6, 443, 443};
    c.lifetime_remaining_s = 1200;
    sa.children.push_back(c);
    ike::ChildSaSnapshot old;
    old.id = 3;
    old.name = "othermap-5";
    old.tag = 5;
    old.state = ChildState::rekeyed;
    old.inbound_spi = 0x11111111;
    old.outbound_spi = 0x22222222;
    old.algs.encr = {EncrId::aes_gcm_16, 256};
    old.local_ts = prefix(Ipv4Address(10, 9, 0, 0), 16);
    old.remote_ts = prefix(Ipv4Address(0, 0, 0, 0), 0);
    old.lifetime_remaining_s = -4;
    sa.children.push_back(old);
    return sa;
}

// A responder that answered IKE_SA_INIT and waits for IKE_AUTH.
ike::IkeSaSnapshot half_open() {
    ike::IkeSaSnapshot sa;
    sa.id = 3;
    sa.peer = "dynamic";
    sa.local = {kLocal, 500};
    sa.remote = {kHalfOpenPeer, 500};
    sa.spi_i = 0x00000000DEADBEEFULL;
    sa.spi_r = 0x5555AAAA5555AAAAULL;
    sa.role = ike::Role::responder;
    sa.state = IkeState::half_open;
    sa.algs.encr = {EncrId::aes_gcm_16, 256};
    sa.algs.prf = PrfId::hmac_sha2_384;
    sa.algs.dh = DhGroup::ecp_384;
    sa.lifetime_remaining_s = 86399;
    return sa;
}

// An initiator whose IKE_SA_INIT has no answer yet: no responder SPI, no algorithms.
ike::IkeSaSnapshot init_sent() {
    ike::IkeSaSnapshot sa;
    sa.id = 4;
    sa.peer = "spoke";
    sa.local = {kLocal, 500};
    sa.remote = {kPendingPeer, 500};
    sa.spi_i = 0x0F0F0F0F0F0F0F0FULL;
    sa.role = ike::Role::initiator;
    sa.state = IkeState::init_sent;
    sa.lifetime_remaining_s = 3600;
    return sa;
}

std::vector<IkeSaView> ike_views() {
    return {{gcm_responder(), 86400}, {cbc_initiator(), 28800}, {half_open(), 86400}, {init_sent(), 3600}};
}

std::vector<IpsecSaView> ipsec_views() {
    std::vector<IpsecSaView> out;
    const auto gcm = gcm_responder();
    IpsecSaView a = ipsec_sa_view(gcm, gcm.children[0]);
    a.interface = "outside";
    a.map = "mymap";
    a.map_seq = 10;
    a.lifetime_kilobytes = 4608000;
    a.replay_window = 64;
    a.inbound = dpapi::SaStats{101, 118, 1200000, 1, 2, 0, 0, 121, 250};
    a.outbound = dpapi::SaStats{102, 120, 122880, 0, 0, 0, 0, 120, 40};
    out.push_back(a);

    const auto cbc = cbc_initiator();
    IpsecSaView b = ipsec_sa_view(cbc, cbc.children[0]);
    b.interface = "outside";
    b.map = "mymap";
    b.map_seq = 20;
    b.replay_window = 1024;
    b.inbound = dpapi::SaStats{103, 0, 0, 0, 0, 7, 3, 0, dpapi::kNeverUsed};
    // outbound: not reported by the dataplane
    out.push_back(b);

    IpsecSaView c = ipsec_sa_view(cbc, cbc.children[1]);
    c.interface = "outside2";
    c.map = "othermap";
    c.map_seq = 5;
    c.lifetime_kilobytes = 1000;
    c.replay_window = 0;
    c.inbound = dpapi::SaStats{105, 5000, 2048000, 0, 0, 0, 0, 5000, 1000};
    c.outbound = dpapi::SaStats{106, 4000, 1024000, 0, 0, 0, 0, 4000, 1000};
    out.push_back(c);
    return out;
}

struct Case {
    std::string command;  // ikev2-sa, ipsec-sa
    std::vector<std::string> args;
    bool empty = false;   // no SA at all
};

std::string golden_name(const Case& c) {
    std::string n = c.command;
    if (c.empty) n += ".empty";
    for (size_t i = 0; i < c.args.size(); ++i) n += (i ? "-" : ".") + c.args[i];
    return n;
}

Result<std::string> run(const Case& c, bool json) {
    if (c.command == "ikev2-sa") return show_ikev2_sa(c.empty ? std::vector<IkeSaView>{} : ike_views(), c.args, json);
    return show_ipsec_sa(c.empty ? std::vector<IpsecSaView>{} : ipsec_views(), c.args, json);
}

class LiveGolden : public ::testing::TestWithParam<Case> {};

TEST_P(LiveGolden, MatchesGoldenFile) {
    const Case& c = GetParam();
    for (bool json : {false, true}) {
        auto r = run(c, json);
        ASSERT_TRUE(r.ok()) << r.error().message;
        expect_golden(*r, source_dir() / "tests/data/show/live" / (golden_name(c) + (json ? ".json" : ".txt")));
        if (json) {
            EXPECT_EQ(python_json_check(*r), "") << *r;
        }
    }
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
    std::string n = golden_name(info.param);
    for (char& ch : n) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    }
    return n;
}

INSTANTIATE_TEST_SUITE_P(Snapshots, LiveGolden,
                         ::testing::Values(Case{"ikev2-sa", {}}, Case{"ikev2-sa", {"detail"}},
                                           Case{"ikev2-sa", {}, true}, Case{"ipsec-sa", {}},
                                           Case{"ipsec-sa", {"detail"}}, Case{"ipsec-sa", {"map", "othermap"}},
                                           Case{"ipsec-sa", {"address"}}, Case{"ipsec-sa", {"identity"}},
                                           Case{"ipsec-sa", {"identity", "detail"}},
                                           Case{"ipsec-sa", {"peer", "203.0.113.9", "detail"}},
                                           Case{"ipsec-sa", {}, true}),
                         case_name);

// ---------------------------------------------------------------- selections and layout facts

std::string text(const std::vector<std::string>& args) {
    return show_ipsec_sa(ipsec_views(), args, false).value_or("error");
}

std::string json(const std::vector<std::string>& args) {
    return show_ipsec_sa(ipsec_views(), args, true).value_or("error");
}

size_t occurrences(const std::string& s, const std::string& what) {
    size_t n = 0;
    for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
    return n;
}

TEST(ShowIkev2Sa, NoSaPrintsTheHeadingsOnly) {
    EXPECT_EQ(show_ikev2_sa({}, {}, false).value_or("error"), " IPv4 Crypto IKEv2  SA\n\n IPv6 Crypto IKEv2  SA\n\n");
    EXPECT_EQ(show_ikev2_sa({}, {"detail"}, true).value_or("error"), "[]\n");
}

TEST(ShowIkev2Sa, StatusWordsAreIos) {
    const auto out = show_ikev2_sa(ike_views(), {}, false).value_or("error");
    EXPECT_EQ(occurrences(out, "READY\n"), 2u);
    EXPECT_EQ(occurrences(out, "IN-NEG\n"), 2u);
    auto deleting = gcm_responder();
    deleting.state = IkeState::deleting;
    EXPECT_NE(show_ikev2_sa({{deleting, 86400}}, {}, false).value_or("").find("none/none            DELETE\n"),
              std::string::npos);
}

TEST(ShowIkev2Sa, LocalSpiIsOursWhateverTheRole) {
    const auto out = show_ikev2_sa(ike_views(), {"det"}, false).value_or("error");
    EXPECT_NE(out.find("Local spi: 8A5C3D2F1B4E6A7C       Remote spi: 1C2D3E4F5A6B7C8D"), std::string::npos);
    EXPECT_NE(out.find("Local spi: 0123456789ABCDEF       Remote spi: FEDCBA9876543210"), std::string::npos);
}

TEST(ShowIkev2Sa, LongEndpointsKeepAColumnGap) {
    auto sa = gcm_responder();
    sa.id = 4294967295;
    sa.local = {Ipv4Address(255, 255, 255, 254), 65535};
    sa.remote = {Ipv4Address(255, 255, 255, 253), 65535};
    const auto out = show_ikev2_sa({{sa, 86400}}, {}, false).value_or("error");
    EXPECT_NE(out.find("4294967295 255.255.255.254/65535 255.255.255.253/65535 none/none            READY\n"),
              std::string::npos)
        << out;
}

TEST(ShowIpsecSa, PeerKeepsThatPeersChildSas) {
    const auto out = text({"peer", "198.51.100.7"});
    EXPECT_EQ(occurrences(out, "protected vrf"), 1u);
    EXPECT_NE(out.find("current_peer 198.51.100.7 port 4500\n"), std::string::npos);
    EXPECT_EQ(text({"peer", "192.0.2.99"}), "");
    EXPECT_EQ(json({"peer", "192.0.2.99"}), "[]\n");
    EXPECT_EQ(occurrences(json({"peer", "203.0.113.9"}), "\"child_sa_id\""), 2u);
}

TEST(ShowIpsecSa, MapKeepsThatMapsChildSas) {
    EXPECT_EQ(occurrences(text({"map", "mymap"}), "protected vrf"), 2u);
    EXPECT_EQ(occurrences(text({"map", "mymap"}), "interface: "), 1u);
    EXPECT_EQ(text({"map", "MYMAP"}), "");  // map names are case-sensitive, as on IOS
    EXPECT_EQ(text({"map", "nosuch"}), "");
}

TEST(ShowIpsecSa, JsonIsTheSameWhateverTheLayout) {
    const std::string all = json({});
    EXPECT_EQ(json({"detail"}), all);
    EXPECT_EQ(json({"address"}), all);
    EXPECT_EQ(json({"identity", "detail"}), all);
}

TEST(ShowIpsecSa, KeywordsMayBeAbbreviatedInAnyCase) {
    EXPECT_EQ(text({"a"}), text({"address"}));
    EXPECT_EQ(text({"ID", "d"}), text({"identity", "detail"}));
    EXPECT_EQ(text({"p", "203.0.113.9", "DETAIL"}), text({"peer", "203.0.113.9", "detail"}));
    EXPECT_EQ(text({"m", "mymap"}), text({"map", "mymap"}));
}

TEST(ShowIpsecSa, VolumeLifetimeCountsDown) {
    const auto out = text({});
    // 1200000 bytes in: 1171 KB used of 4608000.
    EXPECT_NE(out.find("(k/sec): (4606829/3540)"), std::string::npos);
    // 2048000 bytes in a 1000 KB lifetime: exhausted, shown as 0; the lifetime's -4 s as 0 too.
    EXPECT_NE(out.find("(k/sec): (0/0)"), std::string::npos);
    // No volume lifetime: IOS's seconds-only form.
    EXPECT_NE(out.find("remaining key lifetime (sec): (1200)"), std::string::npos);
}

// ---------------------------------------------------------------- argument errors

std::string error_of(const Result<std::string>& r) { return r ? "(no error)" : r.error().message; }

TEST(ShowLiveErrors, Ikev2SaTakesDetailOnly) {
    EXPECT_EQ(error_of(show_ikev2_sa({}, {"peer"}, false)),
              "Invalid input `peer` after `show crypto ikev2 sa`: expected `detail`");
    EXPECT_EQ(error_of(show_ikev2_sa({}, {"detail", "x"}, true)),
              "Invalid input `x` after `show crypto ikev2 sa detail`");
}

TEST(ShowLiveErrors, IpsecSaNamesTheExpectedWords) {
    const std::vector<IpsecSaView> none;
    EXPECT_EQ(error_of(show_ipsec_sa(none, {"tag", "x"}, false)),
              "Invalid input `tag` after `show crypto ipsec sa`: expected `map NAME`, `address`, `identity`, "
              "`peer ADDR` or `detail`");
    EXPECT_EQ(error_of(show_ipsec_sa(none, {"map"}, false)),
              "Incomplete command `show crypto ipsec sa map`: expected a map name");
    EXPECT_EQ(error_of(show_ipsec_sa(none, {"peer"}, false)),
              "Incomplete command `show crypto ipsec sa peer`: expected a peer address");
    EXPECT_EQ(error_of(show_ipsec_sa(none, {"peer", "10.1.1"}, false)),
              "Invalid input `10.1.1` after `show crypto ipsec sa peer`: expected an IPv4 address");
    EXPECT_EQ(error_of(show_ipsec_sa(none, {"address", "identity"}, false)),
              "Invalid input `identity` after `show crypto ipsec sa address`: expected `detail`");
    EXPECT_EQ(error_of(show_ipsec_sa(none, {"map", "mymap", "peer", "10.1.1.1"}, false)),
              "Invalid input `peer` after `show crypto ipsec sa map mymap`: expected `detail`");
    EXPECT_EQ(error_of(show_ipsec_sa(none, {"detail", "address"}, true)),
              "Invalid input `address` after `show crypto ipsec sa detail`");
    EXPECT_EQ(error_of(show_ipsec_sa(none, {""}, false)),
              "Invalid input `` after `show crypto ipsec sa`: expected `map NAME`, `address`, `identity`, "
              "`peer ADDR` or `detail`");
}

}  // namespace
}  // namespace tandem::show
