// Dataplane API validation: every rule rejects, with the right status and the index of the first
// bad item, in all three places it applies -- verify(), encode() (a client cannot send it) and
// decode() of the same bytes put on the wire unchecked (the dataplane never accepts it).
#include <gtest/gtest.h>

#include "common/dpapi/codec.h"
#include "common/dpapi/codec_objects.h"
#include "common/dpapi/verify.h"
#include "tests/unit/dpapi_test_messages.h"

namespace tandem::dpapi {
namespace {

using test::cbc_sa;
using test::gcm_sa;

void expect_rejected(const Message& m, Status status, uint32_t item) {
    auto v = verify(m);
    ASSERT_TRUE(v.has_value()) << "verify accepted it";
    EXPECT_EQ(status_name(v->status), status_name(status)) << v->str();
    EXPECT_EQ(v->item, item) << v->str();

    std::vector<uint8_t> out;
    auto e = encode(m, out);
    ASSERT_FALSE(e) << "encode accepted it";
    EXPECT_EQ(e.error().status, status);
    EXPECT_TRUE(out.empty());

    std::vector<uint8_t> raw;
    ASSERT_TRUE(detail::encode_unverified(m, raw));
    auto d = decode(raw);
    ASSERT_FALSE(d) << "decode accepted it";
    EXPECT_EQ(status_name(d.error().status), status_name(status)) << d.error().str();
    EXPECT_EQ(d.error().item, item) << d.error().str();
    EXPECT_EQ(d.error().request_id, m.request_id);
    EXPECT_FALSE(d.error().text.empty());
}

// The bad SA is the third of three: the item index must say 2.
void expect_sa_rejected(SaParams bad, Status status) {
    expect_rejected(Message{42, 0, SaAdd{{gcm_sa(0), cbc_sa(1), bad}}}, status, 2);
}

TEST(DpapiVerify, ValidSamplesPass) {
    for (const auto& m : test::sample_messages()) EXPECT_FALSE(verify(m)) << verify(m)->str();
}

TEST(DpapiVerify, SaUnknownDirection) {
    auto sa = gcm_sa(5);
    sa.direction = static_cast<Direction>(2);
    expect_sa_rejected(sa, Status::bad_enum);
}

TEST(DpapiVerify, SaUnknownCipher) {
    auto sa = gcm_sa(5);
    sa.cipher = static_cast<CipherAlg>(4);
    expect_sa_rejected(sa, Status::bad_enum);
}

TEST(DpapiVerify, SaUnknownAuth) {
    auto sa = cbc_sa(5);
    sa.auth = static_cast<AuthAlg>(5);
    expect_sa_rejected(sa, Status::bad_enum);
}

TEST(DpapiVerify, SaGcmWithIntegrityAlgorithm) {
    auto sa = gcm_sa(5);
    sa.auth = AuthAlg::sha256_128;
    sa.auth_key_len = 32;
    expect_sa_rejected(sa, Status::bad_algorithm);
}

TEST(DpapiVerify, SaCbcWithoutIntegrityAlgorithm) {
    auto sa = cbc_sa(5);
    sa.auth = AuthAlg::none;
    sa.auth_key_len = 0;
    expect_sa_rejected(sa, Status::bad_algorithm);
}

TEST(DpapiVerify, SaCipherKeyLengthMustMatch) {
    for (auto [cipher, wrong] : {std::pair{CipherAlg::aes_gcm_128, 32}, {CipherAlg::aes_gcm_256, 16},
                                 {CipherAlg::aes_cbc_128, 24}, {CipherAlg::aes_cbc_256, 0}}) {
        bool gcm = cipher == CipherAlg::aes_gcm_128 || cipher == CipherAlg::aes_gcm_256;
        auto sa = gcm ? gcm_sa(5) : cbc_sa(5);
        sa.cipher = cipher;
        sa.cipher_key_len = static_cast<uint8_t>(wrong);
        expect_sa_rejected(sa, Status::bad_key_length);
    }
}

TEST(DpapiVerify, SaAuthKeyLengthMustMatch) {
    for (auto [auth, right] : {std::pair{AuthAlg::sha1_96, 20}, {AuthAlg::sha256_128, 32},
                               {AuthAlg::sha384_192, 48}, {AuthAlg::sha512_256, 64}}) {
        auto sa = cbc_sa(5);
        sa.auth = auth;
        sa.auth_key_len = static_cast<uint8_t>(right);
        EXPECT_FALSE(verify_sa(sa));
        sa.auth_key_len = static_cast<uint8_t>(right == 20 ? 32 : 20);
        expect_sa_rejected(sa, Status::bad_key_length);
    }
    auto gcm = gcm_sa(5);
    gcm.auth_key_len = 20;  // GCM: no integrity key at all
    expect_sa_rejected(gcm, Status::bad_key_length);
}

TEST(DpapiVerify, SaKeyLongerThanItsFieldIsRefusedByTheParser) {
    auto raw = test::encoded(Message{8, 0, SaAdd{{gcm_sa(1)}}});
    raw[kHeaderSize + 4 + 61] = 33;  // cipher key length byte
    auto d = decode(raw);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().status, Status::bad_key_length);
    EXPECT_EQ(d.error().item, 0u);
    raw[kHeaderSize + 4 + 61] = 32;
    raw[kHeaderSize + 4 + 62] = 65;  // auth key length byte
    d = decode(raw);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().status, Status::bad_key_length);
}

