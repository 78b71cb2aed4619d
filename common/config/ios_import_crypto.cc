// IOS importer, IPsec commands: crypto map and dynamic-map entries (with reverse-route), transform
// sets and the global `crypto ipsec security-association` settings. IKE commands are in
// ios_import_ike.cc.
//
// ESP algorithms Tandem does not offer (DES, 3DES, MD5, NULL, AH, compression) are errors that
// name the replacement; `set reverse-route tag|distance` may come before or after `reverse-route`
// and is resolved when the whole text has been read.
#include <algorithm>
#include <cctype>

#include "common/config/ios_import_parser.h"

namespace tandem::config::ios {

namespace {

constexpr uint64_t kMaxU32 = 4294967295u;

std::string seq_path(std::string_view kind, const std::string& name, uint32_t seq) {
    return std::string(kind) + "." + name + "[seq " + std::to_string(seq) + "]";
}

const char* const kGroups = "14, 19, 20, 21 or 31";

// Why an ESP transform keyword is refused, or "" when it is not one of the refused ones.
std::string refused_transform(const std::string& t) {
    if (t == "esp-3des") return "not supported: 3DES is deprecated (RFC 8221); use esp-aes 256 or esp-gcm 256";
    if (t == "esp-des") return "not supported: DES is deprecated (RFC 8221); use esp-aes 256 or esp-gcm 256";
    if (t == "esp-md5-hmac") return "not supported: HMAC-MD5 is deprecated (RFC 8221); use esp-sha256-hmac";
    if (t == "esp-null") return "not supported: ESP without encryption is not offered; use esp-gcm 256";
    if (t == "esp-gmac") return "not supported: ESP-GMAC (authentication only) is not offered; use esp-gcm 256";
    if (t == "esp-seal") return "not supported: SEAL is not offered; use esp-gcm 256 or esp-aes 256";
    if (t == "comp-lzs") return "not supported: IP compression (comp-lzs) is not offered; drop it";
    if (t.rfind("ah-", 0) == 0) return "not supported: AH is not offered (Tandem does ESP only); drop '" + t + "'";
    return {};
}

}  // namespace

// ---------------------------------------------------------------- dispatch

void Importer::cmd_crypto(const Line& l) {
    std::string_view w = l.word(1);
    if (iequals(w, "map")) {
        cmd_crypto_map(l);
    } else if (iequals(w, "dynamic-map") || iequals(w, "dynamic")) {
        cmd_dynamic_map(l, 2);
    } else if (iequals(w, "ipsec")) {
        cmd_crypto_ipsec(l);
    } else if (iequals(w, "isakmp")) {
        cmd_crypto_isakmp(l);
    } else if (iequals(w, "ikev2")) {
        cmd_crypto_ikev2(l);
    } else if (w.empty()) {
        error(l, 1, "", "missing crypto command (map, dynamic-map, ipsec, isakmp or ikev2)");
    } else {
        skip_block(l, "not part of Tandem's model");
    }
}

// ---------------------------------------------------------------- crypto map / dynamic-map

// crypto map NAME SEQ [ipsec-isakmp [dynamic DYN]]
void Importer::cmd_crypto_map(const Line& l) {
    if (l.size() < 3) {
        error(l, 2, "crypto_maps", "missing crypto map name");
        return;
    }
    std::string name(l.word(2));
    std::string base = "crypto_maps." + name;
    if (l.size() < 4) {
        error(l, 3, base, "missing sequence number (1..65535); to apply the map to an interface, write "
                          "'crypto map " + name + "' under 'interface NAME'");
        return;
    }
    for (std::string_view w : {"local-address", "client", "isakmp", "redundancy", "isakmp-profile", "gdoi"}) {
        if (iequals(l.word(3), w)) {
            skip_block(l, "not part of Tandem's model; the local address comes from the interface or its standby group");
            return;
        }
    }
    auto seq = number(l, 3, 1, 65535, "sequence number", base);
    if (!seq) return skip_errored_block(l);
    base = seq_path("crypto_maps", name, static_cast<uint32_t>(*seq));
    std::optional<std::string> dyn;
    size_t dyn_at = 0;
    if (l.size() > 4) {
        if (iequals(l.word(4), "ipsec-manual")) {
            error(l, 4, base, "manual keying (ipsec-manual) is not supported; use ipsec-isakmp");
            return skip_errored_block(l);
        }
        if (iequals(l.word(4), "gdoi")) {
            error(l, 4, base, "GDOI group encryption is not supported; use ipsec-isakmp");
            return skip_errored_block(l);
        }
        if (!keyword(l, 4, {"ipsec-isakmp"}, "a crypto map type", base)) return skip_errored_block(l);
        if (l.size() > 5) {
            if (!keyword(l, 5, {"dynamic"}, "a crypto map option", base)) return skip_errored_block(l);
            if (l.size() < 7) {
                error(l, 6, base + ".dynamic", "missing dynamic map name after 'dynamic'");
                return skip_errored_block(l);
            }
            dyn = std::string(l.word(6));
            dyn_at = 6;
            if (iequals(l.word(7), "discover")) {
                warning(l, 7, base, "'discover' (tunnel endpoint discovery) is not imported");
            } else if (!expect_end(l, 7, base)) {
                return skip_errored_block(l);
            }
        }
    }

    size_t mi = 0;
    while (mi < cfg_.crypto_maps.size() && cfg_.crypto_maps[mi].name != name) ++mi;
    if (mi == cfg_.crypto_maps.size()) {
        CryptoMap m;
        m.pos = cmd_pos(l);
        m.name = name;
        cfg_.crypto_maps.push_back(std::move(m));
    }
    auto& entries = cfg_.crypto_maps[mi].entries;
    size_t ei = 0;
    while (ei < entries.size() && entries[ei].seq != *seq) ++ei;
    if (ei == entries.size()) {
        CryptoMapEntry e;
        e.pos = cmd_pos(l);
        e.seq = static_cast<uint32_t>(*seq);
        e.fields.set("seq", pos_at(l, 3));
        e.dynamic_map = dyn;
        if (dyn) e.fields.set("dynamic", pos_at(l, dyn_at));
        entries.push_back(std::move(e));
    } else if (entries[ei].dynamic_map != dyn) {
        error(l, dyn ? dyn_at : 4, base,
              entries[ei].dynamic_map ? "this entry already refers to dynamic map " + *entries[ei].dynamic_map +
                                            "; remove it before redefining it"
                                      : "this entry already has its own policy; a dynamic map reference needs "
                                        "an entry of its own (another sequence number)");
        return skip_errored_block(l);
    }
    enter(Mode::crypto_map);
    cur_ = mi;
    cur_entry_ = ei;
}

// crypto dynamic-map NAME SEQ   (the seed writes `crypto dynamic NAME SEQ`)
void Importer::cmd_dynamic_map(const Line& l, size_t i) {
    if (l.size() <= i) {
        error(l, i, "dynamic_maps", "missing dynamic map name");
        return;
    }
    std::string name(l.word(i));
    std::string base = "dynamic_maps." + name;
    auto seq = number(l, i + 1, 1, 65535, "sequence number", base);
    if (!seq) return skip_errored_block(l);
    if (!expect_end(l, i + 2, seq_path("dynamic_maps", name, static_cast<uint32_t>(*seq)))) {
        return skip_errored_block(l);
    }
    size_t mi = 0;
    while (mi < cfg_.dynamic_maps.size() && cfg_.dynamic_maps[mi].name != name) ++mi;
    if (mi == cfg_.dynamic_maps.size()) {
        DynamicMap m;
        m.pos = cmd_pos(l);
        m.name = name;
        cfg_.dynamic_maps.push_back(std::move(m));
    }
    auto& entries = cfg_.dynamic_maps[mi].entries;
    size_t ei = 0;
    while (ei < entries.size() && entries[ei].seq != *seq) ++ei;
    if (ei == entries.size()) {
        DynamicMapEntry e;
        e.pos = cmd_pos(l);
        e.seq = static_cast<uint32_t>(*seq);
        e.fields.set("seq", pos_at(l, i + 1));
        entries.push_back(std::move(e));
    }
    enter(Mode::dynamic_map);
    cur_ = mi;
    cur_entry_ = ei;
}

// A line inside a crypto map or dynamic-map entry.
void Importer::map_entry_line(const Line& l) {
    CryptoPolicy* p = nullptr;
    FieldPositions* f = nullptr;
    std::string base;
    if (mode_ == Mode::crypto_map) {
        auto& m = cfg_.crypto_maps[cur_];
        auto& e = m.entries[cur_entry_];
        base = seq_path("crypto_maps", m.name, e.seq);
        if (e.dynamic_map && !iequals(l.word(0), "description")) {
            error(l, 0, base, "crypto map " + m.name + " " + std::to_string(e.seq) + " takes its policy from dynamic map " +
                                  *e.dynamic_map + "; set '" + std::string(l.text) + "' in 'crypto dynamic-map " +
                                  *e.dynamic_map + "' instead");
            return;
        }
        p = &e.policy;
        f = &e.fields;
    } else {
        auto& m = cfg_.dynamic_maps[cur_];
        auto& e = m.entries[cur_entry_];
        base = seq_path("dynamic_maps", m.name, e.seq);
        p = &e.policy;
        f = &e.fields;
    }
    std::string_view w0 = l.word(0);
    std::string_view w1 = l.word(1);
    if (iequals(w0, "description")) return;
    if (iequals(w0, "reverse-route")) return reverse_route_line(l, *p, *f, base);
    if (iequals(w0, "match")) {
        if (!iequals(w1, "address")) {
            if (w1.empty()) {
                error(l, 1, base, "missing 'address ACL' after 'match'");
            } else {
                not_imported(l);
            }
            return;
        }
        if (l.size() < 3) {
            error(l, 2, base + ".match_address", "missing access list name or number after 'match address'");
            return;
        }
        if (!expect_end(l, 3, base + ".match_address")) return;
        p->match_address = std::string(l.word(2));
        f->set("match_address", pos_at(l, 2));
        return;
    }
    if (!iequals(w0, "set")) {
        not_imported(l);
        return;
    }
    if (iequals(w1, "peer")) {
        std::string field = base + ".peers[" + std::to_string(p->peers.size()) + "]";
        auto a = address(l, 2, "the peer's address", field);
        if (!a) return;
        size_t next = iequals(l.word(3), "default") ? 4 : 3;
        if (!expect_end(l, next, field)) return;
        if (std::find(p->peers.begin(), p->peers.end(), *a) != p->peers.end()) {
            warning(l, 2, base + ".peers", "peer " + a->str() + " is already set for this entry; the repeat is ignored");
            return;
        }
        if (p->peers.empty()) f->set("peers", pos_at(l, 2));
        f->set("peers[" + std::to_string(p->peers.size()) + "]", pos_at(l, 2));
        p->peers.push_back(*a);
    } else if (iequals(w1, "transform-set")) {
        if (l.size() < 3) {
            error(l, 2, base + ".transform_sets", "missing transform set name after 'set transform-set'");
            return;
        }
        p->transform_sets.clear();
        f->set("transform_sets", pos_at(l, 2));
        for (size_t i = 2; i < l.size(); ++i) {
            f->set("transform_sets[" + std::to_string(i - 2) + "]", pos_at(l, i));
            p->transform_sets.emplace_back(l.word(i));
        }
    } else if (iequals(w1, "reverse-route")) {
        set_reverse_route_line(l, base);
    } else if (iequals(w1, "pfs")) {
        std::string field = base + ".pfs";
        std::string_view g = l.word(2);
        if (g.empty()) {
            error(l, 2, field, std::string("missing DH group after 'set pfs' (group") + kGroups + "; IOS's default "
                                                                                               "group 1 is not offered)");
            return;
        }
        if (g.size() <= 5 || !iequals(g.substr(0, 5), "group") || !all_digits(g.substr(5)) || g.size() > 10) {
            error(l, 2, field, quoted(g) + " is not a DH group; expected group14, group19, group20, group21 or group31");
            return;
        }
        uint16_t n = static_cast<uint16_t>(std::stoul(std::string(g.substr(5))));
        if (!dh_group_supported(n)) {
            error(l, 2, field, "DH group " + std::to_string(n) + " is not offered; use group14, group19, group20, "
                                                                 "group21 or group31");
            return;
        }
        if (!expect_end(l, 3, field)) return;
        p->pfs_group = n;
        f->set("pfs", pos_at(l, 2));
    } else if (iequals(w1, "security-association")) {
        if (iequals(l.word(2), "lifetime")) {
            lifetime_clause(l, 2, p->lifetime, *f, base + ".lifetime");
        } else if (l.size() < 3) {
            error(l, 2, base, "missing 'lifetime seconds N' or 'lifetime kilobytes N'");
        } else {
            not_imported(l, "only 'set security-association lifetime' is imported per entry");
        }
    } else if (iequals(w1, "ikev2-profile") || iequals(w1, "isakmp-profile")) {
        not_imported(l, "Tandem has no IKE profiles; every IKEv2 proposal and pre-shared key applies to every entry");
    } else if (w1.empty()) {
        error(l, 1, base, "missing setting after 'set' (peer, transform-set, pfs, security-association, reverse-route)");
    } else {
        not_imported(l);
    }
}

// lifetime seconds N | lifetime kilobytes N (token i is `lifetime`).
bool Importer::lifetime_clause(const Line& l, size_t i, Lifetime& lt, FieldPositions& fields, const std::string& base) {
    auto which = keyword(l, i + 1, {"seconds", "kilobytes"}, "a lifetime unit", base);
    if (!which) return false;
    if (*which == 0) {
        auto s = number(l, i + 2, 120, 86400, "SA lifetime in seconds", base + ".seconds");
        if (!s || !expect_end(l, i + 3, base)) return false;
        lt.seconds = static_cast<uint32_t>(*s);
        fields.set("lifetime", pos_at(l, i));
        fields.set("lifetime.seconds", pos_at(l, i + 2));
    } else {
        if (iequals(l.word(i + 2), "disable")) {
            warning(l, i + 2, base + ".kilobytes", "'kilobytes disable' is not imported; the volume lifetime stays at its default");
            return false;
        }
        auto kb = number(l, i + 2, 2560, kMaxU32, "SA lifetime in kilobytes", base + ".kilobytes");
        if (!kb || !expect_end(l, i + 3, base)) return false;
        lt.kilobytes = *kb;
        fields.set("lifetime", pos_at(l, i));
        fields.set("lifetime.kilobytes", pos_at(l, i + 2));
    }
    return true;
}

// reverse-route [static] [remote-peer ADDR [gateway]] [tag N]  (any order, as IOS accepts)
void Importer::reverse_route_line(const Line& l, CryptoPolicy& p, FieldPositions& fields, const std::string& base) {
    std::string field = base + ".reverse_route";
    ReverseRoute rr;
    rr.pos = cmd_pos(l);
    if (p.reverse_route) rr.distance = p.reverse_route->distance;  // `set reverse-route distance` survives
    size_t i = 1;
    while (i < l.size()) {
        std::string_view w = l.word(i);
        if (iequals(w, "static")) {
            rr.static_routes = true;
            rr.fields.set("static", pos_at(l, i));
            ++i;
        } else if (iequals(w, "remote-peer")) {
            if (i + 1 >= l.size() || !std::isdigit(static_cast<unsigned char>(l.word(i + 1)[0]))) {
                error(l, i + 1, field + ".remote_peer",
                      "missing address after 'remote-peer' (the next hop for the injected routes); Tandem does not "
                      "install a separate route to the peer");
                return;
            }
            auto a = address(l, i + 1, "the remote peer next hop", field + ".remote_peer");
            if (!a) return;
            rr.remote_peer = *a;
            rr.fields.set("remote_peer", pos_at(l, i + 1));
            i += 2;
            if (iequals(l.word(i), "gateway")) {
                rr.gateway = true;
                rr.fields.set("gateway", pos_at(l, i));
                ++i;
            }
        } else if (iequals(w, "tag")) {
            auto t = number(l, i + 1, 1, kMaxU32, "route tag", field + ".tag");
            if (!t) return;
            rr.tag = static_cast<uint32_t>(*t);
            rr.fields.set("tag", pos_at(l, i + 1));
            i += 2;
        } else if (iequals(w, "track")) {
            warning(l, i, field, "'track' is not imported; RRI routes follow the SAs and the HSRP state");
            i += 2;
        } else {
            std::string msg = "unexpected " + quoted(w) + "; expected static, remote-peer ADDRESS [gateway] or tag N";
            if (auto m = closest_match(to_lower(w), {"static", "remote-peer", "gateway", "tag"})) {
                msg += " (did you mean " + *m + "?)";
            }
            error(l, i, field, std::move(msg));
            return;
        }
    }
    p.reverse_route = rr;
    fields.set("reverse_route", cmd_pos(l));
}

// set reverse-route tag N | set reverse-route distance N: applied when the whole text is read.
void Importer::set_reverse_route_line(const Line& l, const std::string& base) {
    std::string field = base + ".reverse_route";
    auto which = keyword(l, 2, {"tag", "distance"}, "a reverse-route setting", field);
    if (!which) return;
    std::optional<uint64_t> v = *which == 0 ? number(l, 3, 1, kMaxU32, "route tag", field + ".tag")
                                            : number(l, 3, 1, 255, "administrative distance", field + ".distance");
    if (!v || !expect_end(l, 4, field)) return;
    bool dynamic = mode_ == Mode::dynamic_map;
    const std::string& map = dynamic ? cfg_.dynamic_maps[cur_].name : cfg_.crypto_maps[cur_].name;
    uint32_t seq = dynamic ? cfg_.dynamic_maps[cur_].entries[cur_entry_].seq
                           : cfg_.crypto_maps[cur_].entries[cur_entry_].seq;
    auto it = std::find_if(rri_settings_.begin(), rri_settings_.end(), [&](const PendingRriSetting& s) {
        return s.dynamic == dynamic && s.map == map && s.seq == seq;
    });
    if (it == rri_settings_.end()) {
        rri_settings_.push_back(PendingRriSetting{dynamic, map, seq, {}, {}, {}, {}, cmd_pos(l)});
        it = rri_settings_.end() - 1;
    }
    if (*which == 0) {
        it->tag = static_cast<uint32_t>(*v);
        it->tag_pos = pos_at(l, 3);
    } else {
        it->distance = static_cast<uint8_t>(*v);
        it->distance_pos = pos_at(l, 3);
    }
}

void Importer::finish_reverse_routes() {
    for (const auto& s : rri_settings_) {
        std::optional<ReverseRoute>* rr = nullptr;
        FieldPositions* fields = nullptr;
        std::string base;
        if (s.dynamic) {
            for (auto& m : cfg_.dynamic_maps) {
                if (m.name != s.map) continue;
                for (auto& e : m.entries) {
                    if (e.seq == s.seq) rr = &e.policy.reverse_route, fields = &e.fields;
                }
            }
            base = seq_path("dynamic_maps", s.map, s.seq);
        } else {
            for (auto& m : cfg_.crypto_maps) {
                if (m.name != s.map) continue;
                for (auto& e : m.entries) {
                    if (e.seq == s.seq) rr = &e.policy.reverse_route, fields = &e.fields;
                }
            }
            base = seq_path("crypto_maps", s.map, s.seq);
        }
        if (!rr || !fields) continue;
        if (!*rr) {
            diags_.warning(s.first_pos, base + ".reverse_route",
                           "'set reverse-route' has no effect because reverse-route is not enabled on this entry "
                           "(add 'reverse-route')");
            continue;
        }
        if (s.tag) {
            (*rr)->tag = s.tag;
            (*rr)->fields.set("tag", s.tag_pos);
        }
        if (s.distance) {
            (*rr)->distance = s.distance;
            (*rr)->fields.set("distance", s.distance_pos);
        }
    }
    rri_settings_.clear();
}

// ---------------------------------------------------------------- transform sets

// crypto ipsec transform-set NAME TRANSFORM...
void Importer::cmd_transform_set(const Line& l) {
    if (l.size() < 4) {
        error(l, 3, "transform_sets", "missing transform set name after 'crypto ipsec transform-set'");
        return;
    }
    std::string name(l.word(3));
    std::string base = "transform_sets." + name;
    TransformSet ts;
    ts.pos = cmd_pos(l);
    ts.name = name;
    std::optional<size_t> cipher_at, integrity_at;
    bool ok = true;
    if (l.size() < 5) {
        error(l, 4, base + ".esp", "missing transforms (e.g. 'esp-gcm 256', or 'esp-aes 256 esp-sha256-hmac')");
        return skip_errored_block(l);
    }
    for (size_t i = 4; i < l.size(); ++i) {
        std::string t = to_lower(l.word(i));
        if (t == "esp-gcm" || t == "esp-aes") {
            if (cipher_at) {
                error(l, i, base + ".esp", "a transform set has one encryption transform; " + quoted(l.word(*cipher_at)) +
                                               " is already given");
                ok = false;
                continue;
            }
            cipher_at = i;
            bool gcm = t == "esp-gcm";
            unsigned bits = 128;
            if (all_digits(l.word(i + 1))) {
                ++i;
                if (l.word(i) == "256") {
                    bits = 256;
                } else if (l.word(i) != "128") {
                    error(l, i, base + ".esp",
                          std::string(l.word(i)) + "-bit keys are not offered; use " + t + " 128 or " + t + " 256");
                    ok = false;
                }
            }
            ts.cipher = gcm ? (bits == 256 ? EspCipher::aes_gcm_256 : EspCipher::aes_gcm_128)
                            : (bits == 256 ? EspCipher::aes_cbc_256 : EspCipher::aes_cbc_128);
            ts.fields.set("esp", pos_at(l, *cipher_at));
        } else if (t == "esp-sha-hmac" || t == "esp-sha256-hmac" || t == "esp-sha384-hmac" || t == "esp-sha512-hmac") {
            if (integrity_at) {
                error(l, i, base + ".integrity", "a transform set has one integrity transform; " +
                                                     quoted(l.word(*integrity_at)) + " is already given");
                ok = false;
                continue;
            }
            integrity_at = i;
            ts.integrity = t == "esp-sha-hmac"      ? EspIntegrity::sha1_96
                           : t == "esp-sha256-hmac" ? EspIntegrity::sha256_128
                           : t == "esp-sha384-hmac" ? EspIntegrity::sha384_192
                                                    : EspIntegrity::sha512_256;
            ts.fields.set("integrity", pos_at(l, i));
        } else if (std::string why = refused_transform(t); !why.empty()) {
            error(l, i, base, why);
            ok = false;
            if (all_digits(l.word(i + 1))) ++i;  // its key size
        } else {
            std::string msg = quoted(l.word(i)) + " is not a transform; expected esp-gcm [128|256] or esp-aes "
                                                  "[128|256] with esp-sha-hmac, esp-sha256-hmac, esp-sha384-hmac or "
                                                  "esp-sha512-hmac";
            if (auto m = closest_match(t, {"esp-gcm", "esp-aes", "esp-sha-hmac", "esp-sha256-hmac", "esp-sha384-hmac",
                                           "esp-sha512-hmac"})) {
                msg += " (did you mean " + *m + "?)";
            }
            error(l, i, base, std::move(msg));
            ok = false;
            if (all_digits(l.word(i + 1))) ++i;
        }
    }
    if (ok && !cipher_at) {
        error(l, 4, base + ".esp", "missing an encryption transform: add esp-gcm 256, or esp-aes 256 (with an "
                                   "integrity transform)");
        ok = false;
    }
    if (ok) {
        bool gcm = ts.cipher == EspCipher::aes_gcm_128 || ts.cipher == EspCipher::aes_gcm_256;
        if (gcm && integrity_at) {
            error(l, *integrity_at, base + ".integrity",
                  "esp-gcm authenticates by itself; drop " + quoted(l.word(*integrity_at)));
            ok = false;
        } else if (!gcm && !integrity_at) {
            error(l, *cipher_at, base + ".integrity",
                  "esp-aes needs an integrity transform: add esp-sha256-hmac (or esp-sha-hmac, esp-sha384-hmac, "
                  "esp-sha512-hmac)");
            ok = false;
        }
    }
    if (!ok) return skip_errored_block(l);
    size_t idx = 0;
    while (idx < cfg_.transform_sets.size() && cfg_.transform_sets[idx].name != name) ++idx;
    if (idx == cfg_.transform_sets.size()) {
        cfg_.transform_sets.push_back(std::move(ts));
    } else {
        cfg_.transform_sets[idx] = std::move(ts);  // IOS redefines the set
    }
    enter(Mode::transform_set);
    cur_ = idx;
}

void Importer::transform_set_line(const Line& l) {
    auto& ts = cfg_.transform_sets[cur_];
    std::string field = "transform_sets." + ts.name + ".mode";
    if (!iequals(l.word(0), "mode")) {
        not_imported(l);
        return;
    }
    if (iequals(l.word(1), "transport")) {
        error(l, 1, field, "transport mode is not offered: Tandem does only tunnel mode; write 'mode tunnel' or drop "
                           "the line");
        return;
    }
    if (!keyword(l, 1, {"tunnel", "transport"}, "a mode", field) || !expect_end(l, 2, field)) return;
    ts.mode = TransformMode::tunnel;
    ts.fields.set("mode", pos_at(l, 1));
}

// ---------------------------------------------------------------- crypto ipsec ...

void Importer::cmd_crypto_ipsec(const Line& l) {
    std::string_view w = l.word(2);
    if (iequals(w, "transform-set")) return cmd_transform_set(l);
    if (iequals(w, "security-association")) {
        std::string_view what = l.word(3);
        if (iequals(what, "lifetime")) {
            lifetime_clause(l, 3, cfg_.ipsec.lifetime, cfg_.ipsec.fields, "ipsec.lifetime");
            if (!cfg_.ipsec.pos.line) cfg_.ipsec.pos = cmd_pos(l);
            return;
        }
        if (iequals(what, "replay")) {
            std::string field = "ipsec.replay_window";
            auto k = keyword(l, 4, {"window-size", "disable"}, "a replay setting", field);
            if (!k) return;
            uint32_t window = 0;
            if (*k == 0) {
                auto n = number(l, 5, 32, 4096, "anti-replay window size in packets", field);
                if (!n || !expect_end(l, 6, field)) return;
                window = static_cast<uint32_t>(*n);
            } else if (!expect_end(l, 5, field)) {
                return;
            }
            cfg_.ipsec.replay_window = window;
            cfg_.ipsec.fields.set("replay_window", pos_at(l, 4));
            if (!cfg_.ipsec.pos.line) cfg_.ipsec.pos = cmd_pos(l);
            return;
        }
        if (what.empty()) {
            error(l, 3, "ipsec", "missing 'lifetime' or 'replay' after 'crypto ipsec security-association'");
            return;
        }
        not_imported(l);
        return;
    }
    if (w.empty()) {
        error(l, 2, "", "missing 'transform-set' or 'security-association' after 'crypto ipsec'");
        return;
    }
    skip_block(l, "not part of Tandem's model");
}

}  // namespace tandem::config::ios
