// Establishment: IKE_SA_INIT + IKE_AUTH with the first CHILD SA, both proposal families, SaParams
// agreement between the two sides, make-before-break ordering, NAT-T.
#include <algorithm>

#include "tests/controlplane/ike/engine/harness.h"

namespace tandem::ike::test {
namespace {

class Establish : public Pair {
protected:
    void run_exchange() {
        initiate();
        /* IKE_SA_INIT { SA, KE, Ni, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP) } --> */
        ASSERT_EQ(wire.size(), 1u);
        EXPECT_EQ(peek().header.exchange, ExchangeType::ike_sa_init);
        EXPECT_FALSE(peek().header.response());
        deliver();
        /* <-- IKE_SA_INIT { SA, KE, Nr, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP) } */
        ASSERT_EQ(wire.size(), 1u);
        EXPECT_TRUE(peek().header.response());
        deliver();
        /* IKE_AUTH SK { IDi, AUTH, N(INITIAL_CONTACT), SA, TSi, TSr } --> */
        ASSERT_EQ(wire.size(), 1u);
        EXPECT_EQ(peek().header.exchange, ExchangeType::ike_auth);
        EXPECT_EQ(peek().header.message_id, 1u);
        deliver();
        /* <-- IKE_AUTH SK { IDr, AUTH, SA, TSi, TSr } */
        deliver();
        EXPECT_TRUE(wire.empty());
    }
};

TEST_F(Establish, AesGcm16Prf256Ecp256) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    run_exchange();
    ASSERT_TRUE(established());
    ASSERT_EQ(a.up.size(), 1u);
    ASSERT_EQ(b.up.size(), 1u);
    expect_same_sa(a.up[0].outbound, b.up[0].inbound);
    expect_same_sa(b.up[0].outbound, a.up[0].inbound);
    EXPECT_NE(a.up[0].outbound.spi, a.up[0].inbound.spi);
    EXPECT_EQ(a.up[0].outbound.cipher, dpapi::CipherAlg::aes_gcm_128);
    EXPECT_EQ(a.up[0].outbound.auth, dpapi::AuthAlg::none);
    EXPECT_EQ(a.up[0].outbound.cipher_key_len, 16);
    EXPECT_NE(a.up[0].outbound.salt, 0u);
    EXPECT_NE(a.up[0].outbound.cipher_key, a.up[0].inbound.cipher_key);
    EXPECT_EQ(a.up[0].outbound.tunnel_src, kAddrA);
    EXPECT_EQ(a.up[0].outbound.tunnel_dst, kAddrB);
    EXPECT_EQ(a.up[0].inbound.tunnel_src, kAddrB);
    EXPECT_EQ(a.up[0].inbound.tunnel_dst, kAddrA);
    EXPECT_FALSE(a.up[0].outbound.natt);
    EXPECT_FALSE(a.up[0].outbound.esn);
    EXPECT_EQ(a.up[0].outbound.policy_id, 7u);
    EXPECT_EQ(b.up[0].outbound.policy_id, 9u);
    EXPECT_EQ(a.up[0].inbound.replay_window, 64u);
    // Selectors: A's outbound is 10.1/16 -> 10.2/16, B's inbound the same.
    EXPECT_EQ(a.up[0].outbound.selector.src.first, Ipv4Address(10, 1, 0, 0));
    EXPECT_EQ(a.up[0].outbound.selector.dst.last, Ipv4Address(10, 2, 255, 255));
    EXPECT_EQ(a.ike_up.size(), 1u);
    EXPECT_EQ(b.ike_up.size(), 1u);
    auto sa = a.engine->snapshot();
    EXPECT_EQ(sa[0].algs.encr.id, EncrId::aes_gcm_16);
    EXPECT_EQ(sa[0].algs.dh, DhGroup::ecp_256);
    EXPECT_EQ(sa[0].spi_i, b.engine->snapshot()[0].spi_i);
    EXPECT_EQ(sa[0].spi_r, b.engine->snapshot()[0].spi_r);
    EXPECT_EQ(a.engine->drops().total(), 0u);
    EXPECT_EQ(b.engine->drops().total(), 0u);
}

TEST_F(Establish, AesCbc256Sha256Modp2048) {
    configure({cbc_modp2048()}, {cbc_modp2048()});
    pa->children[0].esp = {esp_cbc128_sha256()};
    run_exchange();
    ASSERT_TRUE(established());
    ASSERT_EQ(a.up.size(), 1u);
    ASSERT_EQ(b.up.size(), 1u);
    expect_same_sa(a.up[0].outbound, b.up[0].inbound);
    expect_same_sa(b.up[0].outbound, a.up[0].inbound);
    EXPECT_EQ(a.up[0].outbound.cipher, dpapi::CipherAlg::aes_cbc_128);
    EXPECT_EQ(a.up[0].outbound.auth, dpapi::AuthAlg::sha256_128);
    EXPECT_EQ(a.up[0].outbound.auth_key_len, 32);
    EXPECT_EQ(a.up[0].outbound.salt, 0u);
    auto sa = b.engine->snapshot();
    EXPECT_EQ(sa[0].algs.encr.id, EncrId::aes_cbc);
    EXPECT_EQ(sa[0].algs.encr.key_bits, 256);
    EXPECT_EQ(sa[0].algs.integ, IntegId::hmac_sha2_256_128);
    EXPECT_EQ(sa[0].algs.dh, DhGroup::modp_2048);
}

TEST_F(Establish, ResponderPicksAcrossFamilies) {
    // A offers GCM first, B only accepts CBC/MODP: the second proposal is chosen.
    configure({gcm_ecp256(), cbc_modp2048()}, {cbc_modp2048()});
    initiate();
    deliver();
    /* <-- IKE_SA_INIT { N(INVALID_KE_PAYLOAD, 14) }  (KEi was ECP-256) */
    deliver();
    /* IKE_SA_INIT { SA, KE(14), Ni, ... } --> and on */
    deliver_all();
    ASSERT_TRUE(established());
    EXPECT_EQ(a.engine->snapshot()[0].algs.encr.id, EncrId::aes_cbc);
}

TEST_F(Establish, MakeBeforeBreakOrdering) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    run_exchange();
    auto pos = [&](const std::string& line) {
        return std::find(journal.begin(), journal.end(), line) - journal.begin();
    };
    const auto in_b = std::to_string(b.up.at(0).inbound.spi), out_b = std::to_string(b.up[0].outbound.spi);
    // Responder: inbound installed, then the IKE_AUTH response sent, then outbound installed.
    auto b_in = pos("B install_inbound " + in_b), b_out = pos("B install_outbound " + out_b);
    auto b_sends = std::vector<long>();
    for (size_t i = 0; i < journal.size(); ++i) {
        if (journal[i].rfind("B send", 0) == 0) b_sends.push_back(static_cast<long>(i));
    }
    ASSERT_EQ(b_sends.size(), 2u);
    EXPECT_LT(b_in, b_sends[1]);
    EXPECT_GT(b_out, b_sends[1]);
    EXPECT_LT(b_out, pos("B child_up"));
    // Initiator: on the response, inbound first, then outbound.
    EXPECT_LT(pos("A install_inbound " + std::to_string(a.up[0].inbound.spi)),
              pos("A install_outbound " + std::to_string(a.up[0].outbound.spi)));
    EXPECT_LT(pos("A ike_up"), pos("A child_up"));
}

