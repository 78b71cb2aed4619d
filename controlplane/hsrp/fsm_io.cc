// The state machine's edges: received datagrams (parse, checks, dispatch to events), the timers,
// the packets it sends, learning, tracking and the snapshot for `show standby`.
#include <algorithm>

#include "controlplane/hsrp/auth.h"
#include "controlplane/hsrp/fsm.h"

namespace tandem::hsrp {

namespace {

constexpr uint32_t kDefaultHelloMs = 3000;
constexpr uint32_t kDefaultHoldMs = 10000;

uint32_t to_ms(loop::Duration d) {
    return static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

std::optional<loop::Duration> remaining(const loop::Timer& t, loop::Time deadline, loop::Time now) {
    if (!t.armed()) return std::nullopt;
    return deadline - now;
}

}  // namespace

Actions Fsm::drop(DropReason r) {
    ++counters_.drops[static_cast<size_t>(r)];
    return {};
}

Actions Fsm::receive(std::span<const uint8_t> datagram, Ipv4Address source) {
    auto parsed = parse(datagram);
    if (!parsed) return drop(parsed.error());
    const Packet& p = *parsed;
    if (source == config_.interface_ip) return drop(DropReason::own_packet);
    if (p.version != config_.version) return drop(DropReason::bad_version);
    if (p.group != config_.group) return drop(DropReason::other_group);
    if (!verify(p)) return drop(DropReason::invalid);
    if (!authentic(p, datagram)) return drop(DropReason::auth_mismatch);

    Actions out;
    const bool higher = higher_than_us(p.priority, source);
    switch (p.op) {
    case OpCode::hello:
        ++counters_.hellos_in;
        if (state_ == State::initial) break;
        if (p.state == State::active) {
            if (standby_ && standby_->ip == source) standby_.reset();
            active_ = Neighbor{source, p.priority};
            handle(higher ? Event::active_higher : Event::active_lower, &p, source, out);
        } else if (p.state == State::standby) {
            if (active_ && active_->ip == source) active_.reset();
            standby_ = Neighbor{source, p.priority};
            handle(higher ? Event::standby_higher : Event::standby_lower, &p, source, out);
        } else {
            // A router that speaks (or has fallen back) is no longer Active or Standby.
            if (active_ && active_->ip == source) active_.reset();
            if (standby_ && standby_->ip == source) standby_.reset();
            if (p.state == State::speak && higher) handle(Event::speak_higher, &p, source, out);
        }
        break;
    case OpCode::coup:
        ++counters_.coups_in;
        if (higher) handle(Event::coup_higher, &p, source, out);
        break;
    case OpCode::resign:
        ++counters_.resigns_in;
        if (p.state == State::active || (active_ && active_->ip == source)) {
            handle(Event::resign, &p, source, out);
        }
        break;
    }
    return out;
}

Actions Fsm::set_tracked(std::string_view key, bool up) {
    const uint32_t before = priority();
    auto it = std::find(tracks_down_.begin(), tracks_down_.end(), key);
    if (up && it != tracks_down_.end()) tracks_down_.erase(it);
    if (!up && it == tracks_down_.end()) tracks_down_.emplace_back(key);
    Actions out;
    if (priority() != before) handle(Event::priority_changed, nullptr, {}, out);
    return out;
}

uint32_t Fsm::priority() const {
    int p = config_.priority;
    for (const auto& t : config_.tracks) {
        if (std::find(tracks_down_.begin(), tracks_down_.end(), t.key) != tracks_down_.end()) p -= t.decrement;
    }
    return static_cast<uint32_t>(std::max(p, 0));
}

std::optional<Ipv4Address> Fsm::virtual_ip() const {
    if (config_.virtual_ip) return config_.virtual_ip;
    return learned_vip_;
}

bool Fsm::higher_than_us(uint32_t their_priority, Ipv4Address their_ip) const {
    const uint32_t ours = priority();
    if (their_priority != ours) return their_priority > ours;
    return their_ip > config_.interface_ip;
}

bool Fsm::authentic(const Packet& p, std::span<const uint8_t> datagram) const {
    if (config_.auth.kind == AuthConfig::Kind::md5) return p.md5 && check_md5(datagram, config_.auth.key);
    if (p.md5) return false;
    const AuthText want = auth_text(config_.auth.key);
    return p.text.value_or(auth_text(kDefaultAuthText)) == want;
}

uint32_t Fsm::hello_ms() const {
    if (config_.hello) return to_ms(*config_.hello);
    return learned_times_ms_ ? learned_times_ms_->first : kDefaultHelloMs;
}

uint32_t Fsm::hold_ms() const {
    if (config_.hold) return to_ms(*config_.hold);
    return learned_times_ms_ ? learned_times_ms_->second : kDefaultHoldMs;
}

// ---------------------------------------------------------------- actions A..I

void Fsm::start_active_timer(std::optional<uint32_t> hold) {
    const loop::Duration d = std::chrono::milliseconds(hold.value_or(hold_ms()));
    active_deadline_ = timers_.now() + d;
    active_timer_ = timers_.schedule(d, [this] { fire(Event::active_expiry); });
}

void Fsm::start_standby_timer(std::optional<uint32_t> hold) {
    const loop::Duration d = std::chrono::milliseconds(hold.value_or(hold_ms()));
    standby_deadline_ = timers_.now() + d;
    standby_timer_ = timers_.schedule(d, [this] { fire(Event::standby_expiry); });
}

void Fsm::stop_active_timer() { active_timer_.cancel(); }
void Fsm::stop_standby_timer() { standby_timer_.cancel(); }

void Fsm::learn(const Packet& p) {
    // RFC 2281 5.1: learn what is not configured, from an authenticated Hello of the Active
    // router; an Active router learns nothing, and never mixes a configured and a learned time.
    if (state_ == State::active) return;
    if (!config_.virtual_ip && !p.virtual_ip.is_unspecified()) learned_vip_ = p.virtual_ip;
    if (!config_.hello && !config_.hold && p.hello_ms > 0 && p.hello_ms < p.hold_ms) {
        learned_times_ms_ = std::make_pair(p.hello_ms, p.hold_ms);
    }
}

void Fsm::send(OpCode op, Actions& out) {
    Packet p;
    p.version = config_.version;
    p.op = op;
    p.state = state_;
    p.group = config_.group;
    p.priority = priority();
    p.hello_ms = hello_ms();
    p.hold_ms = hold_ms();
    p.virtual_ip = virtual_ip().value_or(Ipv4Address());
    if (config_.version == Version::v2) p.identifier = config_.interface_mac;
    if (config_.auth.kind == AuthConfig::Kind::md5) {
        if (config_.version == Version::v1) p.text = AuthText{};  // zero, as IOS sends it
        p.md5 = Md5Tlv{1, 0, 0, config_.interface_ip, config_.auth.key_id, {}};
    } else {
        p.text = auth_text(config_.auth.key);
    }
    Transmit tx;
    tx.payload = serialize(p);
    if (p.md5) sign_md5(tx.payload, config_.auth.key);
    tx.packet = std::move(p);
    tx.source_mac = state_ == State::active ? virtual_mac() : config_.interface_mac;
    tx.destination = config_.version == Version::v1 ? kV1Destination : kV2Destination;
    switch (op) {
    case OpCode::hello: ++counters_.hellos_out; out.push_back(SendHello{std::move(tx)}); break;
    case OpCode::coup: ++counters_.coups_out; out.push_back(SendCoup{std::move(tx)}); break;
    case OpCode::resign: ++counters_.resigns_out; out.push_back(SendResign{std::move(tx)}); break;
    }
}

void Fsm::gratuitous_arp(Actions& out) {
    if (auto vip = virtual_ip()) out.push_back(GratuitousArp{*vip, virtual_mac()});
}

void Fsm::start_hello_timer() {
    const loop::Duration d = std::chrono::milliseconds(hello_ms());
    hello_deadline_ = timers_.now() + d;
    hello_timer_ = timers_.schedule(d, [this] {
        start_hello_timer();  // periodic: re-armed before the event runs
        fire(Event::hello_expiry);
    });
}

void Fsm::arm_preempt_timer(loop::Time at) {
    preempt_timer_ = timers_.schedule_at(at, [this] { fire(Event::preempt_expiry); });
}

void Fsm::fire(Event e) {
    Actions out;
    handle(e, nullptr, {}, out);
    if (!out.empty() && sink_) sink_(std::move(out));
}

// ---------------------------------------------------------------- show standby

GroupSnapshot Fsm::snapshot() const {
    const loop::Time now = timers_.now();
    GroupSnapshot s;
    s.interface = config_.interface;
    s.group = config_.group;
    s.version = config_.version;
    s.state = state_;
    s.name = config_.name;
    s.state_changes = state_changes_;
    if (!history_.empty()) s.since_last_change = now - history_.back().at;
    s.virtual_ip = virtual_ip();
    s.virtual_ip_learned = !config_.virtual_ip && learned_vip_.has_value();
    s.virtual_mac = virtual_mac();
    s.hellos_in = counters_.hellos_in;
    s.coups_in = counters_.coups_in;
    s.resigns_in = counters_.resigns_in;
    s.hellos_out = counters_.hellos_out;
    s.coups_out = counters_.coups_out;
    s.resigns_out = counters_.resigns_out;
    for (size_t r = 0; r < kDropReasonCount; ++r) {
        if (counters_.drops[r]) s.drops.emplace_back(std::string(drop_reason_name(static_cast<DropReason>(r))), counters_.drops[r]);
    }
    s.hello_ms = hello_ms();
    s.hold_ms = hold_ms();
    s.timers_learned = !config_.hello && learned_times_ms_.has_value();
    s.next_hello_in = remaining(hello_timer_, hello_deadline_, now);
    s.preempt = config_.preempt;
    s.preempt_minimum = config_.preempt_minimum;
    s.preempt_reload = config_.preempt_reload;
    s.active_local = state_ == State::active;
    if (active_ && !s.active_local) {
        s.active = NeighborView{active_->ip, active_->priority, remaining(active_timer_, active_deadline_, now)};
    }
    s.standby_local = state_ == State::standby;
    if (standby_ && !s.standby_local) {
        s.standby = NeighborView{standby_->ip, standby_->priority, remaining(standby_timer_, standby_deadline_, now)};
    }
    s.priority = priority();
    s.configured_priority = config_.priority;
    for (const auto& t : config_.tracks) {
        const bool down = std::find(tracks_down_.begin(), tracks_down_.end(), t.key) != tracks_down_.end();
        s.tracks.push_back(TrackView{t.key, t.decrement, !down});
    }
    s.md5 = config_.auth.kind == AuthConfig::Kind::md5;
    for (const auto& h : history_) s.history.push_back(HistoryView{now - h.at, h.from, h.to, h.reason});
    return s;
}

}  // namespace tandem::hsrp
