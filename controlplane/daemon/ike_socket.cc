#include "controlplane/daemon/ike_socket.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "controlplane/daemon/udp_receive.h"

namespace tandem::control {

namespace {

Result<int> open_udp(uint16_t port) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return Error(std::string("socket: ") + std::strerror(errno));
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0) {
        Error e("cannot bind UDP port " + std::to_string(port) + ": " + std::strerror(errno));
        close(fd);
        return e;
    }
    return fd;
}

}  // namespace

Result<std::unique_ptr<IkeSockets>> IkeSockets::create(loop::EventLoop& loop, Receive on_receive, uint16_t ike_port,
                                                       uint16_t natt_port) {
    std::unique_ptr<IkeSockets> s(new IkeSockets(loop, std::move(on_receive)));
    auto a = open_udp(ike_port);
    if (!a) return a.error();
    s->fd_ike_ = *a;
    auto b = open_udp(natt_port);
    if (!b) return b.error();
    s->fd_natt_ = *b;
    s->ike_port_ = ike_port;
    s->natt_port_ = natt_port;
    if (auto r = loop.add(s->fd_ike_, EPOLLIN, [p = s.get()](uint32_t) { p->on_readable(p->fd_ike_, p->ike_port_); }); !r)
        return r.error();
    if (auto r = loop.add(s->fd_natt_, EPOLLIN, [p = s.get()](uint32_t) { p->on_readable(p->fd_natt_, p->natt_port_); }); !r)
        return r.error();
    return s;
}

IkeSockets::~IkeSockets() {
    for (int fd : {fd_ike_, fd_natt_}) {
        if (fd < 0) continue;
        loop_.remove(fd);
        close(fd);
    }
}

void IkeSockets::on_readable(int fd, uint16_t port) {
    uint8_t buf[65536];
    for (int i = 0; i < 64; ++i) {  // bounded: the loop serves others too
        auto d = receive_udp(fd, buf);
        if (!d) return;  // EAGAIN (or an ICMP error report): nothing more now
        ++received_;
        on_receive_(ike::Endpoint{d->local.value_or(Ipv4Address{}), port}, ike::Endpoint{d->source, d->source_port},
                    std::span<const uint8_t>(buf, d->length));
    }
}

void IkeSockets::send(const ike::Endpoint& local, const ike::Endpoint& remote, std::span<const uint8_t> bytes) {
    int fd = local.port == natt_port_ ? fd_natt_ : fd_ike_;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(remote.port);
    to.sin_addr.s_addr = htonl(remote.address.value());
    alignas(cmsghdr) char ctrl[CMSG_SPACE(sizeof(in_pktinfo))]{};
    iovec iov{const_cast<uint8_t*>(bytes.data()), bytes.size()};
    msghdr mh{};
    mh.msg_name = &to;
    mh.msg_namelen = sizeof to;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = ctrl;
    mh.msg_controllen = sizeof ctrl;
    cmsghdr* c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = IP_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
    in_pktinfo pi{};
    pi.ipi_spec_dst.s_addr = htonl(local.address.value());  // the source address to use
    std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
    if (sendmsg(fd, &mh, 0) < 0) {
        ++send_errors_;
        if (send_errors_ < 10 || send_errors_ % 1000 == 0)
            syslog(LOG_WARNING, "ike: send to %s:%u failed: %s", remote.address.str().c_str(), remote.port, std::strerror(errno));
        return;
    }
    ++sent_;
}

}  // namespace tandem::control
