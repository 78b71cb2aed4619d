// Telemetry: snapshot on the main lcore, publication, and the /tandem/* command callbacks. The
// model (who runs where, why a snapshot) is in telemetry.h.
#include "dataplane/app/telemetry.h"

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_telemetry.h>
#include <rte_version.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "common/dpapi/messages.h"
#include "common/dpapi/names.h"
#include "dataplane/app/dataplane.h"

#ifndef TANDEM_VERSION
#define TANDEM_VERSION "unknown"
#endif

namespace tandem::dp {

namespace {

// Where the main lcore pins the latest snapshot for the telemetry threads. Process-wide because
// 22.11's callbacks take no user argument; allocated once and never freed (see telemetry.h).
struct Board {
    std::mutex mu;                                     // guards `current` only
    std::shared_ptr<const TelemetrySnapshot> current;  // null: no dataplane is publishing
    // Registration has its own lock: rte_telemetry_register_cmd takes the library's lock, which
    // must never be waited for while `mu` is held.
    std::mutex register_mu;
    bool registered = false;                           // commands registered in this process
};

Board& board() {
    static Board* b = new Board();
    return *b;
}

std::shared_ptr<const TelemetrySnapshot> current_snapshot() noexcept {
    std::lock_guard lock(board().mu);
    return board().current;
}

const char* integrity_name(dpapi::AuthAlg a) {
    switch (a) {
    case dpapi::AuthAlg::none: return "none";
    case dpapi::AuthAlg::sha1_96: return "hmac-sha1-96";
    case dpapi::AuthAlg::sha256_128: return "hmac-sha256-128";
    case dpapi::AuthAlg::sha384_192: return "hmac-sha384-192";
    case dpapi::AuthAlg::sha512_256: return "hmac-sha512-256";
    }
    return "unknown";
}

std::string mac_text(const rte_ether_addr& m) {
    char buf[RTE_ETHER_ADDR_FMT_SIZE];
    rte_ether_format_addr(buf, sizeof buf, &m);
    return buf;
}

uint64_t relaxed(const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); }

// ---------------------------------------------------------------- formatting (telemetry threads)
//
// Only C calls on values of the snapshot: no allocation beyond the library's containers, nothing
// that throws.

// A dict entry holding an array; the library frees the array with the reply (or here, on failure).
template <typename Fill>
int add_array(rte_tel_data* d, const char* key, rte_tel_value_type type, Fill&& fill) noexcept {
    rte_tel_data* a = rte_tel_data_alloc();
    if (!a) return -ENOMEM;
    if (rte_tel_data_start_array(a, type) != 0) {
        rte_tel_data_free(a);
        return -EINVAL;
    }
    fill(a);
    if (rte_tel_data_add_dict_container(d, key, a, 0) != 0) {
        rte_tel_data_free(a);
        return -ENOSPC;
    }
    return 0;
}

template <typename Item, typename Get>
int add_u64_column(rte_tel_data* d, const char* key, const std::vector<Item>& items, Get&& get) noexcept {
    return add_array(d, key, RTE_TEL_U64_VAL, [&](rte_tel_data* a) {
        for (const Item& i : items) rte_tel_data_add_array_u64(a, get(i));
    });
}

void add_age(rte_tel_data* d, const TelemetrySnapshot& s) noexcept {
    uint64_t now = telemetry_clock_ms();
    rte_tel_data_add_dict_u64(d, "snapshot_age_ms", now >= s.taken_ms ? now - s.taken_ms : 0);
}

// "12" -> 12; anything else (empty, signs, spaces, trailing text, overflow) -> false.
bool parse_id(const char* text, uint32_t& out) noexcept {
    if (!text || !*text) return false;
    uint64_t v = 0;
    for (const char* p = text; *p; ++p) {
        if (*p < '0' || *p > '9') return false;
        v = v * 10 + static_cast<uint64_t>(*p - '0');
        if (v > UINT32_MAX) return false;
    }
    out = static_cast<uint32_t>(v);
    return true;
}

int cmd_info(const char*, const char*, rte_tel_data* d) noexcept {
    auto s = current_snapshot();
    if (!s) return -ENODEV;
    rte_tel_data_start_dict(d);
    rte_tel_data_add_dict_string(d, "version", TANDEM_VERSION);
    rte_tel_data_add_dict_string(d, "dpdk_version", rte_version());
    rte_tel_data_add_dict_int(d, "api_version", dpapi::kMaxVersion);
    rte_tel_data_add_dict_int(d, "api_min_version", dpapi::kMinVersion);
    rte_tel_data_add_dict_string(d, "name", s->name.c_str());
    rte_tel_data_add_dict_u64(d, "ports", s->ports.size());
    rte_tel_data_add_dict_u64(d, "workers", s->workers.size());
    rte_tel_data_add_dict_u64(d, "sas", s->sas.size());
    rte_tel_data_add_dict_u64(d, "max_sas", s->max_sas);
    rte_tel_data_add_dict_string(d, "crypto", s->crypto.c_str());
    rte_tel_data_add_dict_int(d, "cpu_crypto", s->cpu_crypto ? 1 : 0);
    rte_tel_data_add_dict_u64(d, "tsc_hz", s->tsc_hz);
    uint64_t now = telemetry_clock_ms();
    rte_tel_data_add_dict_u64(d, "uptime_ms", now >= s->started_ms ? now - s->started_ms : 0);
    rte_tel_data_add_dict_u64(d, "snapshot_interval_ms", s->interval_ms);
    add_age(d, *s);
    return 0;
}

int cmd_ports(const char*, const char*, rte_tel_data* d) noexcept {
    auto s = current_snapshot();
    if (!s) return -ENODEV;
    using P = TelemetrySnapshot::Port;
    const auto& ports = s->ports;
    rte_tel_data_start_dict(d);
    int rc = add_array(d, "name", RTE_TEL_STRING_VAL, [&](rte_tel_data* a) {
        for (const P& p : ports) rte_tel_data_add_array_string(a, p.name.c_str());
    });
    if (rc == 0) rc = add_u64_column(d, "eth_id", ports, [](const P& p) { return uint64_t{p.eth_id}; });
    if (rc == 0) rc = add_u64_column(d, "rx_packets", ports, [](const P& p) { return p.rx_packets; });
    if (rc == 0) rc = add_u64_column(d, "rx_bytes", ports, [](const P& p) { return p.rx_bytes; });
    if (rc == 0) rc = add_u64_column(d, "rx_errors", ports, [](const P& p) { return p.rx_errors; });
    if (rc == 0) rc = add_u64_column(d, "rx_drops", ports, [](const P& p) { return p.rx_drops; });
    if (rc == 0) rc = add_u64_column(d, "tx_packets", ports, [](const P& p) { return p.tx_packets; });
    if (rc == 0) rc = add_u64_column(d, "tx_bytes", ports, [](const P& p) { return p.tx_bytes; });
    if (rc == 0) rc = add_u64_column(d, "tx_errors", ports, [](const P& p) { return p.tx_errors; });
    if (rc != 0) return rc;
    add_age(d, *s);
    return 0;
}

int cmd_port(const char*, const char* params, rte_tel_data* d) noexcept {
    auto s = current_snapshot();
    if (!s) return -ENODEV;
    const TelemetrySnapshot::Port* port = nullptr;
    uint32_t index = 0;
    if (parse_id(params, index)) {
        if (index < s->ports.size()) port = &s->ports[index];
    } else if (params) {
        for (size_t i = 0; i < s->ports.size() && !port; ++i) {
            if (s->ports[i].name == params) {
                port = &s->ports[i];
                index = static_cast<uint32_t>(i);
            }
        }
    }
    if (!port) return -EINVAL;
    rte_tel_data_start_dict(d);
    rte_tel_data_add_dict_u64(d, "port", index);
    rte_tel_data_add_dict_string(d, "name", port->name.c_str());
    rte_tel_data_add_dict_u64(d, "eth_id", port->eth_id);
    rte_tel_data_add_dict_string(d, "mac", port->mac.c_str());
    rte_tel_data_add_dict_string(d, "address", port->address.c_str());
    rte_tel_data_add_dict_string(d, "role", port->outside ? "outside" : "inside");
    rte_tel_data_add_dict_u64(d, "rx_packets", port->rx_packets);
    rte_tel_data_add_dict_u64(d, "rx_bytes", port->rx_bytes);
    rte_tel_data_add_dict_u64(d, "rx_errors", port->rx_errors);
    rte_tel_data_add_dict_u64(d, "rx_drops", port->rx_drops);
    rte_tel_data_add_dict_u64(d, "tx_packets", port->tx_packets);
    rte_tel_data_add_dict_u64(d, "tx_bytes", port->tx_bytes);
    rte_tel_data_add_dict_u64(d, "tx_errors", port->tx_errors);
    add_age(d, *s);
    return 0;
}

int cmd_workers(const char*, const char*, rte_tel_data* d) noexcept {
    auto s = current_snapshot();
    if (!s) return -ENODEV;
    using W = TelemetrySnapshot::Worker;
    const auto& ws = s->workers;
    rte_tel_data_start_dict(d);
    int rc = add_u64_column(d, "lcore", ws, [](const W& w) { return uint64_t{w.lcore}; });
    if (rc == 0) rc = add_u64_column(d, "packets", ws, [](const W& w) { return w.packets; });
    if (rc == 0) rc = add_u64_column(d, "busy_cycles", ws, [](const W& w) { return w.busy_cycles; });
    if (rc == 0) rc = add_u64_column(d, "idle_cycles", ws, [](const W& w) { return w.idle_cycles; });
    if (rc == 0) rc = add_u64_column(d, "handoffs", ws, [](const W& w) { return w.handoffs; });
    if (rc == 0) rc = add_u64_column(d, "drops", ws, [](const W& w) { return w.drops; });
    if (rc != 0) return rc;
    rte_tel_data_add_dict_u64(d, "tsc_hz", s->tsc_hz);
    add_age(d, *s);
    return 0;
}

int cmd_drops(const char*, const char*, rte_tel_data* d) noexcept {
    auto s = current_snapshot();
    if (!s) return -ENODEV;
    rte_tel_data_start_dict(d);
    for (size_t r = 0; r < dpapi::kDropReasonCount; ++r) {
        // The names are string_views over literals: NUL-terminated.
        rte_tel_data_add_dict_u64(d, dpapi::kDropReasonNames[r].data(), s->drops[r]);
    }
    return 0;
}

int cmd_sa(const char*, const char* params, rte_tel_data* d) noexcept {
    auto s = current_snapshot();
    if (!s) return -ENODEV;
    if (!params || !*params) {
        rte_tel_data_start_array(d, RTE_TEL_U64_VAL);
        size_t n = std::min<size_t>(s->sas.size(), RTE_TEL_MAX_ARRAY_ENTRIES);
        for (size_t i = 0; i < n; ++i) rte_tel_data_add_array_u64(d, s->sas[i].sa_id);
        return 0;
    }
    uint32_t id = 0;
    if (!parse_id(params, id)) return -EINVAL;
    const TelemetrySnapshot::Sa* sa = nullptr;
    for (const auto& e : s->sas) {
        if (e.sa_id == id) {
            sa = &e;
            break;
        }
    }
    if (!sa) return -ENOENT;
    char spi_hex[16];
    std::snprintf(spi_hex, sizeof spi_hex, "0x%08" PRIx32, sa->spi);
    rte_tel_data_start_dict(d);
    rte_tel_data_add_dict_u64(d, "sa_id", sa->sa_id);
    rte_tel_data_add_dict_u64(d, "spi", sa->spi);
    rte_tel_data_add_dict_string(d, "spi_hex", spi_hex);
    rte_tel_data_add_dict_string(d, "direction", sa->outbound ? "outbound" : "inbound");
    rte_tel_data_add_dict_string(d, "local", sa->local.c_str());
    rte_tel_data_add_dict_string(d, "peer", sa->peer.c_str());
    rte_tel_data_add_dict_string(d, "cipher", sa->cipher.c_str());
    rte_tel_data_add_dict_string(d, "integrity", sa->integrity.c_str());
    rte_tel_data_add_dict_int(d, "esn", sa->esn ? 1 : 0);
    rte_tel_data_add_dict_int(d, "natt", sa->natt ? 1 : 0);
    rte_tel_data_add_dict_u64(d, "owner_worker", sa->owner);
    if (sa->outbound) rte_tel_data_add_dict_u64(d, "policy_id", sa->policy_id);
    rte_tel_data_add_dict_u64(d, "packets", sa->packets);
    rte_tel_data_add_dict_u64(d, "bytes", sa->bytes);
    uint64_t total = 0;
    for (uint64_t n : sa->drops) total += n;
    rte_tel_data_add_dict_u64(d, "drops", total);
    for (size_t r = 1; r < kDropReasonCount; ++r) {  // 0 is DropReason::none
        char key[48];
        std::snprintf(key, sizeof key, "drops_%s", drop_reason_name(static_cast<DropReason>(r)));
        rte_tel_data_add_dict_u64(d, key, sa->drops[r]);
    }
    add_age(d, *s);
    return 0;
}

struct Command {
    const char* name;
    telemetry_cb fn;
    const char* help;  // at most 64 bytes in 22.11
};

constexpr Command kCommands[] = {
    {"/tandem/info", cmd_info, "Tandem dataplane: version, ports, workers, SAs, uptime"},
    {"/tandem/ports", cmd_ports, "Tandem ports: an array per counter, by port index"},
    {"/tandem/port", cmd_port, "Tandem port counters. Parameter: port index or name"},
    {"/tandem/workers", cmd_workers, "Tandem workers: an array per counter, by worker"},
    {"/tandem/drops", cmd_drops, "Tandem drops by reason, summed over workers"},
    {"/tandem/sa", cmd_sa, "Tandem SA ids; with parameter sa_id: that SA's counters"},
};

}  // namespace

