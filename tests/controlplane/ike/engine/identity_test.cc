// Authenticated input checked: IDi/IDr against the peer policy's address (AUTHENTICATION_FAILED
// on a mismatch), and a malformed request behind a valid ICV answered with INVALID_SYNTAX (RFC
// 7296 2.21, 3.10.1).
#include "tests/controlplane/ike/engine/harness.h"

namespace tandem::ike::test {
namespace {

class Identity : public Pair {};

TEST_F(Identity, ResponderRefusesAnIdThatIsNotThePeersAddress) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    pb->remote = Ipv4Address{192, 0, 2, 50};   // B's policy names another address than A's
    initiate();
    deliver();
    deliver();
    /* IKE_AUTH SK { IDi(192.0.2.1), AUTH, SA, TSi, TSr } --> */
    deliver();
    /* <-- IKE_AUTH SK { N(AUTHENTICATION_FAILED) } */
    deliver_all();
    EXPECT_EQ(b.drops(DropReason::auth_failed), 1u);
    EXPECT_EQ(a.engine->ike_sa_count(), 0u);
    EXPECT_EQ(b.engine->ike_sa_count(), 0u);
    EXPECT_TRUE(a.up.empty());
    EXPECT_TRUE(b.up.empty());
}

TEST_F(Identity, InitiatorRefusesAnIdrThatIsNotThePeersAddress) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    pb->local = Ipv4Address{198, 51, 100, 77};   // B identifies itself with another address
    initiate();
    deliver_all();
    EXPECT_EQ(a.drops(DropReason::auth_failed), 1u);
    EXPECT_EQ(a.engine->ike_sa_count(), 0u);
    EXPECT_TRUE(a.up.empty());
}

TEST_F(Identity, MalformedAuthenticatedRequestGetsInvalidSyntax) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    establish();
    // A selector with its port range upside down: it parses, but fails B's verify().
    ChildPolicy bad = pa->children[0];
    bad.local_ts.protocol = 6;
    bad.local_ts.port_lo = 100;
    bad.local_ts.port_hi = 50;
    ASSERT_TRUE(a.engine->initiate(pa, bad).ok());
    /* CREATE_CHILD_SA SK { SA, Ni, TSi(ports 100-50), TSr } --> */
    deliver();
    EXPECT_EQ(b.drops(DropReason::decrypted_malformed), 1u);
    /* <-- CREATE_CHILD_SA SK { N(INVALID_SYNTAX) } */
    ASSERT_EQ(wire.size(), 1u);
    deliver();
    ASSERT_EQ(a.failed.size(), 1u);
    EXPECT_EQ(a.failed[0].notify, NotifyType::invalid_syntax);
    EXPECT_TRUE(established());
    // The message IDs moved on in step: the next exchange works.
    ASSERT_TRUE(a.engine->initiate(pa, pa->children[0]).ok());
    deliver_all();
    EXPECT_EQ(a.up.size(), 2u);
    EXPECT_EQ(b.up.size(), 2u);
}

}  // namespace
}  // namespace tandem::ike::test
