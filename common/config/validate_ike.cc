// Transform sets, IKEv2 proposals and pre-shared keys: algorithm combinations that cannot be
// negotiated.
//
// AES-GCM is an AEAD cipher: it authenticates by itself, so an ESP transform or IKE proposal that
// offers only GCM must not name an integrity algorithm, and one with AES-CBC must (RFC 8221 and
// RFC 8247 pair CBC with an HMAC). Diffie-Hellman groups are limited to the ones Tandem's IKE
// implements (dh_group_supported()).
#include <algorithm>

#include "common/config/validate_detail.h"

namespace tandem::config::validation {

namespace {

bool is_aead(EspCipher c) { return c == EspCipher::aes_gcm_128 || c == EspCipher::aes_gcm_256; }
bool is_aead(IkeCipher c) { return c == IkeCipher::aes_gcm_128 || c == IkeCipher::aes_gcm_256; }

std::string transform_set_path(const TransformSet& ts) { return "transform_sets." + ts.name; }
std::string proposal_path(const IkeProposal& p) { return "ike.proposals[" + p.name + "]"; }

void check_transform_set(const TransformSet& ts, Diagnostics& diags) {
    const std::string path = transform_set_path(ts) + ".integrity";
    if (is_aead(ts.cipher) && ts.integrity != EspIntegrity::none) {
        diags.error(pos_of(ts, "integrity"), path,
                    std::string(to_string(ts.cipher)) + " authenticates by itself; remove integrity " +
                        std::string(to_string(ts.integrity)) + " (or use an aes-cbc cipher with it)");
    } else if (!is_aead(ts.cipher) && ts.integrity == EspIntegrity::none) {
        diags.error(pos_of_any(ts, {"integrity", "esp"}), path,
                    std::string(to_string(ts.cipher)) +
                        " needs an integrity algorithm: sha1, sha256, sha384 or sha512 (sha256 recommended), or use "
                        "aes-gcm-128 / aes-gcm-256 without one");
    }
}

void check_proposal(const IkeProposal& p, Diagnostics& diags) {
    const std::string path = proposal_path(p);
    if (p.encryption.empty()) {
        diags.error(pos_of(p, "encryption"), path + ".encryption",
                    "no encryption algorithm; give at least one of aes-gcm-128, aes-gcm-256, aes-cbc-128, "
                    "aes-cbc-256");
    }
    if (p.prf.empty()) {
        diags.error(pos_of(p, "prf"), path + ".prf", "no PRF; give at least one of sha256, sha384, sha512");
    }
    if (p.dh_groups.empty()) {
        diags.error(pos_of(p, "groups"), path + ".groups", "no DH group; give at least one of 14, 19, 20, 21, 31");
    }
    bool has_cbc = std::any_of(p.encryption.begin(), p.encryption.end(), [](IkeCipher c) { return !is_aead(c); });
    if (!p.encryption.empty() && !has_cbc && !p.integrity.empty()) {
        diags.error(pos_of(p, "integrity"), path + ".integrity",
                    "integrity must be empty when the proposal offers only AES-GCM (it authenticates by itself); "
                    "remove integrity or add an aes-cbc cipher");
    }
    if (has_cbc && p.integrity.empty()) {
        diags.error(pos_of_any(p, {"integrity", "encryption"}), path + ".integrity",
                    "AES-CBC needs an integrity algorithm; add integrity: [sha256] (or sha384, sha512)");
    }
    for (size_t i = 0; i < p.dh_groups.size(); ++i) {
        if (!dh_group_supported(p.dh_groups[i])) {
            diags.error(pos_of(p, "groups"), path + ".groups[" + std::to_string(i) + "]",
                        "DH group " + std::to_string(p.dh_groups[i]) + " is not supported; use 14, 19, 20, 21 or 31");
        }
    }
}

void check_keys(const IkeSettings& ike, Diagnostics& diags) {
    for (size_t i = 0; i < ike.keys.size(); ++i) {
        const PresharedKey& k = ike.keys[i];
        const std::string path = "ike.keys[" + std::to_string(i) + "]";
        if (k.key.empty()) {
            diags.error(pos_of(k, "key"), path + ".key",
                        "empty pre-shared key for " + k.peer.str() + "; give the secret shared with the peer");
        }
        for (size_t j = 0; j < i; ++j) {
            if (ike.keys[j].peer == k.peer) {
                diags.error(pos_of(k, "peer"), path + ".peer",
                            "a key for " + k.peer.str() + " is already given by ike.keys[" + std::to_string(j) + "]" +
                                first_defined_at(pos_of(ike.keys[j], "peer")) + "; keep one key per peer prefix");
                break;
            }
        }
    }
}

}  // namespace

void validate_transforms_and_ike(const Config& cfg, Diagnostics& diags) {
    check_unique_names(cfg.transform_sets, "transform set", transform_set_path, diags);
    for (const auto& ts : cfg.transform_sets) check_transform_set(ts, diags);
    check_unique_names(cfg.ike.proposals, "IKE proposal", proposal_path, diags);
    for (const auto& p : cfg.ike.proposals) check_proposal(p, diags);
    check_keys(cfg.ike, diags);
}

}  // namespace tandem::config::validation
