// Payload bodies: each round-trips through serialize/parse, and verify() enforces the values
// RFC 7296 fixes.
#include <gtest/gtest.h>

#include "controlplane/ike/wire/chain.h"
#include "tests/controlplane/ike/wire/test_util.h"

namespace tandem::ike {
namespace {

using test::bytes_of;
using test::pattern;
using test::round_trip;

Proposal ike_proposal(uint8_t number) {
    Proposal p;
    p.number = number;
    p.protocol = ProtocolId::ike;
    p.transforms = {Transform::encr(EncrId::aes_gcm_16, 256),
                    Transform::of(TransformType::prf, to_underlying(PrfId::hmac_sha2_384)),
                    Transform::of(TransformType::dh, to_underlying(DhGroup::ecp_384)),
                    Transform::of(TransformType::dh, to_underlying(DhGroup::curve25519))};
    return p;
}

// One transform of each type: what a responder sends back.
Proposal chosen_ike_proposal(uint8_t number) {
    Proposal p = ike_proposal(number);
    p.transforms.pop_back();
    return p;
}

Proposal esp_proposal(uint8_t number) {
    Proposal p;
    p.number = number;
    p.protocol = ProtocolId::esp;
    p.spi = bytes_of({0xc0, 0xff, 0xee, 0x01});
    p.transforms = {Transform::encr(EncrId::aes_cbc, 128),
                    Transform::of(TransformType::integ, to_underlying(IntegId::hmac_sha1_96)),
                    Transform::of(TransformType::esn, to_underlying(EsnId::no_esn))};
    return p;
}

TEST(SaPayload, RoundTripsProposalsTransformsAndAttributes) {
    SaPayload sa{{ike_proposal(1), ike_proposal(2)}};
    // Unknown transform type and ID, and an unknown TLV attribute: kept, not refused.
    Transform odd = Transform::of(static_cast<TransformType>(241), 9999);
    odd.attributes.push_back({0x1234, false, 0, bytes_of({1, 2, 3})});
    sa.proposals[1].transforms.push_back(odd);
    EXPECT_EQ(round_trip(sa), sa);
    EXPECT_TRUE(sa.verify(ExchangeType::ike_sa_init, false));
}

TEST(SaPayload, WireLayoutMatchesRfc) {
    SaPayload sa{{esp_proposal(1)}};
    std::vector<uint8_t> out;
    WireWriter w(out);
    sa.serialize(w);
    ASSERT_TRUE(w.ok());
    // Proposal: last(0) res len=8+4+12+8+8 | num 1, ESP, SPI size 4, 3 transforms | SPI
    // Transform 1: more(3) res len 12 | ENCR res 12 | TV key length 128.
    const auto expected = test::from_hex(
        "00 00 0028 01 03 04 03 c0ffee01"
        "03 00 000c 01 00 000c 800e 0080"
        "03 00 0008 03 00 0002"
        "00 00 0008 05 00 0000");
    EXPECT_EQ(out, expected);
}

TEST(SaPayload, KeyLengthAccessor) {
    EXPECT_EQ(Transform::encr(EncrId::aes_cbc, 192).key_length(), 192);
    EXPECT_FALSE(Transform::of(TransformType::prf, 5).key_length().has_value());
}

TEST(SaPayload, VerifyProposalNumbering) {
    EXPECT_TRUE(SaPayload({{ike_proposal(1), ike_proposal(2)}}).verify(ExchangeType::ike_sa_init, false));
    auto r = SaPayload({{ike_proposal(1), ike_proposal(3)}}).verify(ExchangeType::ike_sa_init, false);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, ParseReason::bad_proposal_number);
    EXPECT_FALSE(SaPayload({{ike_proposal(2)}}).verify(ExchangeType::ike_sa_init, false));
    EXPECT_FALSE(SaPayload{}.verify(ExchangeType::ike_sa_init, false));
    // A response names the chosen proposal by its number, and only one.
    EXPECT_TRUE(SaPayload({{chosen_ike_proposal(2)}}).verify(ExchangeType::ike_sa_init, true));
    EXPECT_FALSE(SaPayload({{chosen_ike_proposal(1), chosen_ike_proposal(2)}}).verify(ExchangeType::ike_sa_init, true));
}

TEST(SaPayload, VerifyResponseHasOneTransformPerType) {
    // ike_proposal offers two DH groups: fine in a request, not as the chosen proposal.
    auto r = SaPayload({{ike_proposal(1)}}).verify(ExchangeType::ike_sa_init, true);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, ParseReason::bad_transform);
}

