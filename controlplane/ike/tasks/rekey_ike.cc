// CREATE_CHILD_SA rekeying the IKE SA (RFC 7296 1.3.2, 2.18), both sides.
//
//   Initiator                         Responder
//   -----------                       -----------
//   HDR, SK { SA(IKE, SPIi'), Ni, KEi }  -->
//                                <--  HDR, SK { SA(IKE, SPIr'), Nr, KEr }
//
//   errors:                      <--  HDR, SK { N(NO_PROPOSAL_CHOSEN) } / N(INVALID_KE_PAYLOAD,
//                                     group) / N(TEMPORARY_FAILURE) (2.25.2)
//
// The exchange runs on the old IKE SA. The new one has SPIi' (the rekey initiator's, from its SA
// payload) and SPIr' (the responder's), the rekey initiator as its initiator, and keys from
//
//   SKEYSEED = prf_old(SK_d(old), g^ir(new) | Ni | Nr)
//   {SK_d | SK_ai | ...} = prf+_new(SKEYSEED, Ni | Nr | SPIi' | SPIr')
//
// What happens next is the engine's (engine_rekey.cc): the CHILD SAs move to the new IKE SA and
// the rekey's initiator deletes the old one; a simultaneous rekey by both sides is resolved there
// by the lowest nonce (2.8.2).
//
// The responder answers TEMPORARY_FAILURE while the IKE SA is already replaced or being deleted,
// or while a CREATE_CHILD_SA of ours is in flight on it (2.25.2).
#include <algorithm>

#include "controlplane/ike/engine_config.h"
#include "controlplane/ike/tasks/task.h"

namespace tandem::ike {
namespace {

bool make_nonce(TaskContext& ctx, std::vector<uint8_t>& nonce) {
    nonce.assign(ctx.config().nonce_size, 0);
    return ctx.rng().fill(nonce).ok();
}

DhGroup group_of(std::span<const uint8_t> data) {
    return data.size() == 2 ? static_cast<DhGroup>((uint16_t{data[0]} << 8) | data[1]) : DhGroup::none;
}

class RekeyIkeInitiator final : public Task {
public:
    explicit RekeyIkeInitiator(std::optional<DhGroup> group) : Task(Role::initiator), group_(group) {}
    ExchangeType exchange() const override { return ExchangeType::create_child_sa; }
    const char* name() const override { return "CREATE_CHILD_SA(rekey IKE)"; }
    bool rekeys_ike() const override { return true; }

    TaskStatus build(TaskContext& ctx, IkeSa& sa, std::vector<Payload>& out) override {
        if (!group_) group_ = sa.algs.dh;
        if (spi_ == 0) spi_ = ctx.allocate_ike_spi();
        if (ni_.empty() && !make_nonce(ctx, ni_)) return fail(sa);
        if (!ke_) {
            auto ke = crypto::KeyExchange::generate(to_underlying(*group_), ctx.rng());
            if (!ke) return fail(sa);
            ke_.emplace(std::move(*ke));
        }
        // Our proposals as configured, with the KE group first tried by the responder.
        out.push_back(Payload::of(ike_sa_payload(sa.peer->ike, spi_bytes(spi_))));
        out.push_back(Payload::of(NoncePayload{ni_}));
        auto pub = ke_->public_value();
        out.push_back(Payload::of(KePayload{*group_, {pub.begin(), pub.end()}}));
        sa.rekeying = true;
        return TaskStatus::done;
    }

    TaskStatus process(TaskContext& ctx, IkeSa& sa, const Message&, std::span<const Payload> in) override {
        if (const auto* n = find_notify(in, NotifyType::invalid_ke_payload)) {
            const DhGroup g = group_of(n->data);
            const bool offered = std::any_of(sa.peer->ike.begin(), sa.peer->ike.end(), [g](const IkeProposal& p) {
                return std::find(p.dh.begin(), p.dh.end(), g) != p.dh.end();
            });
            ctx.ike_rekey_failed(sa, offered && g != *group_ ? std::optional<DhGroup>(g) : std::nullopt);
            return TaskStatus::done;
        }
        for (const auto& p : in) {
            const auto* n = p.get<NotifyPayload>();
            if (n && is_error(n->type)) {
                ctx.log("ike: " + sa.peer->name + ": IKE SA rekey refused with notify " + std::to_string(to_underlying(n->type)));
                ctx.ike_rekey_failed(sa, std::nullopt);
                return TaskStatus::done;
            }
        }
        const auto* sap = find<SaPayload>(in);
        const auto* nr = find<NoncePayload>(in);
        const auto* ke = find<KePayload>(in);
        std::optional<IkeAlgorithms> algs;
        if (sap) algs = accept_ike(sa.peer->ike, *sap);
        const uint64_t peer_spi = sap && !sap->proposals.empty() ? spi64(sap->proposals[0].spi) : 0;
        if (!nr || !ke || !algs || algs->dh != *group_ || ke->group != *group_ || peer_spi == 0) {
            ctx.drop(sa, DropReason::bad_payloads, "IKE SA rekey response without acceptable SA, Nr or KEr");
            ctx.ike_rekey_failed(sa, std::nullopt);
            return TaskStatus::done;
        }
        auto g_ir = ke_->shared_secret(ke->data);
        IkeSa* fresh = g_ir ? ctx.create_rekeyed_sa(sa, Role::initiator, spi_) : nullptr;
        if (!fresh) {
            ctx.drop(sa, DropReason::invalid_ke, "IKE SA rekey: KEr refused or SPI taken");
            ctx.ike_rekey_failed(sa, std::nullopt);
            return TaskStatus::done;
        }
        fresh->spi_i = spi_;
        fresh->spi_r = peer_spi;
        fresh->ni = ni_;
        fresh->nr = nr->data;
        fresh->algs = *algs;
        if (auto r = fresh->derive_rekeyed_keys(sa, *g_ir); !r) {
            ctx.log("ike: " + sa.peer->name + ": IKE SA rekey: " + r.error().message);
            ctx.discard_rekeyed(*fresh);
            ctx.ike_rekey_failed(sa, std::nullopt);
            return TaskStatus::done;
        }
        ctx.ike_rekey_done(sa, *fresh, true);
        return TaskStatus::done;
    }

