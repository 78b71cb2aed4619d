#include "controlplane/daemon/udp_receive.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace tandem::control {

std::optional<UdpDatagram> receive_udp(int fd, std::span<uint8_t> buffer) {
    sockaddr_in from{};
    alignas(cmsghdr) uint8_t control[CMSG_SPACE(sizeof(in_pktinfo)) + CMSG_SPACE(sizeof(int))];
    iovec iov{buffer.data(), buffer.size()};
    msghdr m{};
    m.msg_name = &from;
    m.msg_namelen = sizeof from;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = control;
    m.msg_controllen = sizeof control;
    ssize_t n = recvmsg(fd, &m, 0);
    if (n < 0) return std::nullopt;
    UdpDatagram d;
    d.length = static_cast<size_t>(n);
    d.source = Ipv4Address(ntohl(from.sin_addr.s_addr));
    d.source_port = ntohs(from.sin_port);
    for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level != IPPROTO_IP) continue;
        if (c->cmsg_type == IP_PKTINFO) {
            in_pktinfo pi;
            std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
            d.local = Ipv4Address(ntohl(pi.ipi_addr.s_addr));
        } else if (c->cmsg_type == IP_TTL) {
            int ttl;
            std::memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
            d.ttl = ttl;
        }
    }
    return d;
}

}  // namespace tandem::control
