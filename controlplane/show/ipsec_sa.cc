// `show crypto ipsec sa [map NAME | address | identity | peer ADDR] [detail]`.
//
// The plain form prints, per interface and crypto map, one block per CHILD SA (a flow: its
// selectors, counters and the inbound and outbound ESP SA), as IOS 15 does:
//
//   interface: outside
//       Crypto map tag: mymap, local addr 192.0.2.1
//
//      protected vrf: (none)
//      local  ident (addr/mask/prot/port): (10.1.1.0/255.255.255.0/0/0)
//      remote ident (addr/mask/prot/port): (10.2.1.0/255.255.255.0/0/0)
//      current_peer 192.0.2.2 port 4500
//        PERMIT, flags={origin_is_acl,}
//       #pkts encaps: 120, #pkts encrypt: 120, #pkts digest: 120
//       #pkts decaps: 118, #pkts decrypt: 118, #pkts verify: 118
//       #pkts compressed: 0, #pkts decompressed: 0
//       #pkts not compressed: 0, #pkts compr. failed: 0
//       #pkts not decompressed: 0, #pkts decompress failed: 0
//       #send errors 0, #recv errors 3
//
//        local crypto endpt.: 192.0.2.1, remote crypto endpt.: 192.0.2.2
//        current outbound spi: 0xD4C3B2A1(3569595041)
//        PFS (Y/N): N, DH group: none
//
//        inbound esp sas:
//         spi: 0xC1A2B3D4(3248665556)
//           transform: esp-gcm ,
//           in use settings ={Tunnel UDP-Encaps, }
//           conn id: 7, crypto map: mymap
//           sa timing: remaining key lifetime (k/sec): (4607999/3540)
//           IV size: 8 bytes
//           replay detection support: Y
//           Status: ACTIVE(ACTIVE)
//
//        inbound ah sas:
//
//        inbound pcp sas:
//
//        outbound esp sas:
//         ... as inbound ...
//
//        outbound ah sas:
//
//        outbound pcp sas:
//
// Counters. encaps/encrypt/digest are the outbound SA's packets, decaps/decrypt/verify the
// inbound SA's; `#send errors` and `#recv errors` the sum of each SA's drops (replay,
// authentication, policy mismatch, malformed). Tandem has no compression, so those counters are
// true zeros. `detail` adds, in IOS's words, the drops by reason -- `#pkts encaps failed (send)`
// (the outbound drops), `#pkts decaps failed (rcv)` (malformed ESP), `#pkts invalid identity
// (recv)` (inner packet outside the selectors), `#pkts verify failed` (ICV), `#pkts replay
// failed (rcv)` (IOS prints this one with a stray second `#`; Tandem does not) -- and under each
// SA the replay window, the last sequence number (outbound: last sent; inbound: highest
// accepted) and whether extended sequence numbers are in use. Lines IOS prints for facts Tandem
// lacks (MTUs, flow ids, sibling flags, tagged packets) are left out.
//
// Status of each SA, from the CHILD SA's state: negotiated -> PENDING; inbound_only -> inbound
// ACTIVE(ACTIVE), outbound PENDING; up -> ACTIVE(ACTIVE); rekeyed (replaced, until its Delete)
// -> ACTIVE(REKEYED); deleting -> DELETE. Remaining kilobytes are the volume lifetime less the
// SA's bytes; without a volume lifetime, or without the SA's counters, IOS's seconds-only form
// `remaining key lifetime (sec): (3540)` is printed. A selector that is not a prefix prints as
// `first-last` in place of addr/mask, a port range as `lo-hi`.
//
// `peer ADDR` and `map NAME` keep the CHILD SAs with that peer or in that map. `identity` prints
// each flow's lines down to the counters only. `address` prints the ESP SAs by destination
// address (the peer's for outbound SAs, ours for inbound ones), addresses in ascending order:
//
//   dest address: 192.0.2.1
//      protocol: ESP
//         spi: 0xC1A2B3D4(3248665556)
//           ... as above ...
//
// JSON: [{"interface", "map", "map_seq", "ike_sa_id", "child_sa_id", "name", "state":
//         "negotiated" | "inbound_only" | "up" | "rekeyed" | "deleting", "local_address",
//         "local_port", "remote_address", "remote_port", "natt", "local_ident", "remote_ident":
//         {"first", "last", "protocol", "port_lo", "port_hi"}, "transforms": "esp-gcm", "esp":
//         "aes-gcm-128", "integrity": "sha1" | ... | null, "esn", "pfs_group", "mode": "tunnel",
//         "lifetime_kilobytes", "remaining_seconds", "replay_window",
//         "inbound", "outbound": {"spi", "status", "packets", "bytes", "replay_drops",
//         "auth_drops", "policy_mismatch_drops", "malformed_drops", "last_sequence", "idle_ms",
//         "remaining_kilobytes"}}]
// The counters are null when the dataplane did not report the SA, idle_ms when the SA never
// passed a packet, remaining_kilobytes also without a volume lifetime; interface and map are null
// when not known.
#include <algorithm>
#include <cstdio>
#include <map>

