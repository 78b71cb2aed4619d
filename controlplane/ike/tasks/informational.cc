// INFORMATIONAL exchanges (RFC 7296 1.4, 1.5, 2.4): Delete of CHILD SAs, Delete of the IKE SA,
// and the empty request used as a liveness check (dead peer detection).
//
//   Delete CHILD SAs (1.4.1): each side deletes its inbound SAs and names them.
//   HDR, SK { D(ESP, our inbound SPIs) }  -->
//                                    <--  HDR, SK { D(ESP, its inbound SPIs of the same pairs) }
//
//   Delete the IKE SA (1.4.1): its CHILD SAs go with it.
//   HDR, SK { D(IKE) }  -->
//                                    <--  HDR, SK { }
//
//   Liveness check / DPD (2.4):
//   HDR, SK { }  -->
//                                    <--  HDR, SK { }
//
// A CHILD SA being deleted by both sides at once is answered with an empty Delete list for it
// (1.4.1); SPIs we do not know are ignored. The responder closes the SAs when it answers.
#include <algorithm>

#include "controlplane/ike/tasks/task.h"

namespace tandem::ike {
namespace {

class DeleteChild final : public Task {
public:
    DeleteChild(std::vector<uint32_t> ids, DownReason why) : Task(Role::initiator), ids_(std::move(ids)), why_(why) {}
    ExchangeType exchange() const override { return ExchangeType::informational; }
    const char* name() const override { return "INFORMATIONAL(Delete CHILD)"; }

    TaskStatus build(TaskContext&, IkeSa& sa, std::vector<Payload>& out) override {
        DeletePayload d{ProtocolId::esp, 4, {}};
        for (uint32_t id : ids_) {
            auto it = sa.children.find(id);
            if (it == sa.children.end()) continue;
            it->second.state = ChildState::deleting;
            d.spis.push_back(spi_bytes(it->second.inbound_spi));
        }
        if (!d.spis.empty()) out.push_back(Payload::of(std::move(d)));
        return TaskStatus::done;
    }

    TaskStatus process(TaskContext& ctx, IkeSa& sa, const Message&, std::span<const Payload>) override {
        for (uint32_t id : ids_) ctx.remove_child(sa, id, why_);
        return TaskStatus::done;
    }

    void abort(TaskContext& ctx, IkeSa& sa) override {
        for (uint32_t id : ids_) ctx.remove_child(sa, id, why_);
    }

private:
    std::vector<uint32_t> ids_;
    DownReason why_;
};

class DeleteIke final : public Task {
public:
    explicit DeleteIke(DownReason why) : Task(Role::initiator), why_(why) {}
    ExchangeType exchange() const override { return ExchangeType::informational; }
    const char* name() const override { return "INFORMATIONAL(Delete IKE)"; }
    bool deletes_ike() const override { return true; }

    TaskStatus build(TaskContext&, IkeSa& sa, std::vector<Payload>& out) override {
        out.push_back(Payload::of(DeletePayload{ProtocolId::ike, 0, {}}));
        sa.state = IkeState::deleting;
        return TaskStatus::done;
    }
    TaskStatus process(TaskContext&, IkeSa& sa, const Message&, std::span<const Payload>) override {
        sa.failure = why_;
        return TaskStatus::failed;   // done: the IKE SA goes
    }

private:
    DownReason why_;
};

class LivenessCheck final : public Task {
public:
    LivenessCheck() : Task(Role::initiator) {}
    ExchangeType exchange() const override { return ExchangeType::informational; }
    const char* name() const override { return "INFORMATIONAL(liveness)"; }
    bool liveness_check() const override { return true; }
    TaskStatus build(TaskContext&, IkeSa&, std::vector<Payload>&) override { return TaskStatus::done; }
    TaskStatus process(TaskContext&, IkeSa&, const Message&, std::span<const Payload>) override {
        return TaskStatus::done;
    }
};

class InformationalResponder final : public Task {
public:
    InformationalResponder() : Task(Role::responder) {}
    ExchangeType exchange() const override { return ExchangeType::informational; }
    const char* name() const override { return "INFORMATIONAL"; }

    TaskStatus process(TaskContext& ctx, IkeSa& sa, const Message&, std::span<const Payload> in) override {
        for (const auto& p : in) {
            const auto* d = p.get<DeletePayload>();
            if (!d) continue;
            if (d->protocol == ProtocolId::ike) {
                delete_ike_ = true;
                continue;
            }
            if (d->protocol != ProtocolId::esp) continue;
            for (const auto& spi : d->spis) {
                ChildSa* c = sa.child_by_outbound_spi(spi32(spi));
                if (!c) continue;
                const bool simultaneous = c->state == ChildState::deleting;
                const uint32_t inbound = c->inbound_spi;
                if (!simultaneous) deleted_.push_back(spi_bytes(inbound));
                ctx.remove_child(sa, c->id, DownReason::deleted_by_peer);
            }
        }
        if (delete_ike_) {
            sa.failure = DownReason::deleted_by_peer;
            return TaskStatus::failed;
        }
        return TaskStatus::done;
    }

    TaskStatus build(TaskContext&, IkeSa&, std::vector<Payload>& out) override {
        if (delete_ike_) return TaskStatus::failed;
        if (!deleted_.empty()) out.push_back(Payload::of(DeletePayload{ProtocolId::esp, 4, std::move(deleted_)}));
        return TaskStatus::done;
    }

private:
    bool delete_ike_ = false;
    std::vector<std::vector<uint8_t>> deleted_;
};

}  // namespace

std::unique_ptr<Task> make_delete_child(std::vector<uint32_t> child_ids, DownReason why) {
    return std::make_unique<DeleteChild>(std::move(child_ids), why);
}
std::unique_ptr<Task> make_delete_ike(DownReason why) { return std::make_unique<DeleteIke>(why); }
std::unique_ptr<Task> make_liveness_check() { return std::make_unique<LivenessCheck>(); }
std::unique_ptr<Task> make_informational_responder() { return std::make_unique<InformationalResponder>(); }

}  // namespace tandem::ike
