// A Tandem ESP SA (tunnel mode, IPv4 in IPv4) on DPDK's rte_ipsec, with a hot/cold split:
//
//   Sa (cold, move-only owner)            SaRuntime (hot, cache aligned, never moves)
//   ---------------------------           -------------------------------------------
//   SaParams as installed                  rte_ipsec_session (must not move: rte_ipsec stores
//   rte_ipsec_sa memory (rte_zmalloc)        its address in the crypto session)
//   crypto session (freed on destroy)      Tandem's replay window (inbound)
//                                          selector, lifetime limits, header facts
//                                          counters and event flags (read by the control plane)
//
// The worker touches only SaRuntime; esp_inbound.h / esp_outbound.h hold the burst functions.
//
// What rte_ipsec does and what Tandem adds (measured on DPDK 22.11.11, see the report and
// dpdk-notes.md):
//   - ESP encap/decap, padding, sequence numbers (outbound), DSCP/ECN copy: rte_ipsec.
//   - Anti-replay: Tandem's ReplayWindow. Without ESN the library's window is 0 (off: its check
//     passes everything, its update is skipped). With ESN the library insists on a window of at
//     least 64 (ipsec_sa_size) and reconstructs the high half itself for the ICV, so Tandem uses
//     the same window size (at least 64) to reconstruct identically; Tandem's check is stricter
//     than the library's and runs first.
//   - NAT-T: the library adds the UDP header outbound (udp_encap). Inbound it has no NAT-T path:
//     an inbound SA with udp_encap initialises without error, but esp_sa_init() has no case for
//     it and skips the inbound tunnel set-up, so every packet then fails (measured: 0 of 12
//     decapsulated). Tandem leaves udp_encap off inbound, validates the UDP header itself and
//     skips it by counting it into l3_len.
//   - The outer IPv4 header checksum and DF: Tandem (the library fills length and id only).
//   - Selector check of decrypted packets, lifetimes, counters: Tandem.
#pragma once

#include <rte_ipsec.h>

#include <array>
#include <atomic>
#include <cstdint>

#include "common/dpapi/types.h"
#include "common/result.h"
#include "dataplane/ipsec/crypto_device.h"
#include "dataplane/ipsec/replay_window.h"

namespace tandem::dp {

// Why a packet left an ESP burst. Every reason has a counter per SA.
enum class DropReason : uint8_t {
    none = 0,
    replay,            // inbound: too old or already seen (Tandem's window)
    auth_failure,      // inbound: ICV did not verify
    policy_mismatch,   // inbound: inner packet outside the SA's selector, or wrong encapsulation
    malformed,         // truncated, bad lengths, bad padding, next header not IPv4, not ESP
    lifetime_expired,  // hard lifetime reached, or sequence numbers exhausted (outbound)
    wrong_sa,          // inbound: SPI is not this SA's
    no_room,           // head/tailroom too small, or no crypto op available
    crypto_error,      // the crypto device failed the operation (outbound) or did not take it
};
inline constexpr size_t kDropReasonCount = 9;
const char* drop_reason_name(DropReason r);

// Event flags raised by the worker and collected by the control plane (Sa::take_events).
enum SaEvent : uint32_t {
    kSaEventSoftLifetime = 1u << 0,
    kSaEventHardLifetime = 1u << 1,
};

// Per-SA behaviour that is dataplane configuration rather than negotiated SA state.
enum class DfMode : uint8_t { copy, set, clear };
struct SaOptions {
    DfMode df = DfMode::copy;    // outer DF bit: copied from the inner header, always set, or clear
    uint8_t ttl = 64;            // outer TTL
    bool force_lookaside = false;  // use cryptodev queues even where CPU crypto is available
    // First sequence number: outbound, the next one to send (0 = 1); inbound, the initial top of
    // the replay window. For tests (ESN wrap) and resynchronisation.
    uint64_t initial_sequence = 0;
};

struct SaStats {
    uint64_t packets = 0;
    uint64_t bytes = 0;  // inner IPv4 bytes
    uint64_t last_sequence = 0;  // outbound: last sent (0: none yet); inbound: highest accepted
    std::array<uint64_t, kDropReasonCount> drops{};
    uint64_t drops_of(DropReason r) const { return drops[static_cast<size_t>(r)]; }
};

// The inbound selector in the form the worker matches (host order).
struct SelectorMatch {
    uint32_t src_lo = 0, src_hi = ~0u, dst_lo = 0, dst_hi = ~0u;
    uint16_t sport_lo = 0, sport_hi = 0xffff, dport_lo = 0, dport_hi = 0xffff;
    uint8_t protocol = 0;  // 0 = any
    bool ports_any = true;
};

// Everything the worker reads or writes for one SA. Counters are written by the owning worker
// only (relaxed load+store, no read-modify-write) and read by anyone.
struct alignas(RTE_CACHE_LINE_SIZE) SaRuntime {
    rte_ipsec_session session{};  // cache line 0

