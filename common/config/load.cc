#include "common/config/load.h"

#include <fstream>
#include <sstream>

#include "common/config/ios_import.h"
#include "common/config/validate.h"
#include "common/config/yaml_loader.h"

namespace tandem::config {

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool read_file(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    return !in.bad();
}

}  // namespace

ConfigFormat guess_format(const std::string& path, std::string_view text) {
    if (ends_with(path, ".yaml") || ends_with(path, ".yml")) return ConfigFormat::yaml;
    for (std::string_view ext : {".ios", ".cfg", ".conf", ".txt"}) {
        if (ends_with(path, ext)) return ConfigFormat::ios;
    }
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
        pos = end == std::string_view::npos ? text.size() : end + 1;
        size_t first = line.find_first_not_of(" \t\r");
        if (first == std::string_view::npos || line[first] == '#') continue;
        line = line.substr(first);
        if (line[0] == '!') return ConfigFormat::ios;
        for (std::string_view kw : {"crypto ", "interface ", "access-list ", "ip ", "hostname ", "standby "}) {
            if (line.substr(0, kw.size()) == kw) return ConfigFormat::ios;
        }
        return ConfigFormat::yaml;
    }
    return ConfigFormat::yaml;
}

LoadedConfig load_config_text(std::string_view text, const std::string& name, ConfigFormat format) {
    LoadedConfig out;
    if (format == ConfigFormat::yaml) {
        auto r = load_yaml_string(text, name);
        out.config = std::move(r.config);
        out.diags = std::move(r.diags);
    } else {
        auto r = import_ios(text, name);
        out.config = std::move(r.config);
        out.diags = std::move(r.diags);
    }
    validate(out.config, out.diags);
    return out;
}

LoadedConfig load_config_file(const std::string& path, ConfigFormat format) {
    std::string text;
    if (!read_file(path, text)) {
        LoadedConfig out;
        out.diags.error(SourcePos{path, 0, 0}, "", "cannot read the file (does it exist, and is it readable?)");
        return out;
    }
    return load_config_text(text, path, format);
}

LoadedConfig load_config_file(const std::string& path) {
    std::string text;
    if (!read_file(path, text)) return load_config_file(path, ConfigFormat::yaml);
    return load_config_text(text, path, guess_format(path, text));
}

}  // namespace tandem::config
