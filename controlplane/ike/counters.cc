// Drop counters and their rate-limited log: see counters.h.
#include "controlplane/ike/counters.h"

namespace tandem::ike {

const char* drop_reason_name(DropReason r) {
    switch (r) {
        case DropReason::malformed: return "malformed";
        case DropReason::not_ike: return "not_ike";
        case DropReason::unknown_spi: return "unknown_spi";
        case DropReason::bad_icv: return "bad_icv";
        case DropReason::decrypted_malformed: return "decrypted_malformed";
        case DropReason::wrong_message_id: return "wrong_message_id";
        case DropReason::unexpected_exchange: return "unexpected_exchange";
        case DropReason::unsolicited_response: return "unsolicited_response";
        case DropReason::no_policy: return "no_policy";
        case DropReason::half_open_limit: return "half_open_limit";
        case DropReason::invalid_cookie: return "invalid_cookie";
        case DropReason::bad_payloads: return "bad_payloads";
        case DropReason::auth_failed: return "auth_failed";
        case DropReason::invalid_ke: return "invalid_ke";
        case DropReason::count_: break;
    }
    return "?";
}

void DropCounters::drop(DropReason r, const std::string& where, const std::string& detail) {
    const size_t i = static_cast<size_t>(r);
    ++counts_[i];
    const loop::Time now = clock_.now();
    if (logged_[i] && now - last_log_[i] < interval_) {
        ++suppressed_[i];
        return;
    }
    if (log_) {
        std::string line = std::string("ike: dropped ") + drop_reason_name(r) + " from " + where;
        if (!detail.empty()) line += ": " + detail;
        if (suppressed_[i] != 0) line += " (" + std::to_string(suppressed_[i]) + " more suppressed)";
        log_(line);
    }
    logged_[i] = true;
    last_log_[i] = now;
    suppressed_[i] = 0;
}

uint64_t DropCounters::total() const {
    uint64_t t = 0;
    for (uint64_t c : counts_) t += c;
    return t;
}

}  // namespace tandem::ike
