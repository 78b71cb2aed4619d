// Value checks of the API's objects and messages (verify.h). Each check is one rule with its own
// status, so a test can provoke each and a REPLY names precisely what is wrong.
#include "common/dpapi/verify.h"

#include <algorithm>
#include <string>
#include <utility>

namespace tandem::dpapi {

namespace {

CodecError error(Status s, std::string text) { return CodecError{s, kNoItem, std::move(text), 0}; }

std::string sa_name(const SaParams& sa) { return "SA " + std::to_string(sa.sa_id); }

bool known(Direction d) { return d == Direction::inbound || d == Direction::outbound; }
bool known(CipherAlg c) { return static_cast<uint8_t>(c) <= static_cast<uint8_t>(CipherAlg::aes_cbc_256); }
bool known(AuthAlg a) { return static_cast<uint8_t>(a) <= static_cast<uint8_t>(AuthAlg::sha512_256); }
bool known(PolicyAction a) { return static_cast<uint8_t>(a) <= static_cast<uint8_t>(PolicyAction::discard); }
bool known(RouteKind k) { return static_cast<uint8_t>(k) <= static_cast<uint8_t>(RouteKind::blackhole); }
bool known(ExpireKind k) { return k == ExpireKind::soft || k == ExpireKind::hard; }
bool known(ExpireTrigger t) { return t == ExpireTrigger::bytes || t == ExpireTrigger::packets; }

bool is_gcm(CipherAlg c) { return c == CipherAlg::aes_gcm_128 || c == CipherAlg::aes_gcm_256; }

unsigned cipher_key_length(CipherAlg c) {
    return c == CipherAlg::aes_gcm_128 || c == CipherAlg::aes_cbc_128 ? 16 : 32;
}

unsigned auth_key_length(AuthAlg a) {
    switch (a) {
    case AuthAlg::none: return 0;
    case AuthAlg::sha1_96: return 20;
    case AuthAlg::sha256_128: return 32;
    case AuthAlg::sha384_192: return 48;
    case AuthAlg::sha512_256: return 64;
    }
    return 0;
}

// An address a tunnel endpoint, next hop or virtual address can be.
bool is_unicast(Ipv4Address a) {
    return !a.is_unspecified() && !a.is_multicast() && !a.is_broadcast() && !a.is_loopback();
}

bool is_unicast(const MacAddress& mac) {
    return (mac[0] & 0x01) == 0 && mac != MacAddress{};
}

std::optional<CodecError> verify_text(const std::string& s, size_t max_length, const char* what) {
    if (s.size() > max_length) {
        return error(Status::bad_text, std::string(what) + " of " + std::to_string(s.size()) +
                                           " bytes (at most " + std::to_string(max_length) + ")");
    }
    for (unsigned char c : s) {
        if (c < 0x20 || c == 0x7f) return error(Status::bad_text, std::string(what) + " has a control character");
    }
    return std::nullopt;
}

std::optional<CodecError> verify_ports(const PortRange& r, const char* what) {
    if (r.lo > r.hi) {
        return error(Status::bad_range, std::string(what) + " ports " + std::to_string(r.lo) + "-" +
                                            std::to_string(r.hi) + " are reversed");
    }
    return std::nullopt;
}

// Checks every item with `check` (first failure wins, with its index), then looks for two items
// with the same key(item) and reports the later one.
template <typename T, typename Check, typename Key>
std::optional<CodecError> verify_items(const std::vector<T>& items, Check check, Key key, const char* what) {
    for (size_t i = 0; i < items.size(); ++i) {
        if (auto err = check(items[i])) {
            err->item = static_cast<uint32_t>(i);
            return err;
        }
    }
    using K = decltype(key(items[0]));
    std::vector<std::pair<K, size_t>> keyed;
    keyed.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) keyed.emplace_back(key(items[i]), i);
    std::sort(keyed.begin(), keyed.end());
    size_t first_dup = items.size();
    for (size_t i = 1; i < keyed.size(); ++i) {
        if (keyed[i].first == keyed[i - 1].first) first_dup = std::min(first_dup, keyed[i].second);
    }
    if (first_dup < items.size()) {
        return CodecError{Status::duplicate, static_cast<uint32_t>(first_dup),
                          std::string(what) + " appears twice in one message", 0};
    }
    return std::nullopt;
}

constexpr auto no_check = [](const auto&) { return std::optional<CodecError>(); };

std::optional<CodecError> verify_sas(const std::vector<SaParams>& sas) {
    if (auto err = verify_items(sas, verify_sa, [](const SaParams& sa) { return sa.sa_id; }, "sa_id")) {
        return err;
    }
    // Inbound SAs are found by (SPI, destination): two in one message would shadow each other.
    std::vector<SaParams> inbound;
    std::vector<size_t> index;
    for (size_t i = 0; i < sas.size(); ++i) {
        if (sas[i].direction == Direction::inbound) {
            inbound.push_back(sas[i]);
            index.push_back(i);
        }
    }
    auto err = verify_items(inbound, no_check,
                            [](const SaParams& sa) { return std::pair(sa.spi, sa.tunnel_dst.value()); },
                            "inbound SPI and destination");
    if (err) err->item = static_cast<uint32_t>(index[err->item]);
    return err;
}

std::optional<CodecError> verify_ids(const std::vector<uint32_t>& ids, const char* what) {
    return verify_items(ids, no_check, [](uint32_t id) { return id; }, what);
}

constexpr auto prefix_key = [](const Ipv4Prefix& p) { return std::pair(p.address().value(), p.length()); };
constexpr auto vaddr_key = [](const auto& v) { return std::pair(v.port, v.address.value()); };

std::optional<CodecError> verify_version_range(uint16_t min, uint16_t max) {
    if (min == 0 || min > max) {
        return error(Status::bad_value, "version range " + std::to_string(min) + ".." + std::to_string(max));
    }
    return std::nullopt;
}

std::optional<CodecError> verify_vaddr_ref(const VaddrRef& v) {
    if (!is_unicast(v.address)) return error(Status::bad_address, "virtual address " + v.address.str());
    return std::nullopt;
}

// Per-message rules, one overload per body type.
std::optional<CodecError> verify_body(const Hello& m) {
    if (auto err = verify_version_range(m.min_version, m.max_version)) return err;
    return verify_text(m.name, kMaxNameLength, "name");
}
std::optional<CodecError> verify_body(const Reply& m) {
    if (!is_known(m.status)) {
        return error(Status::bad_enum, "status " + std::to_string(static_cast<unsigned>(m.status)));
    }
    return verify_text(m.text, kMaxTextLength, "text");
}
std::optional<CodecError> verify_body(const SaAdd& m) { return verify_sas(m.sas); }
std::optional<CodecError> verify_body(const SaList& m) { return verify_sas(m.sas); }
std::optional<CodecError> verify_body(const SaDel& m) { return verify_ids(m.sa_ids, "sa_id"); }
std::optional<CodecError> verify_body(const StatsSas& m) { return verify_ids(m.sa_ids, "sa_id"); }
std::optional<CodecError> verify_body(const PolicySet& m) {
    // Rules may share a policy id or a priority (ties keep list order), so no duplicate check.
    for (size_t i = 0; i < m.rules.size(); ++i) {
        auto err = verify_policy(m.rules[i]);
        if (!err && m.rules[i].port != m.port) {
            err = error(Status::bad_value, "rule for port " + std::to_string(m.rules[i].port) +
                                               " in the rule set of port " + std::to_string(m.port));
        }
        if (err) {
            err->item = static_cast<uint32_t>(i);
            return err;
        }
    }
    return std::nullopt;
}
std::optional<CodecError> verify_body(const PolicyList& m) {
    for (size_t i = 0; i < m.rules.size(); ++i) {
        if (auto err = verify_policy(m.rules[i])) {
            err->item = static_cast<uint32_t>(i);
            return err;
        }
    }
    return std::nullopt;
}
std::optional<CodecError> verify_body(const RouteAdd& m) {
    for (size_t i = 0; i < m.routes.size(); ++i) {
        if (m.routes[i].origin != RouteOrigin::api) {
            auto err = error(Status::bad_value, "route " + m.routes[i].prefix.str() + ": ROUTE_ADD installs api routes");
            err.item = static_cast<uint32_t>(i);
            return err;
        }
    }
    return verify_items(m.routes, verify_route, [](const Route& r) { return prefix_key(r.prefix); }, "prefix");
}
std::optional<CodecError> verify_body(const RouteList& m) {
    return verify_items(m.routes, verify_route, [](const Route& r) { return prefix_key(r.prefix); }, "prefix");
}
std::optional<CodecError> verify_body(const RouteDel& m) {
    return verify_items(m.prefixes, verify_prefix, prefix_key, "prefix");
}
std::optional<CodecError> verify_body(const VaddrClaim& m) {
    return verify_items(m.addresses, verify_vaddr, vaddr_key, "port and address");
}
std::optional<CodecError> verify_body(const VaddrList& m) {
    return verify_items(m.addresses, verify_vaddr, vaddr_key, "port and address");
}
std::optional<CodecError> verify_body(const VaddrRelease& m) {
    return verify_items(m.addresses, verify_vaddr_ref, vaddr_key, "port and address");
}
std::optional<CodecError> verify_body(const Subscribe& m) {
    if ((m.events & ~kEventAll) != 0) return error(Status::bad_flags, "unknown event classes");
    bool idle = (m.events & kEventSaIdle) != 0;
    if (idle != (m.idle_threshold_ms != 0)) {
        return error(Status::bad_value, "idle_threshold_ms must be set with SA_IDLE events, and only then");
    }
    return std::nullopt;
}
std::optional<CodecError> verify_body(const HelloInfo& m) {
    if (auto err = verify_version_range(m.min_version, m.max_version)) return err;
    if (m.version < m.min_version || m.version > m.max_version) {
        return error(Status::bad_value, "chosen version " + std::to_string(m.version) + " outside " +
                                            std::to_string(m.min_version) + ".." + std::to_string(m.max_version));
    }
    return verify_text(m.name, kMaxNameLength, "name");
}
std::optional<CodecError> verify_body(const SaExpire& m) {
    if (!known(m.kind)) return error(Status::bad_enum, "expire kind " + std::to_string(static_cast<unsigned>(m.kind)));
    if (!known(m.trigger)) {
        return error(Status::bad_enum, "expire trigger " + std::to_string(static_cast<unsigned>(m.trigger)));
    }
    return std::nullopt;
}
// Stats, drop counters, queries without a body, ACQUIRE and SA_IDLE: every value is valid.
template <typename T>
std::optional<CodecError> verify_body(const T&) {
    return std::nullopt;
}

}  // namespace

