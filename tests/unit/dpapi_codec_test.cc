// Dataplane API codec: round trips of every message type, the exact header layout, framing
// errors (magic, version, type, length, flags), size limits.
#include <gtest/gtest.h>

#include <set>

#include "common/dpapi/codec.h"
#include "tests/unit/dpapi_test_messages.h"

namespace tandem::dpapi {
namespace {

using test::encoded;
using test::sample_messages;

Status decode_status(const std::vector<uint8_t>& bytes) {
    auto r = decode(bytes);
    return r ? Status::ok : r.error().status;
}

void put_u16(std::vector<uint8_t>& b, size_t at, uint16_t v) {
    b[at] = static_cast<uint8_t>(v >> 8);
    b[at + 1] = static_cast<uint8_t>(v);
}

void put_u32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}

TEST(DpapiCodec, SamplesCoverEveryMessageType) {
    std::set<size_t> kinds;
    for (const auto& m : sample_messages()) kinds.insert(m.body.index());
    EXPECT_EQ(kinds.size(), std::variant_size_v<Body>);
}

TEST(DpapiCodec, EveryMessageTypeRoundTrips) {
    for (const auto& m : sample_messages()) {
        SCOPED_TRACE(std::string(message_type_name(type_of(m))));
        std::vector<uint8_t> bytes;
        auto enc = encode(m, bytes);
        ASSERT_TRUE(enc) << enc.error().str();
        auto dec = decode(bytes);
        ASSERT_TRUE(dec) << dec.error().str();
        EXPECT_EQ(*dec, m);
        EXPECT_EQ(encoded(*dec), bytes);  // canonical: one message, one encoding
    }
}

TEST(DpapiCodec, HeaderLayoutIsBigEndian) {
    Message m{0x01020304, 0, SaDel{{0xa0b0c0d0}}, 1};
    auto b = encoded(m);
    const std::vector<uint8_t> expected = {
        'T', 'N', 'D', 'M',             // magic
        0x00, 0x01,                     // version 1
        0x01, 0x02,                     // SA_DEL
        0x00, 0x00, 0x00, 0x00,         // flags, reserved
        0x01, 0x02, 0x03, 0x04,         // request id
        0x00, 0x00, 0x00, 0x08,         // body length
        0x00, 0x01, 0x00, 0x00,         // count 1, reserved
        0xa0, 0xb0, 0xc0, 0xd0,         // sa id
    };
    EXPECT_EQ(b, expected);
}

TEST(DpapiCodec, SaLayoutMatchesTheDocument) {
    auto b = encoded(Message{1, 0, SaAdd{{test::cbc_sa(2)}}});
    ASSERT_EQ(b.size(), kHeaderSize + 4 + 96 + 16 + 48);
    const uint8_t* sa = b.data() + kHeaderSize + 4;
    EXPECT_EQ(sa[3], 2);                        // sa_id
    EXPECT_EQ(sa[8], 1);                        // direction outbound
    EXPECT_EQ(sa[9], 2);                        // aes_cbc_128
    EXPECT_EQ(sa[10], 3);                       // sha384_192
    EXPECT_EQ(sa[61], 16);                      // cipher key length
    EXPECT_EQ(sa[62], 48);                      // auth key length
    EXPECT_EQ(sa[96], 1);                       // first cipher key byte
    EXPECT_EQ(sa[96 + 16], 0xff);               // first auth key byte
}

TEST(DpapiCodec, DecodeErrorCarriesTheRequestId) {
    auto sa = test::gcm_sa(1);
    sa.cipher_key_len = 16;  // AES-GCM-256 wants 32
    Message m{77, 0, SaAdd{{test::gcm_sa(0), sa}}};
    std::vector<uint8_t> bytes;
    ASSERT_FALSE(encode(m, bytes));  // the encoder refuses it too
    EXPECT_TRUE(bytes.empty());
    // Build it by hand: encode a valid one and patch the key length and cut the key short.
    auto good = encoded(Message{77, 0, SaAdd{{test::gcm_sa(0), test::gcm_sa(1)}}});
    size_t second = kHeaderSize + 4 + 96 + 32;
    good[second + 61] = 16;
    good.erase(good.begin() + static_cast<long>(second + 96 + 16), good.begin() + static_cast<long>(second + 96 + 32));
    put_u32(good, 16, static_cast<uint32_t>(good.size() - kHeaderSize));
    auto r = decode(good);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().status, Status::bad_key_length);
    EXPECT_EQ(r.error().item, 1u);
    EXPECT_EQ(r.error().request_id, 77u);
    auto reply = make_reply(r.error().request_id, r.error().status, r.error().item, r.error().text);
    EXPECT_TRUE(decode(encoded(reply)));
}

