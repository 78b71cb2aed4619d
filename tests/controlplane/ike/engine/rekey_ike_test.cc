// IKE SA rekey (RFC 7296 1.3.2, 2.18): CHILD SAs move to the new IKE SA without events, the old
// IKE SA is deleted, and the new one carries on (CHILD rekey, Delete); timer-driven rekey with
// jitter, hard expiry, and a lost response.
#include <algorithm>

#include "tests/controlplane/ike/engine/harness.h"

namespace tandem::ike::test {
namespace {

class RekeyIke : public Pair {
protected:
    static IkeSaSnapshot only(const Side& s) {
        auto snap = s.engine->snapshot();
        EXPECT_EQ(snap.size(), 1u);
        return snap.empty() ? IkeSaSnapshot{} : snap[0];
    }
    // Both sides hold one IKE SA with the same SPIs and one CHILD SA, the original pair.
    void expect_converged(uint32_t a_in, uint32_t b_in) {
        auto sa = only(a), sb = only(b);
        EXPECT_EQ(sa.spi_i, sb.spi_i);
        EXPECT_EQ(sa.spi_r, sb.spi_r);
        EXPECT_EQ(sa.state, IkeState::established);
        EXPECT_EQ(sb.state, IkeState::established);
        ASSERT_EQ(sa.children.size(), 1u);
        ASSERT_EQ(sb.children.size(), 1u);
        EXPECT_EQ(sa.children[0].inbound_spi, a_in);
        EXPECT_EQ(sa.children[0].outbound_spi, b_in);
        EXPECT_EQ(sb.children[0].inbound_spi, b_in);
        EXPECT_EQ(sa.children[0].id, a.up[0].child_id);
        EXPECT_EQ(sb.children[0].id, b.up[0].child_id);
    }
    void expect_no_child_events() {
        EXPECT_EQ(a.up.size(), 1u);
        EXPECT_EQ(b.up.size(), 1u);
        EXPECT_TRUE(a.down.empty());
        EXPECT_TRUE(b.down.empty());
        EXPECT_EQ(a.inbound.size(), 1u);
        EXPECT_EQ(b.outbound.size(), 1u);
    }
};

TEST_F(RekeyIke, InitiatorRekeysChildSurvivesOldDeleted) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    establish();
    const auto old = only(a);
    const uint32_t a_in = a.up[0].inbound.spi, b_in = b.up[0].inbound.spi;
    ASSERT_TRUE(a.engine->rekey_ike(old.id));
    EXPECT_FALSE(a.engine->rekey_ike(old.id));   // one at a time
    /* CREATE_CHILD_SA SK { SA(IKE, SPIi'), Ni, KEi } --> (on the old IKE SA) */
    ASSERT_EQ(wire.size(), 1u);
    Message m = peek();
    EXPECT_EQ(m.header.exchange, ExchangeType::create_child_sa);
    EXPECT_EQ(m.header.spi_i, old.spi_i);
    EXPECT_EQ(m.header.message_id, 2u);
    deliver();
    /* <-- CREATE_CHILD_SA SK { SA(IKE, SPIr'), Nr, KEr } */
    ASSERT_EQ(b.engine->ike_sa_count(), 2u);   // B: the new IKE SA is up, the old one waits for the Delete
    deliver();
    /* INFORMATIONAL SK { D(IKE) } --> (on the old IKE SA) */
    ASSERT_EQ(wire.size(), 1u);
    m = peek();
    EXPECT_EQ(m.header.exchange, ExchangeType::informational);
    EXPECT_EQ(m.header.spi_i, old.spi_i);
    deliver();
    /* <-- INFORMATIONAL SK { } */
    deliver();
    EXPECT_TRUE(wire.empty());
    expect_converged(a_in, b_in);
    expect_no_child_events();
    auto fresh = only(a);
    EXPECT_NE(fresh.spi_i, old.spi_i);
    EXPECT_NE(fresh.spi_r, old.spi_r);
    EXPECT_NE(fresh.id, old.id);
    EXPECT_EQ(fresh.role, Role::initiator);
    EXPECT_EQ(only(b).role, Role::responder);
    ASSERT_EQ(a.ike_up.size(), 2u);
    ASSERT_EQ(a.ike_down.size(), 1u);
    EXPECT_EQ(a.ike_down[0].reason, DownReason::replaced);
    EXPECT_EQ(a.ike_down[0].ike_sa_id, old.id);
    ASSERT_EQ(b.ike_down.size(), 1u);
    EXPECT_EQ(b.ike_down[0].reason, DownReason::replaced);