std::optional<CodecError> verify_prefix(const Ipv4Prefix& p) {
    if (p.length() > 32) return error(Status::bad_prefix, "prefix length " + std::to_string(p.length()));
    if ((p.address().value() & ~p.mask()) != 0) {
        return error(Status::bad_prefix, p.address().str() + "/" + std::to_string(p.length()) +
                                             " has host bits set (did you mean " +
                                             Ipv4Prefix::containing(p.address(), p.length()).str() + "?)");
    }
    return std::nullopt;
}

std::optional<CodecError> verify_selector(const TrafficSelector& ts) {
    if (ts.src.first > ts.src.last) return error(Status::bad_range, "selector source range is reversed");
    if (ts.dst.first > ts.dst.last) return error(Status::bad_range, "selector destination range is reversed");
    if (auto err = verify_ports(ts.src_ports, "selector source")) return err;
    return verify_ports(ts.dst_ports, "selector destination");
}

std::optional<CodecError> verify_sa(const SaParams& sa) {
    auto n = sa_name(sa);
    if (!known(sa.direction)) return error(Status::bad_enum, n + ": unknown direction");
    if (!known(sa.cipher)) return error(Status::bad_enum, n + ": unknown cipher");
    if (!known(sa.auth)) return error(Status::bad_enum, n + ": unknown integrity algorithm");
    if (is_gcm(sa.cipher) != (sa.auth == AuthAlg::none)) {
        return error(Status::bad_algorithm, n + (is_gcm(sa.cipher) ? ": AES-GCM takes no integrity algorithm"
                                                                   : ": AES-CBC needs an integrity algorithm"));
    }
    if (sa.cipher_key_len != cipher_key_length(sa.cipher)) {
        return error(Status::bad_key_length, n + ": cipher key of " + std::to_string(sa.cipher_key_len) +
                                                 " bytes, the algorithm needs " +
                                                 std::to_string(cipher_key_length(sa.cipher)));
    }
    if (sa.auth_key_len != auth_key_length(sa.auth)) {
        return error(Status::bad_key_length, n + ": integrity key of " + std::to_string(sa.auth_key_len) +
                                                 " bytes, the algorithm needs " +
                                                 std::to_string(auth_key_length(sa.auth)));
    }
    if (!is_gcm(sa.cipher) && sa.salt != 0) return error(Status::bad_value, n + ": salt given for AES-CBC");
    if (sa.spi < 256) return error(Status::bad_value, n + ": SPI " + std::to_string(sa.spi) + " is reserved");
    if (sa.replay_window > kMaxReplayWindow) {
        return error(Status::bad_value, n + ": replay window " + std::to_string(sa.replay_window) + " > " +
                                            std::to_string(kMaxReplayWindow));
    }
    if (!is_unicast(sa.tunnel_src)) return error(Status::bad_address, n + ": tunnel source " + sa.tunnel_src.str());
    if (!is_unicast(sa.tunnel_dst)) {
        return error(Status::bad_address, n + ": tunnel destination " + sa.tunnel_dst.str());
    }
    if (sa.natt && (sa.natt_src_port == 0 || sa.natt_dst_port == 0)) {
        return error(Status::bad_value, n + ": NAT-T port 0");
    }
    if (auto err = verify_selector(sa.selector)) {
        err->text = n + ": " + err->text;
        return err;
    }
    const auto& l = sa.lifetime;
    if ((l.hard_bytes != 0 && l.soft_bytes > l.hard_bytes) || (l.hard_packets != 0 && l.soft_packets > l.hard_packets)) {
        return error(Status::bad_value, n + ": soft lifetime beyond the hard lifetime");
    }
    return std::nullopt;
}

