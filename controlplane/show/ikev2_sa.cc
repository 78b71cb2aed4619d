// `show crypto ikev2 sa [detail]`: one block per IKE SA, in the order given, under IOS 15's
// IPv4 heading, each with its own column header as IOS repeats it; then the (always empty) IPv6
// heading, since Tandem is IPv4 only. With no IKE SA only the two headings are printed.
//
//    IPv4 Crypto IKEv2  SA
//
//   Tunnel-id Local                 Remote                fvrf/ivrf            Status
//   1         192.0.2.1/4500        192.0.2.2/4500        none/none            READY
//         Encr: AES-GCM, keysize: 128, PRF: SHA256, Hash: None, DH Grp:19, Auth sign: PSK, Auth verify: PSK
//         Life/Active Time: 86400/12 sec
//
//    IPv6 Crypto IKEv2  SA
//
// Status: READY (established), IN-NEG (IKE_SA_INIT or IKE_AUTH under way), DELETE (Delete sent).
// Before the IKE_SA_INIT response (initiator) the algorithms are not known and IOS's
// "Unknown - 0" stands in for them. `detail` adds, in IOS's words and order:
//
//         Status Description: Negotiation done
//         Local spi: 8A5C3D2F1B4E6A7C       Remote spi: 1C2D3E4F5A6B7C8D
//         NAT-T is detected
//         Initiator of SA : No
//
// and, as Tandem additions in the same style, `Peer policy: NAME` and `Child SAs: N`.
//
// JSON: [{"tunnel_id", "peer", "local_address", "local_port", "remote_address", "remote_port",
//         "fvrf": null, "ivrf": null, "status": "READY" | "IN-NEG" | "DELETE",
//         "state": "init_sent" | "half_open" | "auth_sent" | "established" | "deleting",
//         "role": "initiator" | "responder", "local_spi", "remote_spi" (16 hex digits, null while
//         the responder's is not known), "encryption": "aes-gcm-128" | "aes-cbc-256" | ... | null,
//         "key_bits", "prf": "sha256" | "sha384" | "sha512" | null, "integrity": "sha1" |
//         "sha256" | "sha384" | "sha512" | null (none: AES-GCM), "dh_group", "auth": "psk" | null,
//         "lifetime_seconds", "active_seconds", "remaining_seconds", "natt", "child_sa_ids"}]
#include <algorithm>
#include <cstdio>

#include "controlplane/show/args.h"
#include "controlplane/show/json.h"
#include "controlplane/show/live.h"

