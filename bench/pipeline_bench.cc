// pipeline_bench: single-core throughput of Tandem's whole per-packet pipeline without I/O, beside
// the raw crypto ceiling measured in the same run on the same core.
//
//   pipeline_bench [options]
//     --reps N          repetitions (default 5); each runs every case's four measurements back to
//                       back: pipeline, ESP engine alone, rte_ipsec alone, crypto ceiling (order
//                       reversed every other repetition)
//     --duration-ms D   timed budget per measurement (default 500), after a warm-up of D/5
//     --cases TEXT      only cases whose name contains TEXT (e.g. "encap", "1420", "gcm")
//     --mem MODE        EAL memory: no-huge (default, 4 KB pages, -m 512) or in-memory
//                       (hugepages without a mounted hugetlbfs; needs free hugepages)
//     --lcore N         the core to run on (default 1)
//     --json FILE       write the JSON report there (default: none)
//     --markdown FILE   write the Markdown table there (default: stdout)
//     --meta K=V        extra metadata recorded under "software" (repeatable)
//     --only KIND       measure only "pipeline", "esp", "rte_ipsec" or "ceiling" (for perf)
//     --check           instead of measuring: run every case's harness self-check (the pipeline's
//                       output decrypts to the input, the ceiling's crypto round-trips); exit 1 on
//                       any failure. Registered as the meson test `bench_check`.
//
// The model of each half is in pipeline_harness.h and crypto_ceiling.h; timing in bench_common.h.
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_version.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "bench/bench_report.h"
#include "bench/crypto_ceiling.h"
#include "bench/pipeline_harness.h"

namespace tandem::bench {
namespace {

struct Options {
    int reps = 5;
    int duration_ms = 500;
    std::string cases;
    std::string mem = "no-huge";
    int lcore = 1;
    std::string json;
    std::string markdown;
    std::vector<std::pair<std::string, std::string>> meta;
    std::string only;  // "", or a kind_name()
    bool check = false;
};

bool parse_options(int argc, char** argv, Options& o) {
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        const char* v = nullptr;
        if (a == "--check") {
            o.check = true;
        } else if (a == "--reps" && (v = value())) {
            o.reps = std::atoi(v);
        } else if (a == "--duration-ms" && (v = value())) {
            o.duration_ms = std::atoi(v);
        } else if (a == "--cases" && (v = value())) {
            o.cases = v;
        } else if (a == "--mem" && (v = value()) &&
                   (std::string(v) == "no-huge" || std::string(v) == "in-memory")) {
            o.mem = v;
        } else if (a == "--lcore" && (v = value())) {
            o.lcore = std::atoi(v);
        } else if (a == "--only" && (v = value())) {
            const std::string k = v;
            if (k != "pipeline" && k != "esp" && k != "rte_ipsec" && k != "ceiling") return false;
            o.only = v;
        } else if (a == "--json" && (v = value())) {
            o.json = v;
        } else if (a == "--markdown" && (v = value())) {
            o.markdown = v;
        } else if (a == "--meta" && (v = value()) && std::strchr(v, '=')) {
            const std::string kv = v;
            o.meta.emplace_back(kv.substr(0, kv.find('=')), kv.substr(kv.find('=') + 1));
        } else {
            std::fprintf(stderr, "pipeline_bench: bad argument %s (see bench/pipeline_bench.cc)\n", a.c_str());
            return false;
        }
    }
    return o.reps > 0 && o.duration_ms > 0 && o.lcore >= 0;
}

bool init_eal(const Options& o) {
    std::vector<std::string> args = {"pipeline_bench", "--no-pci", "-l", std::to_string(o.lcore),
                                     "--file-prefix", "tandem-bench-" + std::to_string(getpid()),
                                     "--log-level", "lib.eal:warning", "--vdev", "crypto_aesni_mb0"};
    if (o.mem == "in-memory") {
        args.push_back("--in-memory");
    } else {
        // The self-check needs little memory, and zeroing 4 KB pages is most of its start-up time.
        for (const char* a : {"--no-huge", "-m", o.check ? "256" : "512"}) args.push_back(a);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (rte_eal_init(static_cast<int>(args.size()), argv.data()) < 0) {
        std::fprintf(stderr, "rte_eal_init (%s) failed: %s\n", o.mem.c_str(), rte_strerror(rte_errno));
        return false;
    }
    return true;
}

std::vector<BenchCase> all_cases(const std::string& filter) {
    std::vector<BenchCase> out;
    for (bool encap : {true, false}) {
        for (Algo a : {Algo::gcm128, Algo::cbc128_sha256}) {
            for (uint16_t len : {64, 512, 1420}) {
                BenchCase c{encap, a, len};
                if (filter.empty() || c.name().find(filter) != std::string::npos) out.push_back(c);
            }
        }
    }
    return out;
}

std::string first_line_with(const char* path, const std::string& key) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(key, 0) == 0) {
            const auto colon = line.find(':');
            return colon == std::string::npos ? line : line.substr(line.find_first_not_of(" \t", colon + 1));
        }
    }
    return "";
}