std::optional<CodecError> verify_policy(const PolicyRule& rule) {
    auto n = "policy " + std::to_string(rule.policy_id);
    if (!known(rule.action)) return error(Status::bad_enum, n + ": unknown action");
    for (const auto* p : {&rule.src, &rule.dst}) {
        if (auto err = verify_prefix(*p)) {
            err->text = n + ": " + err->text;
            return err;
        }
    }
    if (auto err = verify_ports(rule.src_ports, "source")) return err;
    return verify_ports(rule.dst_ports, "destination");
}

std::optional<CodecError> verify_route(const Route& route) {
    if (auto err = verify_prefix(route.prefix)) return err;
    auto n = "route " + route.prefix.str();
    if (!known(route.kind)) return error(Status::bad_enum, n + ": unknown kind");
    if (static_cast<uint8_t>(route.origin) > static_cast<uint8_t>(RouteOrigin::connected)) {
        return error(Status::bad_enum, n + ": unknown origin");
    }
    if (route.kind != RouteKind::forward && !route.gateway.is_unspecified()) {
        return error(Status::bad_address, n + ": a local or blackhole route has no gateway");
    }
    if (!route.gateway.is_unspecified() && !is_unicast(route.gateway)) {
        return error(Status::bad_address, n + ": gateway " + route.gateway.str());
    }
    return std::nullopt;
}

