// The IKEv2 protocol engine (RFC 7296): datagrams, timers and requests in; datagrams and SA
// events out. It owns every IKE SA and CHILD SA of the gateway, runs each exchange as a task
// (tasks/), and never touches a socket or the dataplane itself:
//
//   daemon --receive(local, remote, bytes)-------->  Engine  --send(local, remote, bytes)--> daemon
//   daemon --initiate(peer, child, packet)-------->          --install_inbound/outbound-->
//   daemon --delete_child / delete_ike ----------->          --child_up/down, ike_up/down-->
//   daemon --note_traffic(child) / peer_alive ---->          --log-->
//   daemon --rekey_ike / on_sa_expire(child) ----->
//   loop   --timers (retransmit, DPD, lifetimes)-->
//
// IKE SA rekey (engine_rekey.cc): the successor IKE SA is reported with ike_up and the old one
// with ike_down (reason `replaced`); the CHILD SAs move between them without any CHILD SA event
// and keep their ids, SPIs and dataplane SAs.
//
// Framing is the engine's: SPI and message-ID checks (window 1 each way), SK protection, the
// response cache (a retransmitted request gets the same response bytes again), retransmission
// of our requests with back-off, the non-ESP marker on UDP 4500 (added on send, stripped on
// receive: the daemon passes UDP payloads as they are), NAT-T port switching, COOKIE and the
// half-open limit. Every datagram it does not act on is dropped and counted (counters.h).
//
// Single-threaded: call it from the event loop only. Callbacks may call back into the engine
// (delete_child from child_up, ...) except receive().
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "controlplane/ike/counters.h"
#include "controlplane/ike/crypto/prf.h"
#include "controlplane/ike/crypto/random.h"
#include "controlplane/ike/engine_config.h"
#include "controlplane/ike/events.h"
#include "controlplane/ike/ike_sa.h"
#include "controlplane/ike/policy.h"
#include "controlplane/ike/tasks/task.h"
#include "controlplane/loop/timers.h"

namespace tandem::ike {

// The packet that raised an ACQUIRE, offered as the first selector of TSi/TSr (RFC 7296 2.9).
struct TriggerPacket {
    Ipv4Address src;          // inside our local selector
    Ipv4Address dst;
    uint8_t protocol = 0;
    uint16_t src_port = 0;    // 0 with protocol 0: the whole port range
    uint16_t dst_port = 0;
};

struct ChildSaSnapshot {
    uint32_t id = 0;
    std::string name;
    uint32_t tag = 0;
    ChildState state = ChildState::up;
    uint32_t inbound_spi = 0;
    uint32_t outbound_spi = 0;
    EspAlgorithms algs;
    TsRange local_ts;
    TsRange remote_ts;
    int64_t lifetime_remaining_s = 0;
};

// A byte/packet lifetime of a CHILD SA reached in the dataplane.
enum class SaExpiry : uint8_t { soft, hard };

struct IkeSaSnapshot {
    uint32_t id = 0;
    std::string peer;
    Endpoint local;
    Endpoint remote;
    uint64_t spi_i = 0;
    uint64_t spi_r = 0;
    Role role = Role::initiator;
    IkeState state = IkeState::init_sent;
    IkeAlgorithms algs;
    bool natt = false;
    int64_t lifetime_remaining_s = 0;
    std::vector<ChildSaSnapshot> children;
};

class Engine final : private TaskContext {
public:
    Engine(loop::Timers& timers, crypto::RandomSource& rng, PolicyProvider& provider, Callbacks callbacks,
           EngineConfig config = {});
    ~Engine() override;
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // One UDP datagram as received (UDP payload; on local port 4500 still with the non-ESP
    // marker).
    void receive(const Endpoint& local, const Endpoint& remote, std::span<const uint8_t> datagram);

    // Negotiates `child` with `peer`: a new IKE SA (IKE_SA_INIT + IKE_AUTH) or, when one is
    // established with that peer, CREATE_CHILD_SA on it. Returns the IKE SA id.
    Result<uint32_t> initiate(std::shared_ptr<const PeerPolicy> peer, const ChildPolicy& child,
                              std::optional<TriggerPacket> trigger = std::nullopt);
    bool delete_child(uint32_t child_id);
    // Rekeys a CHILD SA now (CREATE_CHILD_SA with N(REKEY_SA), then Delete of the old pair).
    // The engine also does this itself at 90% (IKE SA initiator) or 95% (responder) of the
    // CHILD policy's lifetime_seconds, so that two engines with equal lifetimes rarely collide.
    bool rekey_child(uint32_t child_id);
    bool delete_ike(uint32_t ike_sa_id);
    // Tears the IKE SA and its CHILD SAs down at once (child_down, ike_down with reason
    // `relinquished`), without waiting for the peer: for when the local address is about to go
    // (an HSRP group leaving Active). With `tell_peer`, one Delete is sent first, unretransmitted,
    // so the peer can renegotiate with whoever holds the address next instead of waiting for DPD.
    bool abandon_ike(uint32_t ike_sa_id, bool tell_peer);
    // Rekeys the IKE SA now (CREATE_CHILD_SA { SA(IKE), Ni, KEi }, RFC 7296 2.18). The engine
    // also does this itself, as the IKE SA's initiator, at a random 85-95% of the peer's
    // ike_lifetime_seconds; at 100% an IKE SA not rekeyed is deleted. false: no such
    // established IKE SA, or a rekey of it is already under way.
    bool rekey_ike(uint32_t ike_sa_id);
    // The dataplane reports a CHILD SA's byte/packet lifetime: soft rekeys it (unless a rekey is
    // under way already), hard deletes it (child_down with reason `expired`). false: no such
    // CHILD SA (or not in a state to act on).
    bool on_sa_expire(uint32_t child_id, SaExpiry kind);
    // ESP traffic was seen on the CHILD SA / the peer is known to be alive: postpones DPD.
    void note_traffic(uint32_t child_id);
    void peer_alive(uint32_t ike_sa_id);

