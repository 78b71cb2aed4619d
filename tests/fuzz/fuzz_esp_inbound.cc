// libFuzzer target for the inbound path: the worker's classify stage (worker_process_rx on the
// outside port) and ESP input (esp_inbound_burst through it), with the real Tables, SAs on the
// IPsec-MB crypto device and ring ports.
//
//   inside host 10.1.0.5 --- port 0 10.1.0.2/24 [dataplane] port 1 192.0.2.2/24 --- peer 192.0.2.10
//   SPD of port 1: PROTECT(7) 10.1.0.0/24 -> 10.2.0.0/16, BYPASS the rest (so cleartext from
//   10.2/16 arriving on port 1 meets the inbound check)
//
// Inbound SAs (ours; the peer's outbound mirror of each is built per input with the same keys):
//
//   index  sa_id  SPI     transform           extras
//   0      1      0x1001  AES-GCM-128         window 64
//   1      2      0x1002  AES-CBC-128+SHA256  NAT-T 4500/4500, window 64
//   2      3      0x1003  AES-GCM-128         ESN, window 128
//   3      4      0x1004  AES-CBC-128+SHA256  ESN, window off; selector UDP/TCP ports 1000 -> 2000
//
// Input: byte 0, bits 0-1, choose the mode.
//   0     raw: an Ethernet frame received on port 1, from byte 3 on. Byte 1: bit 0 writes port
//         1's MAC as the destination (past the first filter), bit 1 splits the frame into two
//         segments at byte 2's value.
//   3     raw: the frame is byte 1 on, with port 1's MAC written as its destination.
//   1, 2  encrypted: byte 1: bits 0-1 the SA, bits 2-3 the peer's first sequence number (1,
//         2^31 - 1, 2^32 - 16, 64000), bit 4 sends the first packet twice, bits 5-7 the number of
//         packets - 1. Byte 2: bits 0-2 the number of mutations, bit 3 recomputes the outer IPv4
//         checksum after them, bit 4 splits each packet into two segments. Then two bytes per
//         mutation (offset into the outer headers, XOR value), then the inner packet. Mode 1
//         encrypts it with Tandem's outbound path (which refuses an inner packet that is not IPv4),
//         mode 2 with rte_ipsec directly, so any bytes at all reach decapsulation, the inner
//         checks and the selector.
//
// The SAs are installed afresh for each input (deterministic replay windows and ESN state). After
// each input everything the dataplane transmitted or queued is freed, and the mbuf pool must be
// back to where it was: a leak aborts (a real bug).
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>
#include <rte_malloc.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "dataplane/eal/mempool.h"
#include "dataplane/eal/port.h"
#include "dataplane/ipsec/esp_burst.h"
#include "dataplane/ipsec/esp_stage.h"
#include "dataplane/pipeline/packet_meta.h"
#include "dataplane/pipeline/tables.h"
#include "dataplane/pipeline/worker.h"

namespace {

using namespace tandem;
using namespace tandem::dp;

constexpr size_t kSas = 4;
constexpr uint16_t kInside = 0, kOutside = 1;
const Ipv4Address kPeer(192, 0, 2, 10), kOutsideAddr(192, 0, 2, 2), kInsideHost(10, 1, 0, 5);
const rte_ether_addr kPeerMac{{0x02, 0, 0, 0, 0x02, 0x0a}};
const rte_ether_addr kInsideHostMac{{0x02, 0, 0, 0, 0x01, 0x05}};

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "fuzz_esp_inbound: %s\n", what.c_str());
    std::abort();
}