    // The new IKE SA carries on, its message IDs from 0: a CHILD rekey ...
    const uint32_t child = a.up[0].child_id;
    a.engine->note_traffic(child);
    ASSERT_TRUE(a.engine->rekey_child(child));
    /* CREATE_CHILD_SA SK { N(REKEY_SA), SA, Ni, TSi, TSr } --> (new IKE SA, ID 0) */
    m = peek();
    EXPECT_EQ(m.header.spi_i, fresh.spi_i);
    EXPECT_EQ(m.header.message_id, 0u);
    deliver_all();
    ASSERT_EQ(a.up.size(), 2u);
    ASSERT_EQ(b.up.size(), 2u);
    expect_same_sa(a.up[1].outbound, b.up[1].inbound);
    expect_same_sa(b.up[1].outbound, a.up[1].inbound);
    EXPECT_EQ(a.up[1].ike_sa_id, fresh.id);
    ASSERT_EQ(a.down.size(), 1u);
    EXPECT_EQ(a.down[0].inbound.spi, a_in);
    EXPECT_EQ(a.down[0].reason, DownReason::replaced);
    // ... and a Delete of the IKE SA.
    ASSERT_TRUE(a.engine->delete_ike(fresh.id));
    deliver_all();
    EXPECT_EQ(a.engine->ike_sa_count(), 0u);
    EXPECT_EQ(b.engine->ike_sa_count(), 0u);
    EXPECT_EQ(a.down.size(), 2u);
    EXPECT_EQ(b.down.size(), 2u);
}

TEST_F(RekeyIke, ResponderRekeysAndBecomesInitiatorOfTheNewSa) {
    configure({cbc_modp2048()}, {cbc_modp2048()});
    establish();
    const uint32_t a_in = a.up[0].inbound.spi, b_in = b.up[0].inbound.spi;
    ASSERT_TRUE(b.engine->rekey_ike(only(b).id));
    /* <-- CREATE_CHILD_SA SK { SA(IKE, SPIi'), Ni, KEi } */
    EXPECT_FALSE(peek().header.initiator());   // B is the old SA's responder
    deliver();
    /* CREATE_CHILD_SA SK { SA(IKE, SPIr'), Nr, KEr } --> */
    deliver();
    /* <-- INFORMATIONAL SK { D(IKE) } */
    deliver_all();
    expect_converged(a_in, b_in);
    expect_no_child_events();
    EXPECT_EQ(only(b).role, Role::initiator);
    EXPECT_EQ(only(a).role, Role::responder);
    // A Delete of the CHILD SA on the new IKE SA, from A.
    ASSERT_TRUE(a.engine->delete_child(a.up[0].child_id));
    deliver_all();
    ASSERT_EQ(a.down.size(), 1u);
    ASSERT_EQ(b.down.size(), 1u);
    EXPECT_EQ(b.down[0].reason, DownReason::deleted_by_peer);
    EXPECT_TRUE(established());
}

TEST_F(RekeyIke, NatTraversalKeptOnTheNewSa) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    nat = true;
    establish();
    const uint32_t a_in = a.up[0].inbound.spi, b_in = b.up[0].inbound.spi;
    ASSERT_TRUE(a.engine->rekey_ike(only(a).id));
    deliver_all();
    expect_converged(a_in, b_in);
    EXPECT_TRUE(only(a).natt);
    EXPECT_EQ(only(a).local.port, kNattPort);
    ASSERT_TRUE(a.engine->rekey_child(a.up[0].child_id));
    deliver_all();
    EXPECT_EQ(a.up.size(), 2u);
    EXPECT_EQ(b.up.size(), 2u);
}