    std::vector<IkeSaSnapshot> snapshot() const;
    const DropCounters& drops() const { return drops_; }
    size_t half_open() const;
    size_t ike_sa_count() const { return sas_.size(); }
    uint64_t retransmissions() const { return retransmissions_; }
    uint64_t responses_resent() const { return responses_resent_; }

private:
    // TaskContext.
    crypto::RandomSource& rng() override { return rng_; }
    PolicyProvider& provider() override { return provider_; }
    const EngineConfig& config() const override { return config_; }
    loop::Time now() const override { return timers_.now(); }
    uint32_t allocate_child_id() override { return next_child_id_++; }
    uint32_t allocate_inbound_spi() override;
    bool install_inbound(IkeSa& sa, ChildSa& child) override;
    bool install_outbound(IkeSa& sa, ChildSa& child) override;
    void child_failed(IkeSa& sa, const ChildPolicy& policy, NotifyType why) override;
    void remove_child(IkeSa& sa, uint32_t child_id, DownReason why) override;
    void drop(IkeSa& sa, DropReason why, const std::string& detail) override;
    void initial_contact(IkeSa& sa) override;
    bool first_contact(const IkeSa& sa) const override;
    void established(IkeSa& sa) override;
    void enqueue(IkeSa& sa, std::unique_ptr<Task> task) override;
    void log(const std::string& line) override;
    uint64_t allocate_ike_spi() override { return new_ike_spi(); }
    IkeSa* create_rekeyed_sa(const IkeSa& old, Role role, uint64_t local_spi) override;
    IkeSa* find_by_local_spi(uint64_t local_spi) override;
    void ike_rekey_done(IkeSa& old, IkeSa& fresh, bool initiated) override;
    void ike_rekey_failed(IkeSa& old, std::optional<DhGroup> retry_group) override;
    void discard_rekeyed(IkeSa& fresh) override;
    void rekey_child_later(uint32_t child_id) override;

    // engine_rekey.cc
    void arm_ike_rekey(IkeSa& sa);
    void start_ike(IkeSa& sa);
    void hand_over(IkeSa& old, IkeSa& fresh, bool delete_old);
    loop::Duration retry_delay();

    // engine_receive.cc
    void receive_message(const Endpoint& local, const Endpoint& remote, std::span<const uint8_t> bytes);
    void receive_init_request(const Endpoint& local, const Endpoint& remote, const Message& m,
                              std::span<const uint8_t> bytes);
    void receive_request(IkeSa& sa, const Endpoint& local, const Endpoint& remote, const Message& m,
                         std::span<const uint8_t> bytes);
    void receive_response(IkeSa& sa, const Message& m, std::span<const uint8_t> bytes);
    std::unique_ptr<Task> responder_task(const IkeSa& sa, ExchangeType x);
    void answer_invalid_syntax(IkeSa& sa, const Message& m, std::span<const uint8_t> bytes);
    bool cookie_ok(const Message& m, const Endpoint& remote, std::vector<uint8_t>& expected);

    // engine.cc
    IkeSa& create_sa(Role role, std::shared_ptr<const PeerPolicy> peer, const Endpoint& local, const Endpoint& remote);
    void start_next(IkeSa& sa);
    void send_request(IkeSa& sa);
    void retransmit(IkeSa& sa);
    void send_datagram(const Endpoint& local, const Endpoint& remote, std::vector<uint8_t> bytes);
    void destroy(IkeSa& sa, DownReason why);
    void arm_dpd(IkeSa& sa);
    void arm_keepalive(IkeSa& sa);
    void arm_child_lifetime(IkeSa& sa, ChildSa& child);
    unsigned retransmit_limit(const IkeSa& sa) const;
    void switch_to_natt(IkeSa& sa);
    ChildSaEvent child_event(const IkeSa& sa, const ChildSa& child, DownReason why = DownReason::deleted_locally) const;
    IkeSaEvent ike_event(const IkeSa& sa, DownReason why = DownReason::deleted_locally) const;
    // Whether `sa` is still in the table (a callback may have destroyed it meanwhile).
    bool alive(const IkeSa& sa) const;
    IkeSa* find_sa(uint32_t id);
    IkeSa* sa_of_child(uint32_t child_id);
    uint64_t new_ike_spi();
    static std::string where(const Endpoint& e);
    void reap();

    loop::Timers& timers_;
    crypto::RandomSource& rng_;
    PolicyProvider& provider_;
    Callbacks cb_;
    EngineConfig config_;
    DropCounters drops_;
    std::map<uint64_t, std::unique_ptr<IkeSa>> sas_;     // by our SPI
    std::vector<std::unique_ptr<IkeSa>> graveyard_;       // destroyed while on the call stack
    std::set<uint32_t> inbound_spis_;
    std::set<Ipv4Address> contacted_;                     // peers we had an IKE SA with
    std::optional<crypto::Hmac> cookie_mac_;
    crypto::SecretBytes cookie_secret_;
    uint32_t next_ike_id_ = 1;
    uint32_t next_child_id_ = 1;
    uint64_t retransmissions_ = 0;
    uint64_t responses_resent_ = 0;
};

}  // namespace tandem::ike