TEST(SaPayload, VerifySpiSizePerExchange) {
    Proposal ike = ike_proposal(1);
    EXPECT_TRUE(SaPayload({{ike}}).verify(ExchangeType::ike_sa_init, false));
    // Rekeying the IKE SA: the new initiator SPI, 8 octets.
    EXPECT_EQ(SaPayload({{ike}}).verify(ExchangeType::create_child_sa, false).error().reason,
              ParseReason::bad_spi_size);
    ike.spi = pattern(1, 8);
    EXPECT_TRUE(SaPayload({{ike}}).verify(ExchangeType::create_child_sa, false));
    EXPECT_EQ(SaPayload({{ike}}).verify(ExchangeType::ike_sa_init, false).error().reason, ParseReason::bad_spi_size);

    Proposal esp = esp_proposal(1);
    EXPECT_TRUE(SaPayload({{esp}}).verify(ExchangeType::ike_auth, false));
    EXPECT_TRUE(SaPayload({{esp}}).verify(ExchangeType::create_child_sa, false));
    EXPECT_EQ(SaPayload({{esp}}).verify(ExchangeType::ike_sa_init, false).error().reason, ParseReason::bad_protocol);
    esp.spi = pattern(1, 8);
    EXPECT_EQ(SaPayload({{esp}}).verify(ExchangeType::ike_auth, false).error().reason, ParseReason::bad_spi_size);
}

TEST(SaPayload, VerifyRejectsMixedIkeAndChildProposals) {
    Proposal ike = ike_proposal(1);
    ike.spi = pattern(1, 8);
    EXPECT_EQ(SaPayload({{ike, esp_proposal(2)}}).verify(ExchangeType::create_child_sa, false).error().reason,
              ParseReason::bad_protocol);
}

TEST(SaPayload, VerifyKeyLengthAttribute) {
    Proposal p = esp_proposal(1);
    p.transforms[0].attributes.push_back({to_underlying(AttributeType::key_length), true, 256, {}});
    EXPECT_EQ(SaPayload({{p}}).verify(ExchangeType::ike_auth, false).error().reason, ParseReason::bad_attribute);
    p = esp_proposal(1);
    p.transforms[0].attributes[0] = {to_underlying(AttributeType::key_length), false, 0, bytes_of({1, 0})};
    EXPECT_EQ(SaPayload({{p}}).verify(ExchangeType::ike_auth, false).error().reason, ParseReason::bad_attribute);
    p.transforms.clear();
    EXPECT_EQ(SaPayload({{p}}).verify(ExchangeType::ike_auth, false).error().reason, ParseReason::bad_transform);
}

TEST(SaPayload, ParseRejectsInconsistentStructure) {
    auto parse = [](const std::string& hex) {
        auto b = test::from_hex(hex);
        WireReader r(b);
        return SaPayload::parse(r);
    };
    // Valid: one proposal, one transform.
    EXPECT_TRUE(parse("00000010 01010001 00000008 02000005"));
    // Transform count says 2.
    EXPECT_EQ(parse("00000010 01010002 00000008 02000005").error().reason, ParseReason::bad_substructure);
    // Transform marked "more" but it is the last.
    EXPECT_EQ(parse("00000010 01010001 03000008 02000005").error().reason, ParseReason::bad_substructure);
    // Proposal marked "more" with nothing after it.
    EXPECT_EQ(parse("02000010 01010001 00000008 02000005").error().reason, ParseReason::bad_substructure);
    // Proposal "last substructure" neither 0 nor 2.
    EXPECT_EQ(parse("07000010 01010001 00000008 02000005").error().reason, ParseReason::bad_substructure);
    // Proposal length past the payload.
    EXPECT_EQ(parse("00000011 01010001 00000008 02000005").error().reason, ParseReason::truncated);
    // Transform length below its minimum.
    EXPECT_EQ(parse("00000010 01010001 00000004 02000005").error().reason, ParseReason::bad_length);
    // TLV attribute running past its transform.
    EXPECT_EQ(parse("00000014 01010001 0000000c 01000014 000e0004").error().reason, ParseReason::truncated);
    // SPI size past the proposal.
    EXPECT_EQ(parse("00000008 0103ff00").error().reason, ParseReason::truncated);
}