TEST_F(RekeyIke, TimerRekeysWithinJitterBoundsOnTheInitiatorOnly) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    pa->ike_lifetime_seconds = 1000;
    pb->ike_lifetime_seconds = 1000;
    establish();
    const uint32_t a_in = a.up[0].inbound.spi, b_in = b.up[0].inbound.spi;
    const auto old = only(a);
    advance(std::chrono::seconds(849));
    EXPECT_TRUE(wire.empty());
    int at = 849;
    while (wire.empty() && at < 1000) {
        advance(std::chrono::seconds(1));
        ++at;
    }
    EXPECT_GE(at, 850);
    EXPECT_LE(at, 950);
    ASSERT_FALSE(wire.empty());
    /* CREATE_CHILD_SA SK { SA(IKE, SPIi'), Ni, KEi } --> from A, the IKE SA's initiator */
    EXPECT_EQ(wire.front().from, 0);
    EXPECT_EQ(peek().header.exchange, ExchangeType::create_child_sa);
    deliver_all();
    expect_converged(a_in, b_in);
    EXPECT_NE(only(a).spi_i, old.spi_i);
    // The old SA's hard lifetime does not touch the new one; the new one is rekeyed again by A,
    // within the bounds counted from its own creation.
    int age = 0;
    while (a.ike_down.size() < 2 && age < 1000) {
        advance(std::chrono::seconds(1));
        deliver_all();
        ++age;
    }
    EXPECT_GE(age, 850);
    EXPECT_LE(age, 951);
    expect_converged(a_in, b_in);
    EXPECT_EQ(a.ike_down.size(), 2u);
    expect_no_child_events();
    for (const auto& d : a.ike_down) EXPECT_EQ(d.reason, DownReason::replaced);
}

TEST_F(RekeyIke, HardExpiryDeletesAnIkeSaNotRekeyed) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    pa->ike_lifetime_seconds = 0;    // A (initiator) never rekeys
    pb->ike_lifetime_seconds = 100;  // B is only the responder: it deletes at 100 %
    establish();
    advance(std::chrono::seconds(99));
    EXPECT_TRUE(wire.empty());
    advance(std::chrono::seconds(1));
    /* <-- INFORMATIONAL SK { D(IKE) } */
    ASSERT_EQ(wire.size(), 1u);
    deliver_all();
    EXPECT_EQ(a.engine->ike_sa_count(), 0u);
    EXPECT_EQ(b.engine->ike_sa_count(), 0u);
    ASSERT_EQ(b.ike_down.size(), 1u);
    EXPECT_EQ(b.ike_down[0].reason, DownReason::expired);
    ASSERT_EQ(b.down.size(), 1u);
    EXPECT_EQ(b.down[0].reason, DownReason::expired);
    ASSERT_EQ(a.ike_down.size(), 1u);
    EXPECT_EQ(a.ike_down[0].reason, DownReason::deleted_by_peer);
}

TEST_F(RekeyIke, LostResponseIsRetransmittedAndConverges) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    establish();
    const uint32_t a_in = a.up[0].inbound.spi, b_in = b.up[0].inbound.spi;
    ASSERT_TRUE(a.engine->rekey_ike(only(a).id));
    /* CREATE_CHILD_SA SK { SA(IKE, SPIi'), Ni, KEi } --> (lost) */
    drop();
    advance(std::chrono::seconds(1));
    /* CREATE_CHILD_SA SK { SA(IKE, SPIi'), Ni, KEi } --> (retransmitted) */
    deliver();
    /* <-- CREATE_CHILD_SA SK { SA(IKE, SPIr'), Nr, KEr } (lost) */
    drop();
    EXPECT_EQ(b.engine->ike_sa_count(), 2u);
    advance(std::chrono::seconds(2));
    /* CREATE_CHILD_SA ... --> (retransmitted again): B answers from its response cache */
    const uint64_t resent = b.engine->responses_resent();
    deliver();
    EXPECT_EQ(b.engine->responses_resent(), resent + 1);
    EXPECT_EQ(b.engine->ike_sa_count(), 2u);   // no second successor
    deliver_all();
    expect_converged(a_in, b_in);
    expect_no_child_events();
    EXPECT_GE(a.engine->retransmissions(), 2u);
}

TEST_F(RekeyIke, RefusedRekeyLeavesTheIkeSaAndRetries) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    pa->ike_lifetime_seconds = 1000;
    establish();
    // B no longer accepts A's IKE proposal: the rekey gets NO_PROPOSAL_CHOSEN.
    pb->ike = {cbc_modp2048()};
    ASSERT_TRUE(a.engine->rekey_ike(only(a).id));
    deliver_all();
    EXPECT_TRUE(established());
    EXPECT_TRUE(a.ike_down.empty());
    pb->ike = {gcm_ecp256()};
    advance(std::chrono::seconds(20));   // 1-2 x EngineConfig::rekey_retry
    deliver_all();
    EXPECT_EQ(a.ike_down.size(), 1u);
    EXPECT_TRUE(established());
    expect_no_child_events();
}

}  // namespace
}  // namespace tandem::ike::test
