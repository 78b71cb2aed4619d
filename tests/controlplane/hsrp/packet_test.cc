// The HSRP codec: round trips in both versions, rejection at every truncation, verify(), the
// virtual MACs and the state codes.
#include <gtest/gtest.h>

#include "controlplane/hsrp/auth.h"
#include "controlplane/hsrp/packet.h"

namespace tandem::hsrp {
namespace {

Packet v1_hello() {
    Packet p;
    p.version = Version::v1;
    p.op = OpCode::hello;
    p.state = State::active;
    p.group = 1;
    p.priority = 110;
    p.virtual_ip = Ipv4Address(192, 168, 0, 3);
    p.text = auth_text("cisco");
    return p;
}

Packet v2_hello() {
    Packet p = v1_hello();
    p.version = Version::v2;
    p.group = 4095;
    p.priority = 1000;
    p.hello_ms = 200;
    p.hold_ms = 750;
    p.identifier = {0x00, 0x50, 0x56, 0x01, 0x02, 0x03};
    p.interface_state = InterfaceStateTlv{1, 2};
    p.md5 = Md5Tlv{1, 0, 0, Ipv4Address(192, 168, 0, 2), 7, {}};
    return p;
}

TEST(HsrpPacket, V1RoundTripIs20Octets) {
    const Packet p = v1_hello();
    const auto bytes = serialize(p);
    ASSERT_EQ(bytes.size(), 20u);
    EXPECT_EQ(bytes[0], 0);   // version
    EXPECT_EQ(bytes[2], 16);  // Active
    EXPECT_EQ(bytes[3], 3);   // seconds
    EXPECT_EQ(bytes[4], 10);
    auto back = parse(bytes);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, p);
}

TEST(HsrpPacket, V1WithMd5RoundTrip) {
    Packet p = v1_hello();
    p.text = AuthText{};
    p.md5 = Md5Tlv{1, 0, 0, Ipv4Address(10, 0, 0, 2), 3, {}};
    auto bytes = serialize(p);
    ASSERT_EQ(bytes.size(), 50u);
    ASSERT_TRUE(sign_md5(bytes, "key"));
    auto back = parse(bytes);
    ASSERT_TRUE(back.ok());
    EXPECT_NE(back->md5->digest, (std::array<uint8_t, 16>{}));
    back->md5->digest = {};
    EXPECT_EQ(*back, p);
    EXPECT_TRUE(check_md5(bytes, "key"));
    EXPECT_FALSE(check_md5(bytes, "kez"));
}

TEST(HsrpPacket, V2RoundTripWithEveryTlv) {
    Packet p = v2_hello();
    const auto bytes = serialize(p);
    EXPECT_EQ(bytes.size(), 42u + 6u + 10u + 30u);
    auto back = parse(bytes);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, p);
}

TEST(HsrpPacket, EveryTruncationIsRejected) {
    for (const Packet& p : {v1_hello(), v2_hello()}) {
        const auto bytes = serialize(p);
        for (size_t n = 0; n < bytes.size(); ++n) {
            auto r = parse(std::span<const uint8_t>(bytes.data(), n));
            // A v2 packet cut exactly between TLVs is a shorter valid packet; anything else fails.
            if (r.ok()) {
                EXPECT_EQ(p.version, Version::v2) << n;
                EXPECT_TRUE(n == 42 || n == 48 || n == 58) << n;
            } else {
                EXPECT_EQ(r.error(), DropReason::truncated) << n;
            }
        }
    }
    // A v1 packet cut inside a trailing TLV.
    Packet m = v1_hello();
    m.md5 = Md5Tlv{};
    const auto bytes = serialize(m);
    for (size_t n = 21; n < bytes.size(); ++n) {
        auto r = parse(std::span<const uint8_t>(bytes.data(), n));
        ASSERT_FALSE(r.ok()) << n;
        EXPECT_EQ(r.error(), DropReason::truncated);
    }
}

