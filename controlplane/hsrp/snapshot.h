// What `show standby` needs of one HSRP group, taken at one instant: the state machine fills it
// (Fsm::snapshot) and the renderer (show_standby.h) is a pure function of a list of them. Times
// are relative to the instant of the snapshot, so rendering needs no clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/ipv4.h"
#include "controlplane/hsrp/packet.h"
#include "controlplane/loop/clock.h"

namespace tandem::hsrp {

struct NeighborView {
    Ipv4Address ip;
    uint32_t priority = 0;
    std::optional<loop::Duration> expires_in;  // its hold timer
};

struct TrackView {
    std::string key;  // "interface GigabitEthernet0/1", "object 7"
    uint8_t decrement = 10;
    bool up = true;
};

struct HistoryView {
    loop::Duration ago{};
    State from = State::initial;
    State to = State::initial;
    std::string reason;
};

struct GroupSnapshot {
    std::string interface;
    uint16_t group = 0;
    Version version = Version::v1;
    State state = State::initial;
    std::optional<std::string> name;

    uint64_t state_changes = 0;
    std::optional<loop::Duration> since_last_change;

    std::optional<Ipv4Address> virtual_ip;
    bool virtual_ip_learned = false;
    MacAddress virtual_mac{};

    uint32_t hello_ms = 3000;
    uint32_t hold_ms = 10000;
    bool timers_learned = false;
    std::optional<loop::Duration> next_hello_in;

    bool preempt = false;
    loop::Duration preempt_minimum{};
    loop::Duration preempt_reload{};

    bool active_local = false;
    std::optional<NeighborView> active;   // when another router is Active
    bool standby_local = false;
    std::optional<NeighborView> standby;  // when another router is Standby

    uint32_t priority = 100;              // in effect, after tracking
    uint32_t configured_priority = 100;
    std::vector<TrackView> tracks;
    bool md5 = false;                     // MD5 authentication (else text)
    std::vector<HistoryView> history;     // oldest first

    // Packets through the state machine; drops by reason (DropReason names), only those seen.
    uint64_t hellos_in = 0, coups_in = 0, resigns_in = 0;
    uint64_t hellos_out = 0, coups_out = 0, resigns_out = 0;
    std::vector<std::pair<std::string, uint64_t>> drops;
};

}  // namespace tandem::hsrp
