// ApiServer's request handling: session rules (HELLO first, version, POLICY_SET sequences) and the
// requests that change tables.
//
// Each apply_* checks everything the request's success depends on before changing anything, and
// returns the dpapi::Status and item index of the first problem:
//
//   SA_ADD         exists (sa_id installed, inbound SPI installed), bad_value (replay window
//                  1..31: Tandem's window is 0 or 32..4096); then Tables::add_sas, whose own
//                  refusals (a crypto session the device cannot make) become `unsupported` with
//                  the item Tables named, or `table_full`.
//   SA_DEL         not_found.
//   POLICY_SET     sequence rules below; then Tables::set_policies (rte_acl build) -> table_full
//                  / internal.
//   ROUTE_ADD      unknown_port (every kind: Tables checks the port of local and blackhole routes
//                  too), exists (a prefix the dataplane made itself: connected, local, virtual);
//                  routes are applied one by one and, if the FIB refuses one (full), those already
//                  applied are restored to what they were.
//   ROUTE_DEL      not_found (not installed through the API).
//   VADDR_CLAIM    bad_address (an interface address), exists (claimed with another port or MAC),
//                  duplicate (one address twice); then, for the addresses not held yet, the
//                  tables (Tables::claim_address) and the host (VirtualAddressHost::bind: the
//                  port admits the virtual MAC, the kernel interface gets the address as a /32)
//                  -> internal with the item; whatever this request changed is undone if a later
//                  step fails; a gratuitous ARP per address once all are in. Addresses already
//                  held are not touched (a re-claim never fails on the host side).
//   VADDR_RELEASE  not_found. The tables let go first, then the host; a kernel that refuses to
//                  remove the address is logged, the release still succeeds (the gateway must
//                  stop answering for the address whatever the kernel says).
//
// POLICY_SET sequences. Parts with MORE are staged per connection; the part without MORE installs
// them all at once. Any other request while parts are staged is refused with sequence_error and
// discards them, as does a part for another port or a failed part. After such a failure every
// further POLICY_SET part is refused with sequence_error up to and including the next part without
// MORE, so that the tail of a broken sequence can never be installed as if it were the whole set
// (a partial SPD would leave traffic unprotected). Other requests are served normally meanwhile.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "dataplane/api/server.h"

