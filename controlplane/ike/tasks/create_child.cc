// CREATE_CHILD_SA for a new CHILD SA (RFC 7296 1.3.1), with optional PFS.
//
//   Initiator                         Responder
//   -----------                       -----------
//   HDR, SK { SA, Ni, [KEi], TSi, TSr }  -->
//                                <--  HDR, SK { SA, Nr, [KEr], TSi, TSr }
//
//   errors:                      <--  HDR, SK { N(NO_PROPOSAL_CHOSEN) } / N(TS_UNACCEPTABLE)
//                                     / N(INVALID_KE_PAYLOAD, group)
//
// KEYMAT = prf+(SK_d, [g^ir |] Ni | Nr) with this exchange's nonces. Rekeying (N(REKEY_SA) for a
// CHILD SA, an IKE proposal for the IKE SA) is not implemented yet: such requests are answered
// with NO_ADDITIONAL_SAS (1.3.3 lets a responder refuse), which keeps the old SAs working until
// they expire.
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
    explicit CreateChildInitiator(ChildRequest req) : Task(Role::initiator) {
        ci_.req = std::move(req);
        ci_.with_pfs = true;
    }
    ExchangeType exchange() const override { return ExchangeType::create_child_sa; }
    const char* name() const override { return "CREATE_CHILD_SA"; }

    TaskStatus build(TaskContext& ctx, IkeSa&, std::vector<Payload>& out) override {
        if (ni_.empty() && !make_nonce(ctx, ni_)) return TaskStatus::failed;
        std::vector<Payload> child;
        if (!add_child_request(ctx, ci_, child)) return TaskStatus::failed;
        out.push_back(std::move(child[0]));   // SA
        out.push_back(Payload::of(NoncePayload{ni_}));
        for (size_t i = 1; i < child.size(); ++i) out.push_back(std::move(child[i]));
        return TaskStatus::done;
    }

    TaskStatus process(TaskContext& ctx, IkeSa& sa, const Message&, std::span<const Payload> in) override {
        const auto* nr = find<NoncePayload>(in);
        if (!nr && !find<NotifyPayload>(in)) {
            ctx.drop(sa, DropReason::bad_payloads, "CREATE_CHILD_SA response without Nr");
            ctx.child_failed(sa, ci_.req.policy, NotifyType::invalid_syntax);
            return TaskStatus::done;
        }
        finish_child_request(ctx, sa, ci_, in, ni_, nr ? crypto::ByteView(nr->data) : crypto::ByteView());
        return TaskStatus::done;
    }

    void abort(TaskContext& ctx, IkeSa& sa) override { ctx.child_failed(sa, ci_.req.policy, NotifyType::temporary_failure); }

private:
    ChildInitiation ci_;
    std::vector<uint8_t> ni_;
};

class CreateChildResponder final : public Task {
public:
    CreateChildResponder() : Task(Role::responder) {}
    ExchangeType exchange() const override { return ExchangeType::create_child_sa; }
    const char* name() const override { return "CREATE_CHILD_SA"; }

    TaskStatus process(TaskContext& ctx, IkeSa& sa, const Message&, std::span<const Payload> in) override {
        const auto* ni = find<NoncePayload>(in);
        const auto* sap = find<SaPayload>(in);
        if (!ni || !sap) {
            out_.push_back(Payload::of(NotifyPayload::make(NotifyType::invalid_syntax)));
            return TaskStatus::done;
        }
        const bool ike_rekey = !sap->proposals.empty() && sap->proposals[0].protocol == ProtocolId::ike;
        if (ike_rekey || find_notify(in, NotifyType::rekey_sa)) {
            out_.push_back(Payload::of(NotifyPayload::make(NotifyType::no_additional_sas)));
            return TaskStatus::done;
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
        return TaskStatus::done;
    }

    TaskStatus build(TaskContext&, IkeSa&, std::vector<Payload>& out) override {
        out = std::move(out_);
        return TaskStatus::done;
    }

    void after_send(TaskContext& ctx, IkeSa& sa) override {
        if (child_ != 0) complete_child(ctx, sa, child_);
    }

private:
    std::vector<Payload> out_;
    std::vector<uint8_t> nr_;
    uint32_t child_ = 0;
};

}  // namespace

std::unique_ptr<Task> make_create_child(ChildRequest child) { return std::make_unique<CreateChildInitiator>(std::move(child)); }
std::unique_ptr<Task> make_create_child_responder() { return std::make_unique<CreateChildResponder>(); }

}  // namespace tandem::ike
