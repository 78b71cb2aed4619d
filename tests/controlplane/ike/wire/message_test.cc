// Whole messages: header + chain round trips, the SK payload's offsets for the crypto layer, the
// non-ESP marker, and non-critical unknown payloads.
#include <gtest/gtest.h>

#include "controlplane/ike/wire/message.h"
#include "tests/controlplane/ike/wire/test_util.h"

namespace tandem::ike {
namespace {

using test::pattern;
using test::serialize_or_fail;

TEST(IkeHeader, WireLayout) {
    IkeHeader h;
    h.spi_i = 0x0102030405060708ull;
    h.spi_r = 0x1112131415161718ull;
    h.next_payload = PayloadType::sk;
    h.exchange = ExchangeType::informational;
    h.flags = header_flags::initiator | header_flags::response;
    h.message_id = 0x01020304;
    h.length = 28;
    std::vector<uint8_t> out;
    WireWriter w(out);
    h.serialize(w);
    EXPECT_EQ(out, test::from_hex("0102030405060708 1112131415161718 2e 20 25 28 01020304 0000001c"));
    WireReader r(out);
    auto back = IkeHeader::parse(r);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, h);
    EXPECT_TRUE(back->initiator());
    EXPECT_TRUE(back->response());
}

TEST(IkeHeader, ReservedFlagsIgnoredAndMinorVersionKept) {
    auto b = test::from_hex("0102030405060708 0000000000000000 00 2f 22 ff 00000000 0000001c");
    auto m = parse_message(b);
    ASSERT_TRUE(m) << m.error().str();
    EXPECT_EQ(m->header.flags, header_flags::known);
    EXPECT_EQ(m->header.minor_version, 0xf);
    EXPECT_TRUE(m->payloads.empty());
    // Re-serialized with the reserved bits clear.
    EXPECT_EQ(serialize_or_fail(*m)[19], header_flags::known);
}

TEST(Message, SaInitRoundTrip) {
    Message m = test::sample_sa_init_request();
    auto bytes = serialize_or_fail(m);
    auto back = parse_message(bytes);
    ASSERT_TRUE(back) << back.error().str();
    EXPECT_EQ(back->header.length, bytes.size());
    EXPECT_EQ(back->header.next_payload, PayloadType::sa);
    EXPECT_EQ(back->payloads, m.payloads);
    EXPECT_TRUE(verify_message(*back));
    // Serializing the parsed message gives the same bytes.
    EXPECT_EQ(serialize_or_fail(*back), bytes);
    ASSERT_NE(back->find<KePayload>(), nullptr);
    EXPECT_EQ(back->find<KePayload>()->group, DhGroup::ecp_256);
    EXPECT_NE(back->find_notify(NotifyType::nat_detection_destination_ip), nullptr);
    EXPECT_EQ(back->find_notify(NotifyType::cookie), nullptr);
}

TEST(Message, SerializeComputesLinksAndLengths) {
    Message m = test::sample_sa_init_request();
    m.header.length = 12345;                        // ignored
    m.header.next_payload = PayloadType::eap;       // ignored
    auto bytes = serialize_or_fail(m);
    EXPECT_EQ(bytes[16], to_underlying(PayloadType::sa));
    uint32_t len = (uint32_t{bytes[24]} << 24) | (uint32_t{bytes[25]} << 16) | (uint32_t{bytes[26]} << 8) | bytes[27];
    EXPECT_EQ(len, bytes.size());
    // The SA payload's generic header links to KE.
    EXPECT_EQ(bytes[28], to_underlying(PayloadType::ke));
}

TEST(Message, EmptyChain) {
    Message m;
    m.header.spi_i = 1;
    m.header.exchange = ExchangeType::informational;
    auto bytes = serialize_or_fail(m);
    EXPECT_EQ(bytes.size(), kHeaderSize);
    auto back = parse_message(bytes);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, *parse_message(serialize_or_fail(*back)));
}

TEST(Message, IkeAuthWithSkKeepsContentRaw) {
    Message m = test::sample_ike_auth_request();
    auto bytes = serialize_or_fail(m);
    auto back = parse_message(bytes);
    ASSERT_TRUE(back) << back.error().str();
    const SkPayload* sk = back->encrypted();
    ASSERT_NE(sk, nullptr);
    EXPECT_EQ(sk->first_inner, PayloadType::idi);
    EXPECT_EQ(sk->content, pattern(0, 96));
    EXPECT_EQ(bytes[kHeaderSize], to_underlying(PayloadType::idi));   // SK's Next Payload
}

TEST(Message, EncryptedLayoutGivesAadAndContent) {
    Message m = test::sample_ike_auth_request();
    // A payload before SK: the AAD covers it too.
    m.payloads.insert(m.payloads.begin(), Payload::of(VendorIdPayload{pattern(0, 8)}));
    auto bytes = serialize_or_fail(m);
    auto layout = locate_encrypted(bytes);
    ASSERT_TRUE(layout) << layout.error().str();
    EXPECT_EQ(layout->type, PayloadType::sk);
    EXPECT_EQ(layout->payload_offset, kHeaderSize + 12);
    EXPECT_EQ(layout->content_offset, kHeaderSize + 12 + 4);
    EXPECT_EQ(layout->aad_length(), layout->content_offset);
    EXPECT_EQ(layout->end, bytes.size());
    EXPECT_EQ(layout->content_length(), 96u);
    EXPECT_TRUE(std::equal(bytes.begin() + static_cast<ptrdiff_t>(layout->content_offset), bytes.end(),
                           pattern(0, 96).begin()));
}

