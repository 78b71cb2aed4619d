// tandem-dataplane: the DPDK fast path of a Tandem gateway.
//
//   tandem-dataplane -c CONFIG [--no-kernel-interfaces] [--print-eal-args]
//
// Reads the configuration (interfaces with their DPDK ports, dataplane settings, static routes),
// derives the EAL arguments from it, brings up ports, kernel interfaces, the crypto device and the
// tables, starts the workers and runs the main lcore: exception path, ARP, events, the control API.
// SIGINT or SIGTERM stops it cleanly. Tables installed over the API live as long as the process:
// a control plane that disconnects and reconnects finds them unchanged (non-stop forwarding).
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "common/config/load.h"
#include "dataplane/api/server.h"
#include "dataplane/app/dataplane.h"
#include "dataplane/app/telemetry.h"
#include "dataplane/eal/eal_args.h"
#include "dataplane/pipeline/idle_backoff.h"

namespace {

constexpr const char* usage_text = R"(Usage: tandem-dataplane -c CONFIG [OPTIONS]

The DPDK fast path of a Tandem IPsec gateway.

Options:
  -c, --config FILE          configuration (YAML or IOS text); its interfaces with a `port`
                             become DPDK ports, `dataplane:` sets lcores, crypto and memory
  --no-kernel-interfaces     do not create a TAP per port (no exception path; for tests)
  --print-eal-args           print the EAL arguments derived from the configuration and exit
  -h, --help                 this text

The control API listens on dataplane.api_socket (see docs/dataplane-api.md); `tandemctl dp`
talks to it. Statistics are also DPDK telemetry commands (/tandem/...): read them with
`dpdk-telemetry.py -f FILE_PREFIX`; `--no-telemetry` in dataplane.eal_args turns that off.
Stop with SIGINT or SIGTERM.
)";

uint64_t now_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000 + static_cast<uint64_t>(ts.tv_nsec) / 1000000;
}

std::string mac_text(const tandem::dpapi::MacAddress& m) {
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    return buf;
}

}  // namespace

