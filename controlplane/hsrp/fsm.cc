// The RFC 2281 section 6 transition table, one function per event. Each cell is commented as
// "State: actions -> next state" with the RFC's action letters (A..I, see fsm.h). Two gaps the
// RFC's table leaves are closed the way IOS behaves:
//  - Speak, (d) Standby timer expiry -> Standby; when the Active timer has already run out
//    (nobody is Active), the router goes on to Active at once, as (c) would in Standby.
//  - Listen/Speak/Standby, (h) with preemption: the Coup waits for the preempt delay (minimum,
//    and reload after the first enable); a preempt timer re-checks when it runs out.
#include "controlplane/hsrp/fsm.h"

namespace tandem::hsrp {

Fsm::Fsm(GroupConfig config, loop::Timers& timers, Sink timer_sink)
    : config_(std::move(config)), timers_(timers), sink_(std::move(timer_sink)) {}

Actions Fsm::enable() {
    Actions out;
    handle(Event::enable, nullptr, {}, out);
    return out;
}

Actions Fsm::disable() {
    Actions out;
    handle(Event::disable, nullptr, {}, out);
    return out;
}

void Fsm::handle(Event e, const Packet* p, Ipv4Address from, Actions& out) {
    const State s = state_;
    switch (e) {
    case Event::enable:
        // (a) Initial: A B -> Learn, or Listen when the virtual IP is configured.
        if (s != State::initial) return;
        if (!enabled_once_) {
            enabled_once_ = true;
            if (config_.preempt_reload.count() > 0) reload_until_ = timers_.now() + config_.preempt_reload;
        } else {
            reload_until_.reset();
        }
        start_active_timer(std::nullopt);
        start_standby_timer(std::nullopt);
        start_hello_timer();
        change_state(virtual_ip() ? State::listen : State::learn, "Interface up", out);
        return;

    case Event::disable:
        // (b) Learn/Listen/Speak/Standby: C D -> Initial. Active: C D H -> Initial.
        if (s == State::initial) return;
        stop_active_timer();
        stop_standby_timer();
        hello_timer_.cancel();
        preempt_timer_.cancel();
        preempt_since_.reset();
        if (s == State::active) send(OpCode::resign, out);
        active_.reset();
        standby_.reset();
        change_state(State::initial, "Interface down", out);
        return;

    case Event::active_expiry:
        // (c) Listen: A B -> Speak (and a Hello at once). Standby: C D F I -> Active.
        //     Speak: the Standby router takes over; we wait for our Standby timer (d).
        active_.reset();
        if (s == State::listen) {
            start_active_timer(std::nullopt);
            start_standby_timer(std::nullopt);
            change_state(State::speak, "Active router expired", out);
            send(OpCode::hello, out);
        } else if (s == State::standby) {
            become_active("Active router expired", out);
        }
        return;

    case Event::standby_expiry:
        // (d) Listen: B -> Speak. Speak: D -> Standby (-> Active when nobody is Active).
        standby_.reset();
        if (s == State::listen) {
            start_standby_timer(std::nullopt);
            change_state(State::speak, "Standby router expired", out);
            send(OpCode::hello, out);
        } else if (s == State::speak) {
            stop_standby_timer();
            change_state(State::standby, "Standby router expired", out);
            send(OpCode::hello, out);
            if (!active_timer_.armed()) become_active("Active router expired", out);
        }
        return;

    case Event::hello_expiry:
        // (e) Speak/Standby/Active: F.
        if (s == State::speak || s == State::standby || s == State::active) send(OpCode::hello, out);
        return;

    case Event::speak_higher:
        // (f) Speak/Standby: B -> Listen (the speaker is the better standby candidate).
        if (s == State::speak || s == State::standby) {
            start_standby_timer(std::nullopt);
            change_state(State::listen, "Speak hello of higher priority from " + from.str(), out);
        }
        return;

    case Event::active_higher:
    case Event::active_lower:
        on_hello_from_active(e == Event::active_higher, *p, out);
        return;

    case Event::standby_higher:
    case Event::standby_lower:
        on_hello_from_standby(e == Event::standby_higher, *p, out);
        return;

    case Event::resign:
        on_resign(out);
        return;

    case Event::coup_higher:
        // (j) Active: A B H -> Speak. Other states: nothing.
        if (s == State::active) {
            start_active_timer(std::nullopt);
            start_standby_timer(std::nullopt);
            send(OpCode::resign, out);
            active_ = Neighbor{from, p ? p->priority : 0};
            leave_active(State::speak, "Coup received from " + from.str(), out);
        }
        return;

    case Event::priority_changed:
        // Tandem: tell the group at once (F), then re-run the preemption decision of (h).
        if (s == State::speak || s == State::standby || s == State::active) send(OpCode::hello, out);
        on_preempt_check(out);
        return;

    case Event::preempt_expiry:
        on_preempt_check(out);
        return;
    }
}

void Fsm::on_hello_from_active(bool higher, const Packet& p, Actions& out) {
    switch (state_) {
    case State::initial:
        return;
    case State::learn:
        // (g)/(h) Learn: E A B -> Listen (once the virtual IP is known).
        learn(p);
        start_active_timer(p.hold_ms);
        start_standby_timer(std::nullopt);
        if (virtual_ip()) change_state(State::listen, "Virtual IP learned from " + active_->ip.str(), out);
        return;
    case State::listen:
    case State::speak:
    case State::standby:
        // (g) E A. (h) E A, then with preemption: G, and I F -> Active (after the delay).
        learn(p);
        start_active_timer(p.hold_ms);
        on_preempt_check(out);
        return;
    case State::active:
        if (higher) {
            // (g) Active: A B -> Speak.
            start_active_timer(p.hold_ms);
            start_standby_timer(std::nullopt);
            leave_active(State::speak, "Active hello of higher priority from " + active_->ip.str(), out);
        } else {
            // (h) Active: G (the other Active router is to resign).
            active_.reset();
            send(OpCode::coup, out);
        }
        return;
    }
}

void Fsm::on_hello_from_standby(bool higher, const Packet& p, Actions& out) {
    const std::string who = standby_ ? standby_->ip.str() : std::string("?");
    switch (state_) {
    case State::initial:
    case State::learn:
        return;
    case State::listen:
        // (k) Listen: B. (l) Listen: B -> Speak (we are the better standby).
        start_standby_timer(p.hold_ms);
        if (!higher) {
            change_state(State::speak, "Standby hello of lower priority from " + who, out);
            send(OpCode::hello, out);
        }
        return;
    case State::speak:
        // (k) Speak: B -> Listen. (l) Speak: D -> Standby.
        if (higher) {
            start_standby_timer(p.hold_ms);
            change_state(State::listen, "Standby hello of higher priority from " + who, out);
        } else {
            stop_standby_timer();
            standby_.reset();
            change_state(State::standby, "Standby hello of lower priority from " + who, out);
            send(OpCode::hello, out);
        }
        return;
    case State::standby:
        // (k) Standby: B -> Listen. (l) Standby: nothing (the other one yields on our Hello).
        if (higher) {
            start_standby_timer(p.hold_ms);
            change_state(State::listen, "Standby hello of higher priority from " + who, out);
        } else {
            standby_.reset();
        }
        return;
    case State::active:
        // (k)/(l) Active: B.
        start_standby_timer(p.hold_ms);
        return;
    }
}

void Fsm::on_resign(Actions& out) {
    // (i) Listen: A B -> Speak. Speak: A. Standby: C F I -> Active.
    active_.reset();
    switch (state_) {
    case State::listen:
        start_active_timer(std::nullopt);
        start_standby_timer(std::nullopt);
        change_state(State::speak, "Resign received", out);
        send(OpCode::hello, out);
        return;
    case State::speak:
        start_active_timer(std::nullopt);
        return;
    case State::standby:
        become_active("Resign received", out);
        return;
    default:
        return;
    }
}

void Fsm::on_preempt_check(Actions& out) {
    const bool eligible = state_ == State::listen || state_ == State::speak || state_ == State::standby;
    if (!config_.preempt || !eligible || !active_ || higher_than_us(active_->priority, active_->ip)) {
        preempt_since_.reset();
        preempt_timer_.cancel();
        return;
    }
    const loop::Time now = timers_.now();
    if (!preempt_since_) preempt_since_ = now;
    loop::Time due = *preempt_since_ + config_.preempt_minimum;
    if (reload_until_ && *reload_until_ > due) due = *reload_until_;
    if (now < due) {
        if (!preempt_timer_.armed()) arm_preempt_timer(due);
        return;
    }
    const std::string reason = "Preempt: priority " + std::to_string(priority()) + " over " + active_->ip.str() +
                               " (" + std::to_string(active_->priority) + ")";
    preempt_since_.reset();
    preempt_timer_.cancel();
    send(OpCode::coup, out);                   // G
    start_standby_timer(std::nullopt);         // B
    become_active(reason, out);                // C D F I
}

void Fsm::become_active(std::string reason, Actions& out) {
    stop_active_timer();   // C
    stop_standby_timer();  // D
    active_.reset();
    if (standby_ && standby_->ip == config_.interface_ip) standby_.reset();
    preempt_since_.reset();
    preempt_timer_.cancel();
    change_state(State::active, std::move(reason), out);
    send(OpCode::hello, out);  // F
    gratuitous_arp(out);       // I
}

void Fsm::leave_active(State to, std::string reason, Actions& out) {
    change_state(to, std::move(reason), out);
}

void Fsm::change_state(State to, std::string reason, Actions& out) {
    const State from = state_;
    if (from == to) return;
    state_ = to;
    ++state_changes_;
    history_.push_back(HistoryEntry{timers_.now(), from, to, reason});
    if (history_.size() > kHistoryLength) history_.pop_front();
    out.push_back(StateChanged{from, to, std::move(reason)});
    const auto vip = virtual_ip();
    if (from == State::active && vip) out.push_back(ReleaseVip{*vip, virtual_mac()});
    if (to == State::active && vip) out.push_back(ClaimVip{*vip, virtual_mac()});
}

}  // namespace tandem::hsrp