// Our inbound SA `i` (see the table above), or the peer's outbound mirror of it.
dpapi::SaParams sa_params(size_t i, bool peer_view) {
    dpapi::SaParams p;
    p.sa_id = static_cast<uint32_t>(i + 1);
    p.spi = 0x1001 + static_cast<uint32_t>(i);
    p.direction = peer_view ? dpapi::Direction::outbound : dpapi::Direction::inbound;
    bool gcm = i % 2 == 0;
    p.cipher = gcm ? dpapi::CipherAlg::aes_gcm_128 : dpapi::CipherAlg::aes_cbc_128;
    p.auth = gcm ? dpapi::AuthAlg::none : dpapi::AuthAlg::sha256_128;
    p.cipher_key_len = 16;
    for (uint8_t k = 0; k < 16; ++k) p.cipher_key[k] = static_cast<uint8_t>(0x40 + 3 * k + i);
    if (gcm) p.salt = 0x0a0b0c00 + static_cast<uint32_t>(i);
    if (!gcm) {
        p.auth_key_len = 32;
        for (uint8_t k = 0; k < 32; ++k) p.auth_key[k] = static_cast<uint8_t>(0x90 + 5 * k + i);
    }
    p.tunnel_src = kPeer;
    p.tunnel_dst = kOutsideAddr;
    p.natt = i == 1;
    p.esn = i >= 2;
    p.replay_window = i == 2 ? 128 : i == 3 ? 0 : 64;
    p.policy_id = 0;
    p.selector.src = {Ipv4Address(10, 2, 0, 0), Ipv4Address(10, 2, 255, 255)};
    p.selector.dst = {Ipv4Address(10, 1, 0, 0), Ipv4Address(10, 1, 0, 255)};
    if (i == 3) {
        p.selector.src_ports = {1000, 1000};
        p.selector.dst_ports = {2000, 2000};
    }
    if (peer_view) {
        std::swap(p.selector.src, p.selector.dst);
        std::swap(p.selector.src_ports, p.selector.dst_ports);
    }
    return p;
}

struct Harness {
    std::unique_ptr<Mempool> pool;
    std::vector<Port> ports;
    std::vector<std::array<rte_ring*, 2>> tx_rings;  // per port: worker queue, spare queue
    std::unique_ptr<CryptoDevice> crypto;
    rte_rcu_qsbr* rcu = nullptr;
    std::unique_ptr<Tables> tables;
    std::unique_ptr<WorkerContext> ctx;
    rte_ring* handoff = nullptr;
    rte_ring* to_main = nullptr;
    rte_ring* events = nullptr;
    std::atomic<bool> stop{false};
    std::array<dpapi::SaParams, kSas> ours{};

    void install_sas() {
        std::vector<uint32_t> ids;
        for (const auto& p : ours) {
            if (tables->sa_at(p.sa_id)) ids.push_back(p.sa_id);
        }
        if (!ids.empty()) {
            if (auto r = tables->delete_sas(ids); !r) die("delete_sas: " + r.error().message);
        }
        // The SPI hash frees deleted keys once the worker (this thread) has been quiescent.
        rte_rcu_qsbr_quiescent(rcu, 0);
        tables->poll();
        if (auto r = tables->add_sas(ours); !r) die("add_sas: " + r.error().message);
    }

    void drain_ring(rte_ring* r) {
        void* p;
        while (rte_ring_dequeue(r, &p) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(p));
    }

    // FUZZ_ESP_VERBOSE=1: what each input did (drops by reason, packets sent), to check seeds.
    bool verbose = std::getenv("FUZZ_ESP_VERBOSE") != nullptr;
    std::array<uint64_t, dpapi::kDropReasonCount> seen{};
    void report() {
        worker_flush(*ctx);
        std::string line;
        for (size_t i = 0; i < dpapi::kDropReasonCount; ++i) {
            uint64_t now = ctx->counters.drops[i].load(std::memory_order_relaxed);
            if (now != seen[i]) line += " " + std::string(dpapi::kDropReasonNames[i]) + "=" + std::to_string(now - seen[i]);
            seen[i] = now;
        }
        for (size_t p = 0; p < tx_rings.size(); ++p) {
            line += " tx" + std::to_string(p) + "=" + std::to_string(rte_ring_count(tx_rings[p][0]));
        }
        std::fprintf(stderr, "input:%s\n", line.c_str());
    }

    // Frees everything the worker sent or queued.
    void drain() {
        worker_flush(*ctx);
        for (auto& rings : tx_rings) {
            for (rte_ring* r : rings) drain_ring(r);
        }
        drain_ring(handoff);
        drain_ring(to_main);
        AcquireEvent ev;
        while (rte_ring_dequeue_elem(events, &ev, sizeof ev) == 0) {
        }
    }
};

