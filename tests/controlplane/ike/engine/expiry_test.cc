// The daemon's lifetime and liveness knobs: on_sa_expire() for the dataplane's byte/packet
// lifetimes, and PeerPolicy::dpd_retries.
#include "tests/controlplane/ike/engine/harness.h"

namespace tandem::ike::test {
namespace {

class Expiry : public Pair {};

TEST_F(Expiry, SoftExpiryRekeysTheChildOnce) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    establish();
    const uint32_t child = a.up[0].child_id, old_in = a.up[0].inbound.spi;
    ASSERT_TRUE(a.engine->on_sa_expire(child, SaExpiry::soft));
    /* CREATE_CHILD_SA SK { N(REKEY_SA), SA, Ni, TSi, TSr } --> */
    ASSERT_EQ(wire.size(), 1u);
    EXPECT_EQ(peek().header.exchange, ExchangeType::create_child_sa);
    // The other direction's soft event (or a repeat) while the rekey runs: nothing more.
    EXPECT_TRUE(a.engine->on_sa_expire(child, SaExpiry::soft));
    EXPECT_FALSE(a.engine->rekey_child(child));
    deliver_all();
    ASSERT_EQ(a.up.size(), 2u);
    ASSERT_EQ(a.down.size(), 1u);
    EXPECT_EQ(a.down[0].inbound.spi, old_in);
    EXPECT_EQ(a.down[0].reason, DownReason::replaced);
    EXPECT_EQ(a.engine->snapshot()[0].children.size(), 1u);
    EXPECT_FALSE(a.engine->on_sa_expire(child, SaExpiry::soft));   // gone
}

TEST_F(Expiry, HardExpiryDeletesTheChild) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    establish();
    ASSERT_TRUE(b.engine->on_sa_expire(b.up[0].child_id, SaExpiry::hard));
    EXPECT_TRUE(b.engine->on_sa_expire(b.up[0].child_id, SaExpiry::hard));   // once only
    /* <-- INFORMATIONAL SK { D(ESP, B's inbound SPI) } */
    ASSERT_EQ(wire.size(), 1u);
    deliver_all();
    ASSERT_EQ(b.down.size(), 1u);
    EXPECT_EQ(b.down[0].reason, DownReason::expired);
    ASSERT_EQ(a.down.size(), 1u);
    EXPECT_EQ(a.down[0].reason, DownReason::deleted_by_peer);
    EXPECT_TRUE(established());
    EXPECT_FALSE(a.engine->on_sa_expire(a.up[0].child_id, SaExpiry::hard));
}

TEST_F(Expiry, DpdRetriesFromThePeerPolicy) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    pa->dpd_interval = std::chrono::seconds(10);
    pa->dpd_retries = 1;   // the engine-wide count is 3 (test_config)
    establish();
    size_t sent = 0;
    advance(std::chrono::seconds(10));
    /* INFORMATIONAL SK { } --> (lost) */
    sent += wire.size();
    drop_all();
    advance(std::chrono::seconds(1));
    /* INFORMATIONAL SK { } --> (retransmission 1, lost) */
    sent += wire.size();
    drop_all();
    EXPECT_TRUE(a.ike_down.empty());
    advance(std::chrono::seconds(2));
    EXPECT_TRUE(wire.empty());
    EXPECT_EQ(sent, 2u);
    ASSERT_EQ(a.ike_down.size(), 1u);
    EXPECT_EQ(a.ike_down[0].reason, DownReason::peer_dead);
}

TEST_F(Expiry, OtherRequestsKeepTheEngineRetryCount) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    pa->dpd_retries = 0;
    establish();
    ASSERT_TRUE(a.engine->rekey_child(a.up[0].child_id));
    drop_all();
    advance(std::chrono::seconds(1));   // retransmission 1
    drop_all();
    advance(std::chrono::seconds(2));   // retransmission 2
    drop_all();
    EXPECT_TRUE(a.ike_down.empty());
    advance(std::chrono::seconds(4));   // 3
    drop_all();
    advance(std::chrono::seconds(8));
    ASSERT_EQ(a.ike_down.size(), 1u);
}

}  // namespace
}  // namespace tandem::ike::test
