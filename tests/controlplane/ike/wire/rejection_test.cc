// Malformed input: every truncation of a valid message fails cleanly, lying lengths are caught,
// unknown critical payloads are named, and each refusal maps to the notify RFC 7296 names.
#include <gtest/gtest.h>

#include "controlplane/ike/wire/message.h"
#include "tests/controlplane/ike/wire/test_util.h"

namespace tandem::ike {
namespace {

using test::pattern;
using test::serialize_or_fail;

void set_u32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
    for (size_t i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}
void set_u16(std::vector<uint8_t>& b, size_t at, uint16_t v) {
    b[at] = static_cast<uint8_t>(v >> 8);
    b[at + 1] = static_cast<uint8_t>(v);
}
void fix_length(std::vector<uint8_t>& b) { set_u32(b, 24, static_cast<uint32_t>(b.size())); }

std::vector<std::vector<uint8_t>> valid_messages() {
    return {serialize_or_fail(test::sample_sa_init_request()),
            serialize_or_fail(test::sample_ike_auth_request()),
            test::fixture("sa_init_request"),
            test::fixture("sa_init_response"),
            test::fixture("ike_auth_request_sk"),
            test::fixture("informational_delete_plain")};
}

TEST(Rejection, EveryTruncationFails) {
    for (const auto& full : valid_messages()) {
        ASSERT_TRUE(parse_message(full));
        for (size_t n = 0; n < full.size(); ++n) {
            std::vector<uint8_t> cut(full.begin(), full.begin() + static_cast<ptrdiff_t>(n));
            EXPECT_FALSE(parse_message(cut)) << "prefix " << n;
            EXPECT_FALSE(locate_encrypted(cut));
            // With the header's Length made to agree, the chain walk itself must notice.
            if (n >= kHeaderSize) {
                fix_length(cut);
                auto r = parse_message(cut);
                ASSERT_FALSE(r) << "prefix " << n << " with patched length";
                EXPECT_LE(r.error().offset, n);
                EXPECT_TRUE(notify_for(r.error()).has_value());
            }
        }
    }
}

TEST(Rejection, EveryTruncationOfADecryptedChainFails) {
    auto chain = test::fixture("ike_auth_plaintext_chain");
    ASSERT_TRUE(parse_payload_chain(PayloadType::idi, chain));
    for (size_t n = 0; n < chain.size(); ++n) {
        std::span<const uint8_t> cut(chain.data(), n);
        EXPECT_FALSE(parse_payload_chain(PayloadType::idi, cut)) << "prefix " << n;
    }
}

TEST(Rejection, MessageLengthMustEqualDatagram) {
    auto b = serialize_or_fail(test::sample_sa_init_request());
    auto longer = b;
    longer.push_back(0);
    auto r = parse_message(longer);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, ParseReason::bad_length);
    EXPECT_EQ(r.error().offset, 24u);
    // Extra octet counted in Length too: trailing data after the chain.
    fix_length(longer);
    EXPECT_EQ(parse_message(longer).error().reason, ParseReason::trailing_data);
}

TEST(Rejection, PayloadLengthLies) {
    auto good = serialize_or_fail(test::sample_sa_init_request());
    const size_t sa = kHeaderSize;   // first payload's generic header
    auto b = good;
    set_u16(b, sa + 2, 3);   // below the generic header
    auto r = parse_message(b);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, ParseReason::bad_length);
    EXPECT_EQ(r.error().offset, sa + 2);
    EXPECT_EQ(r.error().payload, PayloadType::sa);

    b = good;
    set_u16(b, sa + 2, 0xffff);   // past the message
    EXPECT_EQ(parse_message(b).error().reason, ParseReason::bad_length);

    // The last payload (NAT-D destination, 28 octets) claims 4 fewer: 4 octets left over.
    b = good;
    set_u16(b, good.size() - 28 + 2, 24);
    r = parse_message(b);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, ParseReason::trailing_data);
    EXPECT_EQ(r.error().offset, good.size() - 4);
}

TEST(Rejection, UnknownCriticalPayloadIsNamed) {
    Message m = test::sample_sa_init_request();
    m.payloads.insert(m.payloads.begin() + 2, Payload::of(static_cast<PayloadType>(99), RawPayload{pattern(0, 4)}, true));
    auto b = serialize_or_fail(m);
    auto r = parse_message(b);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, ParseReason::unsupported_critical_payload);
    EXPECT_EQ(r.error().payload, static_cast<PayloadType>(99));
    auto n = notify_for(r.error());
    ASSERT_TRUE(n);
    EXPECT_EQ(n->type, NotifyType::unsupported_critical_payload);
    EXPECT_EQ(n->data, std::vector<uint8_t>{99});
}