uint64_t telemetry_clock_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000 + static_cast<uint64_t>(ts.tv_nsec) / 1000000;
}

// ---------------------------------------------------------------- main lcore

Telemetry::Telemetry(Dataplane& dp, const TelemetryOptions& opts, uint64_t now_ms)
    : dp_(dp), opts_(opts), started_ms_(now_ms) {}

Result<std::unique_ptr<Telemetry>> Telemetry::create(Dataplane& dp, const TelemetryOptions& opts, uint64_t now_ms) {
    if (opts.interval_ms == 0) return Error("telemetry: the snapshot interval must not be 0");
    std::unique_ptr<Telemetry> t(new Telemetry(dp, opts, now_ms));
    {
        std::lock_guard lock(board().register_mu);
        if (!board().registered) {
            for (const Command& c : kCommands) {
                if (int rc = rte_telemetry_register_cmd(c.name, c.fn, c.help); rc != 0) {
                    return Error(std::string("telemetry: cannot register ") + c.name + ": " + std::strerror(-rc));
                }
            }
            board().registered = true;
        }
    }
    t->pending_ = std::make_shared<const TelemetrySnapshot>(t->take_snapshot(now_ms));
    t->last_ms_ = now_ms;
    std::lock_guard lock(board().mu);
    std::swap(board().current, t->pending_);
    t->pending_.reset();
    return t;
}

