// INFORMATIONAL: Delete of CHILD and IKE SAs both ways, DPD, INITIAL_CONTACT.
#include "tests/controlplane/ike/engine/harness.h"

namespace tandem::ike::test {
namespace {

class Informational : public Pair {};

TEST_F(Informational, DeleteChildFromInitiator) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    establish();
    ASSERT_TRUE(a.engine->delete_child(a.up[0].child_id));
    /* INFORMATIONAL SK { D(ESP, A's inbound SPI) } --> */
    ASSERT_EQ(wire.size(), 1u);
    EXPECT_EQ(peek().header.exchange, ExchangeType::informational);
    deliver();
    /* <-- INFORMATIONAL SK { D(ESP, B's inbound SPI) } */
    ASSERT_EQ(b.down.size(), 1u);
    EXPECT_EQ(b.down[0].inbound.spi, b.up[0].inbound.spi);
    EXPECT_EQ(b.down[0].reason, DownReason::deleted_by_peer);
    deliver();
    ASSERT_EQ(a.down.size(), 1u);
    EXPECT_EQ(a.down[0].reason, DownReason::deleted_locally);
    EXPECT_TRUE(a.engine->snapshot()[0].children.empty());
    EXPECT_TRUE(b.engine->snapshot()[0].children.empty());
    EXPECT_TRUE(established());
}

TEST_F(Informational, DeleteChildFromResponder) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    establish();
    ASSERT_TRUE(b.engine->delete_child(b.up[0].child_id));
    /* <-- INFORMATIONAL SK { D(ESP, B's inbound SPI) }   (B's first request: message ID 0) */
    EXPECT_EQ(peek().header.message_id, 0u);
    EXPECT_FALSE(peek().header.initiator());
    deliver();
    deliver();
    EXPECT_EQ(a.down.size(), 1u);
    EXPECT_EQ(b.down.size(), 1u);
    EXPECT_TRUE(established());
}

TEST_F(Informational, SimultaneousChildDelete) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    establish();
    ASSERT_TRUE(a.engine->delete_child(a.up[0].child_id));
    ASSERT_TRUE(b.engine->delete_child(b.up[0].child_id));
    deliver_all();
    EXPECT_EQ(a.down.size(), 1u);
    EXPECT_EQ(b.down.size(), 1u);
    EXPECT_EQ(a.engine->drops().total() + b.engine->drops().total(), 0u);
    EXPECT_TRUE(established());
}

TEST_F(Informational, DeleteIkeFromInitiator) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    establish();
    ASSERT_TRUE(a.engine->delete_ike(a.ike_up[0].ike_sa_id));
    /* INFORMATIONAL SK { D(IKE) } --> */
    deliver();
    EXPECT_EQ(b.engine->ike_sa_count(), 0u);
    ASSERT_EQ(b.ike_down.size(), 1u);
    EXPECT_EQ(b.ike_down[0].reason, DownReason::deleted_by_peer);
    EXPECT_EQ(b.down.size(), 1u);
    /* <-- INFORMATIONAL SK { } */
    deliver();
    EXPECT_EQ(a.engine->ike_sa_count(), 0u);
    ASSERT_EQ(a.ike_down.size(), 1u);
    EXPECT_EQ(a.down.size(), 1u);
    // Children are reported down before their IKE SA.
    auto child_down = std::find(journal.begin(), journal.end(), "A child_down");
    auto ike_down = std::find(journal.begin(), journal.end(), "A ike_down");
    EXPECT_LT(child_down, ike_down);
}

TEST_F(Informational, DeleteIkeFromResponder) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    establish();
    ASSERT_TRUE(b.engine->delete_ike(b.ike_up[0].ike_sa_id));
    deliver_all();
    EXPECT_EQ(a.engine->ike_sa_count(), 0u);
    EXPECT_EQ(b.engine->ike_sa_count(), 0u);
    EXPECT_EQ(a.ike_down.size(), 1u);
    EXPECT_EQ(b.ike_down.size(), 1u);
}

// HSRP leaving Active: the SA goes at once on this side, one unretransmitted Delete tells the
// peer, and its answer (to an address we no longer hold) is not needed.
TEST_F(Informational, AbandonIkeTearsDownAtOnceAndTellsThePeer) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    establish();
    ASSERT_TRUE(b.engine->abandon_ike(b.ike_up[0].ike_sa_id, true));
    EXPECT_EQ(b.engine->ike_sa_count(), 0u);
    ASSERT_EQ(b.ike_down.size(), 1u);
    EXPECT_EQ(b.ike_down[0].reason, DownReason::relinquished);
    EXPECT_EQ(b.down.size(), 1u);
    /* INFORMATIONAL SK { D(IKE) } --> (nobody answers it) */
    ASSERT_EQ(wire.size(), 1u);
    deliver();
    EXPECT_EQ(a.engine->ike_sa_count(), 0u);
    ASSERT_EQ(a.ike_down.size(), 1u);
    EXPECT_EQ(a.ike_down[0].reason, DownReason::deleted_by_peer);
    // A's empty answer reaches an engine that no longer knows the SA; nothing is retransmitted.
    drop_all();
    advance(std::chrono::seconds(60));
    EXPECT_TRUE(wire.empty());
    EXPECT_FALSE(b.engine->abandon_ike(b.ike_up[0].ike_sa_id, true));
}

