// Neighbour table state machine, rte_hash (lock-free readers) set-up and ARP packets (see
// neighbour.h).
#include "dataplane/tables/neighbour.h"

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_rcu_qsbr.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

#include "common/wire.h"

namespace tandem::dp {

struct NeighbourTable::Cold {
    bool used = false;
    NeighbourKey key;
    uint64_t confirmed_ms = 0;   // last ARP from the neighbour
    uint64_t next_retry_ms = 0;  // INCOMPLETE
    uint64_t failed_ms = 0;      // FAILED since
    uint32_t requests = 0;       // sent while INCOMPLETE
    std::vector<rte_mbuf*> pending;  // oldest first, at most pending_per_entry
};

uint64_t NeighbourTable::pack(NeighbourState s, const rte_ether_addr& mac) {
    uint64_t w = 0;
    std::memcpy(&w, mac.addr_bytes, RTE_ETHER_ADDR_LEN);  // bytes 0..5 (little-endian host)
    return w | (uint64_t{static_cast<uint8_t>(s)} << 48);
}

NeighbourHit NeighbourTable::unpack(uint64_t w) {
    NeighbourHit h;
    std::memcpy(h.mac.addr_bytes, &w, RTE_ETHER_ADDR_LEN);
    h.state = static_cast<NeighbourState>((w >> 48) & 0xff);
    return h;
}

Result<NeighbourTable> NeighbourTable::create(const NeighbourConfig& config) {
    if (config.capacity < 8) return Error("neighbour table: capacity must be at least 8");
    if (config.pending_per_entry == 0) return Error("neighbour table: pending_per_entry must be at least 1");
    if (config.max_retries == 0) return Error("neighbour table: max_retries must be at least 1");
    NeighbourTable t;
    t.config_ = config;
    t.words_ = std::make_unique<std::atomic<uint64_t>[]>(1);  // placeholder: its address names the hash

    char name[RTE_HASH_NAMESIZE];
    std::snprintf(name, sizeof(name), "nb%" PRIxPTR, reinterpret_cast<uintptr_t>(t.words_.get()));
    rte_hash_parameters params{};
    params.name = name;
    params.entries = config.capacity;
    params.key_len = sizeof(NeighbourKey);
    params.hash_func = rte_hash_crc;
    params.socket_id = config.socket_id;
    params.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF;  // implies NO_FREE_ON_DEL
    rte_hash* h = rte_hash_create(&params);
    if (!h) return Error(std::string("rte_hash_create: ") + rte_strerror(rte_errno));
    t.hash_ = h;
    // Key positions run from 0 to max_key_id - 1 (the library may round the capacity up).
    size_t slots = static_cast<size_t>(rte_hash_max_key_id(h)) + 1;
    auto words = std::make_unique<std::atomic<uint64_t>[]>(slots);
    for (size_t i = 0; i < slots; ++i) words[i].store(0, std::memory_order_relaxed);
    t.words_ = std::move(words);
    t.cold_.resize(slots);
    return t;
}

NeighbourTable::NeighbourTable(NeighbourTable&& o) noexcept
    : config_(o.config_),
      hash_(std::exchange(o.hash_, nullptr)),
      words_(std::move(o.words_)),
      cold_(std::move(o.cold_)),
      deferred_(std::move(o.deferred_)),
      stats_(o.stats_) {}

NeighbourTable& NeighbourTable::operator=(NeighbourTable&& o) noexcept {
    if (this != &o) {
        for (auto& c : cold_) {
            for (rte_mbuf* m : c.pending) rte_pktmbuf_free(m);
        }
        rte_hash_free(hash_);
        config_ = o.config_;
        hash_ = std::exchange(o.hash_, nullptr);
        words_ = std::move(o.words_);
        cold_ = std::move(o.cold_);
        deferred_ = std::move(o.deferred_);
        stats_ = o.stats_;
    }
    return *this;
}

NeighbourTable::~NeighbourTable() {
    for (auto& c : cold_) {
        for (rte_mbuf* m : c.pending) rte_pktmbuf_free(m);
        c.pending.clear();
    }
    rte_hash_free(hash_);
}

void NeighbourTable::lookup_bulk(const NeighbourKey* keys, uint32_t n, NeighbourHit* out) const {
    const void* ptrs[RTE_HASH_LOOKUP_BULK_MAX];
    int32_t positions[RTE_HASH_LOOKUP_BULK_MAX];
    for (uint32_t done = 0; done < n; done += RTE_HASH_LOOKUP_BULK_MAX) {
        uint32_t k = std::min<uint32_t>(RTE_HASH_LOOKUP_BULK_MAX, n - done);
        for (uint32_t i = 0; i < k; ++i) ptrs[i] = &keys[done + i];
        rte_hash_lookup_bulk(hash_, ptrs, k, positions);
        for (uint32_t i = 0; i < k; ++i) {
            out[done + i] = positions[i] >= 0 ? unpack(words_[positions[i]].load(std::memory_order_acquire))
                                              : NeighbourHit{};
        }
    }
}

NeighbourHit NeighbourTable::lookup(uint16_t port, Ipv4Address ip) const {
    NeighbourKey key{ip.value(), port, 0};
    NeighbourHit hit;
    lookup_bulk(&key, 1, &hit);
    return hit;
}

int32_t NeighbourTable::find(const NeighbourKey& key) const { return rte_hash_lookup(hash_, &key); }

void NeighbourTable::set(int32_t pos, NeighbourState s, const rte_ether_addr& mac) {
    words_[pos].store(pack(s, mac), std::memory_order_release);
}

void NeighbourTable::free_pending(Cold& c, uint64_t& counter) {
    for (rte_mbuf* m : c.pending) rte_pktmbuf_free(m);
    counter += c.pending.size();
    c.pending.clear();
}

void NeighbourTable::erase(int32_t pos) {
    Cold& c = cold_[pos];
    set(pos, NeighbourState::none, rte_ether_addr{});  // a racing reader sees a miss
    free_pending(c, stats_.pending_failed);
    int32_t deleted = rte_hash_del_key(hash_, &c.key);
    c.used = false;
    if (deleted < 0) return;
    if (config_.rcu) {
        deferred_.emplace_back(rte_rcu_qsbr_start(config_.rcu), deleted);
    } else {
        rte_hash_free_key_with_position(hash_, deleted);
    }
}

void NeighbourTable::reclaim() {
    size_t kept = 0;
    for (auto& [token, pos] : deferred_) {
        if (rte_rcu_qsbr_check(config_.rcu, token, false) == 1) {
            rte_hash_free_key_with_position(hash_, pos);
        } else {
            deferred_[kept++] = {token, pos};
        }
    }
    deferred_.resize(kept);
}

ResolveResult NeighbourTable::resolve(uint16_t port, Ipv4Address ip, rte_mbuf* m, uint64_t now_ms,
                                      rte_ether_addr* mac) {
    NeighbourKey key{ip.value(), port, 0};
    int32_t pos = find(key);
    if (pos >= 0) {
        NeighbourHit hit = unpack(words_[pos].load(std::memory_order_relaxed));
        Cold& c = cold_[pos];
        switch (hit.state) {
            case NeighbourState::reachable:
            case NeighbourState::stale:
                *mac = hit.mac;
                return ResolveResult::ready;
            case NeighbourState::incomplete:
                if (c.pending.size() >= config_.pending_per_entry) {
                    rte_pktmbuf_free(c.pending.front());
                    c.pending.erase(c.pending.begin());
                    ++stats_.pending_overflow;
                }
                c.pending.push_back(m);
                return ResolveResult::queued;
            case NeighbourState::failed:
            case NeighbourState::none:
                break;
        }
        rte_pktmbuf_free(m);
        ++stats_.dropped_failed;
        return ResolveResult::dropped;
    }
    if (config_.rcu && !deferred_.empty()) reclaim();
    pos = rte_hash_add_key(hash_, &key);
    if (pos < 0) {
        rte_pktmbuf_free(m);
        ++stats_.dropped_full;
        return ResolveResult::dropped;
    }
    Cold& c = cold_[pos];
    c.used = true;
    c.key = key;
    c.requests = 1;
    c.next_retry_ms = now_ms + config_.retry_ms;
    c.pending.clear();
    c.pending.reserve(config_.pending_per_entry);
    c.pending.push_back(m);
    set(pos, NeighbourState::incomplete, rte_ether_addr{});
    ++stats_.requests;
    return ResolveResult::send_request;
}

void NeighbourTable::learn(uint16_t port, Ipv4Address ip, const rte_ether_addr& mac, uint64_t now_ms,
                           bool create, std::vector<rte_mbuf*>& released) {
    NeighbourKey key{ip.value(), port, 0};
    int32_t pos = find(key);
    if (pos < 0) {
        if (!create) return;
        if (config_.rcu && !deferred_.empty()) reclaim();
        pos = rte_hash_add_key(hash_, &key);
        if (pos < 0) return;  // full: the next resolve() counts the drop
        cold_[pos] = Cold{};
        cold_[pos].used = true;
        cold_[pos].key = key;
    }
    Cold& c = cold_[pos];
    NeighbourState before = unpack(words_[pos].load(std::memory_order_relaxed)).state;
    set(pos, NeighbourState::reachable, mac);
    c.confirmed_ms = now_ms;
    c.requests = 0;
    if (before == NeighbourState::incomplete) ++stats_.resolved;
    released.insert(released.end(), c.pending.begin(), c.pending.end());
    c.pending.clear();
}

void NeighbourTable::tick(uint64_t now_ms, std::vector<ArpRequestDue>& requests) {
    for (size_t i = 0; i < cold_.size(); ++i) {
        Cold& c = cold_[i];
        if (!c.used) continue;
        auto pos = static_cast<int32_t>(i);
        NeighbourHit hit = unpack(words_[pos].load(std::memory_order_relaxed));
        switch (hit.state) {
            case NeighbourState::incomplete:
                if (now_ms < c.next_retry_ms) break;
                if (c.requests >= config_.max_retries) {
                    free_pending(c, stats_.pending_failed);
                    set(pos, NeighbourState::failed, rte_ether_addr{});
                    c.failed_ms = now_ms;
                } else {
                    ++c.requests;
                    ++stats_.requests;
                    c.next_retry_ms = now_ms + config_.retry_ms;
                    requests.push_back(ArpRequestDue{c.key.port, Ipv4Address(c.key.ip)});
                }
                break;
            case NeighbourState::reachable:
                if (now_ms - c.confirmed_ms >= config_.reachable_ms) set(pos, NeighbourState::stale, hit.mac);
                break;
            case NeighbourState::stale:
                if (now_ms - c.confirmed_ms >= config_.stale_ms) erase(pos);
                break;
            case NeighbourState::failed:
                if (now_ms - c.failed_ms >= config_.failed_hold_ms) erase(pos);
                break;
            case NeighbourState::none:
                break;
        }
    }
    if (config_.rcu && !deferred_.empty()) reclaim();
}

bool NeighbourTable::remove(uint16_t port, Ipv4Address ip) {
    int32_t pos = find(NeighbourKey{ip.value(), port, 0});
    if (pos < 0) return false;
    erase(pos);
    return true;
}

size_t NeighbourTable::pending(uint16_t port, Ipv4Address ip) const {
    int32_t pos = find(NeighbourKey{ip.value(), port, 0});
    return pos < 0 ? 0 : cold_[pos].pending.size();
}

size_t NeighbourTable::size() const {
    size_t n = 0;
    for (const auto& c : cold_) n += c.used ? 1 : 0;
    return n;
}

// ---------------------------------------------------------------- ARP packets

namespace {

constexpr size_t kArpLen = 28;
constexpr size_t kMinFrame = 60;

rte_ether_addr read_mac(WireReader& r) {
    rte_ether_addr a{};
    auto b = r.bytes(RTE_ETHER_ADDR_LEN);
    if (b.size() == RTE_ETHER_ADDR_LEN) std::memcpy(a.addr_bytes, b.data(), RTE_ETHER_ADDR_LEN);
    return a;
}

bool write_frame(rte_mbuf* m, const rte_ether_addr& eth_dst, const rte_ether_addr& eth_src, uint16_t op,
                 const rte_ether_addr& sha, Ipv4Address sip, const rte_ether_addr& tha, Ipv4Address tip) {
    if (rte_pktmbuf_pkt_len(m) != 0) return false;
    auto* p = reinterpret_cast<uint8_t*>(rte_pktmbuf_append(m, kMinFrame));
    if (!p) return false;
    std::memset(p, 0, kMinFrame);
    auto* eth = reinterpret_cast<rte_ether_hdr*>(p);
    eth->dst_addr = eth_dst;
    eth->src_addr = eth_src;
    eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
    auto* arp = reinterpret_cast<rte_arp_hdr*>(p + sizeof(rte_ether_hdr));
    arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
    arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
    arp->arp_hlen = RTE_ETHER_ADDR_LEN;
    arp->arp_plen = 4;
    arp->arp_opcode = rte_cpu_to_be_16(op);
    arp->arp_data.arp_sha = sha;
    arp->arp_data.arp_sip = rte_cpu_to_be_32(sip.value());
    arp->arp_data.arp_tha = tha;
    arp->arp_data.arp_tip = rte_cpu_to_be_32(tip.value());
    m->l2_len = sizeof(rte_ether_hdr);
    return true;
}

const rte_ether_addr kBroadcast = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
const rte_ether_addr kZero = {{0, 0, 0, 0, 0, 0}};

}  // namespace

Result<ArpMessage> parse_arp(std::span<const uint8_t> payload) {
    WireReader r(payload);
    uint16_t htype = r.u16();
    uint16_t ptype = r.u16();
    uint8_t hlen = r.u8();
    uint8_t plen = r.u8();
    ArpMessage msg;
    msg.op = r.u16();
    msg.sender_mac = read_mac(r);
    msg.sender_ip = Ipv4Address(r.u32());
    msg.target_mac = read_mac(r);
    msg.target_ip = Ipv4Address(r.u32());
    if (!r.ok()) {
        return Error("ARP: truncated (" + std::to_string(payload.size()) + " bytes, " + std::to_string(kArpLen) + " needed)");
    }
    if (htype != RTE_ARP_HRD_ETHER) return Error("ARP: hardware type " + std::to_string(htype) + " is not Ethernet");
    if (ptype != RTE_ETHER_TYPE_IPV4) return Error("ARP: protocol type " + std::to_string(ptype) + " is not IPv4");
    if (hlen != RTE_ETHER_ADDR_LEN || plen != 4) return Error("ARP: address lengths are not 6 and 4");
    if (msg.op != RTE_ARP_OP_REQUEST && msg.op != RTE_ARP_OP_REPLY) {
        return Error("ARP: operation " + std::to_string(msg.op) + " is neither request nor reply");
    }
    if (rte_is_multicast_ether_addr(&msg.sender_mac) || rte_is_zero_ether_addr(&msg.sender_mac)) {
        return Error("ARP: sender MAC is multicast or zero");
    }
    return msg;
}

Result<ArpMessage> parse_arp(const rte_mbuf* m, uint32_t l2_len) {
    uint32_t len = rte_pktmbuf_data_len(m);
    if (l2_len > len) return Error("ARP: truncated");
    return parse_arp(std::span<const uint8_t>(rte_pktmbuf_mtod_offset(m, const uint8_t*, l2_len), len - l2_len));
}

bool build_arp_request(rte_mbuf* m, const rte_ether_addr& src_mac, Ipv4Address src_ip, Ipv4Address target_ip) {
    return write_frame(m, kBroadcast, src_mac, RTE_ARP_OP_REQUEST, src_mac, src_ip, kZero, target_ip);
}

bool build_arp_reply(rte_mbuf* m, const rte_ether_addr& src_mac, Ipv4Address src_ip, const rte_ether_addr& dst_mac,
                     Ipv4Address dst_ip) {
    return write_frame(m, dst_mac, src_mac, RTE_ARP_OP_REPLY, src_mac, src_ip, dst_mac, dst_ip);
}

bool build_gratuitous_arp(rte_mbuf* m, const rte_ether_addr& mac, Ipv4Address ip) {
    return write_frame(m, kBroadcast, mac, RTE_ARP_OP_REQUEST, mac, ip, kZero, ip);
}

}  // namespace tandem::dp
