// The YAML renderer: Config -> YAML text that load_yaml_string() reads back into an equal Config.
//
// Keys come in the schema's order and values equal to their defaults are left out, so that a
// configuration imported from IOS (`tandemctl import-ios`) reads like one a person wrote.
// Access-list entries are written in IOS text form (format_ace()), numeric access-list names are
// quoted, and durations are written as whole seconds or "250ms".
#pragma once

#include <string>

#include "common/config/model.h"

namespace tandem::config {

std::string to_yaml(const Config& cfg);

}  // namespace tandem::config