TEST(DpapiVerify, SaCbcHasNoSalt) {
    auto sa = cbc_sa(5);
    sa.salt = 1;
    expect_sa_rejected(sa, Status::bad_value);
}

TEST(DpapiVerify, SaReservedSpi) {
    auto sa = gcm_sa(5);
    sa.spi = 255;
    expect_sa_rejected(sa, Status::bad_value);
    sa.spi = 256;
    EXPECT_FALSE(verify_sa(sa));
}

TEST(DpapiVerify, SaReplayWindowAtMost4096) {
    auto sa = gcm_sa(5);
    sa.replay_window = 4096;
    EXPECT_FALSE(verify_sa(sa));
    sa.replay_window = 4097;
    expect_sa_rejected(sa, Status::bad_value);
}

TEST(DpapiVerify, SaTunnelSourceMustBeUnicast) {
    auto sa = gcm_sa(5);
    sa.tunnel_src = Ipv4Address(0u);
    expect_sa_rejected(sa, Status::bad_address);
}

TEST(DpapiVerify, SaTunnelDestinationMustBeUnicast) {
    auto sa = gcm_sa(5);
    sa.tunnel_dst = Ipv4Address(224, 0, 0, 5);
    expect_sa_rejected(sa, Status::bad_address);
}

TEST(DpapiVerify, SaNattPortZero) {
    auto sa = gcm_sa(5);
    sa.natt_dst_port = 0;
    expect_sa_rejected(sa, Status::bad_value);
    sa.natt = false;  // ports are not used without NAT-T
    EXPECT_FALSE(verify_sa(sa));
}

TEST(DpapiVerify, SaSelectorAddressRangeReversed) {
    auto sa = gcm_sa(5);
    sa.selector.dst = {Ipv4Address(10, 0, 0, 9), Ipv4Address(10, 0, 0, 1)};
    expect_sa_rejected(sa, Status::bad_range);
}

TEST(DpapiVerify, SaSelectorPortRangeReversed) {
    auto sa = gcm_sa(5);
    sa.selector.src_ports = {2000, 1999};
    expect_sa_rejected(sa, Status::bad_range);
}

TEST(DpapiVerify, SaSoftLifetimeBeyondHard) {
    auto sa = gcm_sa(5);
    sa.lifetime.soft_packets = sa.lifetime.hard_packets + 1;
    expect_sa_rejected(sa, Status::bad_value);
    auto sb = gcm_sa(5);
    sb.lifetime.soft_bytes = sb.lifetime.hard_bytes + 1;
    expect_sa_rejected(sb, Status::bad_value);
    sb.lifetime.hard_bytes = 0;  // no hard limit: any soft limit is fine
    EXPECT_FALSE(verify_sa(sb));
}

TEST(DpapiVerify, SaDuplicateIdInOneRequest) {
    expect_rejected(Message{1, 0, SaAdd{{gcm_sa(0), cbc_sa(1), gcm_sa(2), cbc_sa(1)}}}, Status::duplicate, 3);
    expect_rejected(Message{1, 0, SaList{{gcm_sa(4), gcm_sa(4)}}}, Status::duplicate, 1);
}

TEST(DpapiVerify, SaDuplicateInboundSpiAndDestination) {
    auto a = gcm_sa(1);
    auto b = gcm_sa(2);
    b.spi = a.spi;
    expect_rejected(Message{1, 0, SaAdd{{cbc_sa(7), a, b}}}, Status::duplicate, 2);
    b.tunnel_dst = Ipv4Address(203, 0, 113, 10);  // another local address: no clash
    EXPECT_FALSE(verify(Message{1, 0, SaAdd{{cbc_sa(7), a, b}}}));
}

TEST(DpapiVerify, IdListsRefuseDuplicates) {
    expect_rejected(Message{1, 0, SaDel{{1, 2, 3, 2}}}, Status::duplicate, 3);
    expect_rejected(Message{1, 0, StatsSas{{9, 9}}}, Status::duplicate, 1);
}

