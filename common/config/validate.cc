// Semantic validation: the entry point and the helpers every concern shares.
//
// validate() runs each concern in the order a reader meets them in a configuration file
// (interfaces, access lists, transforms and IKE, crypto maps, routes, processes); each appends its
// own diagnostics and never stops early, so one run reports every problem.
#include "common/config/validate.h"

#include "common/config/validate_detail.h"

namespace tandem::config {

namespace validation {

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += separator;
        out += items[i];
    }
    return out;
}

std::string duration_str(uint32_t ms) {
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
    return std::to_string(ms) + " ms";
}

std::string first_defined_at(const SourcePos& pos) {
    if (pos.line <= 0) return "";
    return " (first defined at " + pos.str() + ")";
}

std::string suggestion(std::string_view word, const std::vector<std::string>& candidates,
                       std::string_view what_plural) {
    if (auto m = closest_match(word, candidates)) return "; did you mean " + quoted(*m) + "?";
    if (candidates.empty()) return "; no " + std::string(what_plural) + " are defined";
    std::vector<std::string> q;
    for (const auto& c : candidates) q.push_back(quoted(c));
    return "; defined " + std::string(what_plural) + ": " + join(q);
}

std::string interface_path(const Interface& itf) { return "interfaces[" + itf.name + "]"; }

std::string standby_path(const Interface& itf, const StandbyGroup& group) {
    return interface_path(itf) + ".standby[" + std::to_string(group.group) + "]";
}

std::string crypto_map_entry_path(const CryptoMap& map, const CryptoMapEntry& e) {
    return "crypto_maps." + map.name + "[seq " + std::to_string(e.seq) + "]";
}

std::string dynamic_map_entry_path(const DynamicMap& map, const DynamicMapEntry& e) {
    return "dynamic_maps." + map.name + "[seq " + std::to_string(e.seq) + "]";
}

std::string access_list_path(const AccessList& acl) { return "access_lists." + acl.name; }

}  // namespace validation

void validate(const Config& cfg, Diagnostics& diags) {
    validation::validate_interfaces(cfg, diags);
    validation::validate_crypto_acls(cfg, diags);
    validation::validate_transforms_and_ike(cfg, diags);
    validation::validate_crypto_maps(cfg, diags);
    validation::validate_routes_and_processes(cfg, diags);
}

}  // namespace tandem::config
