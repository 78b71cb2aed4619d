// Pieces the show renderers share (internal to controlplane/show).
//
// A crypto map entry and a dynamic map entry print the same policy block (peers, access list,
// lifetime, PFS, transform sets, reverse-route); the transform-set text is the same in
// `show crypto ipsec transform-set` and inside a map's `Transform sets={...}`.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/config/model.h"
#include "controlplane/show/json.h"

namespace tandem::show {

inline constexpr const char* kIndent = "        ";  // IOS's first tab stop
inline constexpr uint32_t kIosDefaultLifetimeSeconds = 3600;
inline constexpr uint64_t kIosDefaultLifetimeKilobytes = 4608000;

// The transforms as IOS 15 prints them: "esp-256-aes", "esp-sha-hmac".
std::vector<std::string> ios_transforms(const config::TransformSet& ts);
// "{ esp-256-aes esp-sha-hmac  }": IOS writes each transform followed by a space.
std::string braced_transforms(const config::TransformSet& ts);
// {"name", "transforms", "esp", "integrity", "mode"}.
void write_transform_set_json(JsonWriter& w, const config::TransformSet& ts);

// The lifetime and PFS group an entry negotiates with: its own, else the global `crypto ipsec`
// setting, else IOS's default (3600 s / 4608000 KB; no PFS).
struct EffectivePolicy {
    uint32_t seconds = kIosDefaultLifetimeSeconds;
    uint64_t kilobytes = kIosDefaultLifetimeKilobytes;
    std::optional<uint16_t> pfs_group;
};
EffectivePolicy effective_policy(const config::Config& cfg, const config::CryptoPolicy& p);

// The lines of an entry after its header, each starting with kIndent. `current_peer` is printed
// as `Current peer:` when set (crypto map entries only).
std::string policy_text(const config::Config& cfg, const config::CryptoPolicy& p,
                        const std::optional<Ipv4Address>& current_peer, bool show_current_peer);
// The same facts as JSON members of an already open object.
void write_policy_json(JsonWriter& w, const config::Config& cfg, const config::CryptoPolicy& p);

// The same members for an entry that has no policy of its own (`ipsec-isakmp dynamic NAME`):
// empty lists and nulls, so that every entry object has the same keys.
void write_no_policy_json(JsonWriter& w);

// Entries by sequence number (the model keeps them as read).
template <typename Entry>
std::vector<const Entry*> by_seq(const std::vector<Entry>& entries) {
    std::vector<const Entry*> out;
    for (const auto& e : entries) out.push_back(&e);
    std::stable_sort(out.begin(), out.end(), [](const Entry* a, const Entry* b) { return a->seq < b->seq; });
    return out;
}

}  // namespace tandem::show
