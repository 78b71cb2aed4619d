// IKE_AUTH with a pre-shared key (RFC 7296 1.2, 2.15), carrying the first CHILD SA.
//
//   Initiator                         Responder
//   -----------                       -----------
//   HDR, SK { IDi, AUTH, [N(INITIAL_CONTACT)],
//             SAi2, TSi, TSr }  -->
//                                <--  HDR, SK { IDr, AUTH, SAr2, TSi, TSr }
//
// Failures:
//                                <--  HDR, SK { N(AUTHENTICATION_FAILED) }     IKE SA gone
//                                <--  HDR, SK { IDr, AUTH, N(NO_PROPOSAL_CHOSEN) }
//                                <--  HDR, SK { IDr, AUTH, N(TS_UNACCEPTABLE) }
//                                     (1.2: the IKE SA is up without a CHILD SA)
//
// IDs are ID_IPV4_ADDR of each side's IKE address; a peer's other ID is refused with
// AUTHENTICATION_FAILED (responder) or ends the IKE SA (initiator), unless it is behind a NAT.
// AUTH signs the exact bytes of the sender's IKE_SA_INIT message (as sent, without the non-ESP
// marker), the other side's nonce and prf(SK_p, ID body). When NAT was detected this exchange already runs on UDP 4500 (the engine
// switched before sending it, 2.23).
//
// make-before-break: the responder installs the CHILD's inbound SA while building the response
// and the outbound one after the response has been sent; the initiator installs both when the
// response arrives, inbound first.
#include "controlplane/ike/crypto/auth.h"
#include "controlplane/ike/tasks/child_exchange.h"

namespace tandem::ike {
namespace {

IdPayload own_id(const IkeSa& sa) {
    const uint32_t a = sa.peer->local.is_unspecified() ? sa.local.address.value() : sa.peer->local.value();
    return IdPayload{IdType::ipv4_addr, {uint8_t(a >> 24), uint8_t(a >> 16), uint8_t(a >> 8), uint8_t(a)}};
}

// The peer's ID must be ID_IPV4_ADDR of its IKE address as the policy names it (the address it
// sends from, for a dynamic policy) -- unless it is behind a NAT, where its own address is not the
// one we see.
bool peer_id_ok(const IkeSa& sa, const IdPayload& id) {
    if (sa.nat_remote) return true;
    const uint32_t a = sa.peer->remote.value_or(sa.remote.address).value();
    return id.type == IdType::ipv4_addr && id.data == std::vector<uint8_t>{uint8_t(a >> 24), uint8_t(a >> 16), uint8_t(a >> 8), uint8_t(a)};
}

// RestOfInitIDPayload / RestOfRespIDPayload: the ID payload body.
std::vector<uint8_t> id_body(const IdPayload& id) {
    std::vector<uint8_t> out;
    WireWriter w(out);
    id.serialize(w);
    return out;
}

class IkeAuthInitiator final : public Task {
public:
    explicit IkeAuthInitiator(std::optional<ChildRequest> child) : Task(Role::initiator) {
        if (child) {
            child_.emplace();
            child_->req = std::move(*child);
        }
    }
    ExchangeType exchange() const override { return ExchangeType::ike_auth; }
    const char* name() const override { return "IKE_AUTH"; }

    TaskStatus build(TaskContext& ctx, IkeSa& sa, std::vector<Payload>& out) override {
        IdPayload id = own_id(sa);
        const auto& psk = ctx.provider().psk_for(*sa.peer, sa.remote.address);
        auto auth = crypto::psk_auth(*sa.prf, psk, sa.init_request, sa.nr, sa.sk_pi, id_body(id));
        if (!auth) return TaskStatus::failed;
        out.push_back(Payload::of(PayloadType::idi, std::move(id)));
        out.push_back(Payload::of(AuthPayload{AuthMethod::shared_key_mic, std::move(*auth)}));
        if (sa.peer->send_initial_contact && ctx.first_contact(sa)) {
            out.push_back(Payload::of(NotifyPayload::make(NotifyType::initial_contact)));
        }
        if (child_ && !add_child_request(ctx, *child_, out)) return TaskStatus::failed;
        sa.state = IkeState::auth_sent;
        return TaskStatus::done;
    }