namespace tandem::dp {

namespace {

using dpapi::CodecError;
using dpapi::Status;

constexpr size_t kMaxStagedRules = 1u << 18;

CodecError error(Status s, uint32_t item, std::string text) { return CodecError{s, item, std::move(text), 0}; }
CodecError error(Status s, size_t item, std::string text) {
    return CodecError{s, static_cast<uint32_t>(item), std::move(text), 0};
}

// Tables' messages name the item as "(item N)".
uint32_t item_in(const std::string& text) {
    auto at = text.find("(item ");
    if (at == std::string::npos) return dpapi::kNoItem;
    return static_cast<uint32_t>(std::strtoul(text.c_str() + at + 6, nullptr, 10));
}

bool mentions(const std::string& text, const char* word) { return text.find(word) != std::string::npos; }

bool is_request(dpapi::MessageType t) {
    auto v = static_cast<uint16_t>(t);
    return t == dpapi::MessageType::hello || (v >= 0x0100 && v < 0x0300);
}

std::string hex(uint32_t v) {
    char b[16];
    std::snprintf(b, sizeof b, "0x%x", v);
    return b;
}

std::string mac_text(const dpapi::MacAddress& m) {
    char b[18];
    std::snprintf(b, sizeof b, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    return b;
}

// The process's log is its stderr (main.cc); virtual address changes are rare (HSRP state
// changes), so each one is a line.
void log_line(const std::string& text) { std::fprintf(stderr, "tandem-dataplane: %s\n", text.c_str()); }

std::string vaddr_text(const dpapi::VirtualAddress& v) {
    return "port " + std::to_string(v.port) + ": virtual address " + v.address.str() + " (" + mac_text(v.mac) + ")";
}

}  // namespace

void ApiServer::handle(Client& c, const dpapi::Message& m) {
    using dpapi::MessageType;
    const MessageType t = type_of(m);
    const uint32_t id = m.request_id;
    if (c.staging && t != MessageType::policy_set) {
        c.staging = false;
        c.staged.clear();
        c.broken = true;
        c.broken_port = c.staging_port;
        reply(c, id, Status::sequence_error, dpapi::kNoItem,
              std::string(dpapi::message_type_name(t)) + " inside a POLICY_SET sequence for port " +
                  std::to_string(c.staging_port) + ": the staged parts are discarded");
        return;
    }
    if (!is_request(t)) {
        reply(c, id, Status::unexpected_message,
              dpapi::kNoItem, std::string(dpapi::message_type_name(t)) + " is not a request");
        return;
    }
    if (const auto* h = std::get_if<dpapi::Hello>(&m.body)) {
        handle_hello(c, m, *h);
        return;
    }
    if (!c.hello_done) {
        reply(c, id, Status::hello_required, dpapi::kNoItem, "send HELLO first");
        return;
    }
    if (m.version != c.version) {
        reply(c, id, Status::unsupported_version, dpapi::kNoItem,
              "this connection speaks version " + std::to_string(c.version));
        return;
    }
    if (auto err = dpapi::check_limits(m, limits())) {
        if (t == MessageType::policy_set) {  // a failed part ends its sequence
            bool more = (m.flags & dpapi::kFlagMore) != 0;
            c.staging = false;
            c.staged.clear();
            c.broken = more;
            c.broken_port = std::get<dpapi::PolicySet>(m.body).port;
        }
        reply(c, id, err->status, err->item, err->text);
        return;
    }

    dpapi::CodecResult<void> r;
    switch (t) {
    case MessageType::sa_add: r = apply_sa_add(std::get<dpapi::SaAdd>(m.body)); break;
    case MessageType::sa_del: r = apply_sa_del(std::get<dpapi::SaDel>(m.body)); break;
    case MessageType::policy_set:
        r = apply_policy_set(c, std::get<dpapi::PolicySet>(m.body), (m.flags & dpapi::kFlagMore) != 0);
        break;
    case MessageType::route_add: r = apply_route_add(std::get<dpapi::RouteAdd>(m.body)); break;
    case MessageType::route_del: r = apply_route_del(std::get<dpapi::RouteDel>(m.body)); break;
    case MessageType::vaddr_claim: r = apply_vaddr_claim(std::get<dpapi::VaddrClaim>(m.body)); break;
    case MessageType::vaddr_release: r = apply_vaddr_release(std::get<dpapi::VaddrRelease>(m.body)); break;
    case MessageType::subscribe: {
        const auto& s = std::get<dpapi::Subscribe>(m.body);
        c.events = s.events;
        c.idle_threshold_ms = s.idle_threshold_ms;
        c.idle_sent.clear();
        break;
    }
    default:
        answer_query(c, m);  // sends its data and its REPLY
        return;
    }
    if (r) {
        reply(c, id, Status::ok);
    } else {
        reply(c, id, r.error().status, r.error().item, r.error().text);
    }
}

void ApiServer::handle_hello(Client& c, const dpapi::Message& m, const dpapi::Hello& h) {
    uint16_t lo = std::max(h.min_version, dpapi::kMinVersion);
    uint16_t hi = std::min(h.max_version, dpapi::kMaxVersion);
    if (lo > hi) {
        // Answer in a version the client speaks (REPLY's layout is the same in all of them).
        dpapi::Message r = dpapi::make_reply(m.request_id, Status::unsupported_version, dpapi::kNoItem,
                                             "dataplane speaks " + std::to_string(dpapi::kMinVersion) + ".." +
                                                 std::to_string(dpapi::kMaxVersion));
        r.version = h.max_version < dpapi::kMinVersion ? h.max_version : h.min_version;
        queue(c, r);
        return;
    }
    c.version = hi;
    c.hello_done = true;
    dpapi::HelloInfo info;
    info.version = hi;
    info.min_version = dpapi::kMinVersion;
    info.max_version = dpapi::kMaxVersion;
    info.port_count = static_cast<uint16_t>(cfg_.tables->ports().size());
    info.worker_count = static_cast<uint16_t>(cfg_.workers.empty() ? cfg_.tables->workers() : cfg_.workers.size());
    info.max_sas = cfg_.max_sas;
    info.max_policies = cfg_.max_policies;
    info.max_routes = cfg_.max_routes;
    info.tsc_hz = cfg_.tsc_hz;
    info.name = cfg_.name.substr(0, dpapi::kMaxNameLength);
    queue(c, dpapi::Message{m.request_id, 0, std::move(info), c.version});
    reply(c, m.request_id, Status::ok);
}

dpapi::CodecResult<void> ApiServer::apply_sa_add(const dpapi::SaAdd& m) {
    Tables& t = *cfg_.tables;
    for (size_t i = 0; i < m.sas.size(); ++i) {
        const auto& sa = m.sas[i];
        std::string what = "SA " + std::to_string(sa.sa_id) + ": ";
        if (t.sa_at(sa.sa_id)) return error(Status::exists, i, what + "sa_id is installed");
        if (sa.direction == dpapi::Direction::inbound) {
            if (t.sa_by_spi(sa.spi)) return error(Status::exists, i, what + "inbound SPI " + hex(sa.spi) + " is installed");
            if (sa.replay_window != 0 && sa.replay_window < ReplayWindow::kMinSize) {
                return error(Status::bad_value, i, what + "replay window must be 0 (off) or " +
                                                       std::to_string(ReplayWindow::kMinSize) + ".." +
                                                       std::to_string(ReplayWindow::kMaxSize));
            }
        }
    }
    auto r = t.add_sas(m.sas);
    if (!r) {
        const std::string& text = r.error().message;
        if (mentions(text, "full")) return error(Status::table_full, item_in(text), text);
        return error(Status::unsupported, item_in(text), text);
    }
    return {};
}

dpapi::CodecResult<void> ApiServer::apply_sa_del(const dpapi::SaDel& m) {
    for (size_t i = 0; i < m.sa_ids.size(); ++i) {
        if (!cfg_.tables->sa_at(m.sa_ids[i])) {
            return error(Status::not_found, i, "SA " + std::to_string(m.sa_ids[i]) + " is not installed");
        }
    }
    auto r = cfg_.tables->delete_sas(m.sa_ids);
    if (!r) return error(Status::internal, item_in(r.error().message), r.error().message);
    return {};
}

dpapi::CodecResult<void> ApiServer::apply_policy_set(Client& c, const dpapi::PolicySet& m, bool more) {
    auto discard = [&](bool broken) {
        c.staging = false;
        c.staged.clear();
        c.broken = broken;
        c.broken_port = m.port;
    };
    if (c.broken) {
        c.broken = more;
        return error(Status::sequence_error, dpapi::kNoItem,
                     "an earlier POLICY_SET part failed: parts are refused up to the last one of the sequence");
    }
    if (c.staging && m.port != c.staging_port) {
        uint16_t was = c.staging_port;
        discard(more);
        return error(Status::sequence_error, dpapi::kNoItem,
                     "POLICY_SET part for port " + std::to_string(m.port) + " inside the sequence for port " +
                         std::to_string(was) + ": the staged parts are discarded");
    }
    if (!c.staging) {
        c.staging_port = m.port;
        c.staged.clear();
    }
    if (c.staged.size() + m.rules.size() > kMaxStagedRules) {
        discard(more);
        return error(Status::table_full, dpapi::kNoItem, "over " + std::to_string(kMaxStagedRules) + " rules");
    }
    c.staged.insert(c.staged.end(), m.rules.begin(), m.rules.end());
    if (more) {
        c.staging = true;
        return {};
    }
    std::vector<dpapi::PolicyRule> rules = std::move(c.staged);
    discard(false);
    auto r = cfg_.tables->set_policies(m.port, rules);
    if (!r) {
        const std::string& text = r.error().message;
        return error(mentions(text, "too many") ? Status::table_full : Status::internal, dpapi::kNoItem, text);
    }
    return {};
}

dpapi::CodecResult<void> ApiServer::apply_route_add(const dpapi::RouteAdd& m) {
    Tables& t = *cfg_.tables;
    const size_t ports = t.ports().size();
    std::vector<std::optional<dpapi::Route>> old(m.routes.size());
    for (size_t i = 0; i < m.routes.size(); ++i) {
        const auto& r = m.routes[i];
        if (r.port >= ports) return error(Status::unknown_port, i, "port " + std::to_string(r.port));
        old[i] = t.fib().find(r.prefix);
        if (old[i] && !routes_.count(r.prefix)) {
            return error(Status::exists, i, "route " + r.prefix.str() + " is the dataplane's own (connected or local)");
        }
    }
    for (size_t i = 0; i < m.routes.size(); ++i) {
        auto r = t.add_routes(std::span<const dpapi::Route>(&m.routes[i], 1), dpapi::RouteOrigin::api);
        if (r) continue;
        // Undo what this request already changed, newest first.
        for (size_t j = i; j-- > 0;) {
            if (old[j]) {
                (void)t.add_routes(std::span<const dpapi::Route>(&*old[j], 1), dpapi::RouteOrigin::api);
            } else {
                (void)t.delete_routes(std::span<const Ipv4Prefix>(&m.routes[j].prefix, 1));
            }
        }
        const std::string& text = r.error().message;
        return error(mentions(text, "full") ? Status::table_full : Status::internal, i, text);
    }
    for (const auto& r : m.routes) routes_[r.prefix] = r;
    return {};
}

dpapi::CodecResult<void> ApiServer::apply_route_del(const dpapi::RouteDel& m) {
    for (size_t i = 0; i < m.prefixes.size(); ++i) {
        if (!routes_.count(m.prefixes[i]) || !cfg_.tables->fib().find(m.prefixes[i])) {
            return error(Status::not_found, i, "route " + m.prefixes[i].str() + " is not installed through the API");
        }
    }
    auto r = cfg_.tables->delete_routes(m.prefixes);
    for (const auto& p : m.prefixes) {
        if (!cfg_.tables->fib().find(p)) routes_.erase(p);
    }
    if (!r) return error(Status::internal, dpapi::kNoItem, r.error().message);
    return {};
}

dpapi::CodecResult<void> ApiServer::apply_vaddr_claim(const dpapi::VaddrClaim& m) {
    Tables& t = *cfg_.tables;
    const AddressSet* local = t.addresses();
    std::set<Ipv4Address> seen;
    std::vector<bool> held(m.addresses.size(), false);
    for (size_t i = 0; i < m.addresses.size(); ++i) {
        const auto& v = m.addresses[i];
        if (!seen.insert(v.address).second) return error(Status::duplicate, i, v.address.str() + " twice");
        const LocalAddress* e = local ? local->find(v.address) : nullptr;
        if (!e) continue;
        if (!e->is_virtual) return error(Status::bad_address, i, v.address.str() + " is an interface address");
        if (e->port != v.port || !std::equal(v.mac.begin(), v.mac.end(), e->mac.addr_bytes)) {
            return error(Status::exists, i, v.address.str() + " is claimed on port " + std::to_string(e->port) +
                                                " with another MAC");
        }
        held[i] = true;
    }
    std::vector<size_t> fresh;  // claimed by this request, in order
    for (size_t i = 0; i < m.addresses.size(); ++i) {
        if (held[i]) continue;
        auto r = t.claim_address(m.addresses[i]);
        if (r) {
            fresh.push_back(i);
            continue;
        }
        for (size_t j = fresh.size(); j-- > 0;) (void)t.release_address(m.addresses[fresh[j]]);
        const std::string& text = r.error().message;
        return error(mentions(text, "full") ? Status::table_full : Status::internal, i, text);
    }
    if (VirtualAddressHost* host = cfg_.vaddr_host) {
        std::vector<VirtualAddressHost::Bound> bound;
        for (size_t k = 0; k < fresh.size(); ++k) {
            const auto& v = m.addresses[fresh[k]];
            auto b = host->bind(v);
            if (!b) {
                for (size_t j = k; j-- > 0;) (void)host->unbind(m.addresses[fresh[j]]);
                for (size_t j = fresh.size(); j-- > 0;) (void)t.release_address(m.addresses[fresh[j]]);
                std::string text = vaddr_text(v) + ": " + b.error().message;
                log_line(text + "; claim refused, nothing changed");
                return error(Status::internal, fresh[k], text);
            }
            bound.push_back(*b);
        }
        for (size_t k = 0; k < fresh.size(); ++k) {
            const auto& v = m.addresses[fresh[k]];
            log_line(vaddr_text(v) + " claimed: " +
                     (bound[k].reception == Port::MacReception::filter ? "in the port's MAC filter"
                                                                       : "port in promiscuous mode (no MAC filter for it)") +
                     (bound[k].kernel_address ? ", " + v.address.str() + "/32 on the kernel interface" : std::string()));
        }
    }
    // Announce every address, again for those already held (an HSRP router active again).
    if (cfg_.main && cfg_.main->pool) {
        for (const auto& v : m.addresses) send_gratuitous_arp(*cfg_.main, v);
    }
    return {};
}

dpapi::CodecResult<void> ApiServer::apply_vaddr_release(const dpapi::VaddrRelease& m) {
    auto claimed = cfg_.tables->dump_addresses();
    std::vector<dpapi::VirtualAddress> targets;
    for (size_t i = 0; i < m.addresses.size(); ++i) {
        const auto& ref = m.addresses[i];
        auto it = std::find_if(claimed.begin(), claimed.end(), [&](const dpapi::VirtualAddress& v) {
            return v.port == ref.port && v.address == ref.address;
        });
        if (it == claimed.end()) {
            return error(Status::not_found, i, ref.address.str() + " is not claimed on port " + std::to_string(ref.port));
        }
        targets.push_back(*it);
    }
    for (const auto& v : targets) {
        if (auto r = cfg_.tables->release_address(v); !r) return error(Status::internal, dpapi::kNoItem, r.error().message);
        if (!cfg_.vaddr_host) continue;
        if (auto r = cfg_.vaddr_host->unbind(v); !r) {
            log_line(vaddr_text(v) + " released, but " + r.error().message);
        } else {
            log_line(vaddr_text(v) + " released");
        }
    }
    return {};
}

}  // namespace tandem::dp