TEST(KePayload, RoundTripAndGroupSizes) {
    KePayload ke{DhGroup::modp_2048, pattern(7, 256)};
    EXPECT_EQ(round_trip(ke), ke);
    EXPECT_TRUE(ke.verify());
    EXPECT_FALSE(KePayload({DhGroup::modp_2048, pattern(7, 255)}).verify());
    EXPECT_TRUE(KePayload({DhGroup::curve25519, pattern(7, 32)}).verify());
    EXPECT_TRUE(KePayload({DhGroup::ecp_521, pattern(7, 132)}).verify());
    // An unknown group is for negotiation (INVALID_KE_PAYLOAD) to refuse, not the codec.
    EXPECT_TRUE(KePayload({static_cast<DhGroup>(1234), pattern(7, 5)}).verify());
    EXPECT_FALSE(KePayload({static_cast<DhGroup>(1234), {}}).verify());
}

TEST(IdPayload, RoundTripAndVerify) {
    IdPayload id{IdType::fqdn, {'g', 'w', '1'}};
    EXPECT_EQ(round_trip(id), id);
    EXPECT_TRUE(id.verify());
    EXPECT_TRUE(IdPayload({IdType::ipv4_addr, bytes_of({10, 0, 0, 1})}).verify());
    EXPECT_FALSE(IdPayload({IdType::ipv4_addr, bytes_of({10, 0, 0})}).verify());
    EXPECT_FALSE(IdPayload({IdType::key_id, {}}).verify());
    EXPECT_TRUE(IdPayload({IdType::rfc822_addr, {'a', '@', 'b'}}).verify());
}

TEST(AuthPayload, RoundTripAndVerify) {
    AuthPayload a{AuthMethod::shared_key_mic, pattern(0, 32)};
    EXPECT_EQ(round_trip(a), a);
    EXPECT_TRUE(a.verify());
    EXPECT_FALSE(AuthPayload({AuthMethod::shared_key_mic, {}}).verify());
}

TEST(NoncePayload, LengthBounds) {
    NoncePayload n{pattern(0, 32)};
    EXPECT_EQ(round_trip(n), n);
    EXPECT_TRUE(NoncePayload{pattern(0, 16)}.verify());
    EXPECT_TRUE(NoncePayload{pattern(0, 256)}.verify());
    EXPECT_EQ(NoncePayload{pattern(0, 15)}.verify().error().reason, ParseReason::bad_nonce_length);
    EXPECT_FALSE(NoncePayload{pattern(0, 257)}.verify());
}

TEST(NotifyPayload, RoundTripWithAndWithoutSpi) {
    NotifyPayload n = NotifyPayload::make(NotifyType::cookie, pattern(0, 16));
    EXPECT_EQ(round_trip(n), n);
    EXPECT_TRUE(n.verify());
    NotifyPayload rekey = NotifyPayload::make(NotifyType::rekey_sa);
    rekey.protocol = ProtocolId::esp;
    rekey.spi = bytes_of({1, 2, 3, 4});
    EXPECT_EQ(round_trip(rekey), rekey);
    EXPECT_TRUE(rekey.verify());
}

TEST(NotifyPayload, VerifyFixedFormats) {
    EXPECT_FALSE(NotifyPayload::make(NotifyType::nat_detection_source_ip, pattern(0, 19)).verify());
    EXPECT_FALSE(NotifyPayload::make(NotifyType::cookie, {}).verify());
    EXPECT_FALSE(NotifyPayload::make(NotifyType::cookie, pattern(0, 65)).verify());
    EXPECT_TRUE(NotifyPayload::make(NotifyType::invalid_ke_payload, bytes_of({0, 19})).verify());
    EXPECT_FALSE(NotifyPayload::make(NotifyType::invalid_ke_payload, bytes_of({19})).verify());
    EXPECT_FALSE(NotifyPayload::make(NotifyType::rekey_sa).verify());   // no SPI
    NotifyPayload bad_spi = NotifyPayload::make(NotifyType::initial_contact);
    bad_spi.spi = pattern(0, 3);
    EXPECT_FALSE(bad_spi.verify());
    bad_spi.spi = pattern(0, 4);   // 4 octets, but protocol none
    EXPECT_FALSE(bad_spi.verify());
    // Unknown status types pass through untouched.
    EXPECT_TRUE(NotifyPayload::make(static_cast<NotifyType>(40000), pattern(0, 3)).verify());
    EXPECT_TRUE(is_error(NotifyType::ts_unacceptable));
    EXPECT_FALSE(is_error(NotifyType::initial_contact));
}

