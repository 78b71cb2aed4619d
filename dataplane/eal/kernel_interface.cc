#include "dataplane/eal/kernel_interface.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <rte_bus_vdev.h>
#include <rte_errno.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace tandem::dp {

namespace {

// A socket for interface ioctls, closed with its owner.
class IoctlSocket {
public:
    IoctlSocket() : fd_(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {}
    ~IoctlSocket() {
        if (fd_ >= 0) close(fd_);
    }
    IoctlSocket(const IoctlSocket&) = delete;
    IoctlSocket& operator=(const IoctlSocket&) = delete;
    int fd() const { return fd_; }

private:
    int fd_;
};

ifreq request_for(const std::string& ifname) {
    ifreq r{};
    std::strncpy(r.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
    return r;
}

void set_ipv4(sockaddr* sa, Ipv4Address a) {
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_addr.s_addr = htonl(a.value());
    std::memcpy(sa, &in, sizeof in);
}

Error os_error(const std::string& what) { return Error(what + ": " + std::strerror(errno)); }

std::string mac_text(const dpapi::MacAddress& m) {
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    return buf;
}

// arp_announce = 2: the kernel's ARP requests name the interface address of the target's subnet
// as their sender, never the source of the packet waiting for them. With the default (0) a reply
// from an HSRP virtual address would make the kernel ask "who has X, tell VIP" with the port MAC:
// neighbours would learn the port MAC for the virtual address, and their answer, addressed to the
// virtual address, is consumed by the main lcore and never reaches the kernel.
Result<void> announce_interface_address(const std::string& ifname) {
    std::string path = "/proc/sys/net/ipv4/conf/" + ifname + "/arp_announce";
    int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return os_error(ifname + ": cannot open " + path);
    bool ok = write(fd, "2\n", 2) == 2;
    Result<void> r;
    if (!ok) r = os_error(ifname + ": cannot set " + path);
    close(fd);
    return r;
}

}  // namespace

Result<KernelInterface> KernelInterface::create(const Settings& s) {
    if (s.ifname.empty() || s.ifname.size() >= IFNAMSIZ) return Error("kernel interface name '" + s.ifname + "' is not valid");
    std::string vdev = "net_tap_" + s.ifname;
    std::string args = "iface=" + s.ifname + ",mac=" + mac_text(s.mac);
    if (int rc = rte_vdev_init(vdev.c_str(), args.c_str()); rc != 0) {
        return Error("kernel interface " + s.ifname + ": cannot create the TAP device: " + rte_strerror(-rc) +
                     " (needs root and /dev/net/tun)");
    }
    // net_tap wants as many RX as TX queues; the kernel spreads its flows over them.
    auto port = Port::create(PortSettings{vdev, s.tx_queues, s.tx_queues, 512, 512, s.mtu, s.pool});
    if (!port) {
        rte_vdev_uninit(vdev.c_str());
        return port.error();
    }
    KernelInterface k(std::move(*port), s.ifname);

    IoctlSocket sock;
    if (sock.fd() < 0) return os_error("socket");
    if (s.address) {
        ifreq r = request_for(s.ifname);
        set_ipv4(&r.ifr_addr, s.address->address);
        if (ioctl(sock.fd(), SIOCSIFADDR, &r) != 0) return os_error(s.ifname + ": set address");
        r = request_for(s.ifname);
        set_ipv4(&r.ifr_netmask, Ipv4Address(prefix_mask(s.address->length)));
        if (ioctl(sock.fd(), SIOCSIFNETMASK, &r) != 0) return os_error(s.ifname + ": set netmask");
    }
    if (auto a = announce_interface_address(s.ifname); !a) return a.error();
    ifreq r = request_for(s.ifname);
    if (ioctl(sock.fd(), SIOCGIFFLAGS, &r) != 0) return os_error(s.ifname + ": get flags");
    r.ifr_flags |= IFF_UP;
    if (ioctl(sock.fd(), SIOCSIFFLAGS, &r) != 0) return os_error(s.ifname + ": set up");
    return k;
}

namespace {

// Secondary addresses need rtnetlink (SIOCSIFADDR replaces the primary): one RTM_NEWADDR or
// RTM_DELADDR request, acknowledged. Runs only on HSRP state changes, never on the fast path.
// EEXIST on add and EADDRNOTAVAIL on remove mean the interface is already as asked: success.
Result<void> change_address(const std::string& ifname, int type, Ipv4Address a, unsigned len) {
    unsigned index = if_nametoindex(ifname.c_str());
    if (index == 0) return Error(ifname + ": no such interface");
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) return os_error("netlink socket");
    struct {
        nlmsghdr nh;
        ifaddrmsg ifa;
        char attrs[64];
    } req{};
    req.nh.nlmsg_type = static_cast<uint16_t>(type);
    req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0);
    req.nh.nlmsg_seq = 1;
    req.ifa.ifa_family = AF_INET;
    req.ifa.ifa_prefixlen = static_cast<uint8_t>(len);
    req.ifa.ifa_index = index;
    req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(ifaddrmsg));
    uint32_t be = htonl(a.value());
    for (uint16_t attr : {uint16_t{IFA_LOCAL}, uint16_t{IFA_ADDRESS}}) {
        auto* rta = reinterpret_cast<rtattr*>(reinterpret_cast<char*>(&req) + NLMSG_ALIGN(req.nh.nlmsg_len));
        rta->rta_type = attr;
        rta->rta_len = RTA_LENGTH(sizeof be);
        std::memcpy(RTA_DATA(rta), &be, sizeof be);
        req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
    }
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    Result<void> result;
    if (sendto(fd, &req, req.nh.nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
        result = os_error(ifname + ": netlink send");
    } else {
        char buf[512];
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        auto* nh = reinterpret_cast<nlmsghdr*>(buf);
        if (n < static_cast<ssize_t>(NLMSG_LENGTH(sizeof(nlmsgerr))) || nh->nlmsg_type != NLMSG_ERROR) {
            result = Error(ifname + ": no netlink acknowledgement");
        } else if (int err = reinterpret_cast<nlmsgerr*>(NLMSG_DATA(nh))->error;
                   err != 0 && !(type == RTM_NEWADDR && err == -EEXIST) && !(type == RTM_DELADDR && err == -EADDRNOTAVAIL)) {
            result = Error(ifname + ": " + (type == RTM_NEWADDR ? "add " : "remove ") + a.str() + "/" +
                           std::to_string(len) + ": " + std::strerror(-err));
        }
    }
    close(fd);
    return result;
}

}  // namespace

Result<void> KernelInterface::add_address(Ipv4Address a, unsigned len) {
    return change_address(ifname_, RTM_NEWADDR, a, len);
}

Result<void> KernelInterface::remove_address(Ipv4Address a, unsigned len) {
    return change_address(ifname_, RTM_DELADDR, a, len);
}

}  // namespace tandem::dp