Telemetry::~Telemetry() {
    std::shared_ptr<const TelemetrySnapshot> old;
    {
        std::lock_guard lock(board().mu);
        old.swap(board().current);
    }
}

bool Telemetry::poll(uint64_t now_ms) {
    bool built = false;
    if (!pending_ && now_ms - last_ms_ >= opts_.interval_ms) {
        pending_ = std::make_shared<const TelemetrySnapshot>(take_snapshot(now_ms));
        last_ms_ = now_ms;
        built = true;
    }
    if (pending_) try_publish();
    return built;
}

bool Telemetry::try_publish() {
    std::unique_lock lock(board().mu, std::try_to_lock);
    if (!lock.owns_lock()) return false;  // a callback is copying the pointer: next poll
    std::swap(board().current, pending_);
    lock.unlock();
    pending_.reset();  // the previous snapshot, unless a callback still reads it
    return true;
}

TelemetrySnapshot Telemetry::take_snapshot(uint64_t now_ms) const {
    TelemetrySnapshot s;
    s.taken_ms = now_ms;
    s.started_ms = started_ms_;
    s.interval_ms = opts_.interval_ms;
    s.name = opts_.name;
    s.crypto = dp_.crypto().name();
    s.cpu_crypto = dp_.crypto().cpu_crypto();
    s.tsc_hz = rte_get_tsc_hz();
    s.max_sas = dp_.tables_config().max_sas;

    const Tables& tables = dp_.tables();
    for (size_t p = 0; p < dp_.ports().size(); ++p) {
        TelemetrySnapshot::Port out;
        out.name = dp_.port_names()[p];
        out.eth_id = dp_.ports()[p].id();
        if (p < tables.ports().size()) {
            const PortInfo& info = tables.ports()[p];
            out.mac = mac_text(info.mac);
            if (info.address) out.address = info.address->str();
            out.outside = info.outside;
        }
        rte_eth_stats st{};
        if (rte_eth_stats_get(out.eth_id, &st) == 0) {
            out.rx_packets = st.ipackets;
            out.rx_bytes = st.ibytes;
            out.rx_errors = st.ierrors;
            out.rx_drops = st.imissed + st.rx_nombuf;
            out.tx_packets = st.opackets;
            out.tx_bytes = st.obytes;
            out.tx_errors = st.oerrors;
        }
        s.ports.push_back(std::move(out));
    }

    // Worker counters: each written by its worker alone with relaxed atomics; every value is
    // exact, the set is not one instant.
    for (WorkerContext* w : dp_.workers()) {
        TelemetrySnapshot::Worker out;
        out.lcore = dp_.worker_lcore(w->index);
        out.packets = relaxed(w->counters.packets);
        out.busy_cycles = relaxed(w->counters.busy_cycles);
        out.idle_cycles = relaxed(w->counters.idle_cycles);
        out.handoffs = relaxed(w->counters.handoffs);
        for (size_t r = 0; r < dpapi::kDropReasonCount; ++r) {
            uint64_t n = relaxed(w->counters.drops[r]);
            out.drops += n;
            s.drops[r] += n;
        }
        s.workers.push_back(out);
    }

    // The SA table: this is the main lcore, the only thread that adds, deletes or reclaims SA
    // entries, so an entry read here stays valid for the whole scan.
    for (uint32_t id = 0; id < s.max_sas; ++id) {
        const SaEntry* e = tables.sa_at(id);
        if (!e) continue;
        const dpapi::SaParams& p = e->sa.params();
        TelemetrySnapshot::Sa out;
        out.sa_id = id;
        out.spi = p.spi;
        out.outbound = p.direction == dpapi::Direction::outbound;
        out.local = (out.outbound ? p.tunnel_src : p.tunnel_dst).str();
        out.peer = (out.outbound ? p.tunnel_dst : p.tunnel_src).str();
        out.cipher = dpapi::cipher_name(p.cipher);
        out.integrity = integrity_name(p.auth);
        out.esn = p.esn;
        out.natt = p.natt;
        out.owner = e->owner;
        out.policy_id = p.policy_id;
        SaStats st = e->sa.stats();
        out.packets = st.packets;
        out.bytes = st.bytes;
        out.drops = st.drops;
        s.sas.push_back(std::move(out));
    }
    return s;
}

}  // namespace tandem::dp