TEST(DpapiVerify, PolicyUnknownAction) {
    auto r = test::policy_rule(1, 0, PolicyAction::protect);
    r.action = static_cast<PolicyAction>(3);
    expect_rejected(Message{1, 0, PolicySet{0, {test::policy_rule(0, 0, PolicyAction::bypass), r}}},
                    Status::bad_enum, 1);
}

TEST(DpapiVerify, PolicyPrefixWithHostBits) {
    auto r = test::policy_rule(1, 0, PolicyAction::protect);
    r.dst = Ipv4Prefix(Ipv4Address(10, 2, 3, 1), 24);
    expect_rejected(Message{1, 0, PolicySet{0, {r}}}, Status::bad_prefix, 0);
    expect_rejected(Message{1, 0, PolicyList{{test::policy_rule(0, 0, PolicyAction::bypass), r}}},
                    Status::bad_prefix, 1);
}

TEST(DpapiVerify, PolicyPrefixLongerThan32IsRefusedByTheParser) {
    auto raw = test::encoded(Message{1, 0, PolicySet{0, {test::policy_rule(1, 0, PolicyAction::bypass)}}});
    raw[kHeaderSize + 4 + 20] = 33;  // source prefix length
    auto d = decode(raw);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().status, Status::bad_prefix);
    EXPECT_EQ(d.error().item, 0u);
}

TEST(DpapiVerify, PolicyPortRangeReversed) {
    auto r = test::policy_rule(1, 0, PolicyAction::protect);
    r.dst_ports = {4500, 500};
    expect_rejected(Message{1, 0, PolicySet{0, {r}}}, Status::bad_range, 0);
}

TEST(DpapiVerify, PolicySetRulesBelongToItsPort) {
    expect_rejected(Message{1, 0, PolicySet{3, {test::policy_rule(1, 3, PolicyAction::protect),
                                                test::policy_rule(2, 4, PolicyAction::protect)}}},
                    Status::bad_value, 1);
}

TEST(DpapiVerify, RoutePrefixWithHostBits) {
    auto r = test::route(9);
    r.prefix = Ipv4Prefix(Ipv4Address(172, 16, 9, 128), 24);
    expect_rejected(Message{1, 0, RouteAdd{{test::route(1), r}}}, Status::bad_prefix, 1);
    expect_rejected(Message{1, 0, RouteDel{{r.prefix}}}, Status::bad_prefix, 0);
}

TEST(DpapiVerify, RouteUnknownKind) {
    auto r = test::route(9);
    r.kind = static_cast<RouteKind>(3);
    expect_rejected(Message{1, 0, RouteAdd{{r}}}, Status::bad_enum, 0);
}

TEST(DpapiVerify, RouteLocalHasNoGateway) {
    auto r = test::route(9, RouteKind::local);
    r.gateway = Ipv4Address(192, 0, 2, 1);
    expect_rejected(Message{1, 0, RouteAdd{{test::route(1), test::route(2), r}}}, Status::bad_address, 2);
}

TEST(DpapiVerify, RouteGatewayMustBeUnicast) {
    auto r = test::route(9);
    r.gateway = Ipv4Address(255, 255, 255, 255);
    expect_rejected(Message{1, 0, RouteList{{r}}}, Status::bad_address, 0);
}

TEST(DpapiVerify, RouteDuplicatePrefix) {
    expect_rejected(Message{1, 0, RouteAdd{{test::route(1), test::route(2), test::route(1)}}},
                    Status::duplicate, 2);
    auto p = Ipv4Prefix(Ipv4Address(10, 0, 0, 0), 8);
    expect_rejected(Message{1, 0, RouteDel{{p, Ipv4Prefix(Ipv4Address(10, 0, 0, 0), 16), p}}}, Status::duplicate, 2);
}

TEST(DpapiVerify, VaddrAddressMustBeUnicast) {
    auto v = test::vaddr(0, 1);
    v.address = Ipv4Address(127, 0, 0, 1);
    expect_rejected(Message{1, 0, VaddrClaim{{test::vaddr(1, 1), v}}}, Status::bad_address, 1);
    expect_rejected(Message{1, 0, VaddrRelease{{VaddrRef{0, Ipv4Address(0u)}}}}, Status::bad_address, 0);
}

TEST(DpapiVerify, VaddrMacMustBeUnicast) {
    auto v = test::vaddr(0, 1);
    v.mac[0] = 0x01;
    expect_rejected(Message{1, 0, VaddrClaim{{v}}}, Status::bad_address, 0);
    v.mac = MacAddress{};
    expect_rejected(Message{1, 0, VaddrList{{v}}}, Status::bad_address, 0);
}