    TaskStatus process(TaskContext& ctx, IkeSa& sa, const Message&, std::span<const Payload> in) override {
        if (find_notify(in, NotifyType::authentication_failed)) {
            ctx.log("ike: " + sa.peer->name + ": peer refused our authentication");
            sa.failure = DownReason::auth_failed;
            return TaskStatus::failed;
        }
        const auto* idr = find<IdPayload>(in, PayloadType::idr);
        const auto* auth = find<AuthPayload>(in);
        if (!idr || !auth || auth->method != AuthMethod::shared_key_mic) {
            ctx.drop(sa, DropReason::bad_payloads, "IDr or shared-key AUTH missing");
            sa.failure = DownReason::negotiation_failed;
            return TaskStatus::failed;
        }
        const auto& psk = ctx.provider().psk_for(*sa.peer, sa.remote.address);
        if (!crypto::verify_psk_auth(*sa.prf, psk, sa.init_response, sa.ni, sa.sk_pr, id_body(*idr), auth->data)) {
            ctx.drop(sa, DropReason::auth_failed, "responder AUTH does not verify");
            sa.failure = DownReason::auth_failed;
            return TaskStatus::failed;
        }
        if (!peer_id_ok(sa, *idr)) {
            ctx.drop(sa, DropReason::auth_failed, "IDr is not the peer's address");
            sa.failure = DownReason::auth_failed;
            return TaskStatus::failed;
        }
        sa.state = IkeState::established;
        ctx.established(sa);
        if (child_) finish_child_request(ctx, sa, *child_, in, sa.ni, sa.nr);
        return TaskStatus::done;
    }

    void abort(TaskContext& ctx, IkeSa& sa) override {
        if (child_) ctx.child_failed(sa, child_->req.policy, NotifyType::temporary_failure);
    }

private:
    std::optional<ChildInitiation> child_;
};

class IkeAuthResponder final : public Task {
public:
    IkeAuthResponder() : Task(Role::responder) {}
    ExchangeType exchange() const override { return ExchangeType::ike_auth; }
    const char* name() const override { return "IKE_AUTH"; }

    TaskStatus process(TaskContext& ctx, IkeSa& sa, const Message&, std::span<const Payload> in) override {
        const auto* idi = find<IdPayload>(in, PayloadType::idi);
        const auto* auth = find<AuthPayload>(in);
        if (!idi || !auth || auth->method != AuthMethod::shared_key_mic) {
            ctx.drop(sa, DropReason::bad_payloads, "IDi or shared-key AUTH missing");
            return auth_failed(sa);
        }
        const auto& psk = ctx.provider().psk_for(*sa.peer, sa.remote.address);
        if (!crypto::verify_psk_auth(*sa.prf, psk, sa.init_request, sa.nr, sa.sk_pi, id_body(*idi), auth->data)) {
            ctx.drop(sa, DropReason::auth_failed, "initiator AUTH does not verify");
            return auth_failed(sa);
        }
        if (!peer_id_ok(sa, *idi)) {
            ctx.drop(sa, DropReason::auth_failed, "IDi is not the peer's address");
            return auth_failed(sa);
        }
        IdPayload id = own_id(sa);
        auto own_auth = crypto::psk_auth(*sa.prf, psk, sa.init_response, sa.ni, sa.sk_pr, id_body(id));
        if (!own_auth) return auth_failed(sa);
        out_.push_back(Payload::of(PayloadType::idr, std::move(id)));
        out_.push_back(Payload::of(AuthPayload{AuthMethod::shared_key_mic, std::move(*own_auth)}));
        if (find_notify(in, NotifyType::initial_contact)) ctx.initial_contact(sa);
        sa.state = IkeState::established;
        ctx.established(sa);
        if (find<SaPayload>(in)) child_ = respond_child(ctx, sa, in, true, sa.ni, sa.nr, out_).child_id;
        return TaskStatus::done;
    }

    TaskStatus build(TaskContext&, IkeSa&, std::vector<Payload>& out) override {
        out = std::move(out_);
        return failed_ ? TaskStatus::failed : TaskStatus::done;
    }

    void after_send(TaskContext& ctx, IkeSa& sa) override {
        if (child_ != 0) complete_child(ctx, sa, child_);
    }

private:
    TaskStatus auth_failed(IkeSa& sa) {
        out_.clear();
        out_.push_back(Payload::of(NotifyPayload::make(NotifyType::authentication_failed)));
        sa.failure = DownReason::auth_failed;
        failed_ = true;
        return TaskStatus::failed;
    }
    std::vector<Payload> out_;
    uint32_t child_ = 0;
    bool failed_ = false;
};

}  // namespace

std::unique_ptr<Task> make_ike_auth(Role role, std::optional<ChildRequest> child) {
    if (role == Role::initiator) return std::make_unique<IkeAuthInitiator>(std::move(child));
    return std::make_unique<IkeAuthResponder>();
}

}  // namespace tandem::ike
