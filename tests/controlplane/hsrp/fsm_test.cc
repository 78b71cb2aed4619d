// The HSRP state machine on a ManualClock: several machines wired through a fake LAN that
// delivers every packet one router sends to all the others (multicast on one segment).
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <memory>

#include "controlplane/hsrp/fsm.h"
#include "controlplane/loop/clock.h"

namespace tandem::hsrp {
namespace {

using namespace std::chrono_literals;

const Ipv4Address kVip(192, 168, 0, 3);

GroupConfig router(uint8_t last_octet, uint8_t priority, Version v = Version::v1) {
    GroupConfig c;
    c.interface = "FastEthernet0/0";
    c.version = v;
    c.group = 1;
    c.interface_ip = Ipv4Address(192, 168, 0, last_octet);
    c.interface_mac = {0x00, 0x50, 0x56, 0x00, 0x00, last_octet};
    c.virtual_ip = kVip;
    c.priority = priority;
    return c;
}

const Transmit* transmit_of(const Action& a) {
    if (auto* h = std::get_if<SendHello>(&a)) return &h->tx;
    if (auto* c = std::get_if<SendCoup>(&a)) return &c->tx;
    if (auto* r = std::get_if<SendResign>(&a)) return &r->tx;
    return nullptr;
}

class Lan {
public:
    struct Node {
        std::unique_ptr<Fsm> fsm;
        Ipv4Address ip;
        std::vector<Action> log;  // every action, in order
        bool attached = true;
    };

    Fsm& add(GroupConfig c) {
        const size_t i = nodes_.size();
        auto n = std::make_unique<Node>();
        n->ip = c.interface_ip;
        n->fsm = std::make_unique<Fsm>(std::move(c), timers_, [this, i](Actions a) { take(i, std::move(a)); });
        nodes_.push_back(std::move(n));
        return *nodes_.back()->fsm;
    }
    Node& node(size_t i) { return *nodes_[i]; }
    Fsm& fsm(size_t i) { return *nodes_[i]->fsm; }
    void enable(size_t i) { take(i, fsm(i).enable()); }
    void disable(size_t i) { take(i, fsm(i).disable()); }
    void track(size_t i, std::string_view key, bool up) { take(i, fsm(i).set_tracked(key, up)); }
    // The router dies: it sends nothing more and its timers stop (its machine is destroyed).
    void kill(size_t i) {
        nodes_[i]->attached = false;
        nodes_[i]->fsm.reset();
    }

    void run_for(loop::Duration d, loop::Duration step = 10ms) {
        for (loop::Duration t{}; t < d; t += step) {
            clock_.advance(step);
            timers_.run_due();
            flush();
            check_single_active();
        }
    }
    size_t count(State s) const {
        return static_cast<size_t>(std::count_if(nodes_.begin(), nodes_.end(), [s](const auto& n) {
            return n->fsm && n->fsm->state() == s;
        }));
    }
    template <typename T>
    size_t actions_of(size_t i) const {
        return static_cast<size_t>(std::count_if(nodes_[i]->log.begin(), nodes_[i]->log.end(),
                                                 [](const Action& a) { return std::holds_alternative<T>(a); }));
    }
    // After the first election, two Active routers at once would be an address conflict.
    bool strict = false;
    loop::ManualClock clock_;

private:
    void take(size_t from, Actions a) {
        for (auto& act : a) {
            if (const Transmit* tx = transmit_of(act)) wire_.emplace_back(from, tx->payload);
            nodes_[from]->log.push_back(std::move(act));
        }
        flush();
    }
    void flush() {
        while (!wire_.empty()) {
            auto [from, payload] = std::move(wire_.front());
            wire_.pop_front();
            if (!nodes_[from]->attached) continue;
            for (size_t j = 0; j < nodes_.size(); ++j) {
                if (j == from || !nodes_[j]->fsm) continue;
                Actions a = nodes_[j]->fsm->receive(payload, nodes_[from]->ip);
                for (auto& act : a) {
                    if (const Transmit* tx = transmit_of(act)) wire_.emplace_back(j, tx->payload);
                    nodes_[j]->log.push_back(std::move(act));
                }
            }
        }
    }
    void check_single_active() {
        if (strict) {
            EXPECT_LE(count(State::active), 1u) << "two Active routers";
        }
    }

