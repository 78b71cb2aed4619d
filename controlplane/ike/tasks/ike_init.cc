// IKE_SA_INIT (RFC 7296 1.2, 2.6, 2.23): nonces, Diffie-Hellman, the IKE proposal and NAT
// detection.
//
//   Initiator                         Responder
//   -----------                       -----------
//   HDR, SAi1, KEi, Ni,
//     N(NAT_DETECTION_SOURCE_IP),
//     N(NAT_DETECTION_DESTINATION_IP)  -->
//                                <--  HDR, SAr1, KEr, Nr,
//                                       N(NAT_DETECTION_SOURCE_IP),
//                                       N(NAT_DETECTION_DESTINATION_IP)
//
// Restarts of the initiator (build() again, message ID 0, same SPIi and Ni):
//
//   HDR(A,0), SAi1, KEi, Ni  -->
//                            <--  HDR(A,0), N(COOKIE)
//   HDR(A,0), N(COOKIE), SAi1, KEi, Ni  -->                         (2.6)
//
//   HDR(A,0), SAi1, KEi(G1), Ni  -->
//                            <--  HDR(A,0), N(INVALID_KE_PAYLOAD, G2)
//   HDR(A,0), SAi1, KEi(G2), Ni  -->                                (1.2)
//
// The responder answers errors (NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD, INVALID_SYNTAX) and keeps
// no state for them; COOKIE is answered by the engine before any IKE SA exists.
//
// NAT-D (2.23): SOURCE_IP = SHA-1(SPIi | SPIr | sender's IP | port), DESTINATION_IP the same over
// the receiver's address as the sender sees it; SPIr is zero in the request. A SOURCE hash that
// does not match the packet's source means the peer is behind a NAT; a DESTINATION hash that does
// not match our own address means we are.
#include <algorithm>

#include "controlplane/ike/crypto/auth.h"
#include "controlplane/ike/engine_config.h"
#include "controlplane/ike/tasks/task.h"

namespace tandem::ike {
namespace {

std::vector<uint8_t> nat_hash(uint64_t spi_i, uint64_t spi_r, const Endpoint& e) {
    auto h = crypto::nat_detection_hash(spi_i, spi_r, e.address, e.port);
    return h ? std::move(*h) : std::vector<uint8_t>{};
}

void add_nat_detection(const IkeSa& sa, uint64_t spi_r, std::vector<Payload>& out) {
    out.push_back(Payload::of(NotifyPayload::make(NotifyType::nat_detection_source_ip, nat_hash(sa.spi_i, spi_r, sa.local))));
    out.push_back(Payload::of(NotifyPayload::make(NotifyType::nat_detection_destination_ip, nat_hash(sa.spi_i, spi_r, sa.remote))));
}

// Any NAT-D hash must match: several SOURCE_IP notifies are allowed (2.23).
bool any_matches(std::span<const Payload> in, NotifyType type, const std::vector<uint8_t>& expected, bool& present) {
    bool match = false;
    for (const auto& p : in) {
        const auto* n = p.get<NotifyPayload>();
        if (!n || n->type != type) continue;
        present = true;
        match = match || n->data == expected;
    }
    return match;
}

void detect_nat(IkeSa& sa, std::span<const Payload> in, uint64_t spi_r) {
    bool src = false, dst = false;
    bool src_ok = any_matches(in, NotifyType::nat_detection_source_ip, nat_hash(sa.spi_i, spi_r, sa.remote), src);
    bool dst_ok = any_matches(in, NotifyType::nat_detection_destination_ip, nat_hash(sa.spi_i, spi_r, sa.local), dst);
    if (!src || !dst) return;   // the peer does not support NAT-T
    sa.nat_remote = !src_ok;
    sa.nat_local = !dst_ok;
}

bool make_nonce(TaskContext& ctx, std::vector<uint8_t>& nonce) {
    nonce.assign(ctx.config().nonce_size, 0);
    return ctx.rng().fill(nonce).ok();
}

bool offered(const IkeProposalSet& set, DhGroup g) {
    return std::any_of(set.begin(), set.end(), [g](const IkeProposal& p) {
        return std::find(p.dh.begin(), p.dh.end(), g) != p.dh.end();
    });
}

class IkeInitInitiator final : public Task {
public:
    IkeInitInitiator() : Task(Role::initiator) {}
    ExchangeType exchange() const override { return ExchangeType::ike_sa_init; }
    const char* name() const override { return "IKE_SA_INIT"; }

    TaskStatus build(TaskContext& ctx, IkeSa& sa, std::vector<Payload>& out) override {
        const IkeProposalSet& set = sa.peer->ike;
        if (set.empty() || set[0].dh.empty()) return fail(sa);
        if (group_ == DhGroup::none) group_ = set[0].dh[0];
        if (sa.ni.empty() && !make_nonce(ctx, sa.ni)) return fail(sa);
        if (!sa.ke || sa.ke->group() != to_underlying(group_)) {
            auto ke = crypto::KeyExchange::generate(to_underlying(group_), ctx.rng());
            if (!ke) return fail(sa);
            sa.ke.emplace(std::move(*ke));
        }
        if (!sa.cookie.empty()) out.push_back(Payload::of(NotifyPayload::make(NotifyType::cookie, sa.cookie)));
        out.push_back(Payload::of(ike_sa_payload(set)));
        auto pub = sa.ke->public_value();
        out.push_back(Payload::of(KePayload{group_, {pub.begin(), pub.end()}}));
        out.push_back(Payload::of(NoncePayload{sa.ni}));
        add_nat_detection(sa, 0, out);
        return TaskStatus::done;
    }