namespace tandem::show {

using ike::IkeSaSnapshot;
using ike::IkeState;

namespace {

constexpr const char* kCommand = "show crypto ikev2 sa";
constexpr const char* kSubIndent = "      ";  // IOS's indent of the lines under an SA's row

std::string_view ios_status(IkeState s) {
    switch (s) {
    case IkeState::init_sent:
    case IkeState::half_open:
    case IkeState::auth_sent: return "IN-NEG";
    case IkeState::established: return "READY";
    case IkeState::deleting: return "DELETE";
    }
    return "IN-NEG";
}

std::string_view status_description(IkeState s) {
    switch (s) {
    case IkeState::init_sent: return "Initiator sent IKE_SA_INIT";
    case IkeState::half_open: return "Responder sent IKE_SA_INIT response";
    case IkeState::auth_sent: return "Initiator sent IKE_AUTH";
    case IkeState::established: return "Negotiation done";
    case IkeState::deleting: return "Deleting";
    }
    return "";
}

std::string_view state_key(IkeState s) {
    switch (s) {
    case IkeState::init_sent: return "init_sent";
    case IkeState::half_open: return "half_open";
    case IkeState::auth_sent: return "auth_sent";
    case IkeState::established: return "established";
    case IkeState::deleting: return "deleting";
    }
    return "";
}

// Until the IKE_SA_INIT response reaches the initiator, no algorithm has been agreed.
bool algorithms_known(const IkeSaSnapshot& sa) { return sa.state != IkeState::init_sent; }

std::string_view ios_encr(ike::EncrId id) {
    switch (id) {
    case ike::EncrId::aes_cbc: return "AES-CBC";
    case ike::EncrId::aes_gcm_16: return "AES-GCM";
    }
    return "Unknown";
}

// The configuration's vocabulary (common/config/model.cc): "aes-gcm-128", "aes-cbc-256".
std::string encr_key(const ike::EncrSpec& e) {
    const std::string bits = std::to_string(e.key_bits);
    switch (e.id) {
    case ike::EncrId::aes_cbc: return "aes-cbc-" + bits;
    case ike::EncrId::aes_gcm_16: return "aes-gcm-" + bits;
    }
    return "unknown";
}

std::string_view prf_name(ike::PrfId id, bool ios) {
    switch (id) {
    case ike::PrfId::hmac_sha2_256: return ios ? "SHA256" : "sha256";
    case ike::PrfId::hmac_sha2_384: return ios ? "SHA384" : "sha384";
    case ike::PrfId::hmac_sha2_512: return ios ? "SHA512" : "sha512";
    }
    return ios ? "Unknown" : "unknown";
}

// IOS names an integrity algorithm by its hash, SHA-1's by its truncation ("SHA96").
std::string_view ios_hash(ike::IntegId id) {
    switch (id) {
    case ike::IntegId::none: return "None";
    case ike::IntegId::hmac_sha1_96: return "SHA96";
    case ike::IntegId::hmac_sha2_256_128: return "SHA256";
    case ike::IntegId::hmac_sha2_384_192: return "SHA384";
    case ike::IntegId::hmac_sha2_512_256: return "SHA512";
    }
    return "Unknown";
}

std::optional<std::string> integ_key(ike::IntegId id) {
    switch (id) {
    case ike::IntegId::none: return std::nullopt;
    case ike::IntegId::hmac_sha1_96: return "sha1";
    case ike::IntegId::hmac_sha2_256_128: return "sha256";
    case ike::IntegId::hmac_sha2_384_192: return "sha384";
    case ike::IntegId::hmac_sha2_512_256: return "sha512";
    }
    return std::nullopt;
}

std::string hex64(uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llX", static_cast<unsigned long long>(v));
    return buf;
}

uint64_t local_spi(const IkeSaSnapshot& sa) { return sa.role == ike::Role::initiator ? sa.spi_i : sa.spi_r; }
uint64_t remote_spi(const IkeSaSnapshot& sa) { return sa.role == ike::Role::initiator ? sa.spi_r : sa.spi_i; }

uint64_t remaining_seconds(const IkeSaSnapshot& sa) {
    return static_cast<uint64_t>(std::max<int64_t>(sa.lifetime_remaining_s, 0));
}

uint64_t active_seconds(const IkeSaView& v) {
    const int64_t active = int64_t{v.lifetime_seconds} - v.sa.lifetime_remaining_s;
    return static_cast<uint64_t>(std::max<int64_t>(active, 0));
}

std::string endpoint_text(const ike::Endpoint& e) { return e.address.str() + "/" + std::to_string(e.port); }

// `text` left-aligned in a column of `width`, at least one space after it.
std::string column(const std::string& text, size_t width) {
    return text + std::string(text.size() < width ? width - text.size() : 1, ' ');
}

std::string algorithms_line(const IkeSaSnapshot& sa) {
    if (!algorithms_known(sa)) {
        return "Encr: Unknown - 0, PRF: Unknown - 0, Hash: None, DH Grp:0, Auth sign: Unknown - 0, "
               "Auth verify: Unknown - 0";
    }
    const ike::IkeAlgorithms& a = sa.algs;
    return "Encr: " + std::string(ios_encr(a.encr.id)) + ", keysize: " + std::to_string(a.encr.key_bits) +
           ", PRF: " + std::string(prf_name(a.prf, true)) + ", Hash: " + std::string(ios_hash(a.integ)) +
           ", DH Grp:" + std::to_string(ike::to_underlying(a.dh)) + ", Auth sign: PSK, Auth verify: PSK";
}

std::string sa_text(const IkeSaView& v, bool detail) {
    const IkeSaSnapshot& sa = v.sa;
    const std::string in = kSubIndent;
    std::string s = "Tunnel-id Local                 Remote                fvrf/ivrf            Status\n";
    s += column(std::to_string(sa.id), 10) + column(endpoint_text(sa.local), 22) +
         column(endpoint_text(sa.remote), 22) + column("none/none", 21) + std::string(ios_status(sa.state)) + "\n";
    s += in + algorithms_line(sa) + "\n";
    s += in + "Life/Active Time: " + std::to_string(v.lifetime_seconds) + "/" + std::to_string(active_seconds(v)) +
         " sec\n";
    if (detail) {
        s += in + "Status Description: " + std::string(status_description(sa.state)) + "\n";
        s += in + "Local spi: " + hex64(local_spi(sa)) + "       Remote spi: " + hex64(remote_spi(sa)) + "\n";
        s += in + (sa.natt ? "NAT-T is detected\n" : "NAT-T is not detected\n");
        s += in + "Initiator of SA : " + (sa.role == ike::Role::initiator ? "Yes" : "No") + "\n";
        s += in + "Peer policy: " + sa.peer + "\n";
        s += in + "Child SAs: " + std::to_string(sa.children.size()) + "\n";
    }
    return s;
}

std::string sa_json(const IkeSaView& v) {
    const IkeSaSnapshot& sa = v.sa;
    const bool known = algorithms_known(sa);
    const ike::IkeAlgorithms& a = sa.algs;
    std::optional<std::string> encr, prf, integ, rspi;
    std::optional<uint64_t> key_bits, dh;
    if (known) {
        encr = encr_key(a.encr);
        key_bits = a.encr.key_bits;
        prf = std::string(prf_name(a.prf, false));
        integ = integ_key(a.integ);
        dh = ike::to_underlying(a.dh);
    }
    if (remote_spi(sa) != 0) rspi = hex64(remote_spi(sa));

    JsonWriter w;
    w.begin_object()
        .key("tunnel_id").number(uint64_t{sa.id})
        .key("peer").value(sa.peer)
        .key("local_address").value(sa.local.address.str())
        .key("local_port").number(uint64_t{sa.local.port})
        .key("remote_address").value(sa.remote.address.str())
        .key("remote_port").number(uint64_t{sa.remote.port})
        .key("fvrf").null()
        .key("ivrf").null()
        .key("status").value(ios_status(sa.state))
        .key("state").value(state_key(sa.state))
        .key("role").value(sa.role == ike::Role::initiator ? "initiator" : "responder")
        .key("local_spi").value(hex64(local_spi(sa)))
        .key("remote_spi").value(rspi)
        .key("encryption").value(encr)
        .key("key_bits").number(key_bits)
        .key("prf").value(prf)
        .key("integrity").value(integ)
        .key("dh_group").number(dh);
    w.key("auth");
    if (known) w.value("psk");
    else w.null();
    w.key("lifetime_seconds").number(uint64_t{v.lifetime_seconds})
        .key("active_seconds").number(active_seconds(v))
        .key("remaining_seconds").number(remaining_seconds(sa))
        .key("natt").boolean(sa.natt)
        .key("child_sa_ids").begin_array();
    for (const auto& c : sa.children) w.number(uint64_t{c.id});
    w.end_array().end_object();
    return w.str();
}

}  // namespace

Result<std::string> show_ikev2_sa(const std::vector<IkeSaView>& sas, const std::vector<std::string>& args, bool json) {
    bool detail = false;
    for (size_t i = 0; i < args.size(); ++i) {
        if (i == 0 && abbreviates(args[i], "detail")) {
            detail = true;
            continue;
        }
        const std::string after = i == 0 ? kCommand : std::string(kCommand) + " detail";
        return Error("Invalid input `" + args[i] + "` after `" + after + "`" + (i == 0 ? ": expected `detail`" : ""));
    }

    if (json) {
        std::vector<std::string> docs;
        for (const auto& v : sas) docs.push_back(sa_json(v));
        return json_lines_array(docs);
    }
    std::string out = " IPv4 Crypto IKEv2  SA\n\n";
    for (const auto& v : sas) out += sa_text(v, detail) + "\n";
    out += " IPv6 Crypto IKEv2  SA\n\n";
    return out;
}

}  // namespace tandem::show
