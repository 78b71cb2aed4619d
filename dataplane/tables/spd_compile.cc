// Crypto-map flattening (see spd_compile.h for the semantics and the construction).
#include "dataplane/tables/spd_compile.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>

namespace tandem::dp {

namespace {

using config::SpdAction;
using config::SpdRule;
using dpapi::PolicyAction;

// One rule as a box in (protocol, src, dst, sport, dport) space, with its verdict.
struct Box {
    uint8_t protocol = 0;
    Ipv4Prefix src;
    Ipv4Prefix dst;
    PortRange sport;
    PortRange dport;
    PolicyAction action = PolicyAction::bypass;
    uint32_t policy_id = 0;
};

std::vector<PortRange> port_ranges(const PortMatch& m) {
    using Op = PortMatch::Op;
    switch (m.op) {
        case Op::any: return {PortRange{0, 65535}};
        case Op::eq: return {PortRange{m.lo, m.lo}};
        case Op::lt:
            if (m.lo == 0) return {};
            return {PortRange{0, static_cast<uint16_t>(m.lo - 1)}};
        case Op::gt:
            if (m.lo == 65535) return {};
            return {PortRange{static_cast<uint16_t>(m.lo + 1), 65535}};
        case Op::range:
            if (m.lo > m.hi) return {};
            return {PortRange{m.lo, m.hi}};
        case Op::neq: {
            std::vector<PortRange> v;
            if (m.lo > 0) v.push_back(PortRange{0, static_cast<uint16_t>(m.lo - 1)});
            if (m.lo < 65535) v.push_back(PortRange{static_cast<uint16_t>(m.lo + 1), 65535});
            return v;
        }
    }
    return {};
}

Result<std::vector<Box>> boxes_of(const SpdRule& r) {
    auto src = r.source.prefix();
    auto dst = r.destination.prefix();
    if (!src || !dst) {
        return Error("crypto map entry " + std::to_string(r.seq) + ", ACL line " +
                     std::to_string(r.acl_line + 1) +
                     ": a discontiguous wildcard cannot be an IPsec policy selector");
    }
    std::vector<Box> out;
    for (const PortRange& sp : port_ranges(r.source_ports)) {
        for (const PortRange& dp : port_ranges(r.destination_ports)) {
            out.push_back(Box{r.protocol, *src, *dst, sp, dp, PolicyAction::bypass, 0});
        }
    }
    return out;
}

std::optional<Ipv4Prefix> intersect(const Ipv4Prefix& a, const Ipv4Prefix& b) {
    if (a.contains(b)) return b;
    if (b.contains(a)) return a;
    return std::nullopt;
}

std::optional<PortRange> intersect(const PortRange& a, const PortRange& b) {
    uint16_t lo = std::max(a.lo, b.lo);
    uint16_t hi = std::min(a.hi, b.hi);
    if (lo > hi) return std::nullopt;
    return PortRange{lo, hi};
}

bool contains(const PortRange& outer, const PortRange& inner) {
    return outer.lo <= inner.lo && inner.hi <= outer.hi;
}

// The part of `s` that `r` matches, with r's verdict.
std::optional<Box> intersect(const Box& s, const Box& r) {
    uint8_t proto;
    if (s.protocol == 0) proto = r.protocol;
    else if (r.protocol == 0 || r.protocol == s.protocol) proto = s.protocol;
    else return std::nullopt;
    auto src = intersect(s.src, r.src);
    auto dst = intersect(s.dst, r.dst);
    auto sport = intersect(s.sport, r.sport);
    auto dport = intersect(s.dport, r.dport);
    if (!src || !dst || !sport || !dport) return std::nullopt;
    return Box{proto, *src, *dst, *sport, *dport, r.action, r.policy_id};
}

// True when every packet `inner` matches, `outer` matches too.
bool contains(const Box& outer, const Box& inner) {
    return (outer.protocol == 0 || outer.protocol == inner.protocol) && outer.src.contains(inner.src) &&
           outer.dst.contains(inner.dst) && contains(outer.sport, inner.sport) &&
           contains(outer.dport, inner.dport);
}

}  // namespace

Result<std::vector<dpapi::PolicyRule>> flatten_spd(std::span<const SpdRule> rules,
                                                   const SpdCompileOptions& options) {
    // Entries: maximal runs of consecutive rules with one seq.
    std::vector<std::pair<size_t, size_t>> entries;
    for (size_t i = 0; i < rules.size(); ++i) {
        if (entries.empty() || rules[entries.back().first].seq != rules[i].seq) entries.emplace_back(i, i);
        entries.back().second = i + 1;
    }

    std::map<uint32_t, uint32_t> policy_ids;
    auto policy_id = [&](uint32_t seq) {
        auto it = policy_ids.find(seq);
        if (it != policy_ids.end()) return it->second;
        uint32_t id = options.policy_id_for ? options.policy_id_for(seq) : seq;
        policy_ids.emplace(seq, id);
        return id;
    };

    const Box catch_all{};
    std::vector<Box> next = {catch_all};  // F(past the last entry)
    for (auto e = entries.rbegin(); e != entries.rend(); ++e) {
        std::vector<Box> cur;
        for (size_t i = e->first; i < e->second; ++i) {
            const SpdRule& line = rules[i];
            auto boxes = boxes_of(line);
            if (!boxes) return boxes.error();
            for (Box b : *boxes) {
                switch (line.action) {
                    case SpdAction::protect:
                        b.action = PolicyAction::protect;
                        b.policy_id = policy_id(line.seq);
                        cur.push_back(b);
                        break;
                    case SpdAction::bypass:
                        cur.push_back(b);
                        break;
                    case SpdAction::skip_entry: {
                        bool covered = false;
                        for (const Box& r : next) {
                            if (auto part = intersect(b, r)) cur.push_back(*part);
                            if (contains(r, b)) {
                                covered = true;
                                break;
                            }
                        }
                        if (!covered) cur.push_back(b);  // bypass
                        break;
                    }
                }
                if (cur.size() + next.size() > options.max_rules) {
                    return Error("the flattened security policy exceeds " +
                                 std::to_string(options.max_rules) + " rules (deny lines in crypto map entry " +
                                 std::to_string(line.seq) + " overlap too many later rules)");
                }
            }
        }
        cur.insert(cur.end(), next.begin(), next.end());
        next = std::move(cur);
    }

    // Nothing after the first catch-all can match (the trailing BYPASS of compile_policies() and
    // F's own terminator are one such pair).
    auto first_catch_all = std::find_if(next.begin(), next.end(),
                                        [&](const Box& b) { return contains(b, catch_all); });
    if (first_catch_all != next.end()) next.erase(first_catch_all + 1, next.end());

    std::vector<dpapi::PolicyRule> out;
    out.reserve(next.size());
    uint32_t priority = options.first_priority;
    for (const Box& b : next) {
        dpapi::PolicyRule r;
        r.policy_id = b.action == PolicyAction::protect ? b.policy_id : 0;
        r.port = options.port;
        r.priority = priority++;
        r.protocol = b.protocol;
        r.src = b.src;
        r.dst = b.dst;
        r.src_ports = b.sport;
        r.dst_ports = b.dport;
        r.action = b.action;
        out.push_back(r);
    }
    return out;
}

std::vector<dpapi::PolicyRule> mirror_policies(std::span<const dpapi::PolicyRule> rules) {
    std::vector<dpapi::PolicyRule> out(rules.begin(), rules.end());
    for (auto& r : out) {
        std::swap(r.src, r.dst);
        std::swap(r.src_ports, r.dst_ports);
    }
    return out;
}

bool inbound_check_needed(std::span<const dpapi::PolicyRule> rules) {
    return std::any_of(rules.begin(), rules.end(),
                       [](const dpapi::PolicyRule& r) { return r.action != PolicyAction::bypass; });
}

}  // namespace tandem::dp