    TaskStatus process(TaskContext& ctx, IkeSa& sa, const Message& m, std::span<const Payload> in) override {
        if (const auto* c = find_notify(in, NotifyType::cookie)) {
            if (++restarts_ > kMaxRestarts) return fail(sa);
            sa.cookie = c->data;
            return TaskStatus::again;
        }
        if (const auto* n = find_notify(in, NotifyType::invalid_ke_payload)) {
            auto g = static_cast<DhGroup>((uint16_t{n->data[0]} << 8) | n->data[1]);
            if (++restarts_ > kMaxRestarts || g == group_ || !offered(sa.peer->ike, g)) return fail(sa);
            ctx.log("ike: " + sa.peer->name + ": responder asks for DH group " + std::to_string(to_underlying(g)));
            group_ = g;
            return TaskStatus::again;
        }
        for (const auto& p : in) {
            const auto* n = p.get<NotifyPayload>();
            if (n && is_error(n->type)) {
                ctx.log("ike: " + sa.peer->name + ": IKE_SA_INIT refused with notify " + std::to_string(to_underlying(n->type)));
                return fail(sa);
            }
        }
        const auto* sap = find<SaPayload>(in);
        const auto* ke = find<KePayload>(in);
        const auto* nr = find<NoncePayload>(in);
        if (!sap || !ke || !nr || m.header.spi_r == 0) return bad(ctx, sa, "SA, KE, Nr or SPIr missing");
        auto algs = accept_ike(sa.peer->ike, *sap);
        if (!algs || algs->dh != group_ || ke->group != group_) return bad(ctx, sa, "responder chose what was not offered");
        auto g_ir = sa.ke->shared_secret(ke->data);
        if (!g_ir) {
            ctx.drop(sa, DropReason::invalid_ke, "KEr refused");
            return fail(sa);
        }
        sa.spi_r = m.header.spi_r;
        sa.nr = nr->data;
        sa.algs = *algs;
        detect_nat(sa, in, sa.spi_r);
        if (!sa.derive_keys(*g_ir)) return fail(sa);
        sa.ke.reset();
        return TaskStatus::done;
    }

private:
    static constexpr int kMaxRestarts = 4;
    static TaskStatus fail(IkeSa& sa) {
        sa.failure = DownReason::negotiation_failed;
        return TaskStatus::failed;
    }
    static TaskStatus bad(TaskContext& ctx, IkeSa& sa, const char* what) {
        ctx.drop(sa, DropReason::bad_payloads, what);
        return fail(sa);
    }
    DhGroup group_ = DhGroup::none;
    int restarts_ = 0;
};

class IkeInitResponder final : public Task {
public:
    IkeInitResponder() : Task(Role::responder) {}
    ExchangeType exchange() const override { return ExchangeType::ike_sa_init; }
    const char* name() const override { return "IKE_SA_INIT"; }

    TaskStatus process(TaskContext& ctx, IkeSa& sa, const Message&, std::span<const Payload> in) override {
        const auto* sap = find<SaPayload>(in);
        const auto* ke = find<KePayload>(in);
        const auto* ni = find<NoncePayload>(in);
        if (!sap || !ke || !ni) return refuse(NotifyType::invalid_syntax, sa);
        auto choice = select_ike(sa.peer->ike, *sap, ke->group);
        if (!choice) return refuse(NotifyType::no_proposal_chosen, sa);
        if (!choice->ke_group_ok) {
            const uint16_t g = to_underlying(choice->algs.dh);
            error_ = NotifyPayload::make(NotifyType::invalid_ke_payload, {uint8_t(g >> 8), uint8_t(g)});
            return fail(sa);
        }
        auto our_ke = crypto::KeyExchange::generate(to_underlying(choice->algs.dh), ctx.rng());
        if (!our_ke) return refuse(NotifyType::no_proposal_chosen, sa);
        auto g_ir = our_ke->shared_secret(ke->data);
        if (!g_ir) {
            ctx.drop(sa, DropReason::invalid_ke, "KEi refused");
            return refuse(NotifyType::invalid_syntax, sa);
        }
        sa.ni = ni->data;
        if (!make_nonce(ctx, sa.nr)) return refuse(NotifyType::no_proposal_chosen, sa);
        sa.algs = choice->algs;
        detect_nat(sa, in, 0);
        if (!sa.derive_keys(*g_ir)) return refuse(NotifyType::no_proposal_chosen, sa);
        reply_ = std::move(choice->reply);
        sa.ke.emplace(std::move(*our_ke));
        return TaskStatus::done;
    }

    TaskStatus build(TaskContext&, IkeSa& sa, std::vector<Payload>& out) override {
        if (error_) {
            out.push_back(Payload::of(*error_));
            return TaskStatus::failed;
        }
        out.push_back(Payload::of(SaPayload{{reply_}}));
        auto pub = sa.ke->public_value();
        out.push_back(Payload::of(KePayload{sa.algs.dh, {pub.begin(), pub.end()}}));
        out.push_back(Payload::of(NoncePayload{sa.nr}));
        add_nat_detection(sa, sa.spi_r, out);
        sa.ke.reset();
        return TaskStatus::done;
    }

private:
    TaskStatus refuse(NotifyType t, IkeSa& sa) {
        error_ = NotifyPayload::make(t);
        return fail(sa);
    }
    static TaskStatus fail(IkeSa& sa) {
        sa.failure = DownReason::negotiation_failed;
        return TaskStatus::failed;
    }
    std::optional<NotifyPayload> error_;
    Proposal reply_;
};

}  // namespace

std::unique_ptr<Task> make_ike_init(Role role) {
    if (role == Role::initiator) return std::make_unique<IkeInitInitiator>();
    return std::make_unique<IkeInitResponder>();
}

}  // namespace tandem::ike
