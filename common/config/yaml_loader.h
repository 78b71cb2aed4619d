// The YAML configuration loader: text -> Config, with every schema-level problem as a diagnostic.
//
// The schema (docs/configuration.md) mirrors Cisco IOS objects: interfaces with HSRP standby
// groups, access lists (entries in IOS text form or structured), transform sets, IKE, crypto maps
// and dynamic maps. The loader checks what one field can tell on its own: types, integer ranges,
// enum words, addresses and prefixes, ACL entry syntax, required and unknown keys (with "did you
// mean"), duplicate keys and duplicate names. Meaning across objects (a crypto map naming a
// missing ACL, `redundancy` naming a group the interface lacks) is validate.h's job.
//
// Loading never stops at the first problem: what can be read is read, everything else reported.
// Every object gets the 1-based position of its YAML node (objects stored under a name, such as
// access lists and transform sets, the position of their name), and every key read is recorded in
// the object's FieldPositions at the position of its value.
#pragma once

#include <string>
#include <string_view>

#include "common/config/diagnostics.h"
#include "common/config/model.h"

namespace tandem::config {

struct LoadResult {
    Config config;
    Diagnostics diags;
};

// `file_name` is only used in positions. Never throws.
LoadResult load_yaml_string(std::string_view text, const std::string& file_name);
// An unreadable file gives one error diagnostic and a default Config.
LoadResult load_yaml_file(const std::string& path);

}  // namespace tandem::config