std::optional<CodecError> verify_vaddr(const VirtualAddress& v) {
    if (!is_unicast(v.address)) return error(Status::bad_address, "virtual address " + v.address.str());
    if (!is_unicast(v.mac)) return error(Status::bad_address, "virtual MAC is not a unicast address");
    return std::nullopt;
}

std::optional<CodecError> verify(const Message& m) {
    MessageType t = type_of(m);
    if (m.version == 0 || ((t != MessageType::hello && t != MessageType::reply) &&
                           (m.version < kMinVersion || m.version > kMaxVersion))) {
        return error(Status::unsupported_version, "version " + std::to_string(m.version));
    }
    if ((m.flags & ~kFlagMore) != 0) return error(Status::bad_flags, "unknown header flags");
    if ((m.flags & kFlagMore) != 0 && t != MessageType::policy_set) {
        return error(Status::bad_flags, "MORE is only allowed on POLICY_SET");
    }
    return std::visit([](const auto& body) { return verify_body(body); }, m.body);
}

Limits limits_of(const HelloInfo& info) { return Limits{info.port_count, info.max_sas, info.max_policies}; }

namespace {

std::optional<CodecError> limit_error(Status s, size_t item, std::string text) {
    return CodecError{s, static_cast<uint32_t>(item), std::move(text), 0};
}

std::optional<CodecError> check_sa_ids(const std::vector<uint32_t>& ids, const Limits& l) {
    for (size_t i = 0; i < ids.size(); ++i) {
        if (ids[i] >= l.max_sas) return limit_error(Status::id_out_of_range, i, "sa_id " + std::to_string(ids[i]));
    }
    return std::nullopt;
}

std::optional<CodecError> check_port(uint16_t port, const Limits& l, size_t item) {
    if (port >= l.port_count) return limit_error(Status::unknown_port, item, "port " + std::to_string(port));
    return std::nullopt;
}

}  // namespace