TEST(HsrpPacket, RejectionReasons) {
    auto bytes = serialize(v1_hello());
    auto with = [&](size_t at, uint8_t v) {
        auto b = bytes;
        b[at] = v;
        return parse(b);
    };
    EXPECT_EQ(with(1, 3).error(), DropReason::advertise);
    EXPECT_EQ(with(1, 9).error(), DropReason::unknown_op);
    EXPECT_EQ(with(2, 3).error(), DropReason::bad_state);
    EXPECT_EQ(with(0, 7).error(), DropReason::bad_version);

    auto v2 = serialize(v2_hello());
    auto v2with = [&](size_t at, uint8_t v) {
        auto b = v2;
        b[at] = v;
        return parse(b);
    };
    EXPECT_EQ(v2with(2, 3).error(), DropReason::bad_version);
    EXPECT_EQ(v2with(3, 7).error(), DropReason::unknown_op);  // no Advertise in v2
    EXPECT_EQ(v2with(4, 0).error(), DropReason::bad_state);
    EXPECT_EQ(v2with(5, 6).error(), DropReason::unsupported_ip_version);
    EXPECT_EQ(v2with(1, 39).error(), DropReason::bad_tlv);
    // The Group State TLV comes first: a datagram opening with another TLV is neither version.
    std::vector<uint8_t> text_first = {3, 8, 'c', 'i', 's', 'c', 'o', 0, 0, 0};
    text_first.insert(text_first.end(), v2.begin(), v2.begin() + 42);
    EXPECT_EQ(parse(text_first).error(), DropReason::bad_version);
    // Two Group State TLVs.
    std::vector<uint8_t> twice(v2.begin(), v2.begin() + 42);
    twice.insert(twice.end(), v2.begin(), v2.begin() + 42);
    EXPECT_EQ(parse(twice).error(), DropReason::bad_tlv);
    // Unknown TLVs are skipped.
    std::vector<uint8_t> unknown(v2.begin(), v2.begin() + 42);
    unknown.insert(unknown.end(), {9, 2, 0xaa, 0xbb});
    EXPECT_TRUE(parse(unknown).ok());
    EXPECT_EQ(parse(std::vector<uint8_t>{}).error(), DropReason::truncated);
}

TEST(HsrpPacket, Verify) {
    EXPECT_TRUE(verify(v1_hello()).ok());
    EXPECT_TRUE(verify(v2_hello()).ok());
    Packet p = v1_hello();
    p.group = 256;
    EXPECT_FALSE(verify(p).ok());
    p = v2_hello();
    p.group = 4096;
    EXPECT_FALSE(verify(p).ok());
    p = v1_hello();
    p.hello_ms = 10000;
    EXPECT_FALSE(verify(p).ok());  // hellotime must be below holdtime
    p.op = OpCode::resign;
    EXPECT_TRUE(verify(p).ok());   // ... in hellos
    p = v1_hello();
    p.hello_ms = 250;
    EXPECT_FALSE(verify(p).ok());  // v1 carries seconds
    EXPECT_TRUE(serialize(p).empty());
}

TEST(HsrpPacket, VirtualMacs) {
    EXPECT_EQ(mac_dotted(virtual_mac(Version::v1, 1)), "0000.0c07.ac01");
    EXPECT_EQ(mac_dotted(virtual_mac(Version::v1, 255)), "0000.0c07.acff");
    EXPECT_EQ(mac_dotted(virtual_mac(Version::v2, 1)), "0000.0c9f.f001");
    EXPECT_EQ(mac_dotted(virtual_mac(Version::v2, 4095)), "0000.0c9f.ffff");
}

TEST(HsrpPacket, StateCodes) {
    const State all[] = {State::initial, State::learn, State::listen, State::speak, State::standby, State::active};
    const uint8_t v1[] = {0, 1, 2, 4, 8, 16};
    for (size_t i = 0; i < 6; ++i) {
        EXPECT_EQ(state_to_wire(Version::v1, all[i]), v1[i]);
        EXPECT_EQ(state_to_wire(Version::v2, all[i]), i + 1);
        EXPECT_EQ(state_from_wire(Version::v1, v1[i]), all[i]);
        EXPECT_EQ(state_from_wire(Version::v2, static_cast<uint8_t>(i + 1)), all[i]);
    }
    EXPECT_FALSE(state_from_wire(Version::v1, 3));
    EXPECT_FALSE(state_from_wire(Version::v2, 7));
}

}  // namespace
}  // namespace tandem::hsrp
