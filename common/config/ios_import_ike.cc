// IOS importer, IKE commands: ISAKMP policies, keys, keepalives; IKEv2 proposals, keyrings,
// profiles (their `lifetime` and `dpd` only), DPD and NAT keepalives.
//
// Tandem speaks IKEv2 only. An ISAKMP policy is imported as the IKEv2 proposal "isakmp-N" (with
// a warning), ISAKMP keys and IKEv2 keyring peers both become ike.keys, `crypto isakmp keepalive`
// and `crypto ikev2 dpd` both set ike.keepalive, and an ISAKMP policy's or IKEv2 profile's
// lifetime sets the one global IKE SA lifetime. Algorithms Tandem does not offer (DES, 3DES, MD5,
// SHA-1, DH groups below 14) are errors that name the replacement. IOS's defaults for a missing
// ISAKMP policy line (DES, SHA-1, group 1, rsa-sig) are all refused, so each line is required.
#include <algorithm>

#include "common/config/ios_import_parser.h"

namespace tandem::config::ios {

namespace {

const char* const kGroups = "14, 19, 20, 21 or 31";

}  // namespace

// ---------------------------------------------------------------- crypto isakmp ...

void Importer::cmd_crypto_isakmp(const Line& l) {
    std::string_view w = l.word(2);
    if (iequals(w, "policy")) {
        auto n = number(l, 3, 1, 10000, "ISAKMP policy priority", "ike.proposals");
        if (!n || !expect_end(l, 4, "ike.proposals")) return skip_errored_block(l);
        enter(Mode::isakmp_policy);
        isakmp_ = PendingIsakmpPolicy{};
        isakmp_->number = static_cast<uint32_t>(*n);
        isakmp_->pos = cmd_pos(l);
        warning(l, 0, "ike.proposals[isakmp-" + std::to_string(*n) + "]",
                "Tandem speaks IKEv2 only; imported as an IKEv2 proposal named isakmp-" + std::to_string(*n));
        return;
    }
    if (iequals(w, "key")) {
        std::string field = "ike.keys[" + std::to_string(cfg_.ike.keys.size()) + "]";
        PresharedKey k;
        k.pos = cmd_pos(l);
        size_t i = 3;
        if (l.word(i) == "0" || l.word(i) == "6") {
            if (l.word(i) == "6") {
                error(l, i, field + ".key", "encrypted (type 6) keys cannot be imported; write the key in clear "
                                            "(type 0)");
                return;
            }
            ++i;
        }
        if (i >= l.size()) {
            error(l, i, field + ".key", "missing the key after 'crypto isakmp key'");
            return;
        }
        k.key = std::string(l.word(i));
        k.fields.set("key", pos_at(l, i));
        ++i;
        if (iequals(l.word(i), "hostname")) {
            error(l, i, field + ".peer", "Tandem picks pre-shared keys by peer address; use 'address A.B.C.D [MASK]'");
            return;
        }
        if (!keyword(l, i, {"address"}, "the peer selector", field + ".peer")) return;
        if (iequals(l.word(i + 1), "ipv6")) {
            error(l, i + 1, field + ".peer", "IPv6 peers are not supported");
            return;
        }
        auto a = address(l, i + 1, "the peer address", field + ".peer");
        if (!a) return;
        k.fields.set("peer", pos_at(l, i + 1));
        i += 2;
        unsigned len = a->is_unspecified() ? 0 : 32;
        if (i < l.size() && !iequals(l.word(i), "no-xauth")) {
            auto m = netmask(l, i, field + ".peer");
            if (!m) return;
            len = *m;
            ++i;
        }
        Ipv4Prefix p = Ipv4Prefix::containing(*a, len);
        if (p.address() != *a) {
            error(l, i - 2, field + ".peer", a->str() + " has host bits set under its mask; did you mean " +
                                                 p.address().str() + "?");
            return;
        }
        if (iequals(l.word(i), "no-xauth")) ++i;
        if (!expect_end(l, i, field)) return;
        k.peer = p;
        cfg_.ike.keys.push_back(std::move(k));
        return;
    }
    if (iequals(w, "keepalive")) return cmd_keepalive(l, 3, true);
    if (iequals(w, "nat") && iequals(l.word(3), "keepalive")) return cmd_nat_keepalive(l, 4);
    if (w.empty()) {
        error(l, 2, "ike", "missing ISAKMP command (policy, key, keepalive or nat keepalive)");
        return;
    }
    skip_block(l, "not part of Tandem's model");
}

void Importer::isakmp_policy_line(const Line& l) {
    auto& pol = *isakmp_;
    std::string base = "ike.proposals[isakmp-" + std::to_string(pol.number) + "]";
    std::string_view w = l.word(0);
    auto fail = [&](size_t i, const std::string& field, std::string msg) {
        error(l, i, field, std::move(msg));
        pol.failed = true;
    };
    if (iequals(w, "encryption") || iequals(w, "encr")) {  // show running-config writes `encr`
        std::string field = base + ".encryption";
        std::string_view a = l.word(1);
        if (iequals(a, "des") || iequals(a, "3des")) {
            return fail(1, field, "not supported: " + to_lower(a) + " is deprecated (RFC 8247); use 'encryption aes 256'");
        }
        if (!keyword(l, 1, {"aes"}, "an IKE cipher", field)) return void(pol.failed = true);
        IkeCipher c = IkeCipher::aes_cbc_128;
        size_t next = 2;
        if (all_digits(l.word(2))) {
            if (l.word(2) == "256") {
                c = IkeCipher::aes_cbc_256;
            } else if (l.word(2) != "128") {
                return fail(2, field, std::string(l.word(2)) + "-bit keys are not offered; use 'aes 128' or 'aes 256'");
            }
            next = 3;
        }
        if (!expect_end(l, next, field)) return void(pol.failed = true);
        pol.cipher = c;
        pol.fields.set("encryption", pos_at(l, 1));
    } else if (iequals(w, "hash")) {
        std::string field = base + ".prf";
        std::string_view h = l.word(1);
        if (iequals(h, "sha") || iequals(h, "md5")) {
            return fail(1, field, "not supported: " + std::string(iequals(h, "sha") ? "SHA-1" : "MD5") +
                                      " is deprecated for IKE (RFC 8247); use 'hash sha256'");
        }
        auto k = keyword(l, 1, {"sha256", "sha384", "sha512"}, "an IKE hash", field);
        if (!k || !expect_end(l, 2, field)) return void(pol.failed = true);
        pol.hash = *k == 0 ? IkeHash::sha256 : *k == 1 ? IkeHash::sha384 : IkeHash::sha512;
        pol.fields.set("prf", pos_at(l, 1));
        pol.fields.set("integrity", pos_at(l, 1));
    } else if (iequals(w, "group")) {
        std::string field = base + ".groups";
        auto g = number(l, 1, 1, 65535, "DH group", field);
        if (!g) return void(pol.failed = true);
        if (!dh_group_supported(static_cast<uint16_t>(*g))) {
            return fail(1, field, "DH group " + std::to_string(*g) + " is not offered; use " + kGroups);
        }
        if (!expect_end(l, 2, field)) return void(pol.failed = true);
        pol.group = static_cast<uint16_t>(*g);
        pol.fields.set("groups", pos_at(l, 1));
    } else if (iequals(w, "authentication")) {
        std::string field = base;
        if (!iequals(l.word(1), "pre-share") && !l.word(1).empty()) {
            return fail(1, field, "Tandem authenticates IKE peers with pre-shared keys only; use "
                                  "'authentication pre-share'");
        }
        if (!keyword(l, 1, {"pre-share"}, "an authentication method", field) || !expect_end(l, 2, field)) {
            return void(pol.failed = true);
        }
        pol.pre_share = true;
    } else if (iequals(w, "lifetime")) {
        auto s = number(l, 1, 120, 86400, "IKE SA lifetime in seconds", "ike.lifetime");
        if (!s || !expect_end(l, 2, "ike.lifetime")) return void(pol.failed = true);
        if (cfg_.ike.lifetime_seconds && *cfg_.ike.lifetime_seconds != *s) {
            warning(l, 1, "ike.lifetime", "the IKE SA lifetime is one global setting in Tandem; " + std::to_string(*s) +
                                              " replaces " + std::to_string(*cfg_.ike.lifetime_seconds));
        }
        cfg_.ike.lifetime_seconds = static_cast<uint32_t>(*s);
        cfg_.ike.fields.set("lifetime", pos_at(l, 1));
    } else {
        not_imported(l);
    }
}

void Importer::finish_isakmp_policy() {
    if (!isakmp_) return;
    PendingIsakmpPolicy pol = std::move(*isakmp_);
    isakmp_.reset();
    if (pol.failed) return;
    std::string name = "isakmp-" + std::to_string(pol.number);
    std::string base = "ike.proposals[" + name + "]";
    bool ok = true;
    auto missing = [&](const char* field, const std::string& msg) {
        diags_.error(pol.pos, base + "." + field, "ISAKMP policy " + std::to_string(pol.number) + " " + msg);
        ok = false;
    };
    if (!pol.cipher) missing("encryption", "has no 'encryption' line; IOS's default (DES) is not offered: add 'encryption aes 256'");
    if (!pol.hash) missing("prf", "has no 'hash' line; IOS's default (SHA-1) is not offered: add 'hash sha256'");
    if (!pol.group) missing("groups", "has no 'group' line; IOS's default (group 1) is not offered: add 'group 14'");
    if (!pol.pre_share) {
        missing("authentication", "has no 'authentication pre-share' line; IOS's default (rsa-sig) is not offered");
    }
    if (!ok) return;
    IkeProposal p;
    p.pos = pol.pos;
    p.fields = pol.fields;
    p.name = name;
    p.encryption = {*pol.cipher};
    p.prf = {*pol.hash};
    p.integrity = {*pol.hash};
    p.dh_groups = {*pol.group};
    auto it = std::find_if(cfg_.ike.proposals.begin(), cfg_.ike.proposals.end(),
                           [&](const IkeProposal& x) { return x.name == name; });
    if (it == cfg_.ike.proposals.end()) {
        cfg_.ike.proposals.push_back(std::move(p));
    } else {
        *it = std::move(p);
    }
}

// ---------------------------------------------------------------- crypto ikev2 ...

void Importer::cmd_crypto_ikev2(const Line& l) {
    std::string_view w = l.word(2);
    if (iequals(w, "proposal")) {
        if (l.size() < 4) {
            error(l, 3, "ike.proposals", "missing proposal name after 'crypto ikev2 proposal'");
            return skip_errored_block(l);
        }
        if (!expect_end(l, 4, "ike.proposals")) return skip_errored_block(l);
        std::string name(l.word(3));
        enter(Mode::ikev2_proposal);
        size_t idx = 0;
        while (idx < cfg_.ike.proposals.size() && cfg_.ike.proposals[idx].name != name) ++idx;
        proposal_created_ = idx == cfg_.ike.proposals.size();
        proposal_has_errors_ = false;
        if (proposal_created_) {
            IkeProposal p;
            p.pos = cmd_pos(l);
            p.name = name;
            cfg_.ike.proposals.push_back(std::move(p));
        }
        cur_ = idx;
        return;
    }
    if (iequals(w, "keyring")) {
        if (l.size() < 4) {
            error(l, 3, "ike.keys", "missing keyring name after 'crypto ikev2 keyring'");
            return skip_errored_block(l);
        }
        if (!expect_end(l, 4, "ike.keys")) return skip_errored_block(l);
        enter(Mode::ikev2_keyring);
        return;
    }
    if (iequals(w, "profile")) {
        if (l.size() < 4) {
            error(l, 3, "ike", "missing profile name after 'crypto ikev2 profile'");
            return skip_errored_block(l);
        }
        warning(l, 0, "ike", "Tandem has no IKEv2 profiles; only the profile's 'lifetime' and 'dpd' are imported, "
                             "as global IKE settings");
        enter(Mode::ikev2_profile);
        return;
    }
    if (iequals(w, "dpd")) return cmd_keepalive(l, 3, false);
    if (iequals(w, "nat") && iequals(l.word(3), "keepalive")) return cmd_nat_keepalive(l, 4);
    if (iequals(w, "policy")) {
        return skip_block(l, "Tandem offers every IKEv2 proposal to every peer; policies are not imported");
    }
    if (w.empty()) {
        error(l, 2, "ike", "missing IKEv2 command (proposal, keyring, dpd, nat keepalive or profile)");
        return;
    }
    skip_block(l, "not part of Tandem's model");
}

void Importer::ikev2_proposal_line(const Line& l) {
    auto& p = cfg_.ike.proposals[cur_];
    std::string base = "ike.proposals[" + p.name + "]";
    std::string_view w = l.word(0);
    auto fail = [&](size_t i, const std::string& field, std::string msg) {
        error(l, i, field, std::move(msg));
        proposal_has_errors_ = true;
    };
    if (iequals(w, "encryption")) {
        std::string field = base + ".encryption";
        if (l.size() < 2) return fail(1, field, "missing cipher (aes-gcm-128, aes-gcm-256, aes-cbc-128 or aes-cbc-256)");
        for (size_t i = 1; i < l.size(); ++i) {
            std::string c = to_lower(l.word(i));
            if (c == "3des" || c == "des") {
                fail(i, field, "not supported: " + c + " is deprecated (RFC 8247); use aes-gcm-256 or aes-cbc-256");
                continue;
            }
            if (c == "aes-cbc-192" || c == "aes-gcm-192") {
                fail(i, field, "192-bit keys are not offered; use " + c.substr(0, 8) + "128 or " + c.substr(0, 8) + "256");
                continue;
            }
            auto k = keyword(l, i, {"aes-gcm-128", "aes-gcm-256", "aes-cbc-128", "aes-cbc-256"}, "an IKEv2 cipher", field);
            if (!k) {
                proposal_has_errors_ = true;
                continue;
            }
            IkeCipher v = *ike_cipher_from(c);
            if (std::find(p.encryption.begin(), p.encryption.end(), v) == p.encryption.end()) p.encryption.push_back(v);
        }
        if (!p.fields.find("encryption")) p.fields.set("encryption", pos_at(l, 1));
    } else if (iequals(w, "integrity") || iequals(w, "prf")) {
        bool prf = iequals(w, "prf");
        std::string field = base + (prf ? ".prf" : ".integrity");
        auto& list = prf ? p.prf : p.integrity;
        if (l.size() < 2) return fail(1, field, "missing hash (sha256, sha384 or sha512)");
        for (size_t i = 1; i < l.size(); ++i) {
            std::string h = to_lower(l.word(i));
            if (h == "sha1" || h == "md5") {
                fail(i, field, "not supported: " + h + " is deprecated for IKE (RFC 8247); use sha256");
                continue;
            }
            if (!keyword(l, i, {"sha256", "sha384", "sha512"}, "an IKEv2 hash", field)) {
                proposal_has_errors_ = true;
                continue;
            }
            IkeHash v = *ike_hash_from(h);
            if (std::find(list.begin(), list.end(), v) == list.end()) list.push_back(v);
        }
        std::string key = prf ? "prf" : "integrity";
        if (!p.fields.find(key)) p.fields.set(key, pos_at(l, 1));
    } else if (iequals(w, "group")) {
        std::string field = base + ".groups";
        if (l.size() < 2) return fail(1, field, std::string("missing DH group (") + kGroups + ")");
        for (size_t i = 1; i < l.size(); ++i) {
            auto g = number(l, i, 1, 65535, "DH group", field);
            if (!g) {
                proposal_has_errors_ = true;
                continue;
            }
            if (!dh_group_supported(static_cast<uint16_t>(*g))) {
                fail(i, field, "DH group " + std::to_string(*g) + " is not offered; use " + kGroups);
                continue;
            }
            uint16_t v = static_cast<uint16_t>(*g);
            if (std::find(p.dh_groups.begin(), p.dh_groups.end(), v) == p.dh_groups.end()) p.dh_groups.push_back(v);
        }
        if (!p.fields.find("groups")) p.fields.set("groups", pos_at(l, 1));
    } else {
        not_imported(l);
    }
}

void Importer::finish_ikev2_proposal() {
    if (cur_ >= cfg_.ike.proposals.size()) return;
    auto& p = cfg_.ike.proposals[cur_];
    if (proposal_created_ && proposal_has_errors_) {
        // Its errors are reported; an incomplete proposal would only add confusing follow-ups.
        cfg_.ike.proposals.erase(cfg_.ike.proposals.begin() + static_cast<std::ptrdiff_t>(cur_));
        return;
    }
    // IOS: without a `prf` line the PRFs are the integrity algorithms.
    if (p.prf.empty() && !p.integrity.empty()) {
        p.prf = p.integrity;
        if (const SourcePos* at = p.fields.find("integrity")) p.fields.set("prf", *at);
    }
}

// Lines of `crypto ikev2 keyring NAME`: `peer NAME` opens a peer; under it `address A [MASK]`
// and `pre-shared-key [local|remote] [0] KEY`.
void Importer::keyring_line(const Line& l) {
    std::string_view w = l.word(0);
    std::string field = "ike.keys[" + std::to_string(cfg_.ike.keys.size()) + "]";
    if (iequals(w, "peer")) {
        finish_keyring_peer();
        if (l.size() < 2) {
            error(l, 1, field, "missing peer name after 'peer'");
            mode_ = Mode::ikev2_keyring;
            return;
        }
        peer_ = PendingPeer{};
        peer_->pos = cmd_pos(l);
        peer_->name = std::string(l.word(1));
        mode_ = Mode::keyring_peer;
        return;
    }
    if (mode_ != Mode::keyring_peer) {
        if (iequals(w, "address") || iequals(w, "pre-shared-key")) {
            error(l, 0, field, quoted(w) + " belongs under a 'peer NAME' line of the keyring");
        } else {
            not_imported(l);
        }
        return;
    }
    auto& peer = *peer_;
    if (iequals(w, "address")) {
        if (iequals(l.word(1), "ipv6") || l.word(1).find(':') != std::string_view::npos) {
            error(l, 1, field + ".peer", "IPv6 peers are not supported");
            peer.failed = true;
            return;
        }
        auto a = address(l, 1, "the peer address", field + ".peer");
        if (!a) return void(peer.failed = true);
        unsigned len = 32;
        size_t next = 2;
        if (l.size() > 2) {
            auto m = netmask(l, 2, field + ".peer");
            if (!m) return void(peer.failed = true);
            len = *m;
            next = 3;
        }
        if (!expect_end(l, next, field + ".peer")) return void(peer.failed = true);
        Ipv4Prefix p = Ipv4Prefix::containing(*a, len);
        if (p.address() != *a) {
            error(l, 1, field + ".peer", a->str() + " has host bits set under its mask; did you mean " +
                                             p.address().str() + "?");
            return void(peer.failed = true);
        }
        peer.address = p;
        peer.fields.set("peer", pos_at(l, 1));
    } else if (iequals(w, "pre-shared-key")) {
        size_t i = 1;
        if ((iequals(l.word(1), "local") || iequals(l.word(1), "remote")) && l.size() > 2) i = 2;
        std::string key;
        if (!ike_psk(l, i, key, field + ".key")) return void(peer.failed = true);
        if (i == 2 && peer.key && *peer.key != key) {
            error(l, i, field + ".key", "Tandem uses one pre-shared key in both directions; the local and remote "
                                        "keys of peer " + peer.name + " differ");
            return void(peer.failed = true);
        }
        peer.key = key;
        peer.fields.set("key", pos_at(l, i));
    } else if (iequals(w, "description")) {
        return;
    } else {
        not_imported(l, "Tandem picks pre-shared keys by peer address only");
    }
}

// [0|6] KEY at token i.
bool Importer::ike_psk(const Line& l, size_t i, std::string& key, const std::string& field) {
    if (l.word(i) == "6" || l.word(i) == "7") {
        if (i + 1 < l.size()) {
            error(l, i, field, "encrypted (type " + std::string(l.word(i)) + ") keys cannot be imported; write the "
                                                                              "key in clear (type 0)");
            return false;
        }
    } else if (l.word(i) == "0" && i + 1 < l.size()) {
        ++i;
    }
    if (i >= l.size()) {
        error(l, i, field, "missing the pre-shared key");
        return false;
    }
    if (!expect_end(l, i + 1, field)) return false;
    key = std::string(l.word(i));
    return true;
}

void Importer::finish_keyring_peer() {
    if (!peer_) return;
    PendingPeer peer = std::move(*peer_);
    peer_.reset();
    if (peer.failed) return;
    std::string field = "ike.keys[" + std::to_string(cfg_.ike.keys.size()) + "]";
    if (!peer.address) {
        diags_.error(peer.pos, field + ".peer", "keyring peer " + peer.name + " has no 'address' line; Tandem picks "
                                                 "pre-shared keys by peer address");
    }
    if (!peer.key) {
        diags_.error(peer.pos, field + ".key", "keyring peer " + peer.name + " has no 'pre-shared-key' line");
    }
    if (!peer.address || !peer.key) return;
    PresharedKey k;
    k.pos = peer.pos;
    k.fields = peer.fields;
    k.peer = *peer.address;
    k.key = *peer.key;
    cfg_.ike.keys.push_back(std::move(k));
}

void Importer::ikev2_profile_line(const Line& l) {
    if (iequals(l.word(0), "lifetime")) {
        auto s = number(l, 1, 120, 86400, "IKE SA lifetime in seconds", "ike.lifetime");
        if (!s || !expect_end(l, 2, "ike.lifetime")) return;
        cfg_.ike.lifetime_seconds = static_cast<uint32_t>(*s);
        cfg_.ike.fields.set("lifetime", pos_at(l, 1));
    } else if (iequals(l.word(0), "dpd")) {
        cmd_keepalive(l, 1, false);
    } else if (iequals(l.word(0), "description")) {
        return;
    } else {
        not_imported(l, "Tandem has no IKEv2 profiles");
    }
}

// crypto isakmp keepalive INTERVAL [RETRY] [periodic|on-demand]
// crypto ikev2 dpd INTERVAL RETRY on-demand|periodic
void Importer::cmd_keepalive(const Line& l, size_t i, bool isakmp) {
    std::string field = "ike.keepalive";
    Keepalive k;
    k.pos = cmd_pos(l);
    auto interval = number(l, i, 10, 3600, "keepalive interval in seconds", field + ".interval");
    if (!interval) return;
    k.interval = static_cast<uint32_t>(*interval);
    k.fields.set("interval", pos_at(l, i));
    k.mode = DpdMode::on_demand;  // IOS's default for `crypto isakmp keepalive`
    size_t next = i + 1;
    if (all_digits(l.word(next)) || !isakmp) {
        auto retry = number(l, next, 2, 60, "retry interval in seconds", field + ".retry");
        if (!retry) return;
        k.retry = static_cast<uint32_t>(*retry);
        k.fields.set("retry", pos_at(l, next));
        ++next;
    }
    if (next < l.size() || !isakmp) {
        auto m = keyword(l, next, {"periodic", "on-demand"}, "a DPD mode", field + ".mode");
        if (!m) return;
        k.mode = *m == 0 ? DpdMode::periodic : DpdMode::on_demand;
        k.fields.set("mode", pos_at(l, next));
        ++next;
    }
    if (!expect_end(l, next, field)) return;
    cfg_.ike.keepalive = k;
    cfg_.ike.fields.set("keepalive", cmd_pos(l));
}

// crypto isakmp|ikev2 nat keepalive SECONDS
void Importer::cmd_nat_keepalive(const Line& l, size_t i) {
    auto s = number(l, i, 5, 3600, "NAT keepalive interval in seconds", "ike.nat_keepalive");
    if (!s || !expect_end(l, i + 1, "ike.nat_keepalive")) return;
    cfg_.ike.nat_keepalive = static_cast<uint32_t>(*s);
    cfg_.ike.fields.set("nat_keepalive", pos_at(l, i));
}

}  // namespace tandem::config::ios
