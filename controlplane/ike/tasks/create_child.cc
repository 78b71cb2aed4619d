// CREATE_CHILD_SA for a new CHILD SA (RFC 7296 1.3.1) and for rekeying one (1.3.3), with
// optional PFS.
//
//   Initiator                         Responder
//   -----------                       -----------
//   HDR, SK { [N(REKEY_SA)], SA, Ni, [KEi], TSi, TSr }  -->
//                                <--  HDR, SK { SA, Nr, [KEr], TSi, TSr }
//
//   errors:                      <--  HDR, SK { N(NO_PROPOSAL_CHOSEN) } / N(TS_UNACCEPTABLE)
//                                     / N(INVALID_KE_PAYLOAD, group) / N(CHILD_SA_NOT_FOUND)
//
// KEYMAT = prf+(SK_d, [g^ir |] Ni | Nr) with this exchange's nonces.
//
// CHILD rekey is make-before-break: the responder installs the new inbound SA before answering
// and the new outbound after; the initiator installs both on the response; only then does the
// initiator delete the old pair with an INFORMATIONAL Delete (1.4.1), so traffic moves to the
// new SAs while the old ones still decrypt. N(REKEY_SA) names the old SA by the initiator's
// inbound SPI (the responder's outbound SPI).
//
// A request whose SA payload is for protocol IKE rekeys the IKE SA: tasks/rekey_ike.cc answers
// it. While the IKE SA is being rekeyed (or was), new CHILD SAs are refused with
// TEMPORARY_FAILURE (2.25.2).
//
// Simultaneous rekey of one CHILD SA by both sides (2.8.1): each answers the other's request,
// noting the new pair it created and that exchange's lower nonce on the old CHILD SA. When its own
// response arrives, the exchange holding the lowest of the four nonces loses: the loser deletes
// its own new pair, the winner the old pair, and exactly one new pair remains. A rekey still
// queued when the peer's arrives is dropped (Task::obsolete).
#include <algorithm>
#include <utility>

#include "controlplane/ike/engine_config.h"
#include "controlplane/ike/tasks/child_exchange.h"

namespace tandem::ike {
namespace {

bool make_nonce(TaskContext& ctx, std::vector<uint8_t>& nonce) {
    nonce.assign(ctx.config().nonce_size, 0);
    return ctx.rng().fill(nonce).ok();
}

class CreateChildInitiator final : public Task {
public:
    CreateChildInitiator(ChildRequest req, uint32_t rekey) : Task(Role::initiator), rekey_(rekey) {
        ci_.req = std::move(req);
        ci_.with_pfs = true;
    }
    ExchangeType exchange() const override { return ExchangeType::create_child_sa; }
    const char* name() const override { return "CREATE_CHILD_SA"; }

    bool obsolete(const IkeSa& sa) const override {
        auto old = sa.children.find(rekey_);
        return rekey_ != 0 && old != sa.children.end() && old->second.state == ChildState::rekeyed;
    }

    TaskStatus build(TaskContext& ctx, IkeSa& sa, std::vector<Payload>& out) override {
        if (ni_.empty() && !make_nonce(ctx, ni_)) return TaskStatus::failed;
        auto old = sa.children.find(rekey_);
        if (rekey_ != 0 && old == sa.children.end()) rekey_ = 0;   // deleted meanwhile: a fresh CHILD SA
        if (rekey_ != 0) {
            NotifyPayload n = NotifyPayload::make(NotifyType::rekey_sa);
            n.protocol = ProtocolId::esp;
            n.spi = spi_bytes(old->second.inbound_spi);
            out.push_back(Payload::of(std::move(n)));
            old->second.rekey_sent = true;
        }
        std::vector<Payload> child;
        if (!add_child_request(ctx, ci_, child)) return TaskStatus::failed;
        out.push_back(std::move(child[0]));   // SA
        out.push_back(Payload::of(NoncePayload{ni_}));
        for (size_t i = 1; i < child.size(); ++i) out.push_back(std::move(child[i]));
        return TaskStatus::done;
    }

    TaskStatus process(TaskContext& ctx, IkeSa& sa, const Message&, std::span<const Payload> in) override {
        const auto* nr = find<NoncePayload>(in);
        if (auto o = sa.children.find(rekey_); o != sa.children.end()) o->second.rekeying = o->second.rekey_sent = false;
        if (!nr && !find<NotifyPayload>(in)) {
            ctx.drop(sa, DropReason::bad_payloads, "CREATE_CHILD_SA response without Nr");
            ctx.child_failed(sa, ci_.req.policy, NotifyType::invalid_syntax);
            return TaskStatus::done;
        }
        const uint32_t id = finish_child_request(ctx, sa, ci_, in, ni_, nr ? crypto::ByteView(nr->data) : crypto::ByteView());
        auto old = sa.children.find(rekey_);
        if (id == 0 && old != sa.children.end() && old->second.state == ChildState::up &&
            find_notify(in, NotifyType::temporary_failure)) {
            ctx.rekey_child_later(rekey_);   // the peer was busy (an IKE SA rekey, 2.25.2)
        }
        if (id == 0 || rekey_ == 0 || old == sa.children.end()) return TaskStatus::done;
        old->second.state = ChildState::rekeyed;
        const uint32_t theirs = std::exchange(old->second.peer_rekey, 0);
        if (theirs != 0 && nr && sa.children.contains(theirs) &&
            std::min(ni_, nr->data) < old->second.peer_rekey_nonce) {
            // 2.8.1: both rekeyed it, and our exchange has the lowest of the four nonces: our
            // new pair is the redundant one. The peer, whose rekey won, deletes the old pair.
            ctx.log("ike: " + sa.peer->name + ": simultaneous CHILD SA rekey, the peer's wins");
            ctx.enqueue(sa, make_delete_child({id}, DownReason::replaced));
            return TaskStatus::done;
        }
        // The new pair is up in both directions: retire the old one.
        ctx.enqueue(sa, make_delete_child({rekey_}, DownReason::replaced));
        return TaskStatus::done;
    }

