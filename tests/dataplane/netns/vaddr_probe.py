#!/usr/bin/python3
"""The two ends of vaddr_netns_test.sh: small probes run inside the test's namespaces.

  arp IFACE TARGET              ARP request for TARGET; prints the sender MAC of every reply seen
                                within 1.5 s, one per line (scapy: all replies, not the first)
  udp-echo PORT READY           gateway side, like tandem-control's IKE socket: bound to 0.0.0.0
                                with IP_PKTINFO, answers one datagram from the address it was
                                sent to; prints that address
  udp-ask IP PORT               peer side: sends a datagram, prints the source of the answer
  mcast-listen IFACE GROUP PORT READY
                                joins GROUP on IFACE, prints the source of one datagram
  mcast-send SRC GROUP PORT     sends one datagram to GROUP from SRC's interface (TTL 1)
  raw-send IFACE SRCMAC         an HSRP-like frame (UDP 1985 to 224.0.0.2, 01:00:5e:00:00:02)
                                written on IFACE by AF_PACKET with SRCMAC as Ethernet source
  raw-wait IFACE READY          waits for that frame on IFACE; prints its Ethernet source
Each probe gives up after a few seconds (exit status 1) rather than hang the test.
"""
import socket
import struct
import sys

TIMEOUT = 5.0
MARKER = b"tandem-vaddr-probe"
IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)  # Linux; not exported by every Python
# The peer's veth offloads UDP checksums: net_af_packet would read the frame before the checksum is
# filled in and the gateway's kernel would drop it (UdpInCsumErrors). The peer's datagrams go
# without a checksum instead (0: none, allowed for UDP over IPv4); ethtool may not be installed.
SO_NO_CHECK = 11


def udp_socket_without_checksum():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, SO_NO_CHECK, 1)
    return s


def ready(path):
    with open(path, "w") as f:
        f.write("ready\n")


def mac_text(b):
    return ":".join("%02x" % x for x in b)


def arp(iface, target):
    from scapy.all import ARP, Ether, conf, srp
    conf.verb = 0
    answered, _ = srp(Ether(dst="ff:ff:ff:ff:ff:ff") / ARP(op=1, pdst=target), iface=iface, timeout=1.5, multi=True)
    for _, reply in answered:
        print(reply[ARP].hwsrc)


def udp_echo(port, ready_file):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
    s.bind(("0.0.0.0", port))
    s.settimeout(TIMEOUT)
    ready(ready_file)
    data, anc, _, peer = s.recvmsg(2048, socket.CMSG_SPACE(12))
    dst = None
    for level, kind, value in anc:
        if level == socket.IPPROTO_IP and kind == IP_PKTINFO:
            _ifindex, _spec, addr = struct.unpack("I4s4s", value[:12])
            dst = addr
    if dst is None:
        sys.exit("no IP_PKTINFO")
    # Answer from the address the datagram was sent to (as an IKE responder must).
    pktinfo = struct.pack("I4s4s", 0, dst, b"\0\0\0\0")
    s.sendmsg([b"re:" + data], [(socket.IPPROTO_IP, IP_PKTINFO, pktinfo)], 0, peer)
    print(socket.inet_ntoa(dst))


def udp_ask(ip, port):
    s = udp_socket_without_checksum()
    s.settimeout(TIMEOUT)
    s.sendto(MARKER, (ip, port))
    data, src = s.recvfrom(2048)
    if data != b"re:" + MARKER:
        sys.exit("unexpected answer %r" % data)
    print(src[0])


def mcast_listen(iface, group, port, ready_file):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((group, port))
    mreqn = socket.inet_aton(group) + socket.inet_aton("0.0.0.0") + struct.pack("i", socket.if_nametoindex(iface))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreqn)
    s.settimeout(TIMEOUT)
    ready(ready_file)
    while True:
        data, src = s.recvfrom(2048)
        if data == MARKER:
            print(src[0])
            return


def mcast_send(src, group, port):
    s = udp_socket_without_checksum()
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(src))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    s.sendto(MARKER, (group, port))


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def hsrp_like_frame(src_mac):
    payload = MARKER
    udp = struct.pack("!HHHH", 1985, 1985, 8 + len(payload), 0) + payload  # UDP checksum 0: none
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0xC0, 20 + len(udp), 0, 0, 1, 17, 0,
                     socket.inet_aton("10.77.0.1"), socket.inet_aton("224.0.0.2"))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return bytes.fromhex("01005e000002") + src_mac + b"\x08\x00" + ip + udp


def raw_send(iface, src_mac):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    s.send(hsrp_like_frame(bytes.fromhex(src_mac.replace(":", ""))))


def raw_wait(iface, ready_file):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    s.bind((iface, 0))
    s.settimeout(TIMEOUT)
    ready(ready_file)
    while True:
        frame = s.recv(2048)
        if MARKER in frame and frame[12:14] == b"\x08\x00":
            print(mac_text(frame[6:12]))
            return


def main(argv):
    cmd, args = argv[1], argv[2:]
    try:
        if cmd == "arp":
            arp(*args)
        elif cmd == "udp-echo":
            udp_echo(int(args[0]), args[1])
        elif cmd == "udp-ask":
            udp_ask(args[0], int(args[1]))
        elif cmd == "mcast-listen":
            mcast_listen(args[0], args[1], int(args[2]), args[3])
        elif cmd == "mcast-send":
            mcast_send(args[0], args[1], int(args[2]))
        elif cmd == "raw-send":
            raw_send(args[0], args[1])
        elif cmd == "raw-wait":
            raw_wait(args[0], args[1])
        else:
            sys.exit("unknown probe " + cmd)
    except socket.timeout:
        sys.exit(cmd + ": timed out")


if __name__ == "__main__":
    main(sys.argv)
