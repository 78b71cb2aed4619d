// Simultaneous rekeys (RFC 7296 2.8.1 for a CHILD SA, 2.8.2 for the IKE SA): the exchange with
// the lowest of the four nonces loses, the winner's new SA stays, nothing is left duplicated.
#include <algorithm>

#include "tests/controlplane/ike/engine/harness.h"

namespace tandem::ike::test {
namespace {

class Collision : public Pair {
protected:
    int count_logs(const std::string& what) const {
        int n = 0;
        for (const auto* s : {&a, &b}) {
            for (const auto& l : s->logs) n += l.find(what) != std::string::npos ? 1 : 0;
        }
        return n;
    }
    // Both sides have one IKE SA with the same SPIs, one CHILD SA each, and the two CHILD SAs
    // are the two halves of one pair.
    void expect_one_pair() {
        auto sa = a.engine->snapshot(), sb = b.engine->snapshot();
        ASSERT_EQ(sa.size(), 1u);
        ASSERT_EQ(sb.size(), 1u);
        EXPECT_EQ(sa[0].spi_i, sb[0].spi_i);
        EXPECT_EQ(sa[0].spi_r, sb[0].spi_r);
        ASSERT_EQ(sa[0].children.size(), 1u);
        ASSERT_EQ(sb[0].children.size(), 1u);
        EXPECT_EQ(sa[0].children[0].inbound_spi, sb[0].children[0].outbound_spi);
        EXPECT_EQ(sa[0].children[0].outbound_spi, sb[0].children[0].inbound_spi);
        EXPECT_EQ(sa[0].children[0].state, ChildState::up);
        EXPECT_EQ(sb[0].children[0].state, ChildState::up);
    }
};

TEST_F(Collision, BothRekeyTheIkeSaAtOnce) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    establish();
    const uint32_t a_in = a.up[0].inbound.spi, b_in = b.up[0].inbound.spi;
    const uint32_t a_ike = a.engine->snapshot()[0].id, b_ike = b.engine->snapshot()[0].id;
    ASSERT_TRUE(a.engine->rekey_ike(a_ike));
    ASSERT_TRUE(b.engine->rekey_ike(b_ike));
    /* CREATE_CHILD_SA SK { SA(IKE, SPIa'), Na, KEa } -->
       <-- CREATE_CHILD_SA SK { SA(IKE, SPIb'), Nb, KEb }   (both in flight) */
    ASSERT_EQ(wire.size(), 2u);
    deliver();
    deliver();
    /* each answers the other's: two successors exist on each side */
    EXPECT_EQ(a.engine->ike_sa_count(), 2u);
    EXPECT_EQ(b.engine->ike_sa_count(), 2u);
    /* the responses, then INFORMATIONAL { D(IKE) } from the loser on its redundant successor and
       from the winner on the old IKE SA */
    deliver_all();
    EXPECT_TRUE(wire.empty());
    expect_one_pair();
    auto sa = a.engine->snapshot()[0];
    EXPECT_EQ(sa.children[0].inbound_spi, a_in);
    EXPECT_EQ(sa.children[0].outbound_spi, b_in);
    EXPECT_EQ(sa.children[0].id, a.up[0].child_id);
    EXPECT_NE(sa.id, a_ike);
    // No CHILD SA event at all.
    EXPECT_EQ(a.up.size(), 1u);
    EXPECT_EQ(b.up.size(), 1u);
    EXPECT_TRUE(a.down.empty());
    EXPECT_TRUE(b.down.empty());
    // Three IKE SAs up on each side (old, two successors), two gone.
    EXPECT_EQ(a.ike_up.size(), 3u);
    EXPECT_EQ(a.ike_down.size(), 2u);
    EXPECT_EQ(b.ike_down.size(), 2u);
    // Both saw the collision and agree on its winner.
    EXPECT_EQ(count_logs("simultaneous IKE SA rekey, ours wins"), 1);
    EXPECT_EQ(count_logs("simultaneous IKE SA rekey, the peer's wins"), 1);
    // The survivor works: a CHILD rekey on it.
    ASSERT_TRUE(a.engine->rekey_child(a.up[0].child_id));
    deliver_all();
    EXPECT_EQ(a.up.size(), 2u);
    EXPECT_EQ(b.up.size(), 2u);
    expect_one_pair();
}

TEST_F(Collision, IkeRekeyCollisionWhereOneRequestIsLate) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    establish();
    const uint32_t a_in = a.up[0].inbound.spi;
    ASSERT_TRUE(a.engine->rekey_ike(a.engine->snapshot()[0].id));
    ASSERT_TRUE(b.engine->rekey_ike(b.engine->snapshot()[0].id));
    // A's request reaches B and B's answer reaches A before B's request reaches A.
    Datagram b_request = wire.at(1);
    wire.erase(wire.begin() + 1);
    deliver();   /* A's request --> B (B: collision noted) */
    deliver();   /* <-- B's response: A has rekeyed (no collision seen) and deletes the old SA */
    wire.push_front(b_request);
    deliver();   /* B's request --> A, on the replaced SA: N(TEMPORARY_FAILURE) */
    deliver_all();
    expect_one_pair();
    EXPECT_EQ(a.engine->snapshot()[0].children[0].inbound_spi, a_in);
    EXPECT_TRUE(a.down.empty());
    EXPECT_TRUE(b.down.empty());
}