    void abort(TaskContext& ctx, IkeSa& sa) override { ctx.child_failed(sa, ci_.req.policy, NotifyType::temporary_failure); }

private:
    ChildInitiation ci_;
    uint32_t rekey_ = 0;
    std::vector<uint8_t> ni_;
};

class CreateChildResponder final : public Task {
public:
    CreateChildResponder() : Task(Role::responder) {}
    ExchangeType exchange() const override { return ExchangeType::create_child_sa; }
    const char* name() const override { return "CREATE_CHILD_SA"; }

    TaskStatus process(TaskContext& ctx, IkeSa& sa, const Message& m, std::span<const Payload> in) override {
        const auto* ni = find<NoncePayload>(in);
        const auto* sap = find<SaPayload>(in);
        if (!ni || !sap) {
            out_.push_back(Payload::of(NotifyPayload::make(NotifyType::invalid_syntax)));
            return TaskStatus::done;
        }
        const bool ike_rekey = !sap->proposals.empty() && sap->proposals[0].protocol == ProtocolId::ike;
        if (ike_rekey) {
            ike_ = make_rekey_ike_responder();   // tasks/rekey_ike.cc
            return ike_->process(ctx, sa, m, in);
        }
        if (sa.superseded() || sa.rekeying) {
            // 2.25.2: no new CHILD SA on an IKE SA being rekeyed (or replaced already).
            out_.push_back(Payload::of(NotifyPayload::make(NotifyType::temporary_failure)));
            return TaskStatus::done;
        }
        uint32_t old = 0;
        if (const auto* r = find_notify(in, NotifyType::rekey_sa)) {
            ChildSa* c = r->protocol == ProtocolId::esp ? sa.child_by_outbound_spi(spi32(r->spi)) : nullptr;
            if (!c) {
                NotifyPayload n = NotifyPayload::make(NotifyType::child_sa_not_found);
                n.protocol = r->protocol;
                n.spi = r->spi;
                out_.push_back(Payload::of(std::move(n)));
                return TaskStatus::done;
            }
            if (c->state == ChildState::deleting || c->state == ChildState::rekeyed) {
                // 2.25.1: a rekey of a CHILD SA we are deleting (or have replaced already).
                out_.push_back(Payload::of(NotifyPayload::make(NotifyType::temporary_failure)));
                return TaskStatus::done;
            }
            old = c->id;
        }
        if (!make_nonce(ctx, nr_)) {
            out_.push_back(Payload::of(NotifyPayload::make(NotifyType::no_additional_sas)));
            return TaskStatus::done;
        }
        std::vector<Payload> child;
        child_ = respond_child(ctx, sa, in, false, ni->data, nr_, child).child_id;
        if (child_ == 0) {
            out_ = std::move(child);   // the error notify
            return TaskStatus::done;
        }
        out_.push_back(std::move(child[0]));   // SA
        out_.push_back(Payload::of(NoncePayload{nr_}));
        for (size_t i = 1; i < child.size(); ++i) out_.push_back(std::move(child[i]));
        // The old pair stays until the initiator deletes it (1.3.3).
        if (old != 0) {
            ChildSa& o = sa.children.at(old);
            o.state = ChildState::rekeyed;
            if (o.rekey_sent) {
                // 2.8.1: ours is in flight too; decided when its response arrives.
                o.peer_rekey = child_;
                o.peer_rekey_nonce = std::min(ni->data, nr_);
            }
        }
        return TaskStatus::done;
    }

    TaskStatus build(TaskContext& ctx, IkeSa& sa, std::vector<Payload>& out) override {
        if (ike_) return ike_->build(ctx, sa, out);
        out = std::move(out_);
        return TaskStatus::done;
    }

    void after_send(TaskContext& ctx, IkeSa& sa) override {
        if (ike_) ike_->after_send(ctx, sa);
        if (child_ != 0) complete_child(ctx, sa, child_);
    }

private:
    std::unique_ptr<Task> ike_;            // the request rekeys the IKE SA
    std::vector<Payload> out_;
    std::vector<uint8_t> nr_;
    uint32_t child_ = 0;
};

}  // namespace

std::unique_ptr<Task> make_create_child(ChildRequest child, uint32_t rekey_child_id) {
    return std::make_unique<CreateChildInitiator>(std::move(child), rekey_child_id);
}
std::unique_ptr<Task> make_create_child_responder() { return std::make_unique<CreateChildResponder>(); }

}  // namespace tandem::ike
