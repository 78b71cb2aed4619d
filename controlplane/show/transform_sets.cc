// `show crypto ipsec transform-set [tag NAME]`: one block per set, in configuration order.
//
//   Transform set myset: { esp-256-aes esp-sha-hmac  }
//      will negotiate = { Tunnel,  },
//
// IOS 15's spelling of each transform: esp-aes (128-bit AES-CBC), esp-256-aes, esp-gcm (128),
// esp-gcm 256, and esp-sha-hmac, esp-sha256-hmac, esp-sha384-hmac, esp-sha512-hmac. Blocks are
// separated by a blank line. Tandem offers tunnel mode only.
//
// JSON: [{"name", "transforms": "esp-256-aes esp-sha-hmac", "esp": "aes-cbc-256",
//         "integrity": "sha1" | null, "mode": "tunnel"}]
#include "common/config/model.h"
#include "controlplane/show/args.h"
#include "controlplane/show/detail.h"
#include "controlplane/show/show.h"

namespace tandem::show {

using namespace tandem::config;

std::vector<std::string> ios_transforms(const TransformSet& ts) {
    std::vector<std::string> out;
    switch (ts.cipher) {
    case EspCipher::aes_gcm_128: out.emplace_back("esp-gcm"); break;
    case EspCipher::aes_gcm_256: out.emplace_back("esp-gcm 256"); break;
    case EspCipher::aes_cbc_128: out.emplace_back("esp-aes"); break;
    case EspCipher::aes_cbc_256: out.emplace_back("esp-256-aes"); break;
    }
    switch (ts.integrity) {
    case EspIntegrity::none: break;
    case EspIntegrity::sha1_96: out.emplace_back("esp-sha-hmac"); break;
    case EspIntegrity::sha256_128: out.emplace_back("esp-sha256-hmac"); break;
    case EspIntegrity::sha384_192: out.emplace_back("esp-sha384-hmac"); break;
    case EspIntegrity::sha512_256: out.emplace_back("esp-sha512-hmac"); break;
    }
    return out;
}

std::string braced_transforms(const TransformSet& ts) {
    std::string s = "{ ";
    for (const auto& t : ios_transforms(ts)) s += t + " ";
    return s + " }";
}

namespace {

std::string joined_transforms(const TransformSet& ts) {
    std::string s;
    for (const auto& t : ios_transforms(ts)) s += (s.empty() ? "" : " ") + t;
    return s;
}

std::string_view mode_name(TransformMode m) {
    switch (m) {
    case TransformMode::tunnel: return "Tunnel";
    }
    return "Tunnel";
}

}  // namespace

void write_transform_set_json(JsonWriter& w, const TransformSet& ts) {
    std::optional<std::string> integrity;
    if (ts.integrity != EspIntegrity::none) integrity = std::string(to_string(ts.integrity));
    w.begin_object()
        .key("name").value(ts.name)
        .key("transforms").value(joined_transforms(ts))
        .key("esp").value(to_string(ts.cipher))
        .key("integrity").value(integrity)
        .key("mode").value("tunnel")
        .end_object();
}

Result<std::string> show_transform_sets(const Config& cfg, const std::vector<std::string>& args, bool json) {
    auto filter = parse_filter(args, "show crypto ipsec transform-set", false);
    if (!filter) return filter.error();
    std::vector<const TransformSet*> sets;
    if (filter->kind == Filter::Kind::tag) {
        const TransformSet* ts = cfg.find_transform_set(filter->value);
        if (!ts) return Error("Transform set " + filter->value + " not found");
        sets.push_back(ts);
    } else {
        for (const auto& ts : cfg.transform_sets) sets.push_back(&ts);
    }

    if (json) {
        std::vector<std::string> docs;
        for (const TransformSet* ts : sets) {
            JsonWriter w;
            write_transform_set_json(w, *ts);
            docs.push_back(w.str());
        }
        return json_lines_array(docs);
    }
    std::string out;
    for (const TransformSet* ts : sets) {
        if (!out.empty()) out += "\n";
        out += "Transform set " + ts->name + ": " + braced_transforms(*ts) + "\n";
        out += "   will negotiate = { " + std::string(mode_name(ts->mode)) + ",  },\n";
    }
    return out;
}

}  // namespace tandem::show
