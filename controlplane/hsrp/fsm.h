// hsrp_fsm: the RFC 2281 section 6 state machine of one HSRP group on one interface.
//
// Model. States (6.1) Initial, Learn, Listen, Speak, Standby, Active; three protocol timers on
// the injected clock (6.2): the Active timer (the active router's hold time), the Standby timer
// (the standby router's hold time) and the Hello timer, plus a preempt-delay timer. Events (6.3):
//
//   a  interface up / group enabled         g  Hello of higher priority from the Active router
//   b  interface down / group disabled      h  Hello of lower priority from the Active router
//   c  Active timer expiry                  i  Resign from the Active router
//   d  Standby timer expiry                 j  Coup from a higher priority router
//   e  Hello timer expiry                   k  Hello of higher priority from the Standby router
//   f  Hello of higher priority from a      l  Hello of lower priority from the Standby router
//      router in Speak state
//
// and two of Tandem's: preempt-delay expiry and a priority change (tracking); both re-run the
// preemption decision the RFC attaches to (h). "Higher priority" compares (priority, interface
// IP address): equal priorities go to the higher address. Actions (6.4): A/B start the Active/
// Standby timer (from the Hello's hold time when the event is a Hello from that router, else our
// own), C/D stop them, E learn the virtual IP (and the times, when none are configured and we
// are not Active), F/G/H send Hello/Coup/Resign, I gratuitous ARP. The transition table is in
// fsm.cc, one function per event, each cell commented.
//
// Every entry point returns the actions for the daemon to carry out, in order (packets to send,
// the virtual address to claim or release, ARPs, state changes for the log); actions arising from
// timer expiry go to the sink given at construction. The machine does no I/O.
//
// Received datagrams go through parse, verify, version/group match and authentication before the
// machine sees them; a failure drops the packet and counts it under its DropReason.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/ipv4.h"
#include "controlplane/hsrp/packet.h"
#include "controlplane/hsrp/snapshot.h"
#include "controlplane/loop/timers.h"

namespace tandem::hsrp {

// ---------------------------------------------------------------- configuration

struct AuthConfig {
    enum class Kind : uint8_t { text, md5 };
    Kind kind = Kind::text;
    std::string key{kDefaultAuthText};  // the text string, or the MD5 key string
    uint32_t key_id = 0;                // MD5 TLV key id
};

struct TrackConfig {
    std::string key;  // how the daemon names the tracked thing: "interface Gi0/1", "object 7"
    uint8_t decrement = 10;
};

struct GroupConfig {
    std::string interface;
    Version version = Version::v1;
    uint16_t group = 0;
    std::optional<std::string> name;
    Ipv4Address interface_ip;          // ours: the tie-break and the MD5 TLV's sender address
    MacAddress interface_mac{};        // burned-in: hellos' source when not Active, v2 identifier
    std::optional<Ipv4Address> virtual_ip;  // learned from the Active router when absent
    uint8_t priority = 100;
    bool preempt = false;
    loop::Duration preempt_minimum{};  // `preempt delay minimum S`
    loop::Duration preempt_reload{};   // `preempt delay reload S`: after the first enable only
    // Configured times (both or neither); absent: learned from the Active router, else 3 s/10 s.
    std::optional<loop::Duration> hello;
    std::optional<loop::Duration> hold;
    AuthConfig auth;
    std::vector<TrackConfig> tracks;
};

// ---------------------------------------------------------------- actions

// A packet to send: UDP 1985 to `destination`, TTL 1, with `source_mac` as the Ethernet source
// (the virtual MAC when Active, as IOS does). `payload` is complete (MD5 digest filled in).
struct Transmit {
    Packet packet;
    std::vector<uint8_t> payload;
    MacAddress source_mac{};
    Ipv4Address destination;
};
struct SendHello { Transmit tx; };
struct SendCoup { Transmit tx; };
struct SendResign { Transmit tx; };
struct ClaimVip { Ipv4Address vip; MacAddress mac{}; };      // answer ARP / IKE / ESP for it
struct ReleaseVip { Ipv4Address vip; MacAddress mac{}; };
struct GratuitousArp { Ipv4Address vip; MacAddress mac{}; };  // from and for the virtual MAC
struct StateChanged { State from = State::initial; State to = State::initial; std::string reason; };

using Action = std::variant<SendHello, SendCoup, SendResign, ClaimVip, ReleaseVip, GratuitousArp, StateChanged>;
using Actions = std::vector<Action>;

struct Counters {
    std::array<uint64_t, kDropReasonCount> drops{};
    uint64_t hellos_in = 0, coups_in = 0, resigns_in = 0;
    uint64_t hellos_out = 0, coups_out = 0, resigns_out = 0;
    uint64_t drops_of(DropReason r) const { return drops[static_cast<size_t>(r)]; }
};

struct HistoryEntry {
    loop::Time at;
    State from = State::initial;
    State to = State::initial;
    std::string reason;
};

// ---------------------------------------------------------------- the machine

class Fsm {
public:
    using Sink = std::function<void(Actions)>;
    static constexpr size_t kHistoryLength = 32;

