#include "controlplane/daemon/hsrp_io.h"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/wire.h"
#include "controlplane/daemon/udp_receive.h"

namespace tandem::control {

namespace {

constexpr size_t kEthHeader = 14;
constexpr size_t kIpHeader = 20;
constexpr size_t kUdpHeader = 8;

uint32_t sum16(std::span<const uint8_t> b, uint32_t acc = 0) {
    for (size_t i = 0; i + 1 < b.size(); i += 2) acc += static_cast<uint32_t>(b[i] << 8 | b[i + 1]);
    if (b.size() % 2) acc += static_cast<uint32_t>(b.back() << 8);
    return acc;
}

uint16_t fold(uint32_t acc) {
    while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
    return static_cast<uint16_t>(~acc & 0xffff);
}

void put16(std::vector<uint8_t>& v, size_t at, uint16_t x) {
    v[at] = static_cast<uint8_t>(x >> 8);
    v[at + 1] = static_cast<uint8_t>(x);
}

std::string errno_text() { return std::strerror(errno); }

}  // namespace

std::vector<uint8_t> hsrp_frame(const hsrp::MacAddress& source_mac, Ipv4Address source, Ipv4Address destination,
                                std::span<const uint8_t> payload, uint16_t ip_id) {
    std::vector<uint8_t> f;
    WireWriter w(f, kEthHeader + kIpHeader + kUdpHeader + payload.size());
    // Ethernet: the IPv4 multicast MAC of the destination (RFC 1112 6.4).
    const uint32_t d = destination.value();
    const uint8_t dst_mac[6] = {0x01, 0x00, 0x5e, static_cast<uint8_t>((d >> 16) & 0x7f), static_cast<uint8_t>(d >> 8),
                                static_cast<uint8_t>(d)};
    w.bytes(dst_mac);
    w.bytes(source_mac);
    w.u16(ETHERTYPE_IP);
    // IPv4.
    const size_t ip_at = f.size();
    w.u8(0x45);
    w.u8(0xc0);
    w.u16(static_cast<uint16_t>(kIpHeader + kUdpHeader + payload.size()));
    w.u16(ip_id);
    w.u16(0);  // flags, fragment offset
    w.u8(1);   // TTL
    w.u8(IPPROTO_UDP);
    w.u16(0);  // checksum, below
    w.u32(source.value());
    w.u32(destination.value());
    // UDP.
    const size_t udp_at = f.size();
    const auto udp_len = static_cast<uint16_t>(kUdpHeader + payload.size());
    w.u16(hsrp::kUdpPort);
    w.u16(hsrp::kUdpPort);
    w.u16(udp_len);
    w.u16(0);
    w.bytes(payload);
    put16(f, ip_at + 10, fold(sum16({f.data() + ip_at, kIpHeader})));
    // The UDP checksum covers a pseudo-header of addresses, protocol and length.
    uint32_t acc = sum16({f.data() + ip_at + 12, 8});
    acc += IPPROTO_UDP + udp_len;
    uint16_t c = fold(sum16({f.data() + udp_at, udp_len}, acc));
    put16(f, udp_at + 6, c == 0 ? 0xffff : c);
    return f;
}

Result<KernelLink> kernel_link(const std::string& ifname) {
    if (ifname.size() >= IFNAMSIZ) return Error("interface name too long: " + ifname);
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Error("socket: " + errno_text());
    ifreq r{};
    std::strncpy(r.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
    KernelLink k;
    if (ioctl(fd, SIOCGIFINDEX, &r) < 0) {
        std::string e = errno_text();
        close(fd);
        return Error(ifname + ": " + e);
    }
    k.ifindex = r.ifr_ifindex;
    if (ioctl(fd, SIOCGIFHWADDR, &r) == 0) std::memcpy(k.mac.data(), r.ifr_hwaddr.sa_data, 6);
    if (ioctl(fd, SIOCGIFFLAGS, &r) == 0) {
        k.up = (r.ifr_flags & IFF_UP) != 0;
        k.running = (r.ifr_flags & IFF_RUNNING) != 0;
    }
    close(fd);
    return k;
}

Result<std::unique_ptr<HsrpSocket>> HsrpSocket::open(loop::EventLoop& loop, const std::string& ifname, Receive on_receive) {
    auto link = kernel_link(ifname);
    if (!link) return link.error();
    std::unique_ptr<HsrpSocket> s(new HsrpSocket(loop, ifname, std::move(on_receive)));
    s->ifindex_ = link->ifindex;

    s->rx_ = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->rx_ < 0) return Error("HSRP socket: " + errno_text());
    const int one = 1;
    setsockopt(s->rx_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (setsockopt(s->rx_, SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(), static_cast<socklen_t>(ifname.size())) < 0)
        return Error("HSRP socket: bind to " + ifname + ": " + errno_text());
    setsockopt(s->rx_, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
    setsockopt(s->rx_, IPPROTO_IP, IP_RECVTTL, &one, sizeof one);
    // Only the groups joined here, not every group some other socket of the host joined.
    const int zero = 0;
    setsockopt(s->rx_, IPPROTO_IP, IP_MULTICAST_ALL, &zero, sizeof zero);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(hsrp::kUdpPort);
    if (bind(s->rx_, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0)
        return Error("HSRP socket: bind UDP " + std::to_string(hsrp::kUdpPort) + " on " + ifname + ": " + errno_text());
    for (Ipv4Address g : {hsrp::kV1Destination, hsrp::kV2Destination}) {
        ip_mreqn m{};
        m.imr_multiaddr.s_addr = htonl(g.value());
        m.imr_ifindex = s->ifindex_;
        if (setsockopt(s->rx_, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m) < 0)
            return Error("HSRP socket: join " + g.str() + " on " + ifname + ": " + errno_text());
    }

    s->tx_ = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);  // protocol 0: send only
    if (s->tx_ < 0) return Error("HSRP packet socket: " + errno_text());
    sockaddr_ll ll{};
    ll.sll_family = AF_PACKET;
    ll.sll_ifindex = s->ifindex_;
    if (bind(s->tx_, reinterpret_cast<sockaddr*>(&ll), sizeof ll) < 0)
        return Error("HSRP packet socket: bind to " + ifname + ": " + errno_text());

    HsrpSocket* p = s.get();
    if (auto r = loop.add(s->rx_, EPOLLIN, [p](uint32_t) { p->on_readable(); }); !r) return r.error();
    return s;
}

HsrpSocket::~HsrpSocket() {
    if (rx_ >= 0) {
        loop_.remove(rx_);
        close(rx_);
    }
    if (tx_ >= 0) close(tx_);
}

bool HsrpSocket::send(const hsrp::MacAddress& source_mac, Ipv4Address source, Ipv4Address destination,
                      std::span<const uint8_t> payload) {
    auto frame = hsrp_frame(source_mac, source, destination, payload, next_id_++);
    sockaddr_ll ll{};
    ll.sll_family = AF_PACKET;
    ll.sll_ifindex = ifindex_;
    ll.sll_halen = 6;
    std::memcpy(ll.sll_addr, frame.data(), 6);
    ssize_t n = sendto(tx_, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&ll), sizeof ll);
    if (n != static_cast<ssize_t>(frame.size())) {
        if (errno == ENXIO || errno == ENODEV || errno == ENETDOWN) broken_ = true;
        if (counters_.send_errors++ % 100 == 0)
            syslog(LOG_WARNING, "HSRP: %s: send: %s", ifname_.c_str(), n < 0 ? errno_text().c_str() : "short write");
        return false;
    }
    ++counters_.sent;
    return true;
}

void HsrpSocket::on_readable() {
    for (int i = 0; i < 64; ++i) {
        uint8_t buf[2048];
        auto d = receive_udp(rx_, buf);
        if (!d) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                if (errno == ENODEV || errno == ENXIO) broken_ = true;
                syslog(LOG_WARNING, "HSRP: %s: receive: %s", ifname_.c_str(), errno_text().c_str());
            }
            return;
        }
        if (d->ttl && *d->ttl != 1) {
            ++counters_.bad_ttl;
            continue;
        }
        if (d->local && *d->local != hsrp::kV1Destination && *d->local != hsrp::kV2Destination) {
            ++counters_.not_group_address;
            continue;
        }
        ++counters_.received;
        on_receive_({buf, d->length}, d->source);
    }
}

}  // namespace tandem::control
