// Negotiation failures: COOKIE, wrong PSK, no acceptable IKE or ESP proposal, TS narrowing and
// TS_UNACCEPTABLE, AUTH over the exact IKE_SA_INIT bytes, half-open limit.
#include "tests/controlplane/ike/engine/harness.h"

namespace tandem::ike::test {
namespace {

class Failures : public Pair {};

EngineConfig cookie_config() {
    EngineConfig c = test_config();
    c.cookie_threshold = 0;   // every IKE_SA_INIT must carry a COOKIE
    return c;
}

class Cookie : public Pair {
protected:
    Cookie() : Pair(cookie_config()) {}
};

TEST_F(Cookie, InitiatorRetriesWithCookie) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    initiate();
    /* IKE_SA_INIT { SA, KE, Ni, N(NAT_D) x2 } --> */
    deliver();
    /* <-- IKE_SA_INIT { N(COOKIE) } */
    ASSERT_EQ(wire.size(), 1u);
    Message m = peek();
    ASSERT_EQ(m.payloads.size(), 1u);
    ASSERT_NE(m.find_notify(NotifyType::cookie), nullptr);
    EXPECT_EQ(m.header.spi_r, 0u);
    EXPECT_EQ(b.engine->ike_sa_count(), 0u);   // stateless
    deliver();
    /* IKE_SA_INIT { N(COOKIE), SA, KE, Ni, N(NAT_D) x2 } --> */
    Message retry = peek();
    ASSERT_FALSE(retry.payloads.empty());
    ASSERT_NE(retry.payloads[0].get<NotifyPayload>(), nullptr);
    EXPECT_EQ(retry.payloads[0].get<NotifyPayload>()->type, NotifyType::cookie);
    EXPECT_EQ(retry.header.message_id, 0u);
    deliver_all();
    ASSERT_TRUE(established());
    EXPECT_EQ(a.up.size(), 1u);
}

TEST_F(Cookie, ForgedCookieIsCountedAndAnsweredWithAFreshOne) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    initiate();
    deliver();
    deliver();
    // Tamper with the echoed cookie value (the last octet of the first payload).
    Message m = peek();
    auto* n = m.payloads[0].get<NotifyPayload>();
    n->data.back() ^= 1;
    wire.front().bytes = *serialize_message(m);
    deliver();
    EXPECT_EQ(b.drops(DropReason::invalid_cookie), 1u);
    EXPECT_EQ(b.engine->ike_sa_count(), 0u);
    ASSERT_EQ(wire.size(), 1u);
    EXPECT_NE(peek().find_notify(NotifyType::cookie), nullptr);
}

TEST_F(Failures, WrongPskAuthenticationFailedNothingInstalled) {
    configure({gcm_ecp256()}, {gcm_ecp256()}, "s3cret", "other");
    initiate();
    deliver();
    deliver();
    /* IKE_AUTH SK { IDi, AUTH, SA, TSi, TSr } --> */
    deliver();
    /* <-- IKE_AUTH SK { N(AUTHENTICATION_FAILED) } */
    ASSERT_EQ(wire.size(), 1u);
    deliver();
    EXPECT_EQ(b.drops(DropReason::auth_failed), 1u);
    EXPECT_TRUE(a.inbound.empty());
    EXPECT_TRUE(a.outbound.empty());
    EXPECT_TRUE(b.inbound.empty());
    EXPECT_TRUE(b.outbound.empty());
    EXPECT_TRUE(a.ike_up.empty());
    EXPECT_TRUE(b.ike_up.empty());
    EXPECT_EQ(a.engine->ike_sa_count(), 0u);
    EXPECT_EQ(b.engine->ike_sa_count(), 0u);
    ASSERT_EQ(a.failed.size(), 1u);   // the initiation reports its CHILD as failed
}

TEST_F(Failures, AuthCoversTheExactIkeSaInitBytes) {
    // A middlebox adds a Vendor ID to IKE_SA_INIT: negotiation is unaffected, but B's copy of
    // the first message differs from what A signed, so B refuses A's AUTH.
    configure({gcm_ecp256()}, {gcm_ecp256()});
    initiate();
    Message m = peek();
    m.payloads.push_back(Payload::of(VendorIdPayload{{1, 2, 3, 4}}));
    wire.front().bytes = *serialize_message(m);
    deliver();
    deliver();
    deliver();
    EXPECT_EQ(b.drops(DropReason::auth_failed), 1u);
    deliver();
    EXPECT_EQ(a.engine->ike_sa_count(), 0u);
    EXPECT_TRUE(b.inbound.empty());
}