TEST_F(Collision, BothRekeyOneChildAtOnce) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    establish();
    const uint32_t a_old = a.up[0].inbound.spi, b_old = b.up[0].inbound.spi;
    ASSERT_TRUE(a.engine->rekey_child(a.up[0].child_id));
    ASSERT_TRUE(b.engine->rekey_child(b.up[0].child_id));
    /* CREATE_CHILD_SA SK { N(REKEY_SA), SA, Ni, TSi, TSr } -->   (both ways) */
    ASSERT_EQ(wire.size(), 2u);
    deliver();
    deliver();
    /* the responses: each side has three pairs for a moment */
    deliver();
    deliver();
    EXPECT_EQ(a.engine->snapshot()[0].children.size(), 3u);
    /* INFORMATIONAL { D(ESP, old) } from the winner, { D(ESP, redundant) } from the loser */
    deliver_all();
    expect_one_pair();
    auto c = a.engine->snapshot()[0].children[0];
    EXPECT_NE(c.inbound_spi, a_old);
    EXPECT_NE(c.outbound_spi, b_old);
    // Both new pairs came up on both sides; the old one and the redundant one went.
    EXPECT_EQ(a.up.size(), 3u);
    EXPECT_EQ(b.up.size(), 3u);
    EXPECT_EQ(a.down.size(), 2u);
    EXPECT_EQ(b.down.size(), 2u);
    EXPECT_EQ(a.inbound.size(), 3u);
    EXPECT_EQ(count_logs("simultaneous CHILD SA rekey, the peer's wins"), 1);
    // What each side still has installed is the same pair.
    auto installed = [](const Side& s) {
        std::vector<uint32_t> in;
        for (const auto& u : s.up) {
            bool gone = std::any_of(s.down.begin(), s.down.end(), [&](const ChildSaEvent& d) { return d.child_id == u.child_id; });
            if (!gone) in.push_back(u.inbound.spi);
        }
        return in;
    };
    ASSERT_EQ(installed(a).size(), 1u);
    ASSERT_EQ(installed(b).size(), 1u);
    EXPECT_EQ(installed(a)[0], c.inbound_spi);
}

TEST_F(Collision, QueuedChildRekeyIsDroppedWhenThePeerRekeysFirst) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    establish();
    ASSERT_TRUE(b.engine->rekey_child(b.up[0].child_id));
    Datagram b_rekey = wire.front();
    drop();
    // A is busy with another exchange, so its own rekey waits in the queue.
    ASSERT_TRUE(a.engine->initiate(pa, pa->children[0]).ok());   // a CREATE_CHILD_SA in flight
    ASSERT_TRUE(a.engine->rekey_child(a.up[0].child_id));         // queued behind it
    wire.push_front(b_rekey);
    deliver_all();
    // B's rekey replaced the first pair; A's queued rekey of it was dropped.
    auto sa = a.engine->snapshot();
    ASSERT_EQ(sa.size(), 1u);
    EXPECT_EQ(sa[0].children.size(), 2u);   // B's replacement and A's second CHILD SA
    EXPECT_EQ(a.up.size(), 3u);
    EXPECT_EQ(a.down.size(), 1u);
}

}  // namespace
}  // namespace tandem::ike::test

namespace tandem::ike::test {
namespace {

TEST_F(Collision, ChildRekeyDuringIkeRekeyIsRetried) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    establish();
    ASSERT_TRUE(a.engine->rekey_ike(a.engine->snapshot()[0].id));
    ASSERT_TRUE(b.engine->rekey_child(b.up[0].child_id));
    /* CREATE_CHILD_SA SK { SA(IKE), Ni, KEi } -->
       <-- CREATE_CHILD_SA SK { N(REKEY_SA), SA, Ni, TSi, TSr }
       each refuses the other with N(TEMPORARY_FAILURE) (2.25.2) */
    deliver_all();
    ASSERT_EQ(b.failed.size(), 1u);
    EXPECT_EQ(b.failed[0].notify, NotifyType::temporary_failure);
    EXPECT_EQ(b.up.size(), 1u);
    // Both retry after a random 10-20 s (EngineConfig::rekey_retry), not in lock-step.
    for (int i = 0; i < 20; ++i) {
        advance(std::chrono::seconds(1));
        deliver_all();
    }
    EXPECT_EQ(a.ike_down.size(), 1u);   // the IKE SA was rekeyed
    EXPECT_EQ(b.up.size(), 2u);         // and the CHILD SA
    EXPECT_EQ(a.up.size(), 2u);
    expect_one_pair();
}

}  // namespace
}  // namespace tandem::ike::test
