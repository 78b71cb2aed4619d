// Loss, duplication, corruption, truncation and replay: retransmission with back-off, the
// response cache, giving up, and drop counters per reason.
#include "tests/controlplane/ike/engine/harness.h"

namespace tandem::ike::test {
namespace {

class Robustness : public Pair {};

TEST_F(Robustness, LostRequestsAreRetransmitted) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    initiate();
    /* IKE_SA_INIT --> (lost) */
    drop();
    advance(std::chrono::milliseconds(999));
    EXPECT_TRUE(wire.empty());
    advance(std::chrono::milliseconds(1));
    /* IKE_SA_INIT --> (retransmission after 1 s) */
    ASSERT_EQ(wire.size(), 1u);
    deliver();
    deliver();
    /* IKE_AUTH --> (lost), then again after 1 s */
    drop();
    advance(std::chrono::seconds(1));
    deliver_all();
    ASSERT_TRUE(established());
    EXPECT_EQ(a.engine->retransmissions(), 2u);
    EXPECT_EQ(b.inbound.size(), 1u);
}

TEST_F(Robustness, LostResponsesAreResentFromTheCache) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    initiate();
    deliver();
    /* <-- IKE_SA_INIT (lost) */
    std::vector<uint8_t> first_response = wire.front().bytes;
    drop();
    advance(std::chrono::seconds(1));
    deliver();   // the retransmitted request
    /* <-- IKE_SA_INIT (from the cache: identical bytes) */
    ASSERT_EQ(wire.size(), 1u);
    EXPECT_EQ(wire.front().bytes, first_response);
    deliver();
    deliver();
    /* <-- IKE_AUTH (lost) */
    std::vector<uint8_t> auth_response = wire.front().bytes;
    drop();
    advance(std::chrono::seconds(1));
    deliver();
    ASSERT_EQ(wire.size(), 1u);
    EXPECT_EQ(wire.front().bytes, auth_response);
    deliver();
    ASSERT_TRUE(established());
    EXPECT_EQ(b.engine->responses_resent(), 2u);
    EXPECT_EQ(b.inbound.size(), 1u);    // processed once
    EXPECT_EQ(b.up.size(), 1u);
}

TEST_F(Robustness, DuplicatedRequestIsAnsweredOnceFromCache) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    initiate();
    deliver();
    deliver();
    deliver(true);   // IKE_AUTH request delivered twice
    deliver();
    EXPECT_EQ(b.engine->responses_resent(), 1u);
    deliver();       // the response
    deliver();       // its duplicate: no request outstanding any more
    EXPECT_EQ(a.drops(DropReason::unsolicited_response), 1u);
    ASSERT_TRUE(established());
    EXPECT_EQ(b.up.size(), 1u);
}

TEST_F(Robustness, InitiatorGivesUpWhenThePeerIsGone) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    initiate();
    for (int i = 0; i < 10; ++i) {
        drop_all();
        advance(std::chrono::seconds(10));
    }
    EXPECT_EQ(a.engine->ike_sa_count(), 0u);
    EXPECT_EQ(a.engine->retransmissions(), 3u);   // 1 s, 2 s, 4 s, then 8 s without answer
    ASSERT_EQ(a.failed.size(), 1u);
}

TEST_F(Robustness, PeerGoneAfterEstablishmentTakesEverythingDown) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    establish();
    ASSERT_TRUE(a.engine->delete_child(a.up[0].child_id));
    for (int i = 0; i < 10; ++i) {
        drop_all();
        advance(std::chrono::seconds(10));
    }
    EXPECT_EQ(a.engine->ike_sa_count(), 0u);
    ASSERT_EQ(a.ike_down.size(), 1u);
    EXPECT_EQ(a.ike_down[0].reason, DownReason::peer_dead);
    ASSERT_EQ(a.down.size(), 1u);
}