TEST(DpapiVerify, VaddrDuplicate) {
    auto v = test::vaddr(0, 1);
    auto w = v;
    w.mac[5] = 0x99;  // same port and address, other MAC: still the same claim
    expect_rejected(Message{1, 0, VaddrClaim{{v, test::vaddr(1, 1), w}}}, Status::duplicate, 2);
    expect_rejected(Message{1, 0, VaddrRelease{{VaddrRef{0, v.address}, VaddrRef{0, v.address}}}},
                    Status::duplicate, 1);
}

TEST(DpapiVerify, HelloVersionRange) {
    expect_rejected(Message{1, 0, Hello{3, 2, "x"}}, Status::bad_value, kNoItem);
    expect_rejected(Message{1, 0, Hello{0, 2, "x"}}, Status::bad_value, kNoItem);
}

TEST(DpapiVerify, HelloNameLengthAndCharacters) {
    expect_rejected(Message{1, 0, Hello{1, 1, std::string(kMaxNameLength + 1, 'a')}}, Status::bad_text, kNoItem);
    expect_rejected(Message{1, 0, Hello{1, 1, "evil\nline"}}, Status::bad_text, kNoItem);
}

TEST(DpapiVerify, ReplyStatusMustBeKnown) {
    expect_rejected(Message{1, 0, Reply{static_cast<Status>(999), kNoItem, ""}}, Status::bad_enum, kNoItem);
}

TEST(DpapiVerify, ReplyTextLength) {
    expect_rejected(make_reply(1, Status::internal, kNoItem, std::string(kMaxTextLength + 1, 'x')),
                    Status::bad_text, kNoItem);
}

TEST(DpapiVerify, HelloInfoChosenVersionInRange) {
    HelloInfo info;
    info.min_version = 1;
    info.max_version = 1;
    info.version = 2;
    expect_rejected(Message{1, 0, info}, Status::bad_value, kNoItem);
}

TEST(DpapiVerify, SubscribeUnknownEvents) {
    expect_rejected(Message{1, 0, Subscribe{0x8, 0}}, Status::bad_flags, kNoItem);
}

TEST(DpapiVerify, SubscribeIdleThresholdGoesWithIdleEvents) {
    expect_rejected(Message{1, 0, Subscribe{kEventSaIdle, 0}}, Status::bad_value, kNoItem);
    expect_rejected(Message{1, 0, Subscribe{kEventAcquire, 1000}}, Status::bad_value, kNoItem);
}

TEST(DpapiVerify, SaExpireEnums) {
    expect_rejected(Message{0, 0, SaExpire{1, static_cast<ExpireKind>(2), ExpireTrigger::bytes}}, Status::bad_enum,
                    kNoItem);
    expect_rejected(Message{0, 0, SaExpire{1, ExpireKind::soft, static_cast<ExpireTrigger>(2)}}, Status::bad_enum,
                    kNoItem);
}

TEST(DpapiVerify, LimitsFromHelloInfo) {
    HelloInfo info;
    info.port_count = 2;
    info.max_sas = 10;
    info.max_policies = 20;
    auto l = limits_of(info);
    EXPECT_FALSE(check_limits(Message{1, 0, SaAdd{{gcm_sa(9)}}}, l));
    auto e = check_limits(Message{1, 0, SaAdd{{gcm_sa(9), gcm_sa(10)}}}, l);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->status, Status::id_out_of_range);
    EXPECT_EQ(e->item, 1u);
    auto out = cbc_sa(1);
    out.policy_id = 20;
    e = check_limits(Message{1, 0, SaAdd{{out}}}, l);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->status, Status::id_out_of_range);
    e = check_limits(Message{1, 0, SaDel{{1, 10}}}, l);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->item, 1u);
    e = check_limits(Message{1, 0, PolicySet{2, {}}}, l);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->status, Status::unknown_port);
    EXPECT_EQ(e->item, kNoItem);
    e = check_limits(Message{1, 0, PolicySet{1, {test::policy_rule(20, 1, PolicyAction::bypass)}}}, l);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->status, Status::id_out_of_range);
    auto r = test::route(1);
    r.port = 2;
    e = check_limits(Message{1, 0, RouteAdd{{test::route(0), r}}}, l);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->status, Status::unknown_port);
    EXPECT_EQ(e->item, 1u);
    e = check_limits(Message{1, 0, VaddrClaim{{test::vaddr(2, 1)}}}, l);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->status, Status::unknown_port);
    EXPECT_FALSE(check_limits(Message{1, 0, DumpSas{}}, l));
}

}  // namespace
}  // namespace tandem::dpapi