TEST(DpapiCodec, BodyLengthMustMatchTheDatagram) {
    auto b = encoded(Message{5, 0, StatsSas{{1, 2}}});
    auto longer = b;
    put_u32(longer, 16, static_cast<uint32_t>(b.size() - kHeaderSize + 1));
    EXPECT_EQ(decode_status(longer), Status::bad_length);
    auto shorter = b;
    put_u32(shorter, 16, static_cast<uint32_t>(b.size() - kHeaderSize - 1));
    EXPECT_EQ(decode_status(shorter), Status::bad_length);
    auto trailing = b;  // the body length counts a byte the body does not use
    trailing.push_back(0);
    put_u32(trailing, 16, static_cast<uint32_t>(trailing.size() - kHeaderSize));
    auto r = decode(trailing);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().status, Status::bad_length);
    EXPECT_EQ(r.error().request_id, 5u);
}

TEST(DpapiCodec, UnknownTypeIsRefused) {
    auto b = encoded(Message{9, 0, StatsPorts{}});
    put_u16(b, 6, 0x0999);
    auto r = decode(b);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().status, Status::unknown_type);
    EXPECT_EQ(r.error().request_id, 9u);
    put_u16(b, 6, 0);
    EXPECT_EQ(decode_status(b), Status::unknown_type);
}

TEST(DpapiCodec, BadMagicIsRefused) {
    auto b = encoded(Message{9, 0, StatsPorts{}});
    b[0] = 'X';
    EXPECT_EQ(decode_status(b), Status::bad_magic);
}

TEST(DpapiCodec, VersionMismatchIsRefusedExceptForHelloAndReply) {
    auto b = encoded(Message{9, 0, DumpSas{}});
    put_u16(b, 4, kMaxVersion + 1);
    EXPECT_EQ(decode_status(b), Status::unsupported_version);
    put_u16(b, 4, 0);
    EXPECT_EQ(decode_status(b), Status::unsupported_version);

    // A HELLO from a newer peer still decodes (its layout is frozen), so it can be answered.
    Message hello{1, 0, Hello{5, 7, "future"}, 7};
    auto h = encoded(hello);
    ASSERT_FALSE(h.empty());
    auto r = decode(h);
    ASSERT_TRUE(r) << r.error().str();
    EXPECT_EQ(r->version, 7);
    EXPECT_EQ(std::get<Hello>(r->body).min_version, 5);
    // ... and so does the REPLY telling it so.
    Message reply = make_reply(1, Status::unsupported_version, kNoItem, "dataplane speaks 1..2");
    reply.version = 7;
    EXPECT_TRUE(decode(encoded(reply)));
    // Other messages cannot be encoded at a version this build does not speak.
    std::vector<uint8_t> out;
    auto enc = encode(Message{1, 0, DumpSas{}, kMaxVersion + 1}, out);
    ASSERT_FALSE(enc);
    EXPECT_EQ(enc.error().status, Status::unsupported_version);
}

TEST(DpapiCodec, FlagsAreChecked) {
    auto b = encoded(Message{9, 0, DumpRoutes{}});
    put_u16(b, 8, 0x0002);
    EXPECT_EQ(decode_status(b), Status::bad_flags);
    put_u16(b, 8, kFlagMore);  // MORE belongs to POLICY_SET only
    EXPECT_EQ(decode_status(b), Status::bad_flags);
    put_u16(b, 8, 0);
    put_u16(b, 10, 1);  // reserved
    EXPECT_EQ(decode_status(b), Status::bad_flags);
    auto p = encoded(Message{9, kFlagMore, PolicySet{0, {}}});
    auto r = decode(p);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->flags, kFlagMore);
}

