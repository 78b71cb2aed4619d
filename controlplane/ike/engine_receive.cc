// The engine's receive path: framing checks, SA look-up, the message-ID window with its response
// cache, decryption, and dispatch to tasks. Every early return is a counted drop.
//
//   datagram --(4500: strip non-ESP marker)--> parse_message + verify_message
//     IKE_SA_INIT request   --> half-open limit, COOKIE, peer policy --> new IKE SA, responder task
//     other request         --> IKE SA by our SPI --> window check (retransmission: cached
//                               response) --> state check --> unprotect (content malformed
//                               behind a valid ICV: N(INVALID_SYNTAX)) --> responder task
//                               --> response protected, cached, sent --> after_send()
//     response              --> IKE SA by our SPI --> must answer the outstanding request
//                               --> unprotect --> the active task's process()
#include <algorithm>

#include "controlplane/ike/engine.h"

namespace tandem::ike {

void Engine::receive(const Endpoint& local, const Endpoint& remote, std::span<const uint8_t> datagram) {
    reap();
    if (local.port == kNattPort) {
        auto ike = strip_non_esp_marker(datagram);
        if (!ike) {
            drops_.drop(DropReason::not_ike, where(remote), "ESP or keep-alive on 4500");
            return;
        }
        datagram = *ike;
    }
    receive_message(local, remote, datagram);
}

void Engine::receive_message(const Endpoint& local, const Endpoint& remote, std::span<const uint8_t> bytes) {
    auto m = parse_message(bytes);
    if (!m) {
        drops_.drop(DropReason::malformed, where(remote), m.error().str());
        return;
    }
    if (auto v = verify_message(*m); !v) {
        drops_.drop(DropReason::malformed, where(remote), v.error().str());
        return;
    }
    const IkeHeader& h = m->header;
    if (h.exchange == ExchangeType::ike_sa_init && !h.response()) {
        if (!h.initiator() || h.spi_r != 0 || h.message_id != 0) {
            drops_.drop(DropReason::malformed, where(remote), "IKE_SA_INIT request header");
            return;
        }
        receive_init_request(local, remote, *m, bytes);
        return;
    }
    // The I flag says whether the sender is the original initiator; our SPI is the other one.
    const uint64_t ours = h.initiator() ? h.spi_r : h.spi_i;
    auto it = sas_.find(ours);
    IkeSa* sa = it == sas_.end() ? nullptr : it->second.get();
    if (!sa || sa->is_initiator() == h.initiator() ||
        (sa->is_initiator() ? (sa->spi_r != 0 && sa->spi_r != h.spi_r) : sa->spi_i != h.spi_i)) {
        drops_.drop(DropReason::unknown_spi, where(remote));
        return;
    }
    if (h.response()) {
        receive_response(*sa, *m, bytes);
    } else {
        receive_request(*sa, local, remote, *m, bytes);
    }
}

bool Engine::cookie_ok(const Message& m, const Endpoint& remote, std::vector<uint8_t>& expected) {
    // COOKIE = HMAC-SHA-256(secret, Ni | IPi | SPIi) (RFC 7296 2.6): stateless and unforgeable.
    const auto* ni = m.find<NoncePayload>();
    if (!ni || !cookie_mac_) return false;
    const uint32_t a = remote.address.value();
    const uint8_t ip[4] = {uint8_t(a >> 24), uint8_t(a >> 16), uint8_t(a >> 8), uint8_t(a)};
    const auto spi = spi_bytes(m.header.spi_i);
    expected.assign(32, 0);
    if (!cookie_mac_->compute(cookie_secret_, {crypto::ByteView(ni->data), crypto::ByteView(ip), crypto::ByteView(spi)}, expected)) {
        return false;
    }
    const auto* c = m.find_notify(NotifyType::cookie);
    return c && crypto::constant_time_equal(c->data, expected);
}

void Engine::receive_init_request(const Endpoint& local, const Endpoint& remote, const Message& m,
                                  std::span<const uint8_t> bytes) {
    // A retransmitted IKE_SA_INIT: the cached response again.
    for (auto& [spi, s] : sas_) {
        if (s->is_initiator() || s->spi_i != m.header.spi_i || !(s->remote == remote)) continue;
        if (s->peer_next_id == 1 && s->have_cached_response &&
            std::equal(bytes.begin(), bytes.end(), s->init_request.begin(), s->init_request.end())) {
            ++responses_resent_;
            send_datagram(s->local, s->remote, s->cached_response);
        } else {
            drops_.drop(DropReason::wrong_message_id, where(remote), "IKE_SA_INIT for an existing IKE SA");
        }
        return;
    }
    auto peer = provider_.peer_for(local.address, remote.address);
    if (!peer) {
        drops_.drop(DropReason::no_policy, where(remote));
        return;
    }
    const size_t half = half_open();
    if (half >= config_.half_open_limit) {
        drops_.drop(DropReason::half_open_limit, where(remote));
        return;
    }
    if (half >= config_.cookie_threshold) {
        std::vector<uint8_t> expected;
        if (!cookie_ok(m, remote, expected)) {
            if (m.find_notify(NotifyType::cookie)) drops_.drop(DropReason::invalid_cookie, where(remote));
            if (expected.empty()) {
                drops_.drop(DropReason::bad_payloads, where(remote), "IKE_SA_INIT without Ni");
                return;
            }
            // HDR(A,0), N(COOKIE): no state kept.
            IkeHeader h = m.header;
            h.flags = header_flags::response;
            h.spi_r = 0;
            auto out = serialize_message(Message{h, {Payload::of(NotifyPayload::make(NotifyType::cookie, expected))}});
            if (out) send_datagram(local, remote, std::move(*out));
            return;
        }
    }

    IkeSa& sa = create_sa(Role::responder, peer, local, remote);
    sa.spi_i = m.header.spi_i;
    sa.init_request.assign(bytes.begin(), bytes.end());
    auto task = make_ike_init(Role::responder);
    TaskStatus st = task->process(*this, sa, m, m.payloads);
    std::vector<Payload> payloads;
    if (task->build(*this, sa, payloads) == TaskStatus::failed) st = TaskStatus::failed;
    IkeHeader h = sa.header(ExchangeType::ike_sa_init, true, 0);
    if (st == TaskStatus::failed) h.spi_r = 0;   // an error answer creates no IKE SA (2.6)
    auto out = serialize_message(Message{h, std::move(payloads)});
    if (!out) {
        destroy(sa, DownReason::negotiation_failed);
        return;
    }
    sa.init_response = *out;
    sa.cached_response = *out;
    sa.have_cached_response = true;
    sa.peer_next_id = 1;
    send_datagram(local, remote, std::move(*out));
    if (st == TaskStatus::failed) {
        destroy(sa, DownReason::negotiation_failed);
        return;
    }
    IkeSa* p = &sa;
    sa.half_open_timer = timers_.schedule(config_.half_open_timeout, [this, p] {
        reap();
        if (p->state == IkeState::half_open) destroy(*p, DownReason::negotiation_failed);
    });
}

std::unique_ptr<Task> Engine::responder_task(const IkeSa& sa, ExchangeType x) {
    switch (sa.state) {
        case IkeState::half_open:
            if (x == ExchangeType::ike_auth) return make_ike_auth(Role::responder);
            return nullptr;
        case IkeState::established:
        case IkeState::deleting:
            if (x == ExchangeType::informational) return make_informational_responder();
            if (x == ExchangeType::create_child_sa && sa.state == IkeState::established) return make_create_child_responder();
            return nullptr;
        case IkeState::init_sent:
        case IkeState::auth_sent:
            return nullptr;
    }
    return nullptr;
}

void Engine::receive_request(IkeSa& sa, const Endpoint& local, const Endpoint& remote, const Message& m,
                             std::span<const uint8_t> bytes) {
    const uint32_t id = m.header.message_id;
    if (sa.have_cached_response && id + 1 == sa.peer_next_id) {
        // 2.1: a retransmitted request gets the same response; anything else with this ID is
        // dropped (it cannot be authenticated against the cache without decrypting).
        if (id == 0 || !std::equal(bytes.begin(), bytes.end(), sa.last_request.begin(), sa.last_request.end())) {
            drops_.drop(DropReason::wrong_message_id, where(remote), "old request");
            return;
        }
        ++responses_resent_;
        auto out = sa.cached_response;
        if (sa.local.port == kNattPort) add_non_esp_marker(out);
        send_datagram(sa.local, sa.remote, std::move(out));
        return;
    }
    if (id != sa.peer_next_id) {
        drops_.drop(DropReason::wrong_message_id, where(remote),
                    "request " + std::to_string(id) + ", expected " + std::to_string(sa.peer_next_id));
        return;
    }
    auto task = responder_task(sa, m.header.exchange);
    if (!task) {
        drops_.drop(DropReason::unexpected_exchange, where(remote),
                    std::string("exchange ") + std::to_string(to_underlying(m.header.exchange)) + " in " + ike_state_name(sa.state));
        return;
    }
    auto inner = sa.unprotect(m, bytes);
    if (!inner) {
        drops_.drop(inner.error(), where(remote));
        if (inner.error() == DropReason::decrypted_malformed) answer_invalid_syntax(sa, m, bytes);
        return;
    }
    // Authenticated: follow the peer's address and port (NAT mapping changes, the switch to 4500).
    sa.local = local;
    sa.remote = remote;
    sa.last_heard = now();
    sa.last_request.assign(bytes.begin(), bytes.end());

    TaskStatus st = task->process(*this, sa, m, *inner);
    std::vector<Payload> payloads;
    if (task->build(*this, sa, payloads) == TaskStatus::failed) st = TaskStatus::failed;
    auto out = sa.protect(sa.header(m.header.exchange, true, id), payloads, rng_);
    sa.peer_next_id = id + 1;
    if (!out) {
        log("ike: " + sa.peer->name + ": cannot build response: " + out.error().message);
        destroy(sa, DownReason::negotiation_failed);
        return;
    }
    sa.cached_response = *out;
    sa.have_cached_response = true;
    if (sa.local.port == kNattPort) add_non_esp_marker(*out);
    send_datagram(sa.local, sa.remote, std::move(*out));
    task->after_send(*this, sa);
    if (st == TaskStatus::failed) {
        destroy(sa, sa.failure);
        return;
    }
    start_next(sa);
}

void Engine::answer_invalid_syntax(IkeSa& sa, const Message& m, std::span<const uint8_t> bytes) {
    // 2.21 / 3.10.1: the ICV verified (and the message ID is the expected one), but the content
    // did not parse: HDR, SK { N(INVALID_SYNTAX) }, which takes the message ID like any response.
    // An IKE SA not established yet goes with it (2.21.2).
    const uint32_t id = m.header.message_id;
    const Payload notify = Payload::of(NotifyPayload::make(NotifyType::invalid_syntax));
    auto out = sa.protect(sa.header(m.header.exchange, true, id), std::span<const Payload>(&notify, 1), rng_);
    if (!out) return;
    sa.last_request.assign(bytes.begin(), bytes.end());
    sa.peer_next_id = id + 1;
    sa.cached_response = *out;
    sa.have_cached_response = true;
    if (sa.local.port == kNattPort) add_non_esp_marker(*out);
    send_datagram(sa.local, sa.remote, std::move(*out));
    if (sa.state != IkeState::established) destroy(sa, DownReason::negotiation_failed);
}

void Engine::receive_response(IkeSa& sa, const Message& m, std::span<const uint8_t> bytes) {
    if (!sa.active || !sa.outstanding) {
        drops_.drop(DropReason::unsolicited_response, where(sa.remote));
        return;
    }
    if (m.header.message_id != sa.outstanding->message_id) {
        drops_.drop(DropReason::wrong_message_id, where(sa.remote),
                    "response " + std::to_string(m.header.message_id) + ", expected " + std::to_string(sa.outstanding->message_id));
        return;
    }
    if (m.header.exchange != sa.active->exchange()) {
        drops_.drop(DropReason::unexpected_exchange, where(sa.remote), "response to another exchange");
        return;
    }
    std::vector<Payload> inner;
    if (m.header.exchange == ExchangeType::ike_sa_init) {
        inner = m.payloads;
        sa.init_response.assign(bytes.begin(), bytes.end());
    } else {
        auto r = sa.unprotect(m, bytes);
        if (!r) {
            drops_.drop(r.error(), where(sa.remote));
            return;
        }
        inner = std::move(*r);
    }
    sa.last_heard = now();
    sa.outstanding.reset();
    const TaskStatus st = sa.active->process(*this, sa, m, inner);
    switch (st) {
        case TaskStatus::again:
            send_request(sa);   // same message ID (IKE_SA_INIT restarts at 0)
            return;
        case TaskStatus::failed:
            destroy(sa, sa.failure);   // aborts the task: an initiation reports child_failed
            return;
        case TaskStatus::done:
            break;
    }
    const ExchangeType done = sa.active->exchange();
    sa.active.reset();
    ++sa.next_request_id;
    if (done == ExchangeType::ike_sa_init) {
        sa.state = IkeState::auth_sent;
        switch_to_natt(sa);
    }
    start_next(sa);
}

}  // namespace tandem::ike
