// Internals shared by the validator's files (validate.cc and validate_*.cc); not a public API.
//
// Each validate_* function checks one concern of the model and appends to Diagnostics; none stops
// at the first problem. Helpers here build the YAML field paths and the "did you mean" endings so
// that every file words them the same way.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "common/config/diagnostics.h"
#include "common/config/model.h"

namespace tandem::config::validation {

// The position of the first of `fields` the loader recorded for obj, else obj's own position.
template <typename T>
const SourcePos& pos_of_any(const T& obj, std::initializer_list<std::string_view> fields) {
    for (std::string_view f : fields) {
        if (const SourcePos* p = obj.fields.find(f)) return *p;
    }
    return obj.pos;
}

std::string quoted(std::string_view s);
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");
// A duration in the unit it was most likely written in: "3 s", "250 ms".
std::string duration_str(uint32_t ms);
// " (first defined at FILE:LINE:COL)" or "" when the position is unknown.
std::string first_defined_at(const SourcePos& pos);

// The ending of an unknown-reference message: `; did you mean "X"?` when one name is close,
// else `; defined <what>: a, b` or `; no <what> is defined`.
std::string suggestion(std::string_view word, const std::vector<std::string>& candidates,
                       std::string_view what_plural);

template <typename T>
std::vector<std::string> names_of(const std::vector<T>& items) {
    std::vector<std::string> out;
    out.reserve(items.size());
    for (const auto& x : items) out.push_back(x.name);
    return out;
}

// Reports every object whose name an earlier object already has. `path(obj)` names the field.
template <typename T, typename PathFn>
void check_unique_names(const std::vector<T>& items, std::string_view what, PathFn path, Diagnostics& diags) {
    for (size_t i = 0; i < items.size(); ++i) {
        for (size_t j = 0; j < i; ++j) {
            if (items[j].name == items[i].name) {
                diags.error(pos_of(items[i], "name"), path(items[i]),
                            "duplicate " + std::string(what) + " name " + quoted(items[i].name) +
                                first_defined_at(pos_of(items[j], "name")) + "; names must be unique");
                break;
            }
        }
    }
}

std::string interface_path(const Interface& itf);                              // interfaces[X]
std::string standby_path(const Interface& itf, const StandbyGroup& group);     // ...standby[N]
std::string crypto_map_entry_path(const CryptoMap& map, const CryptoMapEntry& e);  // crypto_maps.M[seq N]
std::string dynamic_map_entry_path(const DynamicMap& map, const DynamicMapEntry& e);
std::string access_list_path(const AccessList& acl);                           // access_lists.101

void validate_interfaces(const Config& cfg, Diagnostics& diags);       // validate_interfaces.cc
void validate_crypto_maps(const Config& cfg, Diagnostics& diags);      // validate_crypto.cc
void validate_crypto_acls(const Config& cfg, Diagnostics& diags);      // validate_crypto_acl.cc
void validate_transforms_and_ike(const Config& cfg, Diagnostics& diags);  // validate_ike.cc
void validate_routes_and_processes(const Config& cfg, Diagnostics& diags);  // validate_system.cc

}  // namespace tandem::config::validation