TEST_F(Robustness, CorruptedMessagesFailTheIcvAndAreCounted) {
    configure({cbc_modp2048()}, {cbc_modp2048()});
    initiate();
    deliver();
    deliver();
    /* IKE_AUTH --> with one ICV octet flipped */
    corrupt(0);
    deliver();
    EXPECT_EQ(b.drops(DropReason::bad_icv), 1u);
    EXPECT_TRUE(wire.empty());
    EXPECT_EQ(b.engine->snapshot()[0].state, IkeState::half_open);
    advance(std::chrono::seconds(1));   // the clean retransmission
    deliver_all();
    ASSERT_TRUE(established());
    // A flipped ciphertext octet in a response.
    ASSERT_TRUE(b.engine->delete_child(b.up[0].child_id));
    deliver();
    corrupt(20);
    deliver();
    EXPECT_EQ(b.drops(DropReason::bad_icv), 2u);
}

TEST_F(Robustness, TruncatedAndGarbageDatagramsAreMalformed) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    initiate();
    auto bytes = wire.front().bytes;
    const Endpoint src = wire.front().src, dst = wire.front().dst;
    for (size_t n : {0ul, 1ul, 27ul, 28ul, bytes.size() / 2, bytes.size() - 1}) {
        b.engine->receive(dst, src, std::span<const uint8_t>(bytes.data(), n));
    }
    std::vector<uint8_t> garbage(200, 0xab);
    b.engine->receive(dst, src, garbage);
    EXPECT_EQ(b.drops(DropReason::malformed), 7u);
    EXPECT_EQ(b.engine->ike_sa_count(), 0u);
    // On 4500 a datagram without the non-ESP marker is ESP, not IKE.
    b.engine->receive(Endpoint{kAddrB, 4500}, Endpoint{kAddrA, 4500}, bytes);
    EXPECT_EQ(b.drops(DropReason::not_ike), 1u);
    deliver_all();
    ASSERT_TRUE(established());
}

TEST_F(Robustness, ReplayedAndUnexpectedMessagesAreDropped) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    establish();
    // sent_log: 0 INIT req, 1 INIT resp, 2 AUTH req, 3 AUTH resp
    replay(0);   // IKE_SA_INIT request of an established IKE SA
    EXPECT_EQ(b.drops(DropReason::wrong_message_id), 1u);
    replay(1);   // IKE_SA_INIT response: nothing outstanding
    replay(3);   // IKE_AUTH response: nothing outstanding
    EXPECT_EQ(a.drops(DropReason::unsolicited_response), 2u);
    const size_t resent = b.engine->responses_resent();
    replay(2);   // the last request again: the cached response, nothing re-processed
    EXPECT_EQ(b.engine->responses_resent(), resent + 1);
    drop_all();
    // Another exchange (a Delete), then the IKE_AUTH request again: now an old message ID.
    ASSERT_TRUE(a.engine->delete_child(a.up[0].child_id));
    deliver_all();
    replay(2);
    EXPECT_EQ(b.drops(DropReason::wrong_message_id), 2u);
    // An unknown SPI.
    auto m = parse_message(sent_log[4].bytes.size() > 4 && sent_log[4].dst.port == 4500
                               ? *strip_non_esp_marker(sent_log[4].bytes) : std::span<const uint8_t>(sent_log[4].bytes));
    ASSERT_TRUE(m.ok());
    Message x = *m;
    x.header.spi_r ^= 1;
    auto bytes = *serialize_message(x);
    b.engine->receive(sent_log[4].dst, sent_log[4].src, bytes);
    EXPECT_EQ(b.drops(DropReason::unknown_spi), 1u);
    EXPECT_EQ(b.up.size(), 1u);
    EXPECT_EQ(b.down.size(), 1u);
    EXPECT_TRUE(established());
}

TEST_F(Robustness, DropLogIsRateLimited) {
    configure({gcm_ecp256()}, {gcm_ecp256()});
    std::vector<uint8_t> garbage(40, 0x11);
    for (int i = 0; i < 100; ++i) b.engine->receive(Endpoint{kAddrB, 500}, Endpoint{kAddrA, 500}, garbage);
    EXPECT_EQ(b.drops(DropReason::malformed), 100u);
    EXPECT_EQ(b.logs.size(), 1u);
    advance(std::chrono::seconds(2));
    b.engine->receive(Endpoint{kAddrB, 500}, Endpoint{kAddrA, 500}, garbage);
    ASSERT_EQ(b.logs.size(), 2u);
    EXPECT_NE(b.logs[1].find("99 more suppressed"), std::string::npos);
}

}  // namespace
}  // namespace tandem::ike::test
