// CREATE_CHILD_SA: a second CHILD SA on an established IKE SA, with and without PFS.
#include "tests/controlplane/ike/engine/harness.h"

namespace tandem::ike::test {
namespace {

class CreateChild : public Pair {
protected:
    void add_second_child(std::optional<DhGroup> pfs) {
        auto ca = child_policy("10.1.0.0/16", "10.3.0.0/16", 17);
        ca.pfs_group = pfs;
        pa->children.push_back(ca);
        auto cb = child_policy("10.3.0.0/16", "10.1.0.0/16", 19);
        cb.pfs_group = pfs;
        pb->children.push_back(cb);
    }
};

TEST_F(CreateChild, SecondChildWithPfs) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    add_second_child(DhGroup::ecp_256);
    establish();
    ASSERT_TRUE(a.engine->initiate(pa, pa->children[1]).ok());
    /* CREATE_CHILD_SA SK { SA, Ni, KEi, TSi, TSr } --> */
    ASSERT_EQ(wire.size(), 1u);
    EXPECT_EQ(peek().header.exchange, ExchangeType::create_child_sa);
    EXPECT_EQ(peek().header.message_id, 2u);
    deliver();
    /* <-- CREATE_CHILD_SA SK { SA, Nr, KEr, TSi, TSr } */
    deliver();
    ASSERT_EQ(a.up.size(), 2u);
    ASSERT_EQ(b.up.size(), 2u);
    EXPECT_EQ(a.up[1].tag, 17u);
    EXPECT_EQ(b.up[1].tag, 19u);
    expect_same_sa(a.up[1].outbound, b.up[1].inbound);
    expect_same_sa(b.up[1].outbound, a.up[1].inbound);
    EXPECT_NE(a.up[1].outbound.cipher_key, a.up[0].outbound.cipher_key);
    EXPECT_EQ(a.engine->snapshot()[0].children.size(), 2u);
    EXPECT_EQ(a.engine->ike_sa_count(), 1u);
}

TEST_F(CreateChild, SecondChildWithoutPfsFromResponder) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    add_second_child(std::nullopt);
    establish();
    pb->remote = kAddrA;   // B may initiate towards A now
    ASSERT_TRUE(b.engine->initiate(pb, pb->children[1]).ok());
    deliver_all();
    ASSERT_EQ(a.up.size(), 2u);
    ASSERT_EQ(b.up.size(), 2u);
    expect_same_sa(b.up[1].outbound, a.up[1].inbound);
}

TEST_F(CreateChild, PfsGroupMismatchIsRefused) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    add_second_child(DhGroup::ecp_256);
    pb->children[1].pfs_group = DhGroup::modp_2048;
    establish();
    ASSERT_TRUE(a.engine->initiate(pa, pa->children[1]).ok());
    deliver_all();
    /* <-- CREATE_CHILD_SA SK { N(NO_PROPOSAL_CHOSEN) } */
    EXPECT_EQ(a.up.size(), 1u);
    ASSERT_EQ(a.failed.size(), 1u);
    EXPECT_EQ(a.failed[0].notify, NotifyType::no_proposal_chosen);
    EXPECT_TRUE(established());
}

TEST_F(CreateChild, SecondChildForTheSamePolicy) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    establish();
    // An ACQUIRE for a policy that already has a CHILD SA: a parallel one (new SPIs).
    ASSERT_TRUE(a.engine->initiate(pa, pa->children[0]).ok());
    deliver_all();
    ASSERT_EQ(a.up.size(), 2u);
    EXPECT_NE(a.up[1].inbound.spi, a.up[0].inbound.spi);
}

}  // namespace
}  // namespace tandem::ike::test