Harness* setup() {
    std::string prefix = "fuzz_esp_" + std::to_string(getpid());
    std::vector<std::string> args = {"fuzz_esp_inbound", "--no-huge", "--no-pci", "-m", "256", "-l", "0",
                                     "--log-level", "lib.eal:error", "--log-level", "pmd.*:error",
                                     "--file-prefix", prefix, "--vdev", "crypto_aesni_mb0"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (rte_eal_init(static_cast<int>(args.size()), argv.data()) < 0) die("rte_eal_init failed");

    auto* h = new Harness;
    auto pool = Mempool::create("fz_pool", 1023, 0, 0);
    if (!pool) die(pool.error().message);
    h->pool = std::make_unique<Mempool>(std::move(*pool));

    for (int i = 0; i < 2; ++i) {
        std::string n = "fz" + std::to_string(i);
        rte_ring* rx = rte_ring_create((n + "rx").c_str(), 64, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
        std::array<rte_ring*, 2> tx{rte_ring_create((n + "tx0").c_str(), 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ),
                                    rte_ring_create((n + "tx1").c_str(), 1024, 0, RING_F_SP_ENQ | RING_F_SC_DEQ)};
        if (!rx || !tx[0] || !tx[1]) die("rings");
        int id = rte_eth_from_rings(n.c_str(), &rx, 1, tx.data(), 2, 0);
        if (id < 0) die("rte_eth_from_rings");
        char dev[RTE_ETH_NAME_MAX_LEN];
        if (rte_eth_dev_get_name_by_port(static_cast<uint16_t>(id), dev) != 0) die("port name");
        auto port = Port::create(PortSettings{dev, 1, 2, 64, 256, 1500, h->pool->get()});
        if (!port) die(port.error().message);
        h->ports.push_back(std::move(*port));
        h->tx_rings.push_back(tx);
    }

    CryptoDeviceConfig cc;
    cc.queue_pairs = 1;
    cc.max_sessions = 64;
    cc.op_pool_size = 256;
    auto dev = CryptoDevice::create(cc);
    if (!dev) die(dev.error().message);
    h->crypto = std::make_unique<CryptoDevice>(std::move(*dev));

    h->rcu = static_cast<rte_rcu_qsbr*>(rte_zmalloc("fz_rcu", rte_rcu_qsbr_get_memsize(1), RTE_CACHE_LINE_SIZE));
    if (!h->rcu || rte_rcu_qsbr_init(h->rcu, 1) != 0 || rte_rcu_qsbr_thread_register(h->rcu, 0) != 0) die("rcu");
    rte_rcu_qsbr_thread_online(h->rcu, 0);

    std::vector<PortInfo> infos(2);
    for (uint16_t p = 0; p < 2; ++p) {
        infos[p].eth_id = h->ports[p].id();
        std::copy(h->ports[p].mac().begin(), h->ports[p].mac().end(), infos[p].mac.addr_bytes);
    }
    infos[kInside].address = *Ipv4InterfaceAddress::parse("10.1.0.2/24");
    infos[kOutside].address = *Ipv4InterfaceAddress::parse("192.0.2.2/24");
    infos[kOutside].outside = true;
    TablesConfig tc;
    tc.max_sas = 16;
    tc.max_policies = 16;
    tc.fib.max_routes = 64;
    tc.fib.number_tbl8s = 16;
    tc.neighbours.capacity = 64;
    auto t = Tables::create(tc, infos, *h->crypto, h->rcu);
    if (!t) die(t.error().message);
    h->tables = std::move(*t);

    std::vector<dpapi::Route> routes{{*Ipv4Prefix::parse("10.2.0.0/16"), dpapi::RouteKind::forward, kOutside, kPeer}};
    if (!h->tables->add_routes(routes)) die("routes");
    std::vector<dpapi::PolicyRule> rules{
        {7, kOutside, 10, 0, *Ipv4Prefix::parse("10.1.0.0/24"), *Ipv4Prefix::parse("10.2.0.0/16"), {}, {},
         dpapi::PolicyAction::protect},
        {0, kOutside, 20, 0, *Ipv4Prefix::parse("0.0.0.0/0"), *Ipv4Prefix::parse("0.0.0.0/0"), {}, {},
         dpapi::PolicyAction::bypass}};
    if (!h->tables->set_policies(kOutside, rules)) die("policies");
    std::vector<rte_mbuf*> released;
    h->tables->neighbours_mut().learn(kInside, kInsideHost, kInsideHostMac, 0, true, released);
    h->tables->neighbours_mut().learn(kOutside, kPeer, kPeerMac, 0, true, released);

    auto off = register_packet_meta();
    if (!off) die(off.error().message);
    h->handoff = rte_ring_create("fz_ho", 256, 0, RING_F_SC_DEQ);
    h->to_main = rte_ring_create("fz_tm", 256, 0, RING_F_SC_DEQ);
    h->events = rte_ring_create_elem("fz_ev", sizeof(AcquireEvent), 64, 0, RING_F_SC_DEQ);
    if (!h->handoff || !h->to_main || !h->events) die("rings");
    h->ctx = std::make_unique<WorkerContext>();
    h->ctx->tables = h->tables.get();
    h->ctx->lane = h->crypto->lane(0);
    h->ctx->meta_offset = *off;
    h->ctx->handoff_in = h->handoff;
    h->ctx->handoff_out = {h->handoff};
    h->ctx->to_main = h->to_main;
    h->ctx->events = h->events;
    h->ctx->rcu = h->rcu;
    h->ctx->stop = &h->stop;

    for (size_t i = 0; i < kSas; ++i) h->ours[i] = sa_params(i, false);
    // SAs keep heap memory (their replay windows) referenced only from DPDK memory, which
    // LeakSanitizer does not scan: tear the tables down before its exit-time check runs (atexit
    // handlers run in reverse order of registration, and LSan registered first).
    static Harness* at_exit = h;
    std::atexit([] {
        at_exit->ctx.reset();
        at_exit->tables.reset();
        at_exit->crypto.reset();
    });
    return h;
}

Harness& harness() {
    static Harness* h = setup();
    return *h;
}

// Splits m into two segments at `at` (1 <= at < data_len); false when no mbuf is free.
bool split(rte_mempool* pool, rte_mbuf* m, uint32_t at) {
    if (m->nb_segs != 1 || at == 0 || at >= m->data_len) return true;
    rte_mbuf* tail = rte_pktmbuf_alloc(pool);
    if (!tail) return false;
    uint16_t n = static_cast<uint16_t>(m->data_len - at);
    std::memcpy(rte_pktmbuf_append(tail, n), rte_pktmbuf_mtod_offset(m, uint8_t*, at), n);
    rte_pktmbuf_trim(m, n);
    if (rte_pktmbuf_chain(m, tail) != 0) {
        rte_pktmbuf_free(tail);
        return false;
    }
    return true;
}

rte_mbuf* mbuf_of(rte_mempool* pool, const uint8_t* data, size_t size) {
    rte_mbuf* m = rte_pktmbuf_alloc(pool);
    if (!m) die("pool empty");
    size = std::min<size_t>(size, rte_pktmbuf_tailroom(m));
    std::memcpy(rte_pktmbuf_append(m, static_cast<uint16_t>(size)), data, size);
    return m;
}

void run_raw(Harness& h, const uint8_t* data, size_t size, uint8_t flags, uint8_t at) {
    rte_mbuf* m = mbuf_of(h.pool->get(), data, size);
    if ((flags & 1) && m->data_len >= 6) {
        std::copy(h.ports[kOutside].mac().begin(), h.ports[kOutside].mac().end(), rte_pktmbuf_mtod(m, uint8_t*));
    }
    if ((flags & 2) && !split(h.pool->get(), m, at)) {
        rte_pktmbuf_free(m);
        return;
    }
    worker_process_rx(*h.ctx, kOutside, &m, 1);
}

// Encrypts `inner` as the peer would, into up to `count` ESP frames for SA `sa`.
void run_encrypted(Harness& h, bool raw_encrypt, const uint8_t* data, size_t size) {
    if (size < 3) return;
    const uint8_t b1 = data[0], b2 = data[1];
    const size_t sa = b1 & 3;
    static constexpr uint64_t kFirst[] = {1, 0x7fffffff, 0xfffffff0, 64000};
    const bool duplicate = (b1 & 0x10) != 0;
    const unsigned count = 1 + (b1 >> 5);
    const unsigned mutations = b2 & 7;
    const bool fix_checksum = (b2 & 8) != 0;
    const bool segments = (b2 & 0x10) != 0;
    data += 2;
    size -= 2;
    if (size < 2 * mutations) return;
    const uint8_t* mutation = data;
    data += 2 * mutations;
    size -= 2 * mutations;
    if (size == 0) return;

    SaOptions opts;
    opts.initial_sequence = kFirst[(b1 >> 2) & 3];
    auto peer = Sa::create(sa_params(sa, true), *h.crypto, opts);
    if (!peer) die("peer SA: " + peer.error().message);
    SaRuntime& rt = peer->runtime();

    rte_mbuf* pkts[kBurst];
    uint16_t n = 0;
    for (unsigned i = 0; i < count; ++i) {
        rte_mbuf* m = mbuf_of(h.pool->get(), data, size);
        m->l2_len = 0;
        m->l3_len = 20;
        uint16_t good;
        if (raw_encrypt) {
            good = esp_detail::run_crypto(rt, h.ctx->lane, &m, 1);
            if (good == 1) good = rte_ipsec_pkt_process(&rt.session, &m, 1);
            if (good == 1) {
                auto* outer = rte_pktmbuf_mtod(m, rte_ipv4_hdr*);
                outer->hdr_checksum = 0;
                outer->hdr_checksum = rte_ipv4_cksum(outer);
            }
        } else {
            dp::DropReason why[1];
            good = esp_outbound_burst(rt, h.ctx->lane, &m, 1, why);
        }
        if (good != 1) {
            rte_pktmbuf_free(m);
            break;
        }
        auto* eth = reinterpret_cast<rte_ether_hdr*>(rte_pktmbuf_prepend(m, sizeof(rte_ether_hdr)));
        if (!eth) {
            rte_pktmbuf_free(m);
            break;
        }
        eth->src_addr = kPeerMac;
        std::copy(h.ports[kOutside].mac().begin(), h.ports[kOutside].mac().end(), eth->dst_addr.addr_bytes);
        eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
        // Mutations within the outer headers (IPv4, UDP, ESP header and IV: the first 64 bytes).
        uint32_t span = std::min<uint32_t>(64, m->data_len - sizeof(rte_ether_hdr));
        for (unsigned k = 0; k < mutations && span > 0; ++k) {
            rte_pktmbuf_mtod_offset(m, uint8_t*, sizeof(rte_ether_hdr) + mutation[2 * k] % span)[0] ^= mutation[2 * k + 1];
        }
        if (fix_checksum && mutations > 0) {
            auto* outer = rte_pktmbuf_mtod_offset(m, rte_ipv4_hdr*, sizeof(rte_ether_hdr));
            uint32_t ihl = (outer->version_ihl & 0xf) * 4u;
            if (ihl >= 20 && sizeof(rte_ether_hdr) + ihl <= m->data_len) {
                outer->hdr_checksum = 0;
                outer->hdr_checksum = static_cast<uint16_t>(~rte_raw_cksum(outer, ihl));
            }
        }
        if (segments && !split(h.pool->get(), m, sizeof(rte_ether_hdr) + 20 + (mutation[0] % 64u))) {
            rte_pktmbuf_free(m);
            break;
        }
        pkts[n++] = m;
        if (duplicate && i == 0 && n < kBurst) {
            rte_mbuf* copy = rte_pktmbuf_copy(m, h.pool->get(), 0, UINT32_MAX);
            if (copy) pkts[n++] = copy;
        }
    }
    if (n) worker_process_rx(*h.ctx, kOutside, pkts, n);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    harness();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    Harness& h = harness();
    h.install_sas();
    const unsigned before = rte_mempool_in_use_count(h.pool->get());

    const uint8_t mode = data[0] & 3;
    if (mode == 0 && size >= 3) {
        run_raw(h, data + 3, size - 3, data[1], data[2]);
    } else if (mode == 3) {
        run_raw(h, data + 1, size - 1, 1, 0);
    } else if (mode == 1 || mode == 2) {
        run_encrypted(h, mode == 2, data + 1, size - 1);
    }
    if (h.verbose) h.report();
    h.drain();
    rte_rcu_qsbr_quiescent(h.rcu, 0);
    h.tables->poll();

    const unsigned after = rte_mempool_in_use_count(h.pool->get());
    if (after != before) {
        std::fprintf(stderr, "fuzz_esp_inbound: %u mbufs in use before the input, %u after: a leak\n", before, after);
        std::abort();
    }
    return 0;
}