TEST(DeletePayload, RoundTripAndVerify) {
    DeletePayload esp{ProtocolId::esp, 4, {bytes_of({1, 2, 3, 4}), bytes_of({5, 6, 7, 8})}};
    EXPECT_EQ(round_trip(esp), esp);
    EXPECT_TRUE(esp.verify());
    DeletePayload ike{ProtocolId::ike, 0, {}};
    EXPECT_EQ(round_trip(ike), ike);
    EXPECT_TRUE(ike.verify());
    EXPECT_FALSE(DeletePayload({ProtocolId::esp, 4, {}}).verify());
    EXPECT_FALSE(DeletePayload({ProtocolId::ike, 8, {pattern(0, 8)}}).verify());
    EXPECT_FALSE(DeletePayload({ProtocolId::none, 4, {pattern(0, 4)}}).verify());
}

TEST(DeletePayload, CountMustMatchBody) {
    auto parse = [](const std::string& hex) {
        auto b = test::from_hex(hex);
        WireReader r(b);
        return DeletePayload::parse(r);
    };
    EXPECT_TRUE(parse("03040001 01020304"));
    EXPECT_EQ(parse("03040002 01020304").error().reason, ParseReason::bad_length);
    EXPECT_EQ(parse("03040001 0102030405").error().reason, ParseReason::bad_length);
    EXPECT_EQ(parse("0100ffff").error().reason, ParseReason::bad_length);
    EXPECT_EQ(parse("0304").error().reason, ParseReason::truncated);
}

TEST(VendorIdPayload, RoundTrip) {
    VendorIdPayload v{{'t', 'a', 'n', 'd', 'e', 'm'}};
    EXPECT_EQ(round_trip(v), v);
}

TEST(TsPayload, RoundTripIpv4AndIpv6AndUnknown) {
    TsPayload ts;
    ts.selectors.push_back(TrafficSelector::ipv4(Ipv4Address(10, 1, 0, 0), Ipv4Address(10, 1, 255, 255)));
    ts.selectors.push_back(TrafficSelector::ipv4(Ipv4Address(10, 2, 0, 5), Ipv4Address(10, 2, 0, 5), 6, 443, 443));
    TrafficSelector v6;
    v6.type = TsType::ipv6_addr_range;
    v6.start_address = std::vector<uint8_t>(16, 0);
    v6.end_address = std::vector<uint8_t>(16, 0xff);
    ts.selectors.push_back(v6);
    TrafficSelector other;
    other.type = static_cast<TsType>(13);
    other.opaque = pattern(0, 9);
    ts.selectors.push_back(other);
    EXPECT_EQ(round_trip(ts), ts);
    EXPECT_TRUE(ts.verify());
    EXPECT_EQ(ts.selectors[1].start_ipv4(), Ipv4Address(10, 2, 0, 5));
    EXPECT_EQ(ts.selectors[0].end_ipv4(), Ipv4Address(10, 1, 255, 255));
}

TEST(TsPayload, VerifyRanges) {
    auto one = [](TrafficSelector s) { return TsPayload{{std::move(s)}}; };
    EXPECT_FALSE(TsPayload{}.verify());
    EXPECT_FALSE(one(TrafficSelector::ipv4(Ipv4Address(10, 0, 0, 2), Ipv4Address(10, 0, 0, 1))).verify());
    EXPECT_FALSE(one(TrafficSelector::ipv4(Ipv4Address(10, 0, 0, 1), Ipv4Address(10, 0, 0, 1), 6, 81, 80)).verify());
    // OPAQUE ports: start 65535, end 0.
    EXPECT_TRUE(one(TrafficSelector::ipv4(Ipv4Address(10, 0, 0, 1), Ipv4Address(10, 0, 0, 1), 6, 65535, 0)).verify());
}

