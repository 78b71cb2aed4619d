// Two IKEv2 engines back to back (the strongSwan unit-test model): one event loop on a
// ManualClock, DeterministicRandom per side, and a fake network -- a queue of datagrams the test
// delivers one by one and may drop, duplicate, reorder, corrupt, or pass through a NAT.
//
// Side A (192.0.2.1) protects 10.1.0.0/16, side B (198.51.100.2) protects 10.2.0.0/16. Every
// SA event is recorded in order as a line ("A install_inbound 0x...", "A sent ...") so tests can
// check make-before-break ordering.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "controlplane/ike/engine.h"
#include "controlplane/ike/wire/message.h"
#include "controlplane/loop/clock.h"
#include "controlplane/loop/timers.h"

namespace tandem::ike::test {

inline const Ipv4Address kAddrA{192, 0, 2, 1};
inline const Ipv4Address kAddrB{198, 51, 100, 2};
inline const Ipv4Address kNatPublic{203, 0, 113, 7};   // A's address as B sees it behind the NAT

inline IkeProposal gcm_ecp256() {
    return IkeProposal{{EncrSpec{EncrId::aes_gcm_16, 128}}, {PrfId::hmac_sha2_256}, {}, {DhGroup::ecp_256}};
}
inline IkeProposal cbc_modp2048() {
    return IkeProposal{{EncrSpec{EncrId::aes_cbc, 256}}, {PrfId::hmac_sha2_256}, {IntegId::hmac_sha2_256_128},
                       {DhGroup::modp_2048}};
}
inline EspProposal esp_gcm128() { return EspProposal{EncrSpec{EncrId::aes_gcm_16, 128}, IntegId::none, false}; }
inline EspProposal esp_cbc128_sha256() {
    return EspProposal{EncrSpec{EncrId::aes_cbc, 128}, IntegId::hmac_sha2_256_128, false};
}

inline TsRange net(const char* prefix) { return TsRange::prefix(*Ipv4Prefix::parse(prefix)); }

inline ChildPolicy child_policy(const char* local, const char* remote, uint32_t tag = 7) {
    ChildPolicy c;
    c.name = "child-" + std::to_string(tag);
    c.local_ts = net(local);
    c.remote_ts = net(remote);
    c.esp = {esp_gcm128(), esp_cbc128_sha256()};
    c.tag = tag;
    return c;
}

inline std::shared_ptr<PeerPolicy> peer_policy(const char* name, Ipv4Address local, std::optional<Ipv4Address> remote,
                                               const char* psk, IkeProposalSet ike) {
    auto p = std::make_shared<PeerPolicy>();
    p->name = name;
    p->local = local;
    p->remote = remote;
    std::string s(psk);
    p->psk = crypto::SecretBytes::copy_of({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
    p->ike = std::move(ike);
    return p;
}

// One side's outbound SA and the other side's inbound SA describe the same ESP SA: SPI, keys,
// salt, algorithms, tunnel endpoints, NAT-T ports and selector. (Direction, replay window and
// policy id are each side's own.)
inline void expect_same_sa(const dpapi::SaParams& out, const dpapi::SaParams& in) {
    EXPECT_EQ(out.direction, dpapi::Direction::outbound);
    EXPECT_EQ(in.direction, dpapi::Direction::inbound);
    EXPECT_EQ(out.spi, in.spi);
    EXPECT_EQ(out.cipher, in.cipher);
    EXPECT_EQ(out.auth, in.auth);
    EXPECT_EQ(out.cipher_key_len, in.cipher_key_len);
    EXPECT_EQ(out.cipher_key, in.cipher_key);
    EXPECT_EQ(out.salt, in.salt);
    EXPECT_EQ(out.auth_key_len, in.auth_key_len);
    EXPECT_EQ(out.auth_key, in.auth_key);
    EXPECT_EQ(out.esn, in.esn);
    EXPECT_EQ(out.natt, in.natt);
    if (out.natt) {
        EXPECT_EQ(out.natt_src_port, in.natt_src_port);
        EXPECT_EQ(out.natt_dst_port, in.natt_dst_port);
    }
    EXPECT_EQ(out.selector, in.selector);
}

class TestProvider : public PolicyProvider {
public:
    std::shared_ptr<const PeerPolicy> peer;
    std::shared_ptr<const PeerPolicy> peer_for(Ipv4Address, Ipv4Address) override { return peer; }
};

struct Datagram {
    int from;               // 0: A, 1: B
    Endpoint src;
    Endpoint dst;
    std::vector<uint8_t> bytes;
};

class Side {
public:
    Side(const char* name, uint64_t seed, loop::Timers& timers, std::vector<std::string>& journal,
         std::function<void(Datagram)> send, int index, EngineConfig cfg)
        : name_(name), rng(seed), journal_(journal) {
        Callbacks cb;
        cb.send = [this, send, index](const Endpoint& l, const Endpoint& r, std::span<const uint8_t> b) {
            journal_.push_back(name_ + " send " + std::to_string(b.size()));
            send(Datagram{index, l, r, {b.begin(), b.end()}});
        };
        cb.install_inbound = [this](const ChildSaEvent& e) {
            journal_.push_back(name_ + " install_inbound " + std::to_string(e.inbound.spi));
            inbound.push_back(e.inbound);
            return accept_inbound;
        };
        cb.install_outbound = [this](const ChildSaEvent& e) {
            journal_.push_back(name_ + " install_outbound " + std::to_string(e.outbound.spi));
            outbound.push_back(e.outbound);
            return accept_outbound;
        };
        cb.child_up = [this](const ChildSaEvent& e) {
            journal_.push_back(name_ + " child_up");
            up.push_back(e);
        };
        cb.child_down = [this](const ChildSaEvent& e) {
            journal_.push_back(name_ + " child_down");
            down.push_back(e);
        };
        cb.child_failed = [this](const ChildFailure& f) {
            journal_.push_back(name_ + " child_failed " + std::to_string(to_underlying(f.notify)));
            failed.push_back(f);
        };
        cb.ike_up = [this](const IkeSaEvent& e) {
            journal_.push_back(name_ + " ike_up");
            ike_up.push_back(e);
        };
        cb.ike_down = [this](const IkeSaEvent& e) {
            journal_.push_back(name_ + " ike_down");
            ike_down.push_back(e);
        };
        cb.log = [this](const std::string& line) { logs.push_back(line); };
        cb_ = cb;
        engine = std::make_unique<Engine>(timers, rng, provider, std::move(cb), cfg);
    }

    // A reboot: the engine forgets every SA (the events recorded so far are kept).
    void restart(loop::Timers& timers, EngineConfig cfg) {
        engine.reset();
        engine = std::make_unique<Engine>(timers, rng, provider, cb_, cfg);
    }

    Callbacks cb_;

    std::string name_;
    crypto::DeterministicRandom rng;
    TestProvider provider;
    std::vector<std::string>& journal_;
    std::unique_ptr<Engine> engine;
    bool accept_inbound = true;
    bool accept_outbound = true;
    std::vector<dpapi::SaParams> inbound, outbound;
    std::vector<ChildSaEvent> up, down;
    std::vector<ChildFailure> failed;
    std::vector<IkeSaEvent> ike_up, ike_down;
    std::vector<std::string> logs;

    uint64_t drops(DropReason r) const { return engine->drops().count(r); }
};

inline EngineConfig test_config() {
    EngineConfig c;
    c.retransmit_timeout = std::chrono::seconds(1);
    c.retransmit_factor = 2.0;
    c.retransmit_tries = 3;
    return c;
}

class Pair : public ::testing::Test {
protected:
    explicit Pair(EngineConfig cfg = test_config())
        : timers(clock),
          a("A", 1, timers, journal, [this](Datagram d) { wire.push_back(std::move(d)); }, 0, cfg),
          b("B", 2, timers, journal, [this](Datagram d) { wire.push_back(std::move(d)); }, 1, cfg) {}

    // A initiates to B with `ike` on both sides (unless set before).
    void configure(IkeProposalSet ike_a, IkeProposalSet ike_b, const char* psk_a = "s3cret", const char* psk_b = "s3cret") {
        pa = peer_policy("to-b", kAddrA, kAddrB, psk_a, std::move(ike_a));
        pa->children.push_back(child_policy("10.1.0.0/16", "10.2.0.0/16"));
        pb = peer_policy("to-a", kAddrB, std::nullopt, psk_b, std::move(ike_b));
        pb->children.push_back(child_policy("10.2.0.0/16", "10.1.0.0/16", 9));
        a.provider.peer = pa;
        b.provider.peer = pb;
    }

    uint32_t initiate(std::optional<TriggerPacket> trigger = std::nullopt) {
        auto id = a.engine->initiate(pa, pa->children[0], trigger);
        EXPECT_TRUE(id.ok());
        return id.ok() ? *id : 0;
    }

    // Delivers the oldest datagram in flight (after the NAT, when enabled).
    void deliver(bool keep_copy = false) {
        ASSERT_FALSE(wire.empty());
        Datagram d = wire.front();
        if (!keep_copy) wire.pop_front();
        sent_log.push_back(d);
        Side& to = d.from == 0 ? b : a;
        journal.push_back(std::string(d.from == 0 ? "B" : "A") + " recv " + std::to_string(d.bytes.size()));
        if (nat) {
            if (d.from == 0) d.src = Endpoint{kNatPublic, static_cast<uint16_t>(d.src.port == 500 ? 30500 : 34500)};
            else d.dst = Endpoint{kAddrA, static_cast<uint16_t>(d.dst.port == 30500 ? 500 : 4500)};
        }
        to.engine->receive(d.dst, d.src, d.bytes);
    }
    void corrupt(size_t from_end) {
        ASSERT_FALSE(wire.empty());
        wire.front().bytes[wire.front().bytes.size() - 1 - from_end] ^= 0x5a;
    }
    void drop_all() { wire.clear(); }
    void drop() {
        ASSERT_FALSE(wire.empty());
        wire.pop_front();
    }
    void deliver_all(int limit = 100) {
        while (!wire.empty() && limit-- > 0) deliver();
    }
    void advance(loop::Duration d) {
        clock.advance(d);
        timers.run_due();
    }
    // The IKE message (no marker) of the datagram in flight.
    Message peek(size_t i = 0) const {
        auto bytes = std::span<const uint8_t>(wire.at(i).bytes);
        if (wire.at(i).dst.port == kNattPort || wire.at(i).src.port == kNattPort) bytes = *strip_non_esp_marker(bytes);
        auto m = parse_message(bytes);
        EXPECT_TRUE(m.ok());
        return m.ok() ? *m : Message{};
    }
    void establish() {
        initiate();
        deliver_all();
        ASSERT_TRUE(established());
    }
    // Re-delivers a datagram delivered earlier (a replay).
    void replay(size_t index) {
        Datagram d = sent_log.at(index);
        Side& to = d.from == 0 ? b : a;
        to.engine->receive(d.dst, d.src, d.bytes);
    }
    bool established() const {
        auto sa = a.engine->snapshot();
        auto sb = b.engine->snapshot();
        return sa.size() == 1 && sb.size() == 1 && sa[0].state == IkeState::established &&
               sb[0].state == IkeState::established;
    }

    loop::ManualClock clock;
    loop::Timers timers;
    std::vector<std::string> journal;
    std::deque<Datagram> wire;
    std::vector<Datagram> sent_log;   // every datagram delivered, in order
    bool nat = false;
    Side a;
    Side b;
    std::shared_ptr<PeerPolicy> pa, pb;
};

}  // namespace tandem::ike::test