    void abort(TaskContext&, IkeSa& sa) override { sa.rekeying = false; }

private:
    static TaskStatus fail(IkeSa& sa) {
        sa.failure = DownReason::negotiation_failed;
        return TaskStatus::failed;
    }
    std::optional<DhGroup> group_;
    uint64_t spi_ = 0;
    std::vector<uint8_t> ni_;
    std::optional<crypto::KeyExchange> ke_;
};

class RekeyIkeResponder final : public Task {
public:
    RekeyIkeResponder() : Task(Role::responder) {}
    ExchangeType exchange() const override { return ExchangeType::create_child_sa; }
    const char* name() const override { return "CREATE_CHILD_SA(rekey IKE)"; }

    TaskStatus process(TaskContext& ctx, IkeSa& sa, const Message&, std::span<const Payload> in) override {
        const bool child_in_flight = sa.active && sa.active->exchange() == ExchangeType::create_child_sa && !sa.rekeying;
        if (sa.superseded() || sa.state != IkeState::established || child_in_flight) {
            return refuse(NotifyType::temporary_failure);
        }
        const auto* sap = find<SaPayload>(in);
        const auto* ni = find<NoncePayload>(in);
        const auto* ke = find<KePayload>(in);
        if (!sap || !ni || !ke) return refuse(NotifyType::invalid_syntax);
        auto choice = select_ike(sa.peer->ike, *sap, ke->group);
        if (!choice) return refuse(NotifyType::no_proposal_chosen);
        if (!choice->ke_group_ok) {
            const uint16_t g = to_underlying(choice->algs.dh);
            out_.push_back(Payload::of(NotifyPayload::make(NotifyType::invalid_ke_payload, {uint8_t(g >> 8), uint8_t(g)})));
            return TaskStatus::done;
        }
        const uint64_t peer_spi = spi64(choice->peer_spi);
        if (peer_spi == 0) return refuse(NotifyType::invalid_syntax);
        auto our_ke = crypto::KeyExchange::generate(to_underlying(choice->algs.dh), ctx.rng());
        if (!our_ke) return refuse(NotifyType::no_proposal_chosen);
        auto g_ir = our_ke->shared_secret(ke->data);
        if (!g_ir) return refuse(NotifyType::invalid_syntax);
        std::vector<uint8_t> nr;
        if (!make_nonce(ctx, nr)) return refuse(NotifyType::temporary_failure);
        const uint64_t spi = ctx.allocate_ike_spi();
        IkeSa* fresh = ctx.create_rekeyed_sa(sa, Role::responder, spi);
        if (!fresh) return refuse(NotifyType::temporary_failure);
        fresh->spi_i = peer_spi;
        fresh->spi_r = spi;
        fresh->ni = ni->data;
        fresh->nr = nr;
        fresh->algs = choice->algs;
        if (auto r = fresh->derive_rekeyed_keys(sa, *g_ir); !r) {
            ctx.log("ike: " + sa.peer->name + ": IKE SA rekey: " + r.error().message);
            ctx.discard_rekeyed(*fresh);
            return refuse(NotifyType::no_proposal_chosen);
        }
        Proposal reply = std::move(choice->reply);
        reply.spi = spi_bytes(spi);
        out_.push_back(Payload::of(SaPayload{{std::move(reply)}}));
        out_.push_back(Payload::of(NoncePayload{std::move(nr)}));
        auto pub = our_ke->public_value();
        out_.push_back(Payload::of(KePayload{choice->algs.dh, {pub.begin(), pub.end()}}));
        fresh_spi_ = spi;
        return TaskStatus::done;
    }

    TaskStatus build(TaskContext&, IkeSa&, std::vector<Payload>& out) override {
        out = std::move(out_);
        return TaskStatus::done;
    }

    void after_send(TaskContext& ctx, IkeSa& sa) override {
        if (fresh_spi_ == 0) return;
        if (IkeSa* fresh = ctx.find_by_local_spi(fresh_spi_)) ctx.ike_rekey_done(sa, *fresh, false);
    }

private:
    TaskStatus refuse(NotifyType t) {
        out_.push_back(Payload::of(NotifyPayload::make(t)));
        return TaskStatus::done;
    }
    std::vector<Payload> out_;
    uint64_t fresh_spi_ = 0;
};

}  // namespace

std::unique_ptr<Task> make_rekey_ike(std::optional<DhGroup> group) { return std::make_unique<RekeyIkeInitiator>(group); }
std::unique_ptr<Task> make_rekey_ike_responder() { return std::make_unique<RekeyIkeResponder>(); }

}  // namespace tandem::ike