TEST(DpapiCodec, ReservedBytesInsideTheBodyMustBeZero) {
    auto b = encoded(Message{9, 0, SaAdd{{test::gcm_sa(1)}}});
    b[kHeaderSize + 4 + 63] = 1;  // the SA's reserved byte
    auto r = decode(b);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().status, Status::bad_flags);
    EXPECT_EQ(r.error().item, 0u);
    auto c = encoded(Message{9, 0, SaAdd{{test::gcm_sa(1)}}});
    c[kHeaderSize + 4 + 11] = 0x04;  // unknown SA flag bit
    EXPECT_EQ(decode_status(c), Status::bad_flags);
}

TEST(DpapiCodec, SizeLimits) {
    const size_t n = max_items_per_message(MessageType::sa_add);
    ASSERT_GT(n, 100u);
    SaAdd add;
    for (uint32_t i = 0; i < n; ++i) add.sas.push_back(test::cbc_sa(i));
    for (auto& sa : add.sas) {  // largest encoding: 32-byte cipher key, 64-byte auth key
        sa.cipher = CipherAlg::aes_cbc_256;
        sa.cipher_key_len = 32;
        sa.auth = AuthAlg::sha512_256;
        sa.auth_key_len = 64;
        sa.spi = 0x10000 + sa.sa_id;
    }
    std::vector<uint8_t> out;
    ASSERT_TRUE(encode(Message{1, 0, add}, out));
    EXPECT_LE(out.size(), kMaxMessageSize);
    auto back = decode(out);
    ASSERT_TRUE(back);
    EXPECT_EQ(std::get<SaAdd>(back->body).sas.size(), n);
    add.sas.push_back(add.sas.back());
    add.sas.back().sa_id = static_cast<uint32_t>(n);
    add.sas.back().spi = 0x10000 + static_cast<uint32_t>(n);
    auto too_big = encode(Message{1, 0, add}, out);
    ASSERT_FALSE(too_big);
    EXPECT_EQ(too_big.error().status, Status::too_large);
    EXPECT_TRUE(out.empty());

    std::vector<uint8_t> huge(kMaxMessageSize + 1, 0);
    EXPECT_EQ(decode_status(huge), Status::too_large);

    const size_t ids = max_items_per_message(MessageType::sa_del);
    SaDel del;
    for (uint32_t i = 0; i < ids; ++i) del.sa_ids.push_back(i);
    ASSERT_TRUE(encode(Message{1, 0, del}, out));
    del.sa_ids.push_back(static_cast<uint32_t>(ids));
    EXPECT_FALSE(encode(Message{1, 0, del}, out));
    EXPECT_EQ(max_items_per_message(MessageType::dump_sas), 0u);
}

TEST(DpapiCodec, CountsThatCannotFitAreRefusedBeforeReading) {
    auto b = encoded(Message{3, 0, SaDel{{1, 2}}});
    put_u16(b, kHeaderSize, 3);  // three ids announced, two present
    auto r = decode(b);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().status, Status::bad_count);
    // Two CBC SAs (160 bytes each) leave room for a third fixed part (96), so the count passes
    // and reading the third item runs out.
    auto s = encoded(Message{3, 0, SaAdd{{test::cbc_sa(1), test::cbc_sa(2)}}});
    put_u16(s, kHeaderSize, 3);
    auto rs = decode(s);
    ASSERT_FALSE(rs);
    EXPECT_EQ(rs.error().status, Status::truncated);
    EXPECT_EQ(rs.error().item, 2u);
}

TEST(DpapiCodec, DropStatsCountMustMatchTheVersion) {
    auto b = encoded(Message{3, 0, DropStats{}});
    ASSERT_EQ(b.size(), kHeaderSize + 4 + 8 * kDropReasonCount);
    put_u16(b, kHeaderSize, static_cast<uint16_t>(kDropReasonCount - 1));
    b.resize(b.size() - 8);
    put_u32(b, 16, static_cast<uint32_t>(b.size() - kHeaderSize));
    EXPECT_EQ(decode_status(b), Status::bad_count);
}

