// Loading a configuration file the way every Tandem program does: read it, parse it as YAML or
// as IOS text, validate the result, and hand back the model with every diagnostic.
//
// A configuration with errors must never be applied: callers keep running what they had and
// print diagnostics.str() (file:line:column: error: field: message, one per line).
#pragma once

#include <string>
#include <string_view>

#include "common/config/diagnostics.h"
#include "common/config/model.h"

namespace tandem::config {

enum class ConfigFormat : uint8_t { yaml, ios };

struct LoadedConfig {
    Config config;
    Diagnostics diags;
    bool ok() const { return !diags.has_errors(); }
};

// By extension (.yaml/.yml -> yaml; .ios/.cfg/.conf/.txt -> ios), else by content: IOS when the
// first significant line starts with an IOS keyword or '!'.
ConfigFormat guess_format(const std::string& path, std::string_view text);

LoadedConfig load_config_text(std::string_view text, const std::string& name, ConfigFormat format);
LoadedConfig load_config_file(const std::string& path);
LoadedConfig load_config_file(const std::string& path, ConfigFormat format);

}  // namespace tandem::config