namespace tandem::ike::test {
namespace {

class RekeyChild : public Pair {};

TEST_F(RekeyChild, MakeBeforeBreakThenOldPairDeleted) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    pa->children[0].pfs_group = DhGroup::ecp_256;
    pb->children[0].pfs_group = DhGroup::ecp_256;
    establish();
    const uint32_t old_a_in = a.up[0].inbound.spi, old_b_in = b.up[0].inbound.spi;
    journal.clear();
    ASSERT_TRUE(a.engine->rekey_child(a.up[0].child_id));
    /* CREATE_CHILD_SA SK { N(REKEY_SA), SA, Ni, KEi, TSi, TSr } --> */
    Message m = peek();
    EXPECT_EQ(m.header.exchange, ExchangeType::create_child_sa);
    deliver();
    /* <-- CREATE_CHILD_SA SK { SA, Nr, KEr, TSi, TSr } */
    // B: new inbound installed before its response went out; the old pair is still there.
    ASSERT_EQ(b.inbound.size(), 2u);
    EXPECT_TRUE(b.down.empty());
    EXPECT_EQ(b.engine->snapshot()[0].children.size(), 2u);
    deliver();
    ASSERT_EQ(a.up.size(), 2u);
    ASSERT_EQ(b.up.size(), 2u);
    expect_same_sa(a.up[1].outbound, b.up[1].inbound);
    expect_same_sa(b.up[1].outbound, a.up[1].inbound);
    EXPECT_NE(a.up[1].inbound.spi, old_a_in);
    EXPECT_EQ(a.up[1].local_ts, a.up[0].local_ts);
    EXPECT_TRUE(a.down.empty());
    /* INFORMATIONAL SK { D(ESP, old A inbound SPI) } --> */
    ASSERT_EQ(wire.size(), 1u);
    EXPECT_EQ(peek().header.exchange, ExchangeType::informational);
    deliver();
    /* <-- INFORMATIONAL SK { D(ESP, old B inbound SPI) } */
    deliver();
    ASSERT_EQ(a.down.size(), 1u);
    ASSERT_EQ(b.down.size(), 1u);
    EXPECT_EQ(a.down[0].inbound.spi, old_a_in);
    EXPECT_EQ(a.down[0].reason, DownReason::replaced);
    EXPECT_EQ(b.down[0].inbound.spi, old_b_in);
    EXPECT_EQ(a.engine->snapshot()[0].children.size(), 1u);
    EXPECT_EQ(b.engine->snapshot()[0].children.size(), 1u);
    // Responder order: install new inbound, send response, install new outbound, child_up, and
    // only later the old pair goes.
    auto pos = [&](const std::string& s) { return std::find(journal.begin(), journal.end(), s) - journal.begin(); };
    auto first_b_send = std::find_if(journal.begin(), journal.end(), [](const std::string& l) {
                            return l.rfind("B send", 0) == 0;
                        }) - journal.begin();
    EXPECT_LT(pos("B install_inbound " + std::to_string(b.up[1].inbound.spi)), first_b_send);
    EXPECT_GT(pos("B install_outbound " + std::to_string(b.up[1].outbound.spi)), first_b_send);
    EXPECT_LT(pos("B child_up"), pos("B child_down"));
}

TEST_F(RekeyChild, SoftLifetimeRekeysAutomatically) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    pa->children[0].lifetime_seconds = 100;
    pb->children[0].lifetime_seconds = 100;
    establish();
    advance(std::chrono::seconds(90));   // A (IKE initiator) at 90 %
    deliver_all();
    EXPECT_EQ(a.up.size(), 2u);
    EXPECT_EQ(a.down.size(), 1u);
    advance(std::chrono::seconds(8));    // B's 95 % timer belonged to the old, deleted pair
    deliver_all();
    EXPECT_EQ(b.up.size(), 2u);
    EXPECT_EQ(a.engine->snapshot()[0].children.size(), 1u);
}

TEST_F(RekeyChild, RekeyOfAChildBeingDeletedIsTemporaryFailure) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    establish();
    // B is deleting the CHILD SA (its Delete still on the way) when A's rekey arrives.
    ASSERT_TRUE(b.engine->delete_child(b.up[0].child_id));
    Datagram b_delete = wire.front();
    drop();
    ASSERT_TRUE(a.engine->rekey_child(a.up[0].child_id));
    deliver();
    /* <-- CREATE_CHILD_SA SK { N(TEMPORARY_FAILURE) } (RFC 7296 2.25.1) */
    deliver();
    ASSERT_EQ(a.failed.size(), 1u);
    EXPECT_EQ(a.failed[0].notify, NotifyType::temporary_failure);
    EXPECT_EQ(a.up.size(), 1u);
    // B's Delete arrives after all: both sides end without the CHILD SA.
    wire.push_back(b_delete);
    deliver_all();
    EXPECT_EQ(a.down.size(), 1u);
    EXPECT_EQ(b.down.size(), 1u);
}

}  // namespace
}  // namespace tandem::ike::test