std::string read_file_line(const char* path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

std::string utc_now() {
    char buf[32];
    const std::time_t t = std::time(nullptr);
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return buf;
}

int run_check(const dp::CryptoDevice& dev, const std::vector<BenchCase>& cases) {
    auto h = PipelineHarness::create(dev);
    if (!h) {
        std::fprintf(stderr, "harness: %s\n", h.error().message.c_str());
        return 1;
    }
    int failed = 0;
    for (const BenchCase& c : cases) {
        Result<void> r = (*h)->configure(c);
        if (r) r = (*h)->check();
        if (r) {
            auto cc = CryptoCeiling::create(dev, c);
            r = cc ? cc->check() : Result<void>(cc.error());
            // The timed loops themselves run clean (every packet comes out, every ICV verifies).
            const uint64_t brief = rte_get_tsc_hz() / 1000;
            if (r && (*h)->measure(brief).failures + (*h)->measure_esp(brief).failures +
                             (*h)->measure_library(brief).failures + cc->measure(brief).failures != 0) {
                r = Error(c.name() + ": a timed loop reported failures");
            }
        }
        std::printf("%-36s %s%s\n", c.name().c_str(), r ? "ok" : "FAILED: ", r ? "" : r.error().message.c_str());
        failed += r ? 0 : 1;
    }
    return failed == 0 ? 0 : 1;
}

int run_bench(const Options& o, const dp::CryptoDevice& dev, const std::vector<BenchCase>& cases) {
    auto h = PipelineHarness::create(dev);
    if (!h) {
        std::fprintf(stderr, "harness: %s\n", h.error().message.c_str());
        return 1;
    }
    const double hz = static_cast<double>(rte_get_tsc_hz());
    const uint64_t duration = static_cast<uint64_t>(hz * o.duration_ms / 1000.0);
    const uint64_t warmup = duration / 5;
    ReportInfo info;
    info.tsc_hz = hz;
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    utsname un{};
    uname(&un);
    const std::string load_start = read_file_line("/proc/loadavg");
    std::vector<Run> runs;
    for (int rep = 0; rep < o.reps; ++rep) {
        for (const BenchCase& c : cases) {
            if (auto r = (*h)->configure(c); !r) {
                std::fprintf(stderr, "%s: %s\n", c.name().c_str(), r.error().message.c_str());
                return 1;
            }
            auto cc = CryptoCeiling::create(dev, c);
            if (!cc) {
                std::fprintf(stderr, "%s: %s\n", c.name().c_str(), cc.error().message.c_str());
                return 1;
            }
            // Order alternates between repetitions: pipeline, ESP engine, rte_ipsec, ceiling; then
            // reversed.
            for (int k = 0; k < kKinds; ++k) {
                const Kind kind = static_cast<Kind>(rep % 2 == 0 ? k : kKinds - 1 - k);
                if (!o.only.empty() && o.only != kind_name(kind)) continue;
                Sample s;
                if (kind == Kind::pipeline) {
                    (void)(*h)->measure(warmup);
                    s = (*h)->measure(duration);
                } else if (kind == Kind::esp) {
                    (void)(*h)->measure_esp(warmup);
                    s = (*h)->measure_esp(duration);
                } else if (kind == Kind::library) {
                    (void)(*h)->measure_library(warmup);
                    s = (*h)->measure_library(duration);
                } else {
                    (void)cc->measure(warmup);
                    s = cc->measure(duration);
                }
                runs.push_back(Run{rep, c, kind, s});
                std::fprintf(stderr, "rep %d  %-34s %-8s %7.1f cycles/pkt  %6.2f Mpps  (trimmed %.1f%%%s)\n", rep,
                             c.name().c_str(), kind_name(kind), s.cycles_per_packet, mpps_of(s.cycles_per_packet, hz),
                             s.trimmed_share * 100, s.failures ? ", FAILURES" : "");
            }
        }
    }
    info.machine = {{"host", host},
                    {"cpu_model", first_line_with("/proc/cpuinfo", "model name")},
                    {"cpu_family", first_line_with("/proc/cpuinfo", "cpu family")},
                    {"cpu_model_number", first_line_with("/proc/cpuinfo", "model\t")},
                    {"cpus_online", std::to_string(sysconf(_SC_NPROCESSORS_ONLN))},
                    {"kernel", std::string(un.sysname) + " " + un.release},
                    {"loadavg_start", load_start},
                    {"loadavg_end", read_file_line("/proc/loadavg")}};
    info.software = {{"dpdk", rte_version()}, {"crypto_device", dev.name()}, {"crypto_driver", dev.driver()},
                     {"compiler", "g++ " __VERSION__}};
    info.software.insert(info.software.end(), o.meta.begin(), o.meta.end());
    info.method = {{"date", utc_now()},
                   {"eal_memory", o.mem},
                   {"lcore", std::to_string(o.lcore)},
                   {"burst", std::to_string(kBurst)},
                   {"repetitions", std::to_string(o.reps)},
                   {"duration_ms_per_measurement", std::to_string(o.duration_ms)},
                   {"pipeline", "worker_process_handoffs + worker_process_rx(32) + worker_flush (net_ring TX) + "
                                "rte_rcu_qsbr_quiescent; mbuf alloc, frame copy and TX-ring drain/free not timed"},
                   {"esp_engine", "esp_outbound_burst / esp_inbound_burst alone on the same SA, 32 packets; "
                                  "Ethernet strip, mbuf alloc/copy/free not timed"},
                   {"rte_ipsec", "rte_ipsec_pkt_cpu_prepare + rte_ipsec_pkt_process alone on the same SA "
                                 "session, 32 packets; Ethernet strip, mbuf alloc/copy/free not timed"},
                   {"ceiling", "rte_cryptodev_sym_cpu_crypto_process on crypto_aesni_mb, 32 buffers per call, "
                               "the exact ESP payload/ICV/AAD sizes of each case; buffer restore not timed"},
                   {"statistic", "per measurement: mean TSC cycles over bursts <= 4x the median burst; per case: "
                                 "median over repetitions; ratio = median of per-repetition ceiling/pipeline"},
                   {"decap_replay", "Tandem's replay window on (64); 512 prepared ESP frames, window reset when "
                                    "the set wraps"}};
    const auto sums = summarise(cases, runs, hz);
    const std::string md = to_markdown(sums);
    if (!o.json.empty()) {
        std::ofstream(o.json) << to_json(info, runs, sums);
    }
    if (!o.markdown.empty()) {
        std::ofstream(o.markdown) << md;
    } else {
        std::cout << md;
    }
    uint64_t failures = 0;
    for (const auto& s : sums) failures += s.failures;
    return failures == 0 ? 0 : 2;
}

}  // namespace
}  // namespace tandem::bench

int main(int argc, char** argv) {
    using namespace tandem::bench;
    Options o;
    if (!parse_options(argc, argv, o)) return 64;
    if (!init_eal(o)) return 1;
    int rc = 1;
    {
        tandem::dp::CryptoDeviceConfig cc;
        cc.fallback = "";  // the ceiling is defined on crypto_aesni_mb: no silent OpenSSL
        auto dev = tandem::dp::CryptoDevice::create(cc);
        if (!dev) {
            std::fprintf(stderr, "crypto device: %s\n", dev.error().message.c_str());
        } else {
            const auto cases = all_cases(o.cases);
            if (cases.empty()) {
                std::fprintf(stderr, "no case matches \"%s\"\n", o.cases.c_str());
            } else {
                rc = o.check ? run_check(*dev, cases) : run_bench(o, *dev, cases);
            }
        }
    }
    rte_eal_cleanup();
    return rc;
}