std::optional<CodecError> check_limits(const Message& m, const Limits& l) {
    if (const auto* add = std::get_if<SaAdd>(&m.body)) {
        for (size_t i = 0; i < add->sas.size(); ++i) {
            const auto& sa = add->sas[i];
            if (sa.sa_id >= l.max_sas) return limit_error(Status::id_out_of_range, i, "sa_id " + std::to_string(sa.sa_id));
            if (sa.direction == Direction::outbound && sa.policy_id >= l.max_policies) {
                return limit_error(Status::id_out_of_range, i, "policy_id " + std::to_string(sa.policy_id));
            }
        }
    } else if (const auto* del = std::get_if<SaDel>(&m.body)) {
        return check_sa_ids(del->sa_ids, l);
    } else if (const auto* stats = std::get_if<StatsSas>(&m.body)) {
        return check_sa_ids(stats->sa_ids, l);
    } else if (const auto* set = std::get_if<PolicySet>(&m.body)) {
        if (auto err = check_port(set->port, l, kNoItem)) return err;
        for (size_t i = 0; i < set->rules.size(); ++i) {
            if (set->rules[i].policy_id >= l.max_policies) {
                return limit_error(Status::id_out_of_range, i, "policy_id " + std::to_string(set->rules[i].policy_id));
            }
        }
    } else if (const auto* routes = std::get_if<RouteAdd>(&m.body)) {
        for (size_t i = 0; i < routes->routes.size(); ++i) {
            if (routes->routes[i].kind != RouteKind::forward) continue;
            if (auto err = check_port(routes->routes[i].port, l, i)) return err;
        }
    } else if (const auto* claim = std::get_if<VaddrClaim>(&m.body)) {
        for (size_t i = 0; i < claim->addresses.size(); ++i) {
            if (auto err = check_port(claim->addresses[i].port, l, i)) return err;
        }
    } else if (const auto* release = std::get_if<VaddrRelease>(&m.body)) {
        for (size_t i = 0; i < release->addresses.size(); ++i) {
            if (auto err = check_port(release->addresses[i].port, l, i)) return err;
        }
    }
    return std::nullopt;
}

}  // namespace tandem::dpapi
