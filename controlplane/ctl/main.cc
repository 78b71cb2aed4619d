// tandemctl: the operator's command line for Tandem gateways.
//
// It works on configuration files (offline), `tandemctl dp ...` talks to a running
// tandem-dataplane over its control API (dp_commands.h), and every other command (`show crypto
// ipsec sa`, `show standby`, `clear crypto sa`, `reload`, ...) goes to tandem-control's socket
// (controlplane/cli), which matches it IOS-style. `show running-config -c FILE` stays offline.
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "controlplane/cli/cli_client.h"
#include "controlplane/ctl/dp_commands.h"
#include "controlplane/ctl/offline_commands.h"

namespace {

constexpr const char* usage_text = R"(Usage: tandemctl [OPTIONS] COMMAND [ARGS]

Tandem IPsec VPN gateway: command line.

Configuration commands (offline: they read files, no gateway needs to run):
  config check FILE...         Load and validate each configuration (YAML, or IOS text by
                               extension .ios/.cfg/.conf/.txt or by content). Prints every
                               error and warning as FILE:LINE:COL: error: FIELD: MESSAGE.
                               Exit status 0 when all files are valid, 1 otherwise.
  config compile FILE          Validate FILE and print what it compiles to: per interface the
                               local tunnel endpoint and the outbound security policy in
                               evaluation order, and the routes reverse route injection owes
                               to static crypto maps.
  import-ios FILE [-o OUT]     Convert IOS configuration (crypto map, crypto dynamic-map,
                               transform sets, access lists, interfaces with standby groups,
                               crypto isakmp / ikev2, ip route) to Tandem YAML on standard
                               output or OUT. Lines it does not import are listed as warnings
                               with their line numbers. Exit status 1 when the IOS text has
                               errors (no YAML is written) or the result does not validate.
  show running-config          Render the configuration given with -c as IOS-style text.

Gateway commands (asked of a running tandem-control over its control socket; IOS-style
abbreviations work, e.g. `sh cry ipsec sa`; `tandemctl help-gateway` lists them all):
  show version | show running-config | show dataplane
  show crypto ... | show standby ... | show ip route ...   (as the running gateway offers)
  clear crypto sa [peer ADDR] | clear crypto ikev2 sa
  reload                       Re-read the gateway's configuration; a configuration with errors
                               is refused with its file:line:column diagnostics and the
                               running one stays.

%DP%
Options:
  -c, --config FILE            The configuration file for offline show commands.
  -s, --control-socket PATH    tandem-control's socket (default /run/tandem/control.sock).
  --json                       Machine-readable output (config check, dp queries and events).
  -h, --help                   This text.
  --version                    Print the version.

Examples:
  tandemctl config check configs/lab-gw1.yaml
  tandemctl import-ios router.cfg -o router.yaml && tandemctl config check router.yaml
  tandemctl -c configs/seed-hsrp-ipsec.yaml show running-config
  tandemctl -s /run/tandem/gw1-control.sock show crypto ipsec sa
  tandemctl dp --socket /run/tandem/gw1.sock show sa
  tandemctl dp add route 10.2.0.0/16 via 192.0.2.10 port 1
)";

// The usage text with the dp commands in their place.
void print_usage() {
    std::string text = usage_text;
    text.replace(text.find("%DP%"), 4, tandem::ctl::dp_usage_text);
    std::cout << text;
}

int usage_error(const std::string& why) {
    std::cerr << "tandemctl: " << why << "\nTry 'tandemctl --help'.\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args;
    std::string config_file;
    std::string out_file;
    bool json = false;
    tandem::ctl::DpOptions dp_options;
    std::string control_socket = "/run/tandem/control.sock";
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "-h" || a == "--help" || a == "help") {
            print_usage();
            return 0;
        }
        if (a == "--version") {
            std::cout << "tandemctl 0.1.0\n";
            return 0;
        }
        if (a == "--json") {
            json = true;
        } else if (a == "-c" || a == "--config" || a == "-o" || a == "--output") {
            if (i + 1 >= argc) return usage_error("option " + a + " needs a file name");
            (a == "-c" || a == "--config" ? config_file : out_file) = argv[++i];
        } else if (a == "-s" || a == "--control-socket") {
            if (i + 1 >= argc) return usage_error("option " + a + " needs a path");
            control_socket = argv[++i];
        } else if (a == "--socket") {
            if (i + 1 >= argc) return usage_error("option --socket needs a path");
            dp_options.socket = argv[++i];
        } else if (a == "--count") {
            if (i + 1 >= argc) return usage_error("option --count needs a number");
            char* end = nullptr;
            dp_options.count = std::strtol(argv[++i], &end, 10);
            if (*end != '\0' || dp_options.count < 0) return usage_error("--count needs a number >= 0");
        } else if (a.size() > 1 && a[0] == '-' && a != "-") {
            return usage_error("unknown option '" + a + "'");
        } else {
            args.push_back(a);
        }
    }
    if (args.empty()) return usage_error("no command given");

    tandem::ctl::Output o{std::cout, std::cerr, json};
    if (args[0] == "dp") return tandem::ctl::cmd_dp({args.begin() + 1, args.end()}, dp_options, o);
    const std::string& cmd = args[0];
    if (cmd == "config") {
        if (args.size() < 2) return usage_error("'config' needs a subcommand: check or compile");
        if (args[1] == "check") {
            if (args.size() < 3) return usage_error("'config check' needs at least one FILE");
            return tandem::ctl::cmd_config_check({args.begin() + 2, args.end()}, o);
        }
        if (args[1] == "compile") {
            if (args.size() != 3) return usage_error("'config compile' takes one FILE");
            return tandem::ctl::cmd_config_compile(args[2], o);
        }
        return usage_error("unknown config subcommand '" + args[1] + "' (check, compile)");
    }
    if (cmd == "import-ios") {
        if (args.size() != 2) return usage_error("'import-ios' takes one FILE");
        return tandem::ctl::cmd_import_ios(args[1], out_file, o);
    }
    if (cmd == "show" && args.size() >= 2 && (args[1] == "running-config" || args[1] == "run") &&
        (!config_file.empty() || args.size() == 3)) {
        if (config_file.empty()) config_file = args[2];
        return tandem::ctl::cmd_show_running_config(config_file, o);
    }

    // Everything else is a gateway command: tandem-control matches and answers it.
    std::string line;
    if (cmd == "help-gateway") {
        line = "help";
    } else {
        for (const auto& w : args) {
            const bool spaced = w.find_first_of(" \t") != std::string::npos;
            line += (line.empty() ? "" : " ") + (spaced ? "\"" + w + "\"" : w);
        }
    }
    if (json) line += " --json";
    auto answer = tandem::cli::run_remote(control_socket, line);
    if (!answer) {
        std::cerr << "tandemctl: " << answer.error().message << "\n";
        return 1;
    }
    (answer->ok ? std::cout : std::cerr) << answer->text;
    return answer->ok ? 0 : 1;
}