TEST_F(Failures, NoIkeProposalChosen) {
    configure({gcm_ecp256()}, {cbc_modp2048()});
    pb->ike[0].encr = {EncrSpec{EncrId::aes_cbc, 128}};   // nothing in common
    initiate();
    deliver();
    /* <-- IKE_SA_INIT { N(NO_PROPOSAL_CHOSEN) } */
    ASSERT_EQ(wire.size(), 1u);
    EXPECT_NE(peek().find_notify(NotifyType::no_proposal_chosen), nullptr);
    deliver();
    EXPECT_EQ(a.engine->ike_sa_count(), 0u);
    EXPECT_EQ(b.engine->ike_sa_count(), 0u);
    EXPECT_TRUE(wire.empty());
}

TEST_F(Failures, NoEspProposalChosenKeepsIkeSa) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    pa->children[0].esp = {esp_gcm128()};
    pb->children[0].esp = {esp_cbc128_sha256()};
    initiate();
    deliver_all();
    /* <-- IKE_AUTH SK { IDr, AUTH, N(NO_PROPOSAL_CHOSEN) } */
    ASSERT_TRUE(established());
    EXPECT_TRUE(a.up.empty());
    EXPECT_TRUE(b.inbound.empty());
    ASSERT_EQ(a.failed.size(), 1u);
    EXPECT_EQ(a.failed[0].notify, NotifyType::no_proposal_chosen);
    EXPECT_EQ(a.failed[0].tag, 7u);
    ASSERT_EQ(b.failed.size(), 1u);
}

TEST_F(Failures, TsUnacceptableKeepsIkeSa) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    pb->children[0].remote_ts = net("10.9.0.0/16");
    initiate();
    deliver_all();
    /* <-- IKE_AUTH SK { IDr, AUTH, N(TS_UNACCEPTABLE) } */
    ASSERT_TRUE(established());
    EXPECT_TRUE(a.up.empty());
    ASSERT_EQ(a.failed.size(), 1u);
    EXPECT_EQ(a.failed[0].notify, NotifyType::ts_unacceptable);
}

TEST_F(Failures, ResponderNarrowsSelectors) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    pb->children[0].remote_ts = net("10.1.4.0/24");
    pb->children[0].local_ts = TsRange{Ipv4Address(10, 2, 0, 0), Ipv4Address(10, 2, 255, 255), 6, 443, 443};
    initiate();
    deliver_all();
    ASSERT_EQ(a.up.size(), 1u);
    ASSERT_EQ(b.up.size(), 1u);
    /* TSi = 10.1.0.0/16 narrowed to 10.1.4.0/24, TSr = 10.2.0.0/16 to 10.2.0.0/16 tcp/443 */
    EXPECT_EQ(a.up[0].local_ts, net("10.1.4.0/24"));
    EXPECT_EQ(a.up[0].remote_ts.protocol, 6);
    EXPECT_EQ(a.up[0].remote_ts.port_lo, 443);
    EXPECT_EQ(a.up[0].outbound.selector.protocol, 6);
    EXPECT_EQ(a.up[0].outbound.selector.dst_ports, (PortRange{443, 443}));
    EXPECT_EQ(a.up[0].outbound.selector.src.first, Ipv4Address(10, 1, 4, 0));
    expect_same_sa(a.up[0].outbound, b.up[0].inbound);
}

TEST_F(Failures, HalfOpenLimitDrops) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    EngineConfig c = test_config();
    c.half_open_limit = 1;
    b.restart(timers, c);
    initiate();
    initiate();   // a second IKE SA to the same peer, still connecting
    ASSERT_EQ(wire.size(), 2u);
    deliver();
    deliver();
    EXPECT_EQ(b.engine->half_open(), 1u);
    EXPECT_EQ(b.drops(DropReason::half_open_limit), 1u);
    // The half-open SA expires.
    drop_all();
    advance(std::chrono::seconds(31));
    EXPECT_EQ(b.engine->half_open(), 0u);
}

TEST_F(Failures, UnknownPeerIsDropped) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    b.provider.peer = nullptr;
    initiate();
    deliver();
    EXPECT_EQ(b.drops(DropReason::no_policy), 1u);
    EXPECT_TRUE(wire.empty());
}

}  // namespace
}  // namespace tandem::ike::test
