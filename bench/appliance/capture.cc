#include "bench/appliance/capture.h"

#include <rte_mbuf.h>

#include <cstdio>
#include <cstring>
#include <memory>

#include "dataplane/eal/mempool.h"
#include "dataplane/ipsec/crypto_device.h"
#include "dataplane/ipsec/esp_burst.h"
#include "dataplane/ipsec/sa.h"

namespace tandem::bench {

namespace {

constexpr size_t kEthLen = 14;

// Classic pcap: a 24-byte file header, then per packet a 16-byte record header and the bytes.
class PcapWriter {
public:
    static Result<std::unique_ptr<PcapWriter>> open(const std::string& path) {
        FILE* f = std::fopen(path.c_str(), "wb");
        if (!f) return Error("cannot write " + path + ": " + std::strerror(errno));
        std::unique_ptr<PcapWriter> w(new PcapWriter(f, path));
        const uint32_t magic = 0xa1b2c3d4, snaplen = 65535, linktype = 1;  // Ethernet
        const uint16_t major = 2, minor = 4;
        const int32_t zone = 0;
        const uint32_t sigfigs = 0;
        w->put(&magic, 4);
        w->put(&major, 2);
        w->put(&minor, 2);
        w->put(&zone, 4);
        w->put(&sigfigs, 4);
        w->put(&snaplen, 4);
        w->put(&linktype, 4);
        return w;
    }
    ~PcapWriter() {
        if (f_) std::fclose(f_);
    }
    void add(const uint8_t* frame, uint32_t len) {
        const uint32_t sec = n_ / 1000000, usec = n_ % 1000000;
        put(&sec, 4);
        put(&usec, 4);
        put(&len, 4);
        put(&len, 4);
        put(frame, len);
        ++n_;
    }
    Result<void> close() {
        bool bad = std::ferror(f_) != 0;
        bad |= std::fclose(f_) != 0;
        f_ = nullptr;
        if (bad) return Error("writing " + path_ + " failed");
        return ok_result();
    }

private:
    PcapWriter(FILE* f, std::string path) : f_(f), path_(std::move(path)) {}
    void put(const void* p, size_t n) { std::fwrite(p, 1, n, f_); }
    FILE* f_;
    std::string path_;
    uint32_t n_ = 0;
};

void put16(uint8_t* p, uint16_t v) {
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
}

void put32(uint8_t* p, uint32_t v) {
    put16(p, static_cast<uint16_t>(v >> 16));
    put16(p + 2, static_cast<uint16_t>(v));
}

uint16_t ipv4_checksum(const uint8_t* h) {
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2) sum += static_cast<uint32_t>(h[i] << 8 | h[i + 1]);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

std::vector<uint8_t> ethernet(const dpapi::MacAddress& dst, const dpapi::MacAddress& src, uint16_t type,
                              const uint8_t* payload, size_t len) {
    std::vector<uint8_t> f(kEthLen + len);
    std::memcpy(f.data(), dst.data(), 6);
    std::memcpy(f.data() + 6, src.data(), 6);
    put16(f.data() + 12, type);
    std::memcpy(f.data() + kEthLen, payload, len);
    return f;
}

}  // namespace

std::vector<uint16_t> size_pattern(const std::string& text) {
    if (text == "imix") return {64, 576, 64, 64, 576, 64, 1420, 64, 576, 64, 64, 576};
    char* end = nullptr;
    unsigned long v = std::strtoul(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || v < 64 || v > 1420) return {};
    return {static_cast<uint16_t>(v)};
}

std::vector<uint8_t> inner_packet(const CaptureSpec& spec, uint32_t j) {
    const uint32_t tunnel = j % spec.tunnels;
    const uint16_t len = spec.sizes[j % spec.sizes.size()];
    const Ipv4Address local(kProtected.address().value() + 1 + j % 65000u);
    const Ipv4Address remote(remote_subnet(tunnel).address().value() + 1 + (j / spec.tunnels) % 30u);
    const Ipv4Address src = spec.encap ? local : remote, dst = spec.encap ? remote : local;
    std::vector<uint8_t> p(len, 0);
    uint8_t* ip = p.data();
    ip[0] = 0x45;
    put16(ip + 2, len);
    put16(ip + 4, static_cast<uint16_t>(j));
    ip[8] = 64;  // TTL
    ip[9] = 17;  // UDP
    put32(ip + 12, src.value());
    put32(ip + 16, dst.value());
    put16(ip + 10, ipv4_checksum(ip));
    uint8_t* udp = ip + 20;
    put16(udp, static_cast<uint16_t>(1024 + j % 4096));
    put16(udp + 2, 5001);
    put16(udp + 4, static_cast<uint16_t>(len - 20));  // checksum 0: none (RFC 768)
    for (size_t k = 28; k < len; ++k) p[k] = static_cast<uint8_t>(k);
    return p;
}

Result<void> write_cleartext_capture(const std::string& path, const CaptureSpec& spec) {
    auto w = PcapWriter::open(path);
    if (!w) return w.error();
    for (uint32_t j = 0; j < spec.packets; ++j) {
        auto inner = inner_packet(spec, j);
        auto f = ethernet(spec.gateway_mac, kInsideRouterMac, 0x0800, inner.data(), inner.size());
        (*w)->add(f.data(), static_cast<uint32_t>(f.size()));
    }
    return (*w)->close();
}

Result<void> write_esp_capture(const std::string& path, const CaptureSpec& spec) {
    dp::CryptoDeviceConfig cc;
    cc.name = "crypto_aesni_mb0";
    cc.fallback = "";
    cc.max_sessions = 64;
    auto crypto = dp::CryptoDevice::create(cc);
    if (!crypto) return crypto.error();
    auto pool = dp::Mempool::create("capture_mbufs", 4095, 0, SOCKET_ID_ANY);
    if (!pool) return pool.error();

    // Per tunnel: a fresh peer SA encrypts that tunnel's packets in capture order.
    std::vector<std::vector<uint8_t>> frames(spec.packets);
    for (uint32_t t = 0; t < spec.tunnels && t < spec.packets; ++t) {
        auto sa = dp::Sa::create(peer_outbound_sa(t, spec.cipher), *crypto);
        if (!sa) return Error("peer SA of tunnel " + std::to_string(t) + ": " + sa.error().message);
        for (uint32_t j = t; j < spec.packets; j += spec.tunnels) {
            auto inner = inner_packet(spec, j);
            rte_mbuf* m = rte_pktmbuf_alloc(pool->get());
            if (!m) return Error("mbuf pool exhausted");
            std::memcpy(rte_pktmbuf_append(m, static_cast<uint16_t>(inner.size())), inner.data(), inner.size());
            m->l2_len = 0;
            m->l3_len = 20;
            rte_mbuf* one[1] = {m};
            dp::DropReason why[1];
            if (dp::esp_outbound_burst(sa->runtime(), crypto->lane(0), one, 1, why) != 1) {
                rte_pktmbuf_free(m);
                return Error("ESP of packet " + std::to_string(j) + ": " + dp::drop_reason_name(why[0]));
            }
            if (m->nb_segs != 1) {
                rte_pktmbuf_free(m);
                return Error("ESP of packet " + std::to_string(j) + " came back in several segments");
            }
            frames[j] = ethernet(spec.gateway_mac, kOutsideRouterMac, 0x0800, rte_pktmbuf_mtod(m, const uint8_t*),
                                 rte_pktmbuf_data_len(m));
            rte_pktmbuf_free(m);
        }
    }
    auto w = PcapWriter::open(path);
    if (!w) return w.error();
    for (const auto& f : frames) (*w)->add(f.data(), static_cast<uint32_t>(f.size()));
    return (*w)->close();
}

Result<void> write_arp_capture(const std::string& path, uint16_t port) {
    const bool inside = port == kInsidePort;
    const dpapi::MacAddress& router_mac = inside ? kInsideRouterMac : kOutsideRouterMac;
    const Ipv4Address router = inside ? kInsideRouter : kOutsideRouter;
    const Ipv4Address gateway = inside ? kInsideAddr : kOutsideAddr;
    uint8_t arp[28] = {};
    put16(arp, 1);          // Ethernet
    put16(arp + 2, 0x0800);  // IPv4
    arp[4] = 6;
    arp[5] = 4;
    put16(arp + 6, 1);  // request
    std::memcpy(arp + 8, router_mac.data(), 6);
    put32(arp + 14, router.value());
    put32(arp + 24, gateway.value());
    const dpapi::MacAddress broadcast{  // asked by broadcast, as a router would
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    auto f = ethernet(broadcast, router_mac, 0x0806, arp, sizeof arp);
    f.resize(60, 0);  // minimum frame without FCS
    auto w = PcapWriter::open(path);
    if (!w) return w.error();
    (*w)->add(f.data(), static_cast<uint32_t>(f.size()));
    return (*w)->close();
}

}  // namespace tandem::bench
