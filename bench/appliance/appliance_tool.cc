// appliance_tool: the C++ half of the appliance benchmark (bench/appliance/run is the driver).
// It owns the benchmark's topology (topology.h), so captures and tables always agree.
//
//   appliance_tool capture clear|esp|arp --out FILE [--tunnels N] [--cipher C] [--size S]
//                  [--packets P] [--mac XX:..] [--port inside|outside]
//       Writes an input capture (capture.h). `esp` starts EAL (--no-huge, one lcore) for the
//       crypto device and Tandem's ESP engine.
//   appliance_tool install --socket PATH --tunnels N --cipher C --direction encap|decap
//   appliance_tool extra-sas --socket PATH --first-id I --count N --cipher C
//   appliance_tool extra-routes --socket PATH --count N [--delete]
//   appliance_tool churn --socket PATH --tunnels N --cipher C --seconds S --rekeys-per-s R
//                  --routes-per-s R
//       Talk to a running tandem-dataplane over its control API; print one JSON object.
#include <rte_eal.h>
#include <rte_errno.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "bench/appliance/capture.h"
#include "bench/appliance/table_load.h"

namespace {

using namespace tandem;
using namespace tandem::bench;

struct Args {
    std::string command, kind;
    std::map<std::string, std::string> opt;
    std::string get(const std::string& k, const std::string& dflt = "") const {
        auto it = opt.find(k);
        return it == opt.end() ? dflt : it->second;
    }
    bool has(const std::string& k) const { return opt.count(k) != 0; }
    uint32_t num(const std::string& k, uint32_t dflt) const {
        return has(k) ? static_cast<uint32_t>(std::strtoul(get(k).c_str(), nullptr, 10)) : dflt;
    }
    double real(const std::string& k, double dflt) const { return has(k) ? std::strtod(get(k).c_str(), nullptr) : dflt; }
};

int fail(const std::string& why) {
    std::fprintf(stderr, "appliance_tool: %s\n", why.c_str());
    return 1;
}

bool parse_mac(const std::string& s, dpapi::MacAddress& mac) {
    unsigned b[6];
    if (std::sscanf(s.c_str(), "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6) return false;
    for (int i = 0; i < 6; ++i) mac[static_cast<size_t>(i)] = static_cast<uint8_t>(b[i]);
    return true;
}

int start_eal() {
    std::string prefix = "appliance-tool-" + std::to_string(getpid());
    std::vector<std::string> a{"appliance_tool", "-l", "0", "--no-huge", "-m", "512", "--no-pci",
                               "--file-prefix", prefix, "--log-level", "error", "--no-telemetry"};
    std::vector<char*> argv;
    for (auto& s : a) argv.push_back(s.data());
    if (rte_eal_init(static_cast<int>(argv.size()), argv.data()) < 0) {
        return fail(std::string("rte_eal_init: ") + rte_strerror(rte_errno));
    }
    return 0;
}

int cmd_capture(const Args& a) {
    CaptureSpec spec;
    spec.tunnels = std::max<uint32_t>(1, a.num("tunnels", 1));
    spec.packets = a.num("packets", 1024);
    spec.sizes = size_pattern(a.get("size", "64"));
    if (spec.sizes.empty()) return fail("--size takes 64..1420 or imix");
    if (!parse_cipher(a.get("cipher", "aes-gcm-128"), spec.cipher)) return fail("unknown --cipher");
    if (a.has("mac") && !parse_mac(a.get("mac"), spec.gateway_mac)) return fail("--mac takes xx:xx:xx:xx:xx:xx");
    if (spec.tunnels > kMaxTunnels) return fail("at most 131072 tunnels");
    const std::string out = a.get("out");
    if (out.empty()) return fail("--out FILE is required");
    Result<void> r = ok_result();
    if (a.kind == "clear") {
        spec.encap = true;
        r = write_cleartext_capture(out, spec);
    } else if (a.kind == "esp") {
        spec.encap = false;
        if (int rc = start_eal(); rc != 0) return rc;
        r = write_esp_capture(out, spec);
        rte_eal_cleanup();
    } else if (a.kind == "arp") {
        r = write_arp_capture(out, a.get("port", "outside") == "inside" ? kInsidePort : kOutsidePort);
    } else {
        return fail("capture takes clear, esp or arp");
    }
    if (!r) return fail(r.error().message);
    return 0;
}

Result<dpapi::Client> connect(const Args& a) {
    auto c = dpapi::Client::connect(a.get("socket", "/run/tandem/dataplane.sock"), 600000);
    if (!c) return c.error();
    if (auto h = c->hello("appliance_tool"); !h) return h.error();
    return c;
}

// The dataplane's texts have no control characters (docs/dataplane-api.md); quotes and
// backslashes are all JSON needs escaped.
std::string json_safe(const std::string& s) {
    std::string out;
    for (char ch : s) {
        if (ch == '"' || ch == '\\') out += '\\';
        out += ch;
    }
    return out;
}

int cmd_api(const Args& a) {
    auto c = connect(a);
    if (!c) return fail(c.error().message);
    Cipher cipher = Cipher::gcm128;
    if (!parse_cipher(a.get("cipher", "aes-gcm-128"), cipher)) return fail("unknown --cipher");
    if (a.command == "install") {
        const bool encap = a.get("direction", "encap") == "encap";
        const uint32_t n = a.num("tunnels", 1);
        if (n == 0 || n > kMaxTunnels) return fail("--tunnels takes 1..131072");
        auto t = install_tunnels(*c, n, cipher, encap);
        if (!t) return fail(t.error().message);
        std::printf("{\"tunnels\": %u, \"routes_s\": %.6f, \"policies_s\": %.6f, \"sas_s\": %.6f}\n", n, t->routes_s,
                    t->policies_s, t->sas_s);
    } else if (a.command == "extra-sas") {
        const uint32_t first = a.num("first-id", 0), n = a.num("count", 0);
        const double start = monotonic_seconds();
        auto t = install_extra_sas(*c, first, n, cipher);
        if (!t) return fail(t.error().message);
        std::printf("{\"count\": %u, \"seconds\": %.6f, \"start_mono\": %.6f, \"end_mono\": %.6f}\n", n, *t, start,
                    monotonic_seconds());
    } else if (a.command == "extra-routes") {
        const uint32_t n = a.num("count", 0);
        const double start = monotonic_seconds();
        auto t = a.has("delete") ? delete_extra_routes(*c, n) : install_extra_routes(*c, n);
        if (!t) return fail(t.error().message);
        std::printf("{\"count\": %u, \"seconds\": %.6f, \"start_mono\": %.6f, \"end_mono\": %.6f}\n", n, *t, start,
                    monotonic_seconds());
    } else if (a.command == "churn") {
        ChurnSpec spec;
        spec.tunnels = a.num("tunnels", 1000);
        spec.cipher = cipher;
        spec.seconds = a.real("seconds", 5);
        spec.rekeys_per_s = a.real("rekeys-per-s", 100);
        spec.routes_per_s = a.real("routes-per-s", 1000);
        auto r = churn(*c, spec);
        if (!r) return fail(r.error().message);
        std::vector<double> ms = r->request_ms;
        std::sort(ms.begin(), ms.end());
        auto pct = [&](double p) { return ms.empty() ? 0.0 : ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))]; };
        std::printf("{\"rekeys\": %llu, \"route_changes\": %llu, \"failures\": %llu, \"seconds\": %.6f, "
                    "\"start_mono\": %.6f, \"end_mono\": %.6f, \"requests\": %zu, \"request_ms_p50\": %.3f, "
                    "\"request_ms_p99\": %.3f, \"request_ms_max\": %.3f, \"first_failure\": \"%s\"}\n",
                    static_cast<unsigned long long>(r->rekeys), static_cast<unsigned long long>(r->route_changes),
                    static_cast<unsigned long long>(r->failures), r->seconds, r->start_mono, r->end_mono, ms.size(),
                    pct(0.5), pct(0.99), ms.empty() ? 0.0 : ms.back(), json_safe(r->first_failure).c_str());
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Args a;
    int i = 1;
    if (i < argc) a.command = argv[i++];
    if (a.command == "capture" && i < argc) a.kind = argv[i++];
    for (; i < argc; ++i) {
        std::string k = argv[i];
        if (k.rfind("--", 0) != 0) return fail("unexpected argument " + k);
        k = k.substr(2);
        if (k == "delete") {
            a.opt[k] = "1";
        } else if (i + 1 < argc) {
            a.opt[k] = argv[++i];
        } else {
            return fail("--" + k + " needs a value");
        }
    }
    if (a.command == "capture") return cmd_capture(a);
    if (a.command == "install" || a.command == "extra-sas" || a.command == "extra-routes" || a.command == "churn") {
        return cmd_api(a);
    }
    std::fprintf(stderr, "usage: see the opening comment of bench/appliance/appliance_tool.cc\n");
    return 2;
}
