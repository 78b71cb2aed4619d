// Operator static routes and the settings of the processes Tandem runs: the DPDK dataplane and
// the BIRD routing daemon it injects routes into.
//
// The dataplane builds its EAL command line itself (lcores, file prefix, hugepages, the devices
// named by interface ports); eal_args only adds to it, so options Tandem sets are rejected with
// the key that sets them. A DPDK mempool refuses a per-lcore cache larger than 512
// (RTE_MEMPOOL_CACHE_MAX_SIZE) or larger than the pool size / 1.5.
//
// BIRD reads Tandem's routes from a protocol defined in an included file; its name is a BIRD
// symbol (a letter, then letters, digits and underscores) and must not be a BIRD keyword.
#include <algorithm>
#include <array>
#include <string_view>

#include "common/config/validate_detail.h"

namespace tandem::config::validation {

namespace {

constexpr uint32_t mempool_cache_max = 512;  // RTE_MEMPOOL_CACHE_MAX_SIZE

void check_routes(const Config& cfg, Diagnostics& diags) {
    for (size_t i = 0; i < cfg.routes.size(); ++i) {
        const StaticRoute& r = cfg.routes[i];
        const std::string path = "routes[" + std::to_string(i) + "]";
        if (!r.next_hop && !r.interface) {
            diags.error(r.pos, path,
                        "route " + r.prefix.str() + " has neither next_hop nor interface; give at least one");
        }
        if (r.interface && !cfg.find_interface(*r.interface)) {
            diags.error(pos_of(r, "interface"), path + ".interface",
                        "unknown interface " + quoted(*r.interface) +
                            suggestion(*r.interface, names_of(cfg.interfaces), "interfaces"));
        }
    }
}

struct EalOption {
    std::string_view short_name;  // "-l", or empty
    std::string_view long_name;   // "--lcores", or empty
    std::string_view instead;
};

constexpr std::array<EalOption, 6> tandem_eal_options{{
    {"", "--file-prefix", "set dataplane.file_prefix instead"},
    {"-l", "--lcores", "set dataplane.main_lcore and dataplane.workers instead"},
    {"-c", "", "set dataplane.main_lcore and dataplane.workers instead"},
    {"", "--no-huge", "set dataplane.hugepages: false instead"},
    {"", "--vdev", "give the vdev devargs as an interface's port instead"},
    {"-a", "--allow", "give the PCI address as an interface's port instead"},
}};

// The option of Tandem's own that `arg` sets, if any: "-l", "-l0-3", "--lcores", "--lcores=...".
const EalOption* tandem_eal_option(std::string_view arg) {
    for (const auto& o : tandem_eal_options) {
        if (!o.long_name.empty() &&
            (arg == o.long_name || (arg.starts_with(o.long_name) && arg.size() > o.long_name.size() &&
                                    arg[o.long_name.size()] == '='))) {
            return &o;
        }
        if (!o.short_name.empty() && !arg.starts_with("--") && arg.starts_with(o.short_name)) return &o;
    }
    return nullptr;
}

void check_dataplane(const DataplaneSettings& dp, Diagnostics& diags) {
    for (size_t i = 0; i < dp.workers.size(); ++i) {
        const std::string path = "dataplane.workers[" + std::to_string(i) + "]";
        uint32_t lcore = dp.workers[i];
        if (lcore == dp.main_lcore) {
            diags.error(pos_of(dp, "workers"), path,
                        "lcore " + std::to_string(lcore) +
                            " is the main lcore (main_lcore), which runs the control loop; give workers other lcores");
        } else if (std::find(dp.workers.begin(), dp.workers.begin() + static_cast<std::ptrdiff_t>(i), lcore) !=
                   dp.workers.begin() + static_cast<std::ptrdiff_t>(i)) {
            diags.error(pos_of(dp, "workers"), path,
                        "lcore " + std::to_string(lcore) + " is listed twice; each worker needs its own lcore");
        }
    }
    if (dp.mbufs == 0) {
        diags.error(pos_of(dp, "mbufs"), "dataplane.mbufs", "mbufs must be greater than 0 (default 8191)");
    }
    if (dp.mbuf_cache > mempool_cache_max) {
        diags.error(pos_of(dp, "mbuf_cache"), "dataplane.mbuf_cache",
                    "mbuf_cache " + std::to_string(dp.mbuf_cache) +
                        " is larger than DPDK's per-lcore cache limit 512 (default 256)");
    } else if (dp.mbufs > 0 && uint64_t{dp.mbuf_cache} * 3 > uint64_t{dp.mbufs} * 2) {
        uint64_t max = uint64_t{dp.mbufs} * 2 / 3;
        diags.error(pos_of(dp, "mbuf_cache"), "dataplane.mbuf_cache",
                    "mbuf_cache " + std::to_string(dp.mbuf_cache) + " is more than mbufs / 1.5 (DPDK refuses the "
                    "mempool); use at most " + std::to_string(max) + ", or more mbufs");
    }
    for (size_t i = 0; i < dp.eal_args.size(); ++i) {
        if (const EalOption* o = tandem_eal_option(dp.eal_args[i])) {
            std::string name(o->long_name.empty() ? o->short_name : o->long_name);
            if (!o->short_name.empty() && !o->long_name.empty()) {
                name = std::string(o->short_name) + "/" + std::string(o->long_name);
            }
            diags.error(pos_of(dp, "eal_args"), "dataplane.eal_args[" + std::to_string(i) + "]",
                        quoted(dp.eal_args[i]) + ": Tandem sets " + name + " itself; " + std::string(o->instead));
        }
    }
}

constexpr std::array<std::string_view, 29> bird_keywords{{
    "gw",     "net",    "from",   "proto",    "dest",    "source", "scope",  "static", "kernel", "device",
    "direct", "protocol", "filter", "function", "table", "template", "define", "import", "export", "all",
    "none",   "where",  "accept", "reject",   "if",      "then",   "else",   "true",   "false",
}};

bool is_bird_symbol(std::string_view s) {
    auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (s.empty() || !alpha(s[0])) return false;
    return std::all_of(s.begin(), s.end(), [&](char c) { return alpha(c) || digit(c) || c == '_'; });
}

void check_path(const BirdSettings& bird, std::string_view key, const std::string& value, Diagnostics& diags) {
    if (!value.empty() && value.front() == '/') return;
    diags.error(pos_of(bird, key), "bird." + std::string(key),
                value.empty() ? "must not be empty; give an absolute path"
                              : quoted(value) + " is not an absolute path; give a path starting with /");
}

void check_bird(const BirdSettings& bird, Diagnostics& diags) {
    if (!is_bird_symbol(bird.protocol)) {
        diags.error(pos_of(bird, "protocol"), "bird.protocol",
                    quoted(bird.protocol) +
                        " is not a BIRD symbol: use a letter followed by letters, digits or '_' (e.g. rri)");
    } else if (std::find(bird_keywords.begin(), bird_keywords.end(), bird.protocol) != bird_keywords.end()) {
        diags.error(pos_of(bird, "protocol"), "bird.protocol",
                    quoted(bird.protocol) + " is a reserved BIRD keyword; choose another name (e.g. rri)");
    }
    check_path(bird, "include_file", bird.include_file, diags);
    check_path(bird, "socket", bird.socket, diags);
}

}  // namespace

void validate_routes_and_processes(const Config& cfg, Diagnostics& diags) {
    check_routes(cfg, diags);
    check_dataplane(cfg.dataplane, diags);
    check_bird(cfg.bird, diags);
}

}  // namespace tandem::config::validation