TEST(TsPayload, SelectorLengthMustFitType) {
    auto parse = [](const std::string& hex) {
        auto b = test::from_hex(hex);
        WireReader r(b);
        return TsPayload::parse(r);
    };
    EXPECT_TRUE(parse("01000000 07000010 0000ffff 0a000000 0a0000ff"));
    EXPECT_EQ(parse("01000000 07000014 0000ffff 0a000000 0a0000ff 00000000").error().reason, ParseReason::bad_length);
    EXPECT_EQ(parse("02000000 07000010 0000ffff 0a000000 0a0000ff").error().reason, ParseReason::truncated);
    EXPECT_EQ(parse("01000000 07000010 0000ffff 0a000000 0a0000ff 00").error().reason, ParseReason::trailing_data);
    EXPECT_EQ(parse("01000000 0d000002").error().reason, ParseReason::bad_length);
}

TEST(SkfPayload, RoundTripAndVerify) {
    SkfPayload f{PayloadType::none, 2, 3, pattern(0, 40)};
    SkfPayload back = round_trip(f);
    back.first_inner = f.first_inner;   // carried by the generic header, not the body
    EXPECT_EQ(back, f);
    EXPECT_TRUE(f.verify());
    EXPECT_FALSE(SkfPayload({PayloadType::none, 0, 3, {}}).verify());
    EXPECT_FALSE(SkfPayload({PayloadType::none, 4, 3, {}}).verify());
    EXPECT_FALSE(SkfPayload({PayloadType::idi, 2, 3, {}}).verify());
    EXPECT_TRUE(SkfPayload({PayloadType::idi, 1, 3, {}}).verify());
}

TEST(PayloadChain, RoundTripsEveryKindThroughChain) {
    std::vector<Payload> chain = {
        Payload::of(PayloadType::idi, IdPayload{IdType::fqdn, {'a'}}),
        Payload::of(PayloadType::cert, RawPayload{pattern(0, 10)}),
        Payload::of(AuthPayload{AuthMethod::shared_key_mic, pattern(0, 20)}),
        Payload::of(DeletePayload{ProtocolId::ike, 0, {}}),
        Payload::of(VendorIdPayload{pattern(3, 4)}),
        Payload::of(PayloadType::tsi, TsPayload{{TrafficSelector::ipv4(Ipv4Address(1, 2, 3, 4), Ipv4Address(1, 2, 3, 4))}}),
        Payload::of(PayloadType::tsr, TsPayload{{TrafficSelector::ipv4(Ipv4Address(5, 6, 7, 8), Ipv4Address(5, 6, 7, 9))}}),
        Payload::of(static_cast<PayloadType>(200), RawPayload{pattern(9, 3)}),
        Payload::of(PayloadType::cp, RawPayload{{}}, true),
    };
    auto bytes = serialize_payload_chain(chain);
    ASSERT_TRUE(bytes);
    auto back = parse_payload_chain(first_type(chain), *bytes);
    ASSERT_TRUE(back) << back.error().str();
    EXPECT_EQ(*back, chain);
    EXPECT_NE(find<IdPayload>(*back, PayloadType::idi), nullptr);
    EXPECT_EQ(find<IdPayload>(*back, PayloadType::idr), nullptr);
    EXPECT_EQ(find<TsPayload>(*back, PayloadType::tsr)->selectors[0].end_ipv4(), Ipv4Address(5, 6, 7, 9));
}

TEST(PayloadChain, SerializeRefusesMismatchedBodies) {
    std::vector<Payload> wrong = {Payload{PayloadType::sa, false, NoncePayload{pattern(0, 16)}}};
    EXPECT_FALSE(serialize_payload_chain(wrong));
    std::vector<Payload> raw_known = {Payload{PayloadType::nonce, false, RawPayload{pattern(0, 16)}}};
    EXPECT_FALSE(serialize_payload_chain(raw_known));
    std::vector<Payload> sk_first = {Payload::of(SkPayload{PayloadType::none, {}}),
                                     Payload::of(NoncePayload{pattern(0, 16)})};
    EXPECT_FALSE(serialize_payload_chain(sk_first));
}

TEST(PayloadChain, VerifyNamesThePayload) {
    std::vector<Payload> chain = {Payload::of(PayloadType::idr, IdPayload{IdType::ipv4_addr, {1}})};
    auto v = verify_payloads(chain, ExchangeType::ike_auth, true);
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().reason, ParseReason::bad_id);
    EXPECT_EQ(v.error().payload, PayloadType::idr);
}

}  // namespace
}  // namespace tandem::ike
