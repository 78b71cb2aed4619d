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