#include "common/config/model.h"
#include "controlplane/show/args.h"
#include "controlplane/show/detail.h"
#include "controlplane/show/json.h"
#include "controlplane/show/live.h"

namespace tandem::show {

using ike::ChildState;
using ike::TsRange;

IpsecSaView ipsec_sa_view(const ike::IkeSaSnapshot& ike_sa, const ike::ChildSaSnapshot& child) {
    IpsecSaView v;
    v.child = child;
    v.ike_sa_id = ike_sa.id;
    v.local = ike_sa.local;
    v.remote = ike_sa.remote;
    v.natt = ike_sa.natt;
    return v;
}

namespace {

constexpr const char* kCommand = "show crypto ipsec sa";

// ---------------------------------------------------------------- arguments

struct IpsecFilter {
    enum class Kind : uint8_t { all, map, address, identity, peer };
    Kind kind = Kind::all;
    std::string map;
    Ipv4Address peer;
    bool detail = false;
};

Result<IpsecFilter> parse_ipsec_filter(const std::vector<std::string>& args) {
    IpsecFilter f;
    std::string said = kCommand;  // the command as understood so far, for messages
    size_t i = 0;
    if (i < args.size() && !abbreviates(args[i], "detail")) {
        const std::string& word = args[i];
        if (abbreviates(word, "map")) {
            if (i + 1 >= args.size()) return Error("Incomplete command `" + said + " map`: expected a map name");
            f.kind = IpsecFilter::Kind::map;
            f.map = args[i + 1];
            said += " map " + f.map;
            i += 2;
        } else if (abbreviates(word, "peer")) {
            if (i + 1 >= args.size()) return Error("Incomplete command `" + said + " peer`: expected a peer address");
            auto addr = Ipv4Address::parse(args[i + 1]);
            if (!addr) {
                return Error("Invalid input `" + args[i + 1] + "` after `" + said + " peer`: expected an IPv4 address");
            }
            f.kind = IpsecFilter::Kind::peer;
            f.peer = *addr;
            said += " peer " + args[i + 1];
            i += 2;
        } else if (abbreviates(word, "address")) {
            f.kind = IpsecFilter::Kind::address;
            said += " address";
            ++i;
        } else if (abbreviates(word, "identity")) {
            f.kind = IpsecFilter::Kind::identity;
            said += " identity";
            ++i;
        } else {
            return Error("Invalid input `" + word + "` after `" + said +
                         "`: expected `map NAME`, `address`, `identity`, `peer ADDR` or `detail`");
        }
    }
    if (i < args.size()) {
        if (!abbreviates(args[i], "detail")) {
            return Error("Invalid input `" + args[i] + "` after `" + said + "`: expected `detail`");
        }
        f.detail = true;
        said += " detail";
        ++i;
    }
    if (i < args.size()) return Error("Invalid input `" + args[i] + "` after `" + said + "`");
    return f;
}

// ---------------------------------------------------------------- facts shared by text and JSON

enum class Direction : uint8_t { inbound, outbound };

const std::optional<dpapi::SaStats>& stats_of(const IpsecSaView& v, Direction d) {
    return d == Direction::inbound ? v.inbound : v.outbound;
}

uint32_t spi_of(const IpsecSaView& v, Direction d) {
    return d == Direction::inbound ? v.child.inbound_spi : v.child.outbound_spi;
}

std::string_view sa_status(ChildState s, Direction d) {
    switch (s) {
    case ChildState::negotiated: return "PENDING";
    case ChildState::inbound_only: return d == Direction::inbound ? "ACTIVE(ACTIVE)" : "PENDING";
    case ChildState::up: return "ACTIVE(ACTIVE)";
    case ChildState::rekeyed: return "ACTIVE(REKEYED)";
    case ChildState::deleting: return "DELETE";
    }
    return "PENDING";
}

std::string_view state_key(ChildState s) {
    switch (s) {
    case ChildState::negotiated: return "negotiated";
    case ChildState::inbound_only: return "inbound_only";
    case ChildState::up: return "up";
    case ChildState::rekeyed: return "rekeyed";
    case ChildState::deleting: return "deleting";
    }
    return "";
}

// The negotiated ESP algorithms as a configured transform set, so that they are spelt as
// `show crypto ipsec transform-set` spells them (transform_sets.cc); `cipher_name` is set instead
// for a key size the configuration cannot name.
struct EspTransform {
    config::TransformSet ts;
    std::optional<std::string> ios_cipher;   // e.g. "esp-192-aes"
    std::optional<std::string> cipher_name;  // e.g. "aes-cbc-192"
};

EspTransform esp_transform(const ike::EspAlgorithms& a) {
    EspTransform t;
    const bool gcm = a.encr.id == ike::EncrId::aes_gcm_16;
    const uint16_t bits = a.encr.key_bits;
    if (bits == 128) {
        t.ts.cipher = gcm ? config::EspCipher::aes_gcm_128 : config::EspCipher::aes_cbc_128;
    } else if (bits == 256) {
        t.ts.cipher = gcm ? config::EspCipher::aes_gcm_256 : config::EspCipher::aes_cbc_256;
    } else {
        const std::string b = std::to_string(bits);
        t.ios_cipher = gcm ? "esp-gcm " + b : "esp-" + b + "-aes";
        t.cipher_name = (gcm ? "aes-gcm-" : "aes-cbc-") + b;
    }
    switch (a.integ) {
    case ike::IntegId::none: t.ts.integrity = config::EspIntegrity::none; break;
    case ike::IntegId::hmac_sha1_96: t.ts.integrity = config::EspIntegrity::sha1_96; break;
    case ike::IntegId::hmac_sha2_256_128: t.ts.integrity = config::EspIntegrity::sha256_128; break;
    case ike::IntegId::hmac_sha2_384_192: t.ts.integrity = config::EspIntegrity::sha384_192; break;
    case ike::IntegId::hmac_sha2_512_256: t.ts.integrity = config::EspIntegrity::sha512_256; break;
    }
    return t;
}

std::vector<std::string> transform_words(const ike::EspAlgorithms& a) {
    const EspTransform t = esp_transform(a);
    std::vector<std::string> words = ios_transforms(t.ts);
    if (t.ios_cipher && !words.empty()) words.front() = *t.ios_cipher;
    return words;
}

uint64_t drops_of(const dpapi::SaStats& s) {
    return s.replay_drops + s.auth_drops + s.policy_mismatch_drops + s.malformed_drops;
}

std::optional<uint64_t> remaining_kilobytes(const IpsecSaView& v, Direction d) {
    const auto& st = stats_of(v, d);
    if (v.lifetime_kilobytes == 0 || !st) return std::nullopt;
    const uint64_t used = st->bytes / 1024;
    return used >= v.lifetime_kilobytes ? 0 : v.lifetime_kilobytes - used;
}

uint64_t remaining_seconds(const IpsecSaView& v) {
    return static_cast<uint64_t>(std::max<int64_t>(v.child.lifetime_remaining_s, 0));
}

// ---------------------------------------------------------------- text

std::string spi_text(uint32_t spi) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%X(%u)", spi, spi);
    return buf;
}

// A counter, or "n/a" when the dataplane did not report the SA.
template <typename F>
std::string count(const std::optional<dpapi::SaStats>& s, F field) {
    return s ? std::to_string(field(*s)) : std::string("n/a");
}

// "10.1.1.0/255.255.255.0/0/0" (IOS's addr/mask/prot/port).
std::string ident_text(const TsRange& r) {
    std::string s;
    const uint64_t n = r.address_count();
    const bool power_of_two = n != 0 && (n & (n - 1)) == 0;
    if (r.first <= r.last && power_of_two && (r.first.value() & (n - 1)) == 0) {
        s = r.first.str() + "/" + Ipv4Address(static_cast<uint32_t>(~(n - 1))).str();
    } else {
        s = r.first.str() + "-" + r.last.str();
    }
    s += "/" + std::to_string(r.protocol) + "/";
    if (r.port_lo == 0 && r.port_hi == 0xffff) s += "0";
    else if (r.port_lo == r.port_hi) s += std::to_string(r.port_lo);
    else s += std::to_string(r.port_lo) + "-" + std::to_string(r.port_hi);
    return s;
}

std::string or_unknown(const std::string& s) { return s.empty() ? "(unknown)" : s; }

// The flow's lines down to the counters (all that `identity` prints).
std::string flow_text(const IpsecSaView& v, bool detail) {
    const auto& in = v.inbound;
    const auto& out = v.outbound;
    std::string s;
    s += "   protected vrf: (none)\n";
    s += "   local  ident (addr/mask/prot/port): (" + ident_text(v.child.local_ts) + ")\n";
    s += "   remote ident (addr/mask/prot/port): (" + ident_text(v.child.remote_ts) + ")\n";
    s += "   current_peer " + v.remote.address.str() + " port " + std::to_string(v.remote.port) + "\n";
    s += "     PERMIT, flags={origin_is_acl,}\n";
    const auto packets = [](const dpapi::SaStats& st) { return st.packets; };
    const std::string enc = count(out, packets);
    const std::string dec = count(in, packets);
    s += "    #pkts encaps: " + enc + ", #pkts encrypt: " + enc + ", #pkts digest: " + enc + "\n";
    s += "    #pkts decaps: " + dec + ", #pkts decrypt: " + dec + ", #pkts verify: " + dec + "\n";
    s += "    #pkts compressed: 0, #pkts decompressed: 0\n";
    s += "    #pkts not compressed: 0, #pkts compr. failed: 0\n";
    s += "    #pkts not decompressed: 0, #pkts decompress failed: 0\n";
    if (detail) {
        s += "    #pkts encaps failed (send) " + count(out, drops_of) + ", #pkts decaps failed (rcv) " +
             count(in, [](const dpapi::SaStats& st) { return st.malformed_drops; }) + "\n";
        s += "    #pkts invalid identity (recv) " +
             count(in, [](const dpapi::SaStats& st) { return st.policy_mismatch_drops; }) + ", #pkts verify failed: " +
             count(in, [](const dpapi::SaStats& st) { return st.auth_drops; }) + "\n";
        s += "    #pkts replay failed (rcv): " + count(in, [](const dpapi::SaStats& st) { return st.replay_drops; }) +
             "\n";
    }
    s += "    #send errors " + count(out, drops_of) + ", #recv errors " + count(in, drops_of) + "\n";
    return s;
}

// One ESP SA: "      spi: ..." down to "Status:".
std::string sa_entry_text(const IpsecSaView& v, Direction d, bool detail) {
    const std::string in = "        ";
    const ike::EspAlgorithms& a = v.child.algs;
    std::string s = "      spi: " + spi_text(spi_of(v, d)) + "\n";
    std::string transforms;
    for (const auto& w : transform_words(a)) transforms += w + " ";
    s += in + "transform: " + transforms + ",\n";
    s += in + "in use settings ={Tunnel" + (v.natt ? " UDP-Encaps" : "") + ", }\n";
    s += in + "conn id: " + std::to_string(v.child.id) + ", crypto map: " + or_unknown(v.map) + "\n";
    if (auto kb = remaining_kilobytes(v, d)) {
        s += in + "sa timing: remaining key lifetime (k/sec): (" + std::to_string(*kb) + "/" +
             std::to_string(remaining_seconds(v)) + ")\n";
    } else {
        s += in + "sa timing: remaining key lifetime (sec): (" + std::to_string(remaining_seconds(v)) + ")\n";
    }
    s += in + "IV size: " + (a.encr.aead() ? "8" : "16") + " bytes\n";
    s += in + "replay detection support: " + (v.replay_window ? "Y" : "N") + "\n";
    if (detail) {
        s += in + "replay window size: " + std::to_string(v.replay_window) + "\n";
        s += in + "last sequence number: " +
             count(stats_of(v, d), [](const dpapi::SaStats& st) { return st.last_sequence; }) + "\n";
        s += in + "extended sequence numbers (Y/N): " + (a.esn ? "Y" : "N") + "\n";
    }
    s += in + "Status: " + std::string(sa_status(v.child.state, d)) + "\n";
    return s;
}

std::string full_flow_text(const IpsecSaView& v, bool detail) {
    const std::string in = "     ";
    std::string s = flow_text(v, detail) + "\n";
    s += in + "local crypto endpt.: " + v.local.address.str() + ", remote crypto endpt.: " + v.remote.address.str() +
         "\n";
    s += in + "current outbound spi: " + spi_text(v.child.outbound_spi) + "\n";
    const auto dh = ike::to_underlying(v.child.algs.dh);
    s += in + "PFS (Y/N): " + (dh ? "Y, DH group: group" + std::to_string(dh) : std::string("N, DH group: none")) +
         "\n\n";
    for (Direction d : {Direction::inbound, Direction::outbound}) {
        const std::string dir = d == Direction::inbound ? "inbound" : "outbound";
        s += in + dir + " esp sas:\n" + sa_entry_text(v, d, detail) + "\n";
        s += in + dir + " ah sas:\n\n";
        s += in + dir + " pcp sas:\n\n";
    }
    return s;
}

// The flows by interface, crypto map and local address, each group where it first appears.
std::string by_interface_text(const std::vector<const IpsecSaView*>& sas, bool detail, bool identity_only) {
    std::vector<std::vector<const IpsecSaView*>> groups;
    for (const IpsecSaView* v : sas) {
        auto same = [v](const std::vector<const IpsecSaView*>& g) {
            return g.front()->interface == v->interface && g.front()->map == v->map &&
                   g.front()->local.address == v->local.address;
        };
        auto it = std::find_if(groups.begin(), groups.end(), same);
        if (it == groups.end()) groups.push_back({v});
        else it->push_back(v);
    }
    std::string out;
    for (const auto& g : groups) {
        out += "interface: " + or_unknown(g.front()->interface) + "\n";
        out += "    Crypto map tag: " + or_unknown(g.front()->map) + ", local addr " + g.front()->local.address.str() +
               "\n\n";
        for (const IpsecSaView* v : g) out += (identity_only ? flow_text(*v, detail) + "\n" : full_flow_text(*v, detail));
    }
    return out;
}

std::string by_address_text(const std::vector<const IpsecSaView*>& sas, bool detail) {
    std::map<Ipv4Address, std::vector<std::pair<const IpsecSaView*, Direction>>> by_dest;
    for (const IpsecSaView* v : sas) {
        by_dest[v->local.address].emplace_back(v, Direction::inbound);
        by_dest[v->remote.address].emplace_back(v, Direction::outbound);
    }
    std::string out;
    for (const auto& [dest, entries] : by_dest) {
        out += "dest address: " + dest.str() + "\n";
        out += "   protocol: ESP\n";
        for (const auto& [v, d] : entries) out += sa_entry_text(*v, d, detail) + "\n";
    }
    return out;
}

// ---------------------------------------------------------------- JSON

void write_ident(JsonWriter& w, const TsRange& r) {
    w.begin_object()
        .key("first").value(r.first.str())
        .key("last").value(r.last.str())
        .key("protocol").number(uint64_t{r.protocol})
        .key("port_lo").number(uint64_t{r.port_lo})
        .key("port_hi").number(uint64_t{r.port_hi})
        .end_object();
}

void write_direction(JsonWriter& w, const IpsecSaView& v, Direction d) {
    const auto& st = stats_of(v, d);
    auto field = [&](uint64_t dpapi::SaStats::*member) -> std::optional<uint64_t> {
        if (!st) return std::nullopt;
        return (*st).*member;
    };
    std::optional<uint64_t> idle;
    if (st && st->idle_ms != dpapi::kNeverUsed) idle = st->idle_ms;
    w.begin_object()
        .key("spi").number(uint64_t{spi_of(v, d)})
        .key("status").value(sa_status(v.child.state, d))
        .key("packets").number(field(&dpapi::SaStats::packets))
        .key("bytes").number(field(&dpapi::SaStats::bytes))
        .key("replay_drops").number(field(&dpapi::SaStats::replay_drops))
        .key("auth_drops").number(field(&dpapi::SaStats::auth_drops))
        .key("policy_mismatch_drops").number(field(&dpapi::SaStats::policy_mismatch_drops))
        .key("malformed_drops").number(field(&dpapi::SaStats::malformed_drops))
        .key("last_sequence").number(field(&dpapi::SaStats::last_sequence))
        .key("idle_ms").number(idle)
        .key("remaining_kilobytes").number(remaining_kilobytes(v, d))
        .end_object();
}

std::string sa_json(const IpsecSaView& v) {
    const ike::EspAlgorithms& a = v.child.algs;
    const EspTransform t = esp_transform(a);
    std::string transforms;
    for (const auto& word : transform_words(a)) transforms += (transforms.empty() ? "" : " ") + word;
    std::optional<std::string> interface, map, integrity;
    if (!v.interface.empty()) interface = v.interface;
    if (!v.map.empty()) map = v.map;
    if (t.ts.integrity != config::EspIntegrity::none) integrity = std::string(config::to_string(t.ts.integrity));
    std::optional<uint64_t> pfs, lifetime_kb;
    if (a.dh != ike::DhGroup::none) pfs = ike::to_underlying(a.dh);
    if (v.lifetime_kilobytes) lifetime_kb = v.lifetime_kilobytes;

    JsonWriter w;
    w.begin_object()
        .key("interface").value(interface)
        .key("map").value(map)
        .key("map_seq").number(v.map_seq)
        .key("ike_sa_id").number(uint64_t{v.ike_sa_id})
        .key("child_sa_id").number(uint64_t{v.child.id})
        .key("name").value(v.child.name)
        .key("state").value(state_key(v.child.state))
        .key("local_address").value(v.local.address.str())
        .key("local_port").number(uint64_t{v.local.port})
        .key("remote_address").value(v.remote.address.str())
        .key("remote_port").number(uint64_t{v.remote.port})
        .key("natt").boolean(v.natt)
        .key("local_ident");
    write_ident(w, v.child.local_ts);
    w.key("remote_ident");
    write_ident(w, v.child.remote_ts);
    w.key("transforms").value(transforms)
        .key("esp").value(t.cipher_name ? *t.cipher_name : std::string(config::to_string(t.ts.cipher)))
        .key("integrity").value(integrity)
        .key("esn").boolean(a.esn)
        .key("pfs_group").number(pfs)
        .key("mode").value("tunnel")
        .key("lifetime_kilobytes").number(lifetime_kb)
        .key("remaining_seconds").number(remaining_seconds(v))
        .key("replay_window").number(uint64_t{v.replay_window})
        .key("inbound");
    write_direction(w, v, Direction::inbound);
    w.key("outbound");
    write_direction(w, v, Direction::outbound);
    w.end_object();
    return w.str();
}

}  // namespace

Result<std::string> show_ipsec_sa(const std::vector<IpsecSaView>& sas, const std::vector<std::string>& args,
                                  bool json) {
    auto filter = parse_ipsec_filter(args);
    if (!filter) return filter.error();

    std::vector<const IpsecSaView*> chosen;
    for (const auto& v : sas) {
        if (filter->kind == IpsecFilter::Kind::map && v.map != filter->map) continue;
        if (filter->kind == IpsecFilter::Kind::peer && v.remote.address != filter->peer) continue;
        chosen.push_back(&v);
    }

    if (json) {
        std::vector<std::string> docs;
        for (const IpsecSaView* v : chosen) docs.push_back(sa_json(*v));
        return json_lines_array(docs);
    }
    switch (filter->kind) {
    case IpsecFilter::Kind::address: return by_address_text(chosen, filter->detail);
    case IpsecFilter::Kind::identity: return by_interface_text(chosen, filter->detail, true);
    default: return by_interface_text(chosen, filter->detail, false);
    }
}

}  // namespace tandem::show