TEST(DpapiCodec, DropStatsOfVersionOneCarryTheFirstTwentyReasons) {
    DropStats d;
    for (size_t i = 0; i < kDropReasonCount; ++i) d.drops[i] = i + 1;
    auto v2 = encoded(Message{3, 0, d, 2});
    EXPECT_EQ(v2.size(), kHeaderSize + 4 + 8 * 21);
    auto back2 = decode(v2);
    ASSERT_TRUE(back2) << back2.error().str();
    EXPECT_EQ(drop_counter(std::get<DropStats>(back2->body).drops, DropReason::cleartext_protected), 21u);
    auto v1 = encoded(Message{3, 0, d, 1});
    ASSERT_EQ(v1.size(), kHeaderSize + 4 + 8 * 20);
    EXPECT_EQ(v1[kHeaderSize + 1], 20);
    auto back1 = decode(v1);
    ASSERT_TRUE(back1) << back1.error().str();
    EXPECT_EQ(back1->version, 1);
    const auto& got = std::get<DropStats>(back1->body).drops;
    EXPECT_EQ(drop_counter(got, DropReason::not_for_us), 20u);
    EXPECT_EQ(drop_counter(got, DropReason::cleartext_protected), 0u);  // not in version 1
    EXPECT_EQ(encoded(*back1), v1);
    // A version 2 count in a version 1 message is refused.
    put_u16(v2, 4, 1);
    EXPECT_EQ(decode_status(v2), Status::bad_count);
}

TEST(DpapiCodec, RouteListOfVersionTwoCarriesTheOrigin) {
    Route connected{*Ipv4Prefix::parse("10.1.0.0/24"), RouteKind::forward, 0, Ipv4Address(), RouteOrigin::connected};
    Route api{*Ipv4Prefix::parse("10.2.0.0/16"), RouteKind::forward, 1, Ipv4Address(192, 0, 2, 1)};
    auto v2 = encoded(Message{4, 0, RouteList{{connected, api}}, 2});
    ASSERT_EQ(v2.size(), kHeaderSize + 4 + 2 * 16);
    EXPECT_EQ(v2[kHeaderSize + 4 + 12], 2);  // origin after the 12 bytes of ROUTE_ADD's item
    auto back = decode(v2);
    ASSERT_TRUE(back) << back.error().str();
    EXPECT_EQ(std::get<RouteList>(back->body).routes, (std::vector<Route>{connected, api}));
    v2[kHeaderSize + 4 + 12] = 3;
    EXPECT_EQ(decode_status(v2), Status::bad_enum);
    v2[kHeaderSize + 4 + 12] = 2;
    v2[kHeaderSize + 4 + 13] = 1;
    EXPECT_EQ(decode_status(v2), Status::bad_flags);
    // Version 1: ROUTE_ADD's 12-byte items, no origin.
    auto v1 = encoded(Message{4, 0, RouteList{{api}}, 1});
    EXPECT_EQ(v1.size(), kHeaderSize + 4 + 12);
    // ROUTE_ADD installs api routes only.
    std::vector<uint8_t> out;
    auto enc = encode(Message{5, 0, RouteAdd{{connected}}}, out);
    ASSERT_FALSE(enc);
    EXPECT_EQ(enc.error().status, Status::bad_value);
    EXPECT_EQ(max_items_per_message(MessageType::route_list), (kMaxBodySize - 4) / 16);
}

TEST(DpapiCodec, NamesAreDefinedForEveryValue) {
    for (const auto& m : sample_messages()) EXPECT_FALSE(message_type_name(type_of(m)).empty());
    EXPECT_EQ(message_type_name(MessageType::policy_set), "POLICY_SET");
    EXPECT_TRUE(message_type_name(static_cast<MessageType>(0x7777)).empty());
    EXPECT_EQ(status_name(Status::bad_key_length), "bad_key_length");
    EXPECT_FALSE(is_known(static_cast<Status>(19)));
    for (size_t i = 0; i < kDropReasonCount; ++i) {
        EXPECT_FALSE(drop_reason_name(static_cast<DropReason>(i)).empty());
    }
    EXPECT_EQ(drop_reason_name(DropReason::no_neighbour), "no_neighbour");
    EXPECT_EQ(drop_reason_name(DropReason::cleartext_protected), "cleartext_protected");
    EXPECT_EQ(static_cast<int>(DropReason::cleartext_protected), 20);  // appended: numbering is wire format
    EXPECT_TRUE(drop_reason_name(static_cast<DropReason>(kDropReasonCount)).empty());
    CodecError e{Status::bad_value, 3, "SA 7: SPI 5 is reserved", 0};
    EXPECT_EQ(e.str(), "bad_value (item 3): SA 7: SPI 5 is reserved");
}

}  // namespace
}  // namespace tandem::dpapi