TEST_F(Establish, NatDetectedSwitchesTo4500) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    nat = true;   // A sits behind a NAT: 192.0.2.1:500 appears as 203.0.113.7:30500
    initiate();
    EXPECT_EQ(wire[0].dst.port, 500);
    deliver();
    deliver();
    /* IKE_AUTH on 4500: non-ESP marker | HDR, SK { ... } --> */
    ASSERT_EQ(wire.size(), 1u);
    EXPECT_EQ(wire[0].src.port, 4500);
    EXPECT_EQ(wire[0].dst.port, 4500);
    EXPECT_EQ(wire[0].bytes[0] | wire[0].bytes[1] | wire[0].bytes[2] | wire[0].bytes[3], 0);
    deliver();
    ASSERT_EQ(wire.size(), 1u);
    EXPECT_EQ(wire[0].src.port, 4500);
    EXPECT_EQ(wire[0].dst, (Endpoint{kNatPublic, 34500}));
    deliver();
    ASSERT_TRUE(established());
    auto sa = a.engine->snapshot()[0];
    auto sb = b.engine->snapshot()[0];
    EXPECT_TRUE(sa.natt);
    EXPECT_TRUE(sb.natt);
    ASSERT_EQ(a.up.size(), 1u);
    ASSERT_EQ(b.up.size(), 1u);
    const auto& ao = a.up[0].outbound;
    EXPECT_TRUE(ao.natt);
    EXPECT_EQ(ao.natt_src_port, 4500);
    EXPECT_EQ(ao.natt_dst_port, 4500);
    const auto& bo = b.up[0].outbound;
    EXPECT_TRUE(bo.natt);
    EXPECT_EQ(bo.tunnel_dst, kNatPublic);
    EXPECT_EQ(bo.natt_src_port, 4500);
    EXPECT_EQ(bo.natt_dst_port, 34500);
    EXPECT_EQ(b.up[0].inbound.natt_src_port, 34500);
    EXPECT_EQ(b.up[0].inbound.natt_dst_port, 4500);
    EXPECT_EQ(a.up[0].outbound.spi, b.up[0].inbound.spi);
    EXPECT_EQ(a.up[0].outbound.cipher_key, b.up[0].inbound.cipher_key);
    // A, behind the NAT, keeps the mapping alive with 0xFF on 4500.
    pa->nat_keepalive = std::chrono::seconds(20);
    advance(std::chrono::seconds(21));
    ASSERT_FALSE(wire.empty());
    EXPECT_EQ(wire.back().bytes, std::vector<uint8_t>{0xff});
    deliver();
    EXPECT_EQ(b.drops(DropReason::not_ike), 1u);
}

TEST_F(Establish, TriggerPacketNarrowsToPolicy) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    initiate(TriggerPacket{Ipv4Address(10, 1, 2, 3), Ipv4Address(10, 2, 3, 4), 6, 1234, 80});
    deliver_all();
    ASSERT_TRUE(established());
    ASSERT_EQ(a.up.size(), 1u);
    // TSi = (10.1.2.3 tcp/1234, 10.1.0.0/16), TSr likewise: B answers with the wider policy range.
    EXPECT_EQ(a.up[0].local_ts, net("10.1.0.0/16"));
    EXPECT_EQ(b.up[0].remote_ts, net("10.1.0.0/16"));
}

}  // namespace
}  // namespace tandem::ike::test
