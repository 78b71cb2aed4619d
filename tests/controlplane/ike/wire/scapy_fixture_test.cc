// Messages built by an independent implementation (scapy.contrib.ikev2, see
// make_scapy_fixtures.py) parse to the field values the script set, and re-serialize to the same
// octets.
#include <gtest/gtest.h>

#include "controlplane/ike/wire/message.h"
#include "tests/controlplane/ike/wire/test_util.h"

namespace tandem::ike {
namespace {

using test::fixture;
using test::pattern;

constexpr uint64_t kSpiI = 0x0102030405060708ull;
constexpr uint64_t kSpiR = 0xa1a2a3a4a5a6a7a8ull;

Message parse_fixture(const std::string& name) {
    auto bytes = fixture(name);
    auto m = parse_message(bytes);
    EXPECT_TRUE(m) << name << ": " << (m ? "" : m.error().str());
    if (!m) return {};
    // Canonical input (reserved fields zero): the codec writes back exactly what scapy wrote.
    EXPECT_EQ(test::serialize_or_fail(*m), bytes) << name;
    return *m;
}

void expect_transform(const Transform& t, TransformType type, uint16_t id, std::optional<uint16_t> key_bits = {}) {
    EXPECT_EQ(t.type, type);
    EXPECT_EQ(t.id, id);
    EXPECT_EQ(t.key_length(), key_bits);
}

TEST(ScapyOracle, SaInitRequest) {
    Message m = parse_fixture("sa_init_request");
    EXPECT_EQ(m.header.spi_i, kSpiI);
    EXPECT_EQ(m.header.spi_r, 0u);
    EXPECT_EQ(m.header.exchange, ExchangeType::ike_sa_init);
    EXPECT_TRUE(m.header.initiator());
    EXPECT_FALSE(m.header.response());
    EXPECT_EQ(m.header.message_id, 0u);
    ASSERT_EQ(m.payloads.size(), 7u);

    const SaPayload* sa = m.find<SaPayload>();
    ASSERT_NE(sa, nullptr);
    ASSERT_EQ(sa->proposals.size(), 2u);
    const Proposal& p1 = sa->proposals[0];
    EXPECT_EQ(p1.number, 1);
    EXPECT_EQ(p1.protocol, ProtocolId::ike);
    EXPECT_TRUE(p1.spi.empty());
    ASSERT_EQ(p1.transforms.size(), 4u);
    expect_transform(p1.transforms[0], TransformType::encr, to_underlying(EncrId::aes_cbc), 256);
    expect_transform(p1.transforms[1], TransformType::prf, to_underlying(PrfId::hmac_sha2_256));
    expect_transform(p1.transforms[2], TransformType::integ, to_underlying(IntegId::hmac_sha2_256_128));
    expect_transform(p1.transforms[3], TransformType::dh, to_underlying(DhGroup::ecp_256));
    const Proposal& p2 = sa->proposals[1];
    EXPECT_EQ(p2.number, 2);
    ASSERT_EQ(p2.transforms.size(), 4u);
    expect_transform(p2.transforms[0], TransformType::encr, to_underlying(EncrId::aes_gcm_16), 128);
    expect_transform(p2.transforms[1], TransformType::prf, to_underlying(PrfId::hmac_sha2_384));
    expect_transform(p2.transforms[2], TransformType::dh, to_underlying(DhGroup::ecp_384));
    expect_transform(p2.transforms[3], TransformType::dh, to_underlying(DhGroup::modp_2048));

    const KePayload* ke = m.find<KePayload>();
    ASSERT_NE(ke, nullptr);
    EXPECT_EQ(ke->group, DhGroup::ecp_256);
    EXPECT_EQ(ke->data, pattern(0x40, 64));
    EXPECT_EQ(m.find<NoncePayload>()->data, pattern(0x10, 32));
    ASSERT_NE(m.find_notify(NotifyType::nat_detection_source_ip), nullptr);
    EXPECT_EQ(m.find_notify(NotifyType::nat_detection_source_ip)->data, pattern(0x80, 20));
    EXPECT_EQ(m.find_notify(NotifyType::nat_detection_destination_ip)->data, pattern(0xa0, 20));
    ASSERT_NE(m.find_notify(NotifyType::ikev2_fragmentation_supported), nullptr);
    EXPECT_TRUE(m.find_notify(NotifyType::ikev2_fragmentation_supported)->data.empty());
    const VendorIdPayload* vid = m.find<VendorIdPayload>();
    ASSERT_NE(vid, nullptr);
    EXPECT_EQ(std::string(vid->data.begin(), vid->data.end()), "tandem-test");

    EXPECT_TRUE(verify_message(m)) << verify_message(m).error().str();
}

TEST(ScapyOracle, SaInitResponse) {
    Message m = parse_fixture("sa_init_response");
    EXPECT_EQ(m.header.spi_r, kSpiR);
    EXPECT_TRUE(m.header.response());
    EXPECT_FALSE(m.header.initiator());
    const SaPayload* sa = m.find<SaPayload>();
    ASSERT_NE(sa, nullptr);
    ASSERT_EQ(sa->proposals.size(), 1u);
    EXPECT_EQ(sa->proposals[0].transforms.size(), 4u);
    EXPECT_EQ(m.find<KePayload>()->data, pattern(0xc0, 64));
    EXPECT_EQ(m.find<NoncePayload>()->data, pattern(0x20, 32));
    EXPECT_TRUE(verify_message(m)) << verify_message(m).error().str();
}

TEST(ScapyOracle, IkeAuthRequestWithSk) {
    Message m = parse_fixture("ike_auth_request_sk");
    EXPECT_EQ(m.header.exchange, ExchangeType::ike_auth);
    EXPECT_EQ(m.header.message_id, 1u);
    EXPECT_EQ(m.header.next_payload, PayloadType::sk);
    ASSERT_EQ(m.payloads.size(), 1u);
    const SkPayload* sk = m.encrypted();
    ASSERT_NE(sk, nullptr);
    EXPECT_EQ(sk->first_inner, PayloadType::idi);
    ASSERT_EQ(sk->content.size(), 96u);
    EXPECT_EQ(std::vector<uint8_t>(sk->content.begin(), sk->content.begin() + 16), pattern(0, 16));

    auto layout = locate_encrypted(fixture("ike_auth_request_sk"));
    ASSERT_TRUE(layout);
    EXPECT_EQ(layout->aad_length(), kHeaderSize + 4);
    EXPECT_EQ(layout->content_length(), 96u);
}

TEST(ScapyOracle, IkeAuthDecryptedChain) {
    auto bytes = fixture("ike_auth_plaintext_chain");
    auto chain = parse_payload_chain(PayloadType::idi, bytes);
    ASSERT_TRUE(chain) << chain.error().str();
    ASSERT_EQ(chain->size(), 6u);
    EXPECT_TRUE(verify_payloads(*chain, ExchangeType::ike_auth, false));

    const IdPayload* id = find<IdPayload>(*chain, PayloadType::idi);
    ASSERT_NE(id, nullptr);
    EXPECT_EQ(id->type, IdType::fqdn);
    EXPECT_EQ(std::string(id->data.begin(), id->data.end()), "gw1.example.net");
    const AuthPayload* auth = find<AuthPayload>(*chain);
    ASSERT_NE(auth, nullptr);
    EXPECT_EQ(auth->method, AuthMethod::shared_key_mic);
    EXPECT_EQ(auth->data, pattern(0x30, 32));

    const SaPayload* sa = find<SaPayload>(*chain);
    ASSERT_NE(sa, nullptr);
    ASSERT_EQ(sa->proposals.size(), 1u);
    EXPECT_EQ(sa->proposals[0].protocol, ProtocolId::esp);
    EXPECT_EQ(sa->proposals[0].spi, test::from_hex("c0ffee01"));
    ASSERT_EQ(sa->proposals[0].transforms.size(), 3u);
    expect_transform(sa->proposals[0].transforms[0], TransformType::encr, to_underlying(EncrId::aes_gcm_16), 256);
    expect_transform(sa->proposals[0].transforms[2], TransformType::esn, to_underlying(EsnId::no_esn));

    const TsPayload* tsi = find<TsPayload>(*chain, PayloadType::tsi);
    ASSERT_NE(tsi, nullptr);
    ASSERT_EQ(tsi->selectors.size(), 1u);
    EXPECT_EQ(tsi->selectors[0].start_ipv4(), Ipv4Address(10, 1, 0, 0));
    EXPECT_EQ(tsi->selectors[0].end_ipv4(), Ipv4Address(10, 1, 255, 255));
    EXPECT_EQ(tsi->selectors[0].end_port, 65535);
    const TsPayload* tsr = find<TsPayload>(*chain, PayloadType::tsr);
    ASSERT_NE(tsr, nullptr);
    ASSERT_EQ(tsr->selectors.size(), 2u);
    EXPECT_EQ(tsr->selectors[0].ip_protocol, 6);
    EXPECT_EQ(tsr->selectors[0].start_port, 443);
    EXPECT_EQ(tsr->selectors[0].end_port, 443);
    EXPECT_EQ(tsr->selectors[1].ip_protocol, 17);
    EXPECT_EQ(tsr->selectors[1].start_ipv4(), Ipv4Address(10, 3, 0, 1));
    EXPECT_NE(find_notify(*chain, NotifyType::initial_contact), nullptr);

    auto again = serialize_payload_chain(*chain);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, bytes);
}

TEST(ScapyOracle, InformationalDelete) {
    Message m = parse_fixture("informational_delete_plain");
    EXPECT_EQ(m.header.exchange, ExchangeType::informational);
    EXPECT_EQ(m.header.message_id, 7u);
    const DeletePayload* d = m.find<DeletePayload>();
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->protocol, ProtocolId::esp);
    EXPECT_EQ(d->spi_size, 4);
    ASSERT_EQ(d->spis.size(), 2u);
    EXPECT_EQ(d->spis[1], test::from_hex("c0ffee02"));
    EXPECT_TRUE(verify_message(m));
}

TEST(ScapyOracle, Udp4500NonEspMarker) {
    auto udp = fixture("udp4500_ike_auth");
    auto ike = strip_non_esp_marker(udp);
    ASSERT_TRUE(ike.has_value());
    auto m = parse_message(*ike);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->header.exchange, ExchangeType::ike_auth);
    std::vector<uint8_t> again = test::serialize_or_fail(*m);
    add_non_esp_marker(again);
    EXPECT_EQ(again, udp);
}

}  // namespace
}  // namespace tandem::ike