TEST_F(Informational, AbandonIkeSilently) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    establish();
    ASSERT_TRUE(a.engine->abandon_ike(a.ike_up[0].ike_sa_id, false));
    EXPECT_EQ(a.engine->ike_sa_count(), 0u);
    EXPECT_EQ(a.down.size(), 1u);
    EXPECT_TRUE(wire.empty());
    EXPECT_EQ(b.engine->ike_sa_count(), 1u);
}

TEST_F(Informational, DpdProbesOnlyWhenQuiet) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    pa->dpd_interval = std::chrono::seconds(10);
    establish();
    // ESP traffic seen: no probe.
    advance(std::chrono::seconds(6));
    a.engine->note_traffic(a.up[0].child_id);
    advance(std::chrono::seconds(6));
    EXPECT_TRUE(wire.empty());
    // Quiet for the interval: an empty INFORMATIONAL.
    advance(std::chrono::seconds(5));
    /* INFORMATIONAL SK { } --> */
    ASSERT_EQ(wire.size(), 1u);
    EXPECT_EQ(peek().header.exchange, ExchangeType::informational);
    deliver();
    /* <-- INFORMATIONAL SK { } */
    deliver();
    EXPECT_TRUE(established());
    EXPECT_TRUE(a.down.empty());
}

TEST_F(Informational, DpdDeclaresPeerDead) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    pa->dpd_interval = std::chrono::seconds(10);
    pa->dpd_retries = 3;   // DPD retransmits PeerPolicy::dpd_retries times (default 5)
    establish();
    for (int i = 0; i < 6; ++i) {
        advance(std::chrono::seconds(10));
        drop_all();   // B is gone
    }
    EXPECT_EQ(a.engine->ike_sa_count(), 0u);
    ASSERT_EQ(a.ike_down.size(), 1u);
    EXPECT_EQ(a.ike_down[0].reason, DownReason::peer_dead);
    ASSERT_EQ(a.down.size(), 1u);
    EXPECT_EQ(a.down[0].reason, DownReason::peer_dead);
}

TEST_F(Informational, InitialContactReplacesOldIkeSa) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    establish();
    // A reboots without telling B, then connects again with INITIAL_CONTACT.
    a.restart(timers, test_config());
    initiate();
    deliver();
    deliver();
    /* IKE_AUTH SK { IDi, AUTH, N(INITIAL_CONTACT), SA, TSi, TSr } --> */
    deliver();
    ASSERT_EQ(b.ike_down.size(), 1u);
    EXPECT_EQ(b.ike_down[0].reason, DownReason::replaced);
    EXPECT_EQ(b.down.size(), 1u);
    deliver();
    EXPECT_EQ(b.engine->ike_sa_count(), 1u);
    EXPECT_EQ(b.up.size(), 2u);
    EXPECT_EQ(a.up.size(), 2u);
}

TEST_F(Informational, SecondIkeSaToSamePeerHasNoInitialContact) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    establish();
    // A second, separate IKE SA (another peer policy name) to the same peer.
    auto p2 = peer_policy("to-b-2", kAddrA, kAddrB, "s3cret", {gcm_ecp256()});
    p2->children = pa->children;
    ASSERT_TRUE(a.engine->initiate(p2, p2->children[0]).ok());
    deliver();
    deliver();
    deliver();
    deliver();
    EXPECT_TRUE(b.ike_down.empty());
    EXPECT_EQ(b.engine->ike_sa_count(), 2u);
}

TEST_F(Informational, OutboundInstallFailureDeletesTheChild) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    b.accept_outbound = false;
    initiate();
    deliver_all();
    EXPECT_TRUE(established());
    EXPECT_TRUE(b.up.empty());
    // B told A with a Delete: both sides dropped the CHILD SA.
    EXPECT_EQ(a.down.size(), 1u);
    EXPECT_EQ(b.down.size(), 1u);
    EXPECT_TRUE(a.engine->snapshot()[0].children.empty());
    EXPECT_TRUE(b.engine->snapshot()[0].children.empty());
}

}  // namespace
}  // namespace tandem::ike::test