    // `timer_sink` receives the actions of timer expiries. The config is checked by the
    // configuration validator; the machine trusts it.
    Fsm(GroupConfig config, loop::Timers& timers, Sink timer_sink);
    Fsm(const Fsm&) = delete;
    Fsm& operator=(const Fsm&) = delete;

    Actions enable();   // (a)
    Actions disable();  // (b)
    // A UDP payload received on the group's interface from `source` (the IP header's source).
    Actions receive(std::span<const uint8_t> datagram, Ipv4Address source);
    // A tracked interface or object went up or down: the priority in effect is the configured
    // one less the decrements of everything down (not below 0); preemption is re-evaluated.
    Actions set_tracked(std::string_view key, bool up);

    State state() const { return state_; }
    uint32_t priority() const;
    std::optional<Ipv4Address> virtual_ip() const;
    MacAddress virtual_mac() const { return hsrp::virtual_mac(config_.version, config_.group); }
    const GroupConfig& config() const { return config_; }
    const Counters& counters() const { return counters_; }
    const std::deque<HistoryEntry>& history() const { return history_; }
    GroupSnapshot snapshot() const;

private:
    enum class Event : uint8_t {
        enable, disable, active_expiry, standby_expiry, hello_expiry,
        speak_higher, active_higher, active_lower, resign, coup_higher,
        standby_higher, standby_lower, preempt_expiry, priority_changed,
    };
    struct Neighbor {
        Ipv4Address ip;
        uint32_t priority = 0;
    };

    // fsm.cc: the transition table.
    void handle(Event e, const Packet* p, Ipv4Address from, Actions& out);
    void on_hello_from_active(bool higher, const Packet& p, Actions& out);
    void on_hello_from_standby(bool higher, const Packet& p, Actions& out);
    void on_resign(Actions& out);
    void on_preempt_check(Actions& out);
    void become_active(std::string reason, Actions& out);
    void leave_active(State to, std::string reason, Actions& out);
    void change_state(State to, std::string reason, Actions& out);

    // fsm_io.cc: timers, packets, learning, snapshot.
    void start_active_timer(std::optional<uint32_t> hold_ms);   // A
    void start_standby_timer(std::optional<uint32_t> hold_ms);  // B
    void stop_active_timer();                                   // C
    void stop_standby_timer();                                  // D
    void learn(const Packet& p);                                // E
    void send(OpCode op, Actions& out);                         // F, G, H
    void gratuitous_arp(Actions& out);                          // I
    void start_hello_timer();
    void arm_preempt_timer(loop::Time at);
    void fire(Event e);
    bool higher_than_us(uint32_t priority, Ipv4Address ip) const;
    bool authentic(const Packet& p, std::span<const uint8_t> datagram) const;
    uint32_t hello_ms() const;
    uint32_t hold_ms() const;
    Actions drop(DropReason r);

    GroupConfig config_;
    loop::Timers& timers_;
    Sink sink_;
    State state_ = State::initial;

    loop::Timer active_timer_, standby_timer_, hello_timer_, preempt_timer_;
    loop::Time active_deadline_{}, standby_deadline_{}, hello_deadline_{};
    std::optional<Neighbor> active_, standby_;  // the other routers in those roles, if known

    std::optional<Ipv4Address> learned_vip_;
    std::optional<std::pair<uint32_t, uint32_t>> learned_times_ms_;  // hello, hold
    std::vector<std::string> tracks_down_;      // tracked keys reported down
    std::optional<loop::Time> preempt_since_;   // when preemption first became due
    std::optional<loop::Time> reload_until_;    // preempt reload delay, first enable only
    bool enabled_once_ = false;

    Counters counters_;
    std::deque<HistoryEntry> history_;
    uint64_t state_changes_ = 0;
};

}  // namespace tandem::hsrp
