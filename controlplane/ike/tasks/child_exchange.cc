// CHILD SA negotiation shared by IKE_AUTH and CREATE_CHILD_SA: see child_exchange.h.
#include "controlplane/ike/tasks/child_exchange.h"

#include "controlplane/ike/ts_narrow.h"

namespace tandem::ike {
namespace {

TsPayload ts_payload(const std::optional<TsRange>& trigger, const TsRange& policy) {
    TsPayload p;
    if (trigger) p.selectors.push_back(trigger->to_wire());
    p.selectors.push_back(policy.to_wire());
    return p;
}

// KEYMAT for the new CHILD SA, then both SaParams.
bool derive(TaskContext& ctx, IkeSa& sa, ChildSa& child, bool exchange_initiator, crypto::ByteView g_ir,
            crypto::ByteView ni, crypto::ByteView nr) {
    auto keys = crypto::derive_child_sa_keys(*sa.prf, sa.sk_d, child.algs.transforms(), g_ir, ni, nr);
    if (!keys) {
        ctx.log("ike: CHILD SA key derivation failed: " + keys.error().detail);
        return false;
    }
    if (auto r = fill_sa_params(child, *keys, exchange_initiator, sa.path()); !r) {
        ctx.log("ike: CHILD SA parameters: " + r.error().message);
        return false;
    }
    return true;
}

ChildSa& new_child(TaskContext& ctx, IkeSa& sa, const ChildPolicy& policy) {
    uint32_t id = ctx.allocate_child_id();
    ChildSa& c = sa.children[id];
    c.id = id;
    c.policy = policy;
    c.created = ctx.now();
    return c;
}

}  // namespace

bool add_child_request(TaskContext& ctx, ChildInitiation& ci, std::vector<Payload>& out) {
    if (ci.inbound_spi == 0) ci.inbound_spi = ctx.allocate_inbound_spi();
    const auto& pol = ci.req.policy;
    std::optional<DhGroup> pfs = ci.with_pfs ? pol.pfs_group : std::nullopt;
    if (pfs && *pfs != DhGroup::none && !ci.ke) {
        auto ke = crypto::KeyExchange::generate(to_underlying(*pfs), ctx.rng());
        if (!ke) return false;
        ci.ke.emplace(std::move(*ke));
    }
    out.push_back(Payload::of(esp_sa_payload(pol.esp, ci.inbound_spi, pfs)));
    if (ci.ke) {
        auto pub = ci.ke->public_value();
        out.push_back(Payload::of(KePayload{*pfs, {pub.begin(), pub.end()}}));
    }
    out.push_back(Payload::of(PayloadType::tsi, ts_payload(ci.req.trigger_local, pol.local_ts)));
    out.push_back(Payload::of(PayloadType::tsr, ts_payload(ci.req.trigger_remote, pol.remote_ts)));
    return true;
}

uint32_t finish_child_request(TaskContext& ctx, IkeSa& sa, ChildInitiation& ci, std::span<const Payload> in,
                              crypto::ByteView ni, crypto::ByteView nr) {
    const auto& pol = ci.req.policy;
    for (NotifyType t : {NotifyType::no_proposal_chosen, NotifyType::ts_unacceptable, NotifyType::single_pair_required,
                         NotifyType::no_additional_sas, NotifyType::invalid_ke_payload, NotifyType::temporary_failure,
                         NotifyType::internal_address_failure, NotifyType::failed_cp_required,
                         NotifyType::child_sa_not_found, NotifyType::invalid_syntax}) {
        if (find_notify(in, t)) {
            ctx.child_failed(sa, pol, t);
            return 0;
        }
    }
    const auto* sap = find<SaPayload>(in);
    const auto* tsi = find<TsPayload>(in, PayloadType::tsi);
    const auto* tsr = find<TsPayload>(in, PayloadType::tsr);
    std::optional<DhGroup> pfs = ci.with_pfs ? pol.pfs_group : std::nullopt;
    std::optional<EspChoice> choice;
    if (sap) choice = accept_esp(pol.esp, pfs, *sap);
    if (!sap || !tsi || !tsr || !choice || choice->peer_spi < 256) {
        ctx.child_failed(sa, pol, NotifyType::no_proposal_chosen);
        return 0;
    }
    // The responder may only narrow: what it answers must lie inside what we asked for.
    auto local = narrow(tsi->selectors, pol.local_ts);
    auto remote = narrow(tsr->selectors, pol.remote_ts);
    if (!local || !remote) {
        ctx.child_failed(sa, pol, NotifyType::ts_unacceptable);
        return 0;
    }
    crypto::SecretBytes g_ir;
    if (ci.ke) {
        const auto* ke = find<KePayload>(in);
        if (!ke || ke->group != *pfs) {
            ctx.child_failed(sa, pol, NotifyType::invalid_ke_payload);
            return 0;
        }
        auto s = ci.ke->shared_secret(ke->data);
        if (!s) {
            ctx.child_failed(sa, pol, NotifyType::invalid_ke_payload);
            return 0;
        }
        g_ir = std::move(*s);
    }
    ChildSa& child = new_child(ctx, sa, pol);
    child.inbound_spi = ci.inbound_spi;
    child.outbound_spi = choice->peer_spi;
    child.algs = choice->algs;
    child.local_ts = *local;
    child.remote_ts = *remote;
    const uint32_t id = child.id;
    if (!derive(ctx, sa, child, true, g_ir, ni, nr)) {
        sa.children.erase(id);
        ctx.child_failed(sa, pol, NotifyType::no_proposal_chosen);
        return 0;
    }
    if (!ctx.install_inbound(sa, child) || !ctx.install_outbound(sa, child)) {
        // The peer has it: tell it with a Delete (remove_child happens when that is done).
        ctx.enqueue(sa, make_delete_child({id}, DownReason::install_failed));
        return 0;
    }
    return id;
}

ChildResponse respond_child(TaskContext& ctx, IkeSa& sa, std::span<const Payload> in, bool in_ike_auth,
                            crypto::ByteView ni, crypto::ByteView nr, std::vector<Payload>& out) {
    auto refuse = [&](NotifyType t, const ChildPolicy* pol) {
        out.push_back(Payload::of(NotifyPayload::make(t)));
        if (pol) ctx.child_failed(sa, *pol, t);
        return ChildResponse{};
    };
    const auto* sap = find<SaPayload>(in);
    const auto* tsi = find<TsPayload>(in, PayloadType::tsi);
    const auto* tsr = find<TsPayload>(in, PayloadType::tsr);
    if (!sap || !tsi || !tsr) return refuse(NotifyType::invalid_syntax, nullptr);
    auto match = ctx.provider().child_for(*sa.peer, tsi->selectors, tsr->selectors);
    if (!match) return refuse(NotifyType::ts_unacceptable, nullptr);
    const ChildPolicy& pol = *match->policy;
    auto choice = select_esp(pol.esp, in_ike_auth ? std::nullopt : pol.pfs_group, *sap, in_ike_auth);
    if (!choice || choice->peer_spi < 256) return refuse(NotifyType::no_proposal_chosen, &pol);

    crypto::SecretBytes g_ir;
    std::optional<crypto::KeyExchange> our_ke;
    if (choice->algs.dh != DhGroup::none) {
        const auto* ke = find<KePayload>(in);
        if (!ke || ke->group != choice->algs.dh) {
            const uint16_t g = to_underlying(choice->algs.dh);
            out.push_back(Payload::of(NotifyPayload::make(NotifyType::invalid_ke_payload, {uint8_t(g >> 8), uint8_t(g)})));
            return ChildResponse{};
        }
        auto k = crypto::KeyExchange::generate(to_underlying(choice->algs.dh), ctx.rng());
        if (!k) return refuse(NotifyType::no_proposal_chosen, &pol);
        auto s = k->shared_secret(ke->data);
        if (!s) return refuse(NotifyType::invalid_syntax, nullptr);
        g_ir = std::move(*s);
        our_ke.emplace(std::move(*k));
    }

    ChildSa& child = new_child(ctx, sa, pol);
    child.inbound_spi = ctx.allocate_inbound_spi();
    child.outbound_spi = choice->peer_spi;
    child.algs = choice->algs;
    child.local_ts = match->local;
    child.remote_ts = match->remote;
    const uint32_t id = child.id;
    if (!derive(ctx, sa, child, false, g_ir, ni, nr) || !ctx.install_inbound(sa, child)) {
        sa.children.erase(id);
        return refuse(NotifyType::no_proposal_chosen, &pol);
    }
    Proposal reply = choice->reply;
    reply.spi = spi_bytes(child.inbound_spi);
    out.push_back(Payload::of(SaPayload{{std::move(reply)}}));
    if (our_ke) {
        auto pub = our_ke->public_value();
        out.push_back(Payload::of(KePayload{choice->algs.dh, {pub.begin(), pub.end()}}));
    }
    out.push_back(Payload::of(PayloadType::tsi, TsPayload{{child.remote_ts.to_wire()}}));
    out.push_back(Payload::of(PayloadType::tsr, TsPayload{{child.local_ts.to_wire()}}));
    return ChildResponse{id};
}

void complete_child(TaskContext& ctx, IkeSa& sa, uint32_t child_id) {
    auto it = sa.children.find(child_id);
    if (it == sa.children.end()) return;
    if (!ctx.install_outbound(sa, it->second)) {
        ctx.enqueue(sa, make_delete_child({child_id}, DownReason::install_failed));
    }
}

}  // namespace tandem::ike
