#include "controlplane/ctl/offline_commands.h"

#include <cstdio>
#include <fstream>
#include <ostream>
#include <sstream>

#include "common/config/compile.h"
#include "common/config/ios_import.h"
#include "common/config/ios_render.h"
#include "common/config/load.h"
#include "common/config/validate.h"
#include "common/config/yaml_emit.h"

namespace tandem::ctl {

using namespace tandem::config;

namespace {

std::string json_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    return out;
}

void print_json_diagnostics(std::ostream& os, const std::string& file, const Diagnostics& d) {
    os << "{\"file\": \"" << json_escape(file) << "\", \"ok\": " << (d.has_errors() ? "false" : "true")
       << ", \"errors\": " << d.error_count() << ", \"warnings\": " << d.warning_count() << ", \"diagnostics\": [";
    bool first = true;
    for (const auto& x : d.items()) {
        os << (first ? "" : ", ") << "{\"severity\": \"" << (x.severity == Severity::error ? "error" : "warning")
           << "\", \"file\": \"" << json_escape(x.pos.file) << "\", \"line\": " << x.pos.line
           << ", \"column\": " << x.pos.column << ", \"field\": \"" << json_escape(x.field)
           << "\", \"message\": \"" << json_escape(x.message) << "\"}";
        first = false;
    }
    os << "]}";
}

std::string summary(const Diagnostics& d) {
    std::string s = std::to_string(d.error_count()) + (d.error_count() == 1 ? " error" : " errors");
    s += ", " + std::to_string(d.warning_count()) + (d.warning_count() == 1 ? " warning" : " warnings");
    return s;
}

bool read_text(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    return true;
}

}  // namespace

int cmd_config_check(const std::vector<std::string>& files, Output& o) {
    int status = 0;
    if (o.json) o.out << "[";
    for (size_t i = 0; i < files.size(); ++i) {
        auto loaded = load_config_file(files[i]);
        if (!loaded.ok()) status = 1;
        if (o.json) {
            if (i) o.out << ", ";
            print_json_diagnostics(o.out, files[i], loaded.diags);
            continue;
        }
        o.err << loaded.diags.str();
        o.out << files[i] << ": " << (loaded.ok() ? "OK" : "FAILED") << " (" << summary(loaded.diags) << ")\n";
    }
    if (o.json) o.out << "]\n";
    return status;
}

int cmd_config_compile(const std::string& file, Output& o) {
    auto loaded = load_config_file(file);
    o.err << loaded.diags.str();
    if (!loaded.ok()) {
        o.err << file << ": not compiled (" << summary(loaded.diags) << ")\n";
        return 1;
    }
    o.out << render_compiled(loaded.config);
    return 0;
}

int cmd_import_ios(const std::string& file, const std::string& out_file, Output& o) {
    std::string text;
    if (!read_text(file, text)) {
        o.err << file << ": cannot read the file (does it exist, and is it readable?)\n";
        return 1;
    }
    auto imported = import_ios(text, file);
    if (imported.diags.has_errors()) {
        o.err << imported.diags.str();
        o.err << file << ": not imported (" << summary(imported.diags) << ")\n";
        return 1;
    }
    Diagnostics checks = imported.diags;
    validate(imported.config, checks);
    o.err << checks.str();
    std::string yaml = "# Imported by tandemctl import-ios from " + file + "\n" + to_yaml(imported.config);
    if (out_file.empty() || out_file == "-") {
        o.out << yaml;
    } else {
        std::ofstream f(out_file, std::ios::binary | std::ios::trunc);
        f << yaml;
        if (!f) {
            o.err << out_file << ": cannot write the file\n";
            return 1;
        }
    }
    if (checks.has_errors()) {
        o.err << file << ": imported, but the configuration does not validate (" << summary(checks) << ")\n";
        return 1;
    }
    return 0;
}

int cmd_show_running_config(const std::string& file, Output& o) {
    auto loaded = load_config_file(file);
    o.err << loaded.diags.str();
    if (!loaded.ok()) {
        o.err << file << ": cannot be shown (" << summary(loaded.diags) << ")\n";
        return 1;
    }
    o.out << render_ios(loaded.config);
    return 0;
}

}  // namespace tandem::ctl