    ReplayWindow window;          // inbound; off for outbound SAs
    SelectorMatch selector;
    uint64_t soft_packets = 0, hard_packets = 0, soft_bytes = 0, hard_bytes = 0;  // 0 = none
    uint32_t spi = 0;             // host order
    uint16_t natt_dst_port = 0;   // inbound NAT-T: the UDP port ESP arrives on (host order)
    uint16_t tail_room = 0;       // outbound: tailroom needed (max padding, trailer, ICV, AAD)
    uint16_t head_room = 0;       // outbound: headroom needed (outer IP [+ UDP], ESP, IV)
    uint16_t min_esp_len = 0;     // inbound: ESP header + IV + ICV + smallest payload
    uint8_t pad_align = 4;        // inbound: ciphertext must be a multiple
    uint8_t icv_len = 16;
    uint8_t iv_len = 8;
    bool outbound = false;
    bool esn = false;
    bool natt = false;
    bool cpu_crypto = true;
    DfMode df = DfMode::copy;
    bool soft_fired = false;      // worker-private: soft event already raised
    bool hard_fired = false;

    alignas(RTE_CACHE_LINE_SIZE) std::atomic<uint64_t> packets{0};
    std::atomic<uint64_t> bytes{0};
    std::array<std::atomic<uint64_t>, kDropReasonCount> drops{};
    std::atomic<uint32_t> events{0};
    // Outbound: the sequence number of the last packet sent; inbound: the highest one accepted
    // (64-bit with ESN). Written by the owner worker after each chunk, read by the API.
    std::atomic<uint64_t> last_sequence{0};

    explicit SaRuntime(ReplayWindow w) : window(std::move(w)) {}

    void count_drop(DropReason r) {
        auto& c = drops[static_cast<size_t>(r)];
        c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }
    // Adds good traffic and raises lifetime events on crossing.
    void count_good(uint64_t n, uint64_t b) {
        const uint64_t p = packets.load(std::memory_order_relaxed) + n;
        const uint64_t by = bytes.load(std::memory_order_relaxed) + b;
        packets.store(p, std::memory_order_relaxed);
        bytes.store(by, std::memory_order_relaxed);
        if (!soft_fired && ((soft_packets != 0 && p >= soft_packets) ||
                            (soft_bytes != 0 && by >= soft_bytes))) {
            soft_fired = true;
            events.fetch_or(kSaEventSoftLifetime, std::memory_order_release);
        }
        if (!hard_fired && hard_reached_at(p, by)) raise_hard();
    }
    bool hard_reached_at(uint64_t p, uint64_t by) const {
        return (hard_packets != 0 && p >= hard_packets) || (hard_bytes != 0 && by >= hard_bytes);
    }
    void raise_hard() {
        hard_fired = true;
        events.fetch_or(kSaEventHardLifetime, std::memory_order_release);
    }
};
// What the worker touches per burst: session, window header, limits and facts in three lines,
// counters in the next ones.
static_assert(sizeof(SaRuntime) <= 5 * RTE_CACHE_LINE_SIZE, "SaRuntime grew: keep it hot");
static_assert(offsetof(SaRuntime, packets) <= 3 * RTE_CACHE_LINE_SIZE);

class Sa {
public:
    // Validates params (algorithms, key lengths, window 0 or 32..4096) and builds the rte_ipsec
    // SA, the crypto session (CPU crypto when the device offers it) and the runtime.
    static Result<Sa> create(const dpapi::SaParams& params, const CryptoDevice& dev,
                             const SaOptions& opts = {});

    Sa(Sa&& o) noexcept;
    Sa& operator=(Sa&& o) noexcept;
    Sa(const Sa&) = delete;
    Sa& operator=(const Sa&) = delete;
    ~Sa();

    const dpapi::SaParams& params() const { return params_; }
    SaRuntime& runtime() { return *rt_; }
    const SaRuntime& runtime() const { return *rt_; }
    bool cpu_crypto() const { return rt_->cpu_crypto; }
    // Window size in effect (ESN raises it to at least 64, see above).
    uint32_t replay_window() const { return rt_->window.size(); }

    SaStats stats() const;
    // Events raised since the last call (SaEvent bits), cleared.
    uint32_t take_events() { return rt_->events.exchange(0, std::memory_order_acquire); }

private:
    Sa() = default;
    void release();

    dpapi::SaParams params_{};
    SaRuntime* rt_ = nullptr;        // rte_zmalloc'd, placement-constructed
    rte_ipsec_sa* ipsec_sa_ = nullptr;
    void* crypto_session_ = nullptr;
    uint8_t dev_id_ = 0;
};

// Effective replay window of an inbound SA (see the model above).
uint32_t effective_replay_window(const dpapi::SaParams& p);

}  // namespace tandem::dp