    loop::Timers timers_{clock_};
    std::vector<std::unique_ptr<Node>> nodes_;
    std::deque<std::pair<size_t, std::vector<uint8_t>>> wire_;
};

TEST(HsrpFsm, LoneRouterGoesListenSpeakStandbyActive) {
    Lan lan;
    lan.add(router(2, 100));
    lan.enable(0);
    EXPECT_EQ(lan.fsm(0).state(), State::listen);
    lan.run_for(9900ms);
    EXPECT_EQ(lan.fsm(0).state(), State::listen);
    lan.run_for(200ms);
    EXPECT_EQ(lan.fsm(0).state(), State::speak);
    lan.run_for(10s);
    EXPECT_EQ(lan.fsm(0).state(), State::active);
    EXPECT_EQ(lan.actions_of<ClaimVip>(0), 1u);
    EXPECT_EQ(lan.actions_of<GratuitousArp>(0), 1u);
    const auto& h = lan.fsm(0).history();
    ASSERT_EQ(h.size(), 4u);  // Init->Listen->Speak->Standby->Active
    EXPECT_EQ(h.back().from, State::standby);
    // Active hellos leave from the virtual MAC.
    const Transmit* last = nullptr;
    for (const auto& a : lan.node(0).log) {
        if (auto* t = transmit_of(a)) last = t;
    }
    ASSERT_NE(last, nullptr);
    EXPECT_EQ(last->source_mac, virtual_mac(Version::v1, 1));
    EXPECT_EQ(last->packet.state, State::active);
    EXPECT_EQ(last->destination, kV1Destination);
}

TEST(HsrpFsm, TwoRoutersElectTheHigherPriority) {
    Lan lan;
    lan.add(router(2, 100));
    lan.add(router(1, 110));
    lan.enable(0);
    lan.enable(1);
    lan.strict = true;
    lan.run_for(60s);
    EXPECT_EQ(lan.fsm(1).state(), State::active);
    EXPECT_EQ(lan.fsm(0).state(), State::standby);
    const auto snap = lan.fsm(0).snapshot();
    ASSERT_TRUE(snap.active);
    EXPECT_EQ(snap.active->ip, Ipv4Address(192, 168, 0, 1));
    EXPECT_EQ(snap.active->priority, 110u);
    EXPECT_TRUE(snap.standby_local);
}

TEST(HsrpFsm, EqualPrioritiesGoToTheHigherAddress) {
    Lan lan;
    lan.add(router(1, 100));
    lan.add(router(9, 100));
    lan.enable(0);
    lan.enable(1);
    lan.strict = true;
    lan.run_for(60s);
    EXPECT_EQ(lan.fsm(1).state(), State::active);
    EXPECT_EQ(lan.fsm(0).state(), State::standby);
}

TEST(HsrpFsm, ThreeRoutersOneActiveOneStandbyOneListening) {
    Lan lan;
    lan.add(router(1, 100));
    lan.add(router(2, 120));
    lan.add(router(3, 110));
    for (size_t i = 0; i < 3; ++i) lan.enable(i);
    lan.strict = true;
    lan.run_for(90s);
    EXPECT_EQ(lan.fsm(1).state(), State::active);
    EXPECT_EQ(lan.fsm(2).state(), State::standby);
    EXPECT_EQ(lan.fsm(0).state(), State::listen);
    // The listener knows both.
    const auto snap = lan.fsm(0).snapshot();
    ASSERT_TRUE(snap.active && snap.standby);
    EXPECT_EQ(snap.active->ip, Ipv4Address(192, 168, 0, 2));
    EXPECT_EQ(snap.standby->ip, Ipv4Address(192, 168, 0, 3));
}

TEST(HsrpFsm, HoldExpiryHandsOverToTheStandby) {
    Lan lan;
    lan.add(router(1, 110));
    lan.add(router(2, 100));
    lan.add(router(3, 90));
    for (size_t i = 0; i < 3; ++i) lan.enable(i);
    lan.strict = true;
    lan.run_for(90s);
    ASSERT_EQ(lan.fsm(0).state(), State::active);
    ASSERT_EQ(lan.fsm(1).state(), State::standby);
    lan.kill(0);
    lan.run_for(6s);  // within the hold time: nothing moves
    EXPECT_EQ(lan.fsm(1).state(), State::standby);
    lan.run_for(4100ms);  // last hello <= 3 s before the kill, hold 10 s
    EXPECT_EQ(lan.fsm(1).state(), State::active);
    EXPECT_EQ(lan.actions_of<ClaimVip>(1), 1u);
    EXPECT_EQ(lan.actions_of<GratuitousArp>(1), 1u);
    lan.run_for(40s);
    EXPECT_EQ(lan.fsm(2).state(), State::standby);  // the third router moves up
}

TEST(HsrpFsm, PreemptWaitsForItsDelayThenCoupAndResign) {
    Lan lan;
    lan.add(router(2, 100));
    GroupConfig hi = router(1, 110);
    hi.preempt = true;
    hi.preempt_minimum = 5s;
    lan.add(hi);
    lan.enable(0);
    lan.run_for(30s);
    ASSERT_EQ(lan.fsm(0).state(), State::active);
    lan.strict = true;
    lan.enable(1);
    lan.run_for(3100ms);  // first Active hello heard within 3 s: the delay starts then
    EXPECT_NE(lan.fsm(1).state(), State::active);
    EXPECT_EQ(lan.actions_of<SendCoup>(1), 0u);
    lan.run_for(5s);
    EXPECT_EQ(lan.fsm(1).state(), State::active);
    EXPECT_EQ(lan.actions_of<SendCoup>(1), 1u);
    // The old Active received the Coup: Resign, release, Speak; then Standby.
    EXPECT_EQ(lan.actions_of<SendResign>(0), 1u);
    EXPECT_EQ(lan.actions_of<ReleaseVip>(0), 1u);
    EXPECT_EQ(lan.fsm(0).state(), State::speak);
    lan.run_for(15s);
    EXPECT_EQ(lan.fsm(0).state(), State::standby);
    const auto& h = lan.fsm(1).history();
    EXPECT_NE(h.back().reason.find("Preempt"), std::string::npos) << h.back().reason;
}

TEST(HsrpFsm, WithoutPreemptTheHigherPriorityStaysStandby) {
    Lan lan;
    lan.add(router(2, 100));
    lan.add(router(1, 110));
    lan.enable(0);
    lan.run_for(30s);
    lan.enable(1);
    lan.strict = true;
    lan.run_for(60s);
    EXPECT_EQ(lan.fsm(0).state(), State::active);
    EXPECT_EQ(lan.fsm(1).state(), State::standby);
}

TEST(HsrpFsm, DisablingTheActiveResignsAndTheStandbyTakesOverAtOnce) {
    Lan lan;
    lan.add(router(1, 110));
    lan.add(router(2, 100));
    lan.enable(0);
    lan.enable(1);
    lan.strict = true;
    lan.run_for(60s);
    ASSERT_EQ(lan.fsm(0).state(), State::active);
    lan.disable(0);
    EXPECT_EQ(lan.fsm(0).state(), State::initial);
    EXPECT_EQ(lan.actions_of<SendResign>(0), 1u);
    EXPECT_EQ(lan.actions_of<ReleaseVip>(0), 1u);
    EXPECT_EQ(lan.fsm(1).state(), State::active);  // on the Resign, not after the hold time
}

TEST(HsrpFsm, TrackingLowersPriorityAndThePeerPreempts) {
    Lan lan;
    GroupConfig a = router(1, 110);
    a.preempt = true;
    a.tracks = {{"interface GigabitEthernet0/1", 20}};
    GroupConfig b = router(2, 100);
    b.preempt = true;
    lan.add(a);
    lan.add(b);
    lan.enable(0);
    lan.enable(1);
    lan.strict = true;
    lan.run_for(60s);
    ASSERT_EQ(lan.fsm(0).state(), State::active);
    lan.track(0, "interface GigabitEthernet0/1", false);
    EXPECT_EQ(lan.fsm(0).priority(), 90u);
    lan.run_for(100ms);  // the immediate hello makes the peer preempt
    EXPECT_EQ(lan.fsm(1).state(), State::active);
    EXPECT_NE(lan.fsm(0).state(), State::active);
    lan.run_for(30s);
    EXPECT_EQ(lan.fsm(0).state(), State::standby);
    lan.track(0, "interface GigabitEthernet0/1", true);
    lan.run_for(100ms);
    EXPECT_EQ(lan.fsm(0).priority(), 110u);
    EXPECT_EQ(lan.fsm(0).state(), State::active);
    const auto snap = lan.fsm(0).snapshot();
    ASSERT_EQ(snap.tracks.size(), 1u);
    EXPECT_TRUE(snap.tracks[0].up);
}

TEST(HsrpFsm, AuthenticationMismatchIsIgnoredAndCounted) {
    Lan lan;
    GroupConfig a = router(1, 110);
    GroupConfig b = router(2, 100);
    b.auth.key = "other";
    lan.add(a);
    lan.add(b);
    lan.enable(0);
    lan.enable(1);
    lan.run_for(60s);
    // Neither hears the other: both Active (what IOS does too), every packet counted.
    EXPECT_EQ(lan.fsm(0).state(), State::active);
    EXPECT_EQ(lan.fsm(1).state(), State::active);
    EXPECT_GT(lan.fsm(0).counters().drops_of(DropReason::auth_mismatch), 0u);
    EXPECT_GT(lan.fsm(1).counters().drops_of(DropReason::auth_mismatch), 0u);
    EXPECT_EQ(lan.fsm(1).counters().hellos_in, 0u);
}

TEST(HsrpFsm, Md5AuthenticationElectsAndRejectsAWrongKey) {
    for (bool same_key : {true, false}) {
        Lan lan;
        GroupConfig a = router(1, 110, Version::v2);
        GroupConfig b = router(2, 100, Version::v2);
        a.auth = AuthConfig{AuthConfig::Kind::md5, "s3cret", 1};
        b.auth = AuthConfig{AuthConfig::Kind::md5, same_key ? "s3cret" : "wrong", 1};
        lan.add(a);
        lan.add(b);
        lan.enable(0);
        lan.enable(1);
        lan.run_for(60s);
        EXPECT_EQ(lan.fsm(0).state(), State::active);
        EXPECT_EQ(lan.fsm(1).state(), same_key ? State::standby : State::active) << same_key;
        EXPECT_EQ(lan.fsm(1).counters().drops_of(DropReason::auth_mismatch) > 0, !same_key);
    }
}

TEST(HsrpFsm, LearnsTheVirtualIpAndTimesFromTheActiveRouter) {
    Lan lan;
    GroupConfig a = router(1, 110);
    a.hello = 1s;
    a.hold = 4s;
    GroupConfig b = router(2, 100);
    b.virtual_ip.reset();
    lan.add(a);
    lan.add(b);
    lan.enable(0);
    lan.enable(1);
    EXPECT_EQ(lan.fsm(1).state(), State::learn);
    lan.run_for(30s);
    EXPECT_EQ(lan.fsm(0).state(), State::active);
    EXPECT_EQ(lan.fsm(1).virtual_ip(), kVip);
    const auto snap = lan.fsm(1).snapshot();
    EXPECT_TRUE(snap.virtual_ip_learned);
    EXPECT_TRUE(snap.timers_learned);
    EXPECT_EQ(snap.hello_ms, 1000u);
    EXPECT_EQ(snap.hold_ms, 4000u);
    EXPECT_EQ(lan.fsm(1).state(), State::standby);
    // With the learned times the takeover comes after 4 s, not 10.
    lan.kill(0);
    lan.run_for(4100ms);
    EXPECT_EQ(lan.fsm(1).state(), State::active);
}

TEST(HsrpFsm, Version2MillisecondTimers) {
    Lan lan;
    for (uint8_t i : {1, 2}) {
        GroupConfig c = router(i, static_cast<uint8_t>(120 - i * 10), Version::v2);
        c.group = 4000;
        c.hello = 200ms;
        c.hold = 750ms;
        lan.add(c);
    }
    lan.enable(0);
    lan.enable(1);
    lan.strict = true;
    lan.run_for(5s, 5ms);
    ASSERT_EQ(lan.fsm(0).state(), State::active);
    ASSERT_EQ(lan.fsm(1).state(), State::standby);
    EXPECT_EQ(lan.fsm(0).virtual_mac(), virtual_mac(Version::v2, 4000));
    lan.kill(0);
    lan.run_for(560ms, 5ms);  // last hello <= 200 ms before: not yet
    EXPECT_EQ(lan.fsm(1).state(), State::standby);
    lan.run_for(200ms, 5ms);
    EXPECT_EQ(lan.fsm(1).state(), State::active);
}

TEST(HsrpFsm, DropsWhatIsNotForTheGroup) {
    loop::ManualClock clock;
    loop::Timers timers(clock);
    Fsm fsm(router(2, 100), timers, nullptr);
    (void)fsm.enable();
    Packet p;
    p.group = 2;
    p.text = auth_text("cisco");
    EXPECT_TRUE(fsm.receive(serialize(p), Ipv4Address(192, 168, 0, 9)).empty());
    EXPECT_EQ(fsm.counters().drops_of(DropReason::other_group), 1u);
    p.group = 1;
    EXPECT_TRUE(fsm.receive(serialize(p), Ipv4Address(192, 168, 0, 2)).empty());
    EXPECT_EQ(fsm.counters().drops_of(DropReason::own_packet), 1u);
    auto bytes = serialize(p);
    bytes[1] = 3;  // Advertise
    (void)fsm.receive(bytes, Ipv4Address(192, 168, 0, 9));
    EXPECT_EQ(fsm.counters().drops_of(DropReason::advertise), 1u);
    bytes.resize(10);
    (void)fsm.receive(bytes, Ipv4Address(192, 168, 0, 9));
    EXPECT_EQ(fsm.counters().drops_of(DropReason::truncated), 1u);
}

}  // namespace
}  // namespace tandem::hsrp