TEST(Rejection, UnknownCriticalPayloadInsideSk) {
    std::vector<Payload> inner = {Payload::of(static_cast<PayloadType>(77), RawPayload{}, true)};
    auto b = serialize_payload_chain(inner);
    ASSERT_TRUE(b);
    auto r = parse_payload_chain(static_cast<PayloadType>(77), *b);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, ParseReason::unsupported_critical_payload);
}

TEST(Rejection, MajorVersion) {
    auto b = serialize_or_fail(test::sample_sa_init_request());
    b[17] = 0x30;
    auto r = parse_message(b);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, ParseReason::bad_major_version);
    EXPECT_EQ(notify_for(r.error())->type, NotifyType::invalid_major_version);
    b[17] = 0x10;   // IKEv1: dropped without an answer
    r = parse_message(b);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, ParseReason::legacy_major_version);
    EXPECT_FALSE(notify_for(r.error()).has_value());
    b[17] = 0x21;   // minor version: ignored
    EXPECT_TRUE(parse_message(b));
}

TEST(Rejection, SkMustBeLast) {
    // Hand-built: header -> SK (next = IDi) followed by a Nonce the SK cannot link to.
    Message m = test::sample_ike_auth_request();
    auto b = serialize_or_fail(m);
    auto nonce = test::from_hex("00000014 000102030405060708090a0b0c0d0e0f");
    b.insert(b.end(), nonce.begin(), nonce.end());
    fix_length(b);
    auto r = parse_message(b);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, ParseReason::encrypted_not_last);
    EXPECT_EQ(r.error().payload, PayloadType::sk);
    EXPECT_EQ(notify_for(r.error())->type, NotifyType::invalid_syntax);
    EXPECT_EQ(locate_encrypted(b).error().reason, ParseReason::encrypted_not_last);
}

TEST(Rejection, SkInsideDecryptedChain) {
    std::vector<Payload> inner = {Payload::of(NoncePayload{pattern(0, 16)}),
                                  Payload::of(SkPayload{PayloadType::none, pattern(0, 8)})};
    auto b = serialize_payload_chain(inner);
    ASSERT_TRUE(b);
    EXPECT_EQ(parse_payload_chain(PayloadType::nonce, *b).error().reason, ParseReason::unexpected_encrypted);
}

TEST(Rejection, ChainEndsBeforeData) {
    // The header says "no payloads" but there are some.
    auto b = serialize_or_fail(test::sample_sa_init_request());
    b[16] = 0;
    EXPECT_EQ(parse_message(b).error().reason, ParseReason::trailing_data);
}

TEST(Rejection, BodyErrorOffsetsAreAbsolute) {
    // Break the SA payload's first proposal marker (offset 28 + 4).
    auto b = serialize_or_fail(test::sample_sa_init_request());
    b[kHeaderSize + 4] = 7;
    auto r = parse_message(b);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, ParseReason::bad_substructure);
    EXPECT_EQ(r.error().offset, kHeaderSize + 4);
    EXPECT_EQ(r.error().payload, PayloadType::sa);
    EXPECT_NE(r.error().str().find("bad_substructure"), std::string::npos);
}

TEST(Rejection, DatagramLargerThanAnyUdpPayload) {
    Message m = test::sample_ike_auth_request();
    m.payloads = {Payload::of(SkPayload{PayloadType::idi, std::vector<uint8_t>(62000, 0)})};
    auto b = serialize_or_fail(m);
    // A second SK-sized payload in front pushes the message past 65535 octets.
    std::vector<uint8_t> big(b.begin(), b.begin() + kHeaderSize);
    big[16] = to_underlying(PayloadType::vendor_id);
    auto vid = test::from_hex("2e000fa4");
    big.insert(big.end(), vid.begin(), vid.end());
    big.insert(big.end(), 4000, 0);
    big.insert(big.end(), b.begin() + kHeaderSize, b.end());
    fix_length(big);
    ASSERT_GT(big.size(), kMaxMessageSize);
    EXPECT_EQ(parse_message(big).error().reason, ParseReason::bad_length);
    EXPECT_EQ(parse_message(std::span<const uint8_t>(big).first(kMaxMessageSize)).error().reason, ParseReason::bad_length);
}

TEST(Rejection, EveryReasonHasAName) {
    for (size_t i = 0; i < kParseReasonCount; ++i) {
        EXPECT_STRNE(reason_name(static_cast<ParseReason>(i)), "unknown");
    }
}

TEST(Rejection, SerializeRefusesOversizedMessage) {
    Message m = test::sample_ike_auth_request();
    m.payloads = {Payload::of(SkPayload{PayloadType::idi, std::vector<uint8_t>(70000, 0)})};
    EXPECT_FALSE(serialize_message(m));
}

}  // namespace
}  // namespace tandem::ike
