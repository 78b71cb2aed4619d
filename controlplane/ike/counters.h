// Why the engine dropped a datagram, counted per reason, with a rate-limited log line.
//
// Every datagram the engine does not act on is dropped for exactly one DropReason (BIRD's
// DROP(reason, value) pattern). Counters only grow; `show crypto ikev2 statistics`-style output
// reads them. A log line is emitted for the first drop of a reason and then at most once per
// interval with the number suppressed in between, so a flood cannot flood the log. Log lines
// carry the reason, the peer endpoint and a detail -- never key material or message contents.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>

#include "controlplane/loop/clock.h"

namespace tandem::ike {

enum class DropReason : uint8_t {
    malformed,              // the codec refused the message (structure or values)
    not_ike,                // UDP 4500 without the non-ESP marker, or a keep-alive
    unknown_spi,            // no IKE SA for the SPIs
    bad_icv,                // SK payload failed its integrity check (or bad padding)
    decrypted_malformed,    // the decrypted payload chain did not parse or verify
    wrong_message_id,       // a request out of the window, or a stale/unknown response
    unexpected_exchange,    // an exchange the IKE SA's state does not allow
    unsolicited_response,   // a response with no request outstanding
    no_policy,              // IKE_SA_INIT from a peer no policy accepts
    half_open_limit,        // too many half-open IKE SAs
    invalid_cookie,         // IKE_SA_INIT with a COOKIE we did not issue
    bad_payloads,           // required payloads missing or inconsistent
    auth_failed,            // AUTH did not verify
    invalid_ke,             // peer's KE value refused by the key exchange
    count_
};
inline constexpr size_t kDropReasonCount = static_cast<size_t>(DropReason::count_);

const char* drop_reason_name(DropReason r);

using LogFn = std::function<void(const std::string&)>;

class DropCounters {
public:
    DropCounters(const loop::Clock& clock, LogFn log, loop::Duration interval = std::chrono::seconds(1))
        : clock_(clock), log_(std::move(log)), interval_(interval) {}

    // Counts one drop and maybe logs it. `where` names the peer, `detail` what was wrong.
    void drop(DropReason r, const std::string& where, const std::string& detail = {});

    uint64_t count(DropReason r) const { return counts_[static_cast<size_t>(r)]; }
    uint64_t total() const;

private:
    const loop::Clock& clock_;
    LogFn log_;
    loop::Duration interval_;
    std::array<uint64_t, kDropReasonCount> counts_{};
    std::array<loop::Time, kDropReasonCount> last_log_{};
    std::array<uint64_t, kDropReasonCount> suppressed_{};
    std::array<bool, kDropReasonCount> logged_{};
};

}  // namespace tandem::ike