TEST(Message, EncryptedFragmentLayout) {
    Message m = test::sample_ike_auth_request();
    m.payloads = {Payload::of(SkfPayload{PayloadType::idi, 1, 2, pattern(0, 50)})};
    auto bytes = serialize_or_fail(m);
    auto back = parse_message(bytes);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->payloads, m.payloads);
    auto layout = locate_encrypted(bytes);
    ASSERT_TRUE(layout);
    EXPECT_EQ(layout->type, PayloadType::skf);
    // RFC 7383 2.5.3: the AAD includes the Fragment Number and Total Fragments fields.
    EXPECT_EQ(layout->content_offset, kHeaderSize + 8);
}

TEST(Message, LocateEncryptedWithoutSkFails) {
    auto bytes = serialize_or_fail(test::sample_sa_init_request());
    EXPECT_FALSE(locate_encrypted(bytes));
}

TEST(Message, BuildEncryptedInPlace) {
    // The flow message.h describes: inner chain -> placeholder SK -> fill content in place.
    std::vector<Payload> inner = {Payload::of(PayloadType::idi, IdPayload{IdType::fqdn, {'g', 'w'}}),
                                  Payload::of(AuthPayload{AuthMethod::shared_key_mic, pattern(1, 32)})};
    auto plain = serialize_payload_chain(inner);
    ASSERT_TRUE(plain);
    Message m = test::sample_ike_auth_request();
    m.payloads = {Payload::of(SkPayload{first_type(inner), std::vector<uint8_t>(plain->size(), 0)})};
    auto bytes = serialize_or_fail(m);
    auto layout = locate_encrypted(bytes);
    ASSERT_TRUE(layout);
    ASSERT_EQ(layout->content_length(), plain->size());
    std::copy(plain->begin(), plain->end(), bytes.begin() + static_cast<ptrdiff_t>(layout->content_offset));
    // "Decrypt" with the identity cipher and read the inner chain back.
    auto back = parse_message(bytes);
    ASSERT_TRUE(back);
    auto chain = parse_payload_chain(back->encrypted()->first_inner, back->encrypted()->content);
    ASSERT_TRUE(chain) << chain.error().str();
    EXPECT_EQ(*chain, inner);
}

TEST(Message, UnknownNonCriticalPayloadKeptAndSkipped) {
    Message m = test::sample_sa_init_request();
    m.payloads.insert(m.payloads.begin() + 1, Payload::of(static_cast<PayloadType>(150), RawPayload{pattern(0, 5)}));
    auto bytes = serialize_or_fail(m);
    auto back = parse_message(bytes);
    ASSERT_TRUE(back) << back.error().str();
    EXPECT_EQ(back->payloads, m.payloads);
    EXPECT_TRUE(verify_message(*back));
}

TEST(Message, CriticalBitOnKnownPayloadIsKept) {
    // 3.2: the critical bit only matters for payloads the receiver does not understand.
    Message m = test::sample_sa_init_request();
    m.payloads[2].critical = true;
    auto back = parse_message(serialize_or_fail(m));
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->payloads[2].critical);
}

TEST(Message, VerifyMessageUsesExchangeAndRole) {
    Message m = test::sample_sa_init_request();
    EXPECT_TRUE(verify_message(m));
    m.header.spi_i = 0;
    EXPECT_EQ(verify_message(m).error().reason, ParseReason::bad_header);
    m = test::sample_sa_init_request();
    m.header.exchange = ExchangeType::ike_auth;   // an IKE proposal has no place in IKE_AUTH
    EXPECT_EQ(verify_message(m).error().reason, ParseReason::bad_protocol);
    m = test::sample_sa_init_request();
    m.payloads[2] = Payload::of(NoncePayload{pattern(0, 8)});
    auto v = verify_message(m);
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().reason, ParseReason::bad_nonce_length);
    EXPECT_EQ(v.error().payload, PayloadType::nonce);
}

TEST(NonEspMarker, StripAndAdd) {
    auto bytes = serialize_or_fail(test::sample_ike_auth_request());
    std::vector<uint8_t> udp = bytes;
    add_non_esp_marker(udp);
    ASSERT_EQ(udp.size(), bytes.size() + 4);
    auto ike = strip_non_esp_marker(udp);
    ASSERT_TRUE(ike.has_value());
    EXPECT_TRUE(std::equal(ike->begin(), ike->end(), bytes.begin(), bytes.end()));
    // ESP: a non-zero SPI where the marker would be.
    const uint8_t esp[] = {0x00, 0x00, 0x10, 0x01, 0, 0, 0, 1};
    EXPECT_FALSE(strip_non_esp_marker(esp).has_value());
    // NAT-keepalive: one 0xFF octet.
    const uint8_t keepalive[] = {0xff};
    EXPECT_FALSE(strip_non_esp_marker(keepalive).has_value());
    const uint8_t marker_only[] = {0, 0, 0, 0};
    EXPECT_TRUE(strip_non_esp_marker(marker_only)->empty());
}

}  // namespace
}  // namespace tandem::ike
