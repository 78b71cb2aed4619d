// Traffic-selector narrowing: see ts_narrow.h.
#include "controlplane/ike/ts_narrow.h"

#include <algorithm>

namespace tandem::ike {

std::optional<TsRange> from_wire(const TrafficSelector& ts) {
    if (!ts.is_ipv4() || ts.start_address.size() != 4 || ts.end_address.size() != 4) return std::nullopt;
    return TsRange{ts.start_ipv4(), ts.end_ipv4(), ts.ip_protocol, ts.start_port, ts.end_port};
}

std::optional<TsRange> intersect(const TsRange& a, const TsRange& b) {
    TsRange r;
    r.first = std::max(a.first, b.first);
    r.last = std::min(a.last, b.last);
    if (r.first > r.last) return std::nullopt;
    if (a.protocol != 0 && b.protocol != 0 && a.protocol != b.protocol) return std::nullopt;
    r.protocol = a.protocol != 0 ? a.protocol : b.protocol;
    r.port_lo = std::max(a.port_lo, b.port_lo);
    r.port_hi = std::min(a.port_hi, b.port_hi);
    if (a.port_lo > a.port_hi || b.port_lo > b.port_hi || r.port_lo > r.port_hi) return std::nullopt;
    return r;
}

std::optional<TsRange> intersect(const TrafficSelector& proposed, const TsRange& policy) {
    auto p = from_wire(proposed);
    if (!p) return std::nullopt;
    return intersect(*p, policy);
}

std::optional<TsRange> narrow(std::span<const TrafficSelector> proposed, const TsRange& policy) {
    std::optional<TsRange> best;
    for (const auto& ts : proposed) {
        auto r = intersect(ts, policy);
        if (r && (!best || r->address_count() > best->address_count())) best = r;
    }
    return best;
}

}  // namespace tandem::ike
