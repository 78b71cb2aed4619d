// Helpers shared by the IKE wire tests: hex, fixtures, body round trips, sample messages.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/wire.h"
#include "controlplane/ike/wire/message.h"

namespace tandem::ike::test {

inline std::vector<uint8_t> from_hex(const std::string& hex) {
    std::vector<uint8_t> out;
    std::string digits;
    for (char c : hex) {
        if (std::isxdigit(static_cast<unsigned char>(c))) digits += c;
    }
    for (size_t i = 0; i + 1 < digits.size(); i += 2) {
        out.push_back(static_cast<uint8_t>(std::stoul(digits.substr(i, 2), nullptr, 16)));
    }
    return out;
}

inline std::vector<uint8_t> bytes_of(std::initializer_list<int> v) {
    std::vector<uint8_t> out;
    for (int b : v) out.push_back(static_cast<uint8_t>(b));
    return out;
}

inline std::vector<uint8_t> pattern(uint8_t start, size_t n) {
    std::vector<uint8_t> out(n);
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(start + i);
    return out;
}

// A fixture under tests/data/ike/ (written by make_scapy_fixtures.py).
inline std::vector<uint8_t> fixture(const std::string& name) {
    const char* root = std::getenv("TANDEM_SOURCE_DIR");
    std::string path = std::string(root ? root : ".") + "/tests/data/ike/" + name + ".hex";
    std::ifstream in(path);
    EXPECT_TRUE(in.good()) << "missing fixture " << path;
    std::stringstream ss;
    ss << in.rdbuf();
    return from_hex(ss.str());
}

// Serializes a body and parses it back; the parser must consume exactly what was written.
template <typename T>
T round_trip(const T& body) {
    std::vector<uint8_t> out;
    WireWriter w(out);
    body.serialize(w);
    EXPECT_TRUE(w.ok());
    WireReader r(out);
    auto parsed = T::parse(r);
    EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().str());
    if (!parsed.ok()) return T{};
    EXPECT_TRUE(r.at_end());
    return *parsed;
}

inline std::vector<uint8_t> serialize_or_fail(const Message& m) {
    auto bytes = serialize_message(m);
    EXPECT_TRUE(bytes.ok());
    return bytes.ok() ? *bytes : std::vector<uint8_t>{};
}

// IKE_SA_INIT request { SA, KE, Ni, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP) }
inline Message sample_sa_init_request() {
    Message m;
    m.header.spi_i = 0x1122334455667788ull;
    m.header.exchange = ExchangeType::ike_sa_init;
    m.header.flags = header_flags::initiator;
    Proposal p;
    p.number = 1;
    p.protocol = ProtocolId::ike;
    p.transforms = {Transform::encr(EncrId::aes_cbc, 256),
                    Transform::of(TransformType::prf, to_underlying(PrfId::hmac_sha2_256)),
                    Transform::of(TransformType::integ, to_underlying(IntegId::hmac_sha2_256_128)),
                    Transform::of(TransformType::dh, to_underlying(DhGroup::ecp_256))};
    m.payloads.push_back(Payload::of(SaPayload{{p}}));
    m.payloads.push_back(Payload::of(KePayload{DhGroup::ecp_256, pattern(0x40, 64)}));
    m.payloads.push_back(Payload::of(NoncePayload{pattern(0x10, 32)}));
    m.payloads.push_back(Payload::of(NotifyPayload::make(NotifyType::nat_detection_source_ip, pattern(0x80, 20))));
    m.payloads.push_back(Payload::of(NotifyPayload::make(NotifyType::nat_detection_destination_ip, pattern(0xa0, 20))));
    return m;
}

// IKE_AUTH request { SK { ... } } with 96 octets of opaque content.
inline Message sample_ike_auth_request() {
    Message m;
    m.header.spi_i = 0x1122334455667788ull;
    m.header.spi_r = 0x99aabbccddeeff00ull;
    m.header.exchange = ExchangeType::ike_auth;
    m.header.flags = header_flags::initiator;
    m.header.message_id = 1;
    m.payloads.push_back(Payload::of(SkPayload{PayloadType::idi, pattern(0, 96)}));
    return m;
}

}  // namespace tandem::ike::test