int main(int argc, char** argv) {
    std::string config_file;
    bool kernel = true, print_args = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "-h" || a == "--help") {
            std::cout << usage_text;
            return 0;
        } else if ((a == "-c" || a == "--config") && i + 1 < argc) {
            config_file = argv[++i];
        } else if (a == "--no-kernel-interfaces") {
            kernel = false;
        } else if (a == "--print-eal-args") {
            print_args = true;
        } else {
            std::cerr << "tandem-dataplane: unknown argument '" << a << "'\nTry 'tandem-dataplane --help'.\n";
            return 2;
        }
    }
    if (config_file.empty()) {
        std::cerr << "tandem-dataplane: -c CONFIG is required\nTry 'tandem-dataplane --help'.\n";
        return 2;
    }
    auto loaded = tandem::config::load_config_file(config_file);
    std::cerr << loaded.diags.str();
    if (!loaded.ok()) {
        std::cerr << "tandem-dataplane: " << config_file << ": not started: the configuration has errors\n";
        return 1;
    }
    auto eal_args = tandem::dp::build_eal_args(loaded.config, "tandem-dataplane");
    if (print_args) {
        for (size_t i = 0; i < eal_args.size(); ++i) std::cout << (i ? " " : "") << eal_args[i];
        std::cout << "\n";
        return 0;
    }

    // Signals arrive through a signalfd the main loop polls: blocked before EAL starts its threads
    // so none of them takes the signal.
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &mask, nullptr);
    int sig_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);

    std::vector<char*> eal_argv;
    for (auto& a : eal_args) eal_argv.push_back(a.data());
    eal_argv.push_back(nullptr);
    if (rte_eal_init(static_cast<int>(eal_args.size()), eal_argv.data()) < 0) {
        std::cerr << "tandem-dataplane: EAL: " << rte_strerror(rte_errno) << "\n";
        return 1;
    }
    int status = 0;
    {
        auto dp = tandem::dp::Dataplane::create(loaded.config, tandem::dp::DataplaneOptions{kernel});
        if (!dp) {
            std::cerr << "tandem-dataplane: " << dp.error().message << "\n";
            rte_eal_cleanup();
            return 1;
        }
        auto& d = **dp;
        for (size_t p = 0; p < d.ports().size(); ++p) {
            std::cerr << "tandem-dataplane: port " << p << " " << d.port_names()[p] << ": DPDK port "
                      << d.ports()[p].id() << ", MAC " << mac_text(d.ports()[p].mac())
                      << (kernel ? ", kernel interface " + tandem::dp::kernel_ifname(d.port_names()[p]) : std::string())
                      << "\n";
        }
        std::cerr << "tandem-dataplane: crypto " << d.crypto().name() << " ("
                  << (d.crypto().cpu_crypto() ? "CPU crypto" : "lookaside") << "), " << d.workers().size()
                  << " worker(s)\n";
        tandem::dp::ApiServerConfig api_cfg;
        api_cfg.socket_path = loaded.config.dataplane.api_socket;
        api_cfg.tables = &d.tables();
        api_cfg.main = &d.main_context();
        api_cfg.vaddr_host = &d.vaddr_host();
        for (auto* w : d.workers()) api_cfg.workers.push_back({d.worker_lcore(w->index), w});
        api_cfg.max_sas = d.tables_config().max_sas;
        api_cfg.max_policies = d.tables_config().max_policies;
        api_cfg.max_routes = d.tables_config().fib.max_routes;
        api_cfg.tsc_hz = rte_get_tsc_hz();
        auto api = tandem::dp::ApiServer::create(api_cfg);
        if (!api) {
            std::cerr << "tandem-dataplane: control API: " << api.error().message << "\n";
            status = 1;
        } else if (auto r = d.start(); !r) {
            std::cerr << "tandem-dataplane: " << r.error().message << "\n";
            status = 1;
        } else {
            std::cerr << "tandem-dataplane: forwarding; control API on " << api_cfg.socket_path << "\n";
            // Telemetry is optional: without it (switched off, or failing) the gateway still runs.
            std::unique_ptr<tandem::dp::Telemetry> telemetry;
            if (std::find(eal_args.begin(), eal_args.end(), "--no-telemetry") == eal_args.end()) {
                tandem::dp::TelemetryOptions topts;
                topts.name = loaded.config.hostname;
                auto t = tandem::dp::Telemetry::create(d, topts, now_ms());
                if (t) {
                    telemetry = std::move(*t);
                    std::cerr << "tandem-dataplane: telemetry commands /tandem/* on " << rte_eal_get_runtime_dir()
                              << "/dpdk_telemetry.v2\n";
                } else {
                    std::cerr << "tandem-dataplane: " << t.error().message << " (continuing without)\n";
                }
            }
            tandem::dp::IdleBackoff idle(true, 64, 1000);
            for (;;) {
                signalfd_siginfo si;
                if (sig_fd >= 0 && read(sig_fd, &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
                    std::cerr << "tandem-dataplane: " << strsignal(static_cast<int>(si.ssi_signo)) << ": stopping\n";
                    break;
                }
                uint64_t now = now_ms();
                bool did = d.poll(now);
                did |= (*api)->poll(now);
                if (telemetry) did |= telemetry->poll(now);
                if (uint32_t us = idle.next(did)) usleep(us);
            }
            telemetry.reset();
            d.stop();
            // A last word on what happened, for the log.
            const auto& mcnt = d.main_context().counters;
            std::cerr << "tandem-dataplane: main lcore: kernel->port " << mcnt.kernel_to_port << ", ARP in "
                      << mcnt.arp_in << " (bad " << mcnt.arp_bad << "), ARP requests sent " << mcnt.arp_requests_sent
                      << ", resolved and sent " << mcnt.resolved_sent << ", tx full " << mcnt.tx_full << "\n";
            for (auto* w : d.workers()) {
                std::cerr << "tandem-dataplane: worker " << w->index << ": " << w->counters.packets.load() << " packets";
                for (size_t r = 0; r < tandem::dpapi::kDropReasonCount; ++r) {
                    if (uint64_t n = w->counters.drops[r].load()) std::cerr << ", " << tandem::dpapi::kDropReasonNames[r] << " " << n;
                }
                std::cerr << "\n";
            }
        }
    }
    rte_eal_cleanup();
    if (sig_fd >= 0) close(sig_fd);
    return status;
}
