#!/usr/bin/python3
"""The remote IPsec peer and the inside host of esp_netns_test.sh, with scapy (Debian
python3-scapy, run with /usr/bin/python3). Every receive has a timeout; a failed check prints
"FAIL: ..." and exits 1.

    esp_peer.py encap IFACE CFG COUNT READY   (peer ns) sniff COUNT ESP packets from the gateway
                                               on IFACE, decrypt them with scapy's
                                               SecurityAssociation and check the inner UDP packets
                                               that `send` sent; touches READY once sniffing
    esp_peer.py send DST PORT COUNT            (inside host) COUNT UDP datagrams "tandem-N" to
                                               DST:PORT with TTL 64, 0.1 s apart
    esp_peer.py decap IFACE CFG COUNT          (peer ns) send COUNT ESP packets (sequence numbers
                                               1..COUNT) carrying UDP "reply-N" from cfg inner_src
                                               to cfg inner_dst, then the first one again (replay)
    esp_peer.py recv PORT COUNT READY          (inside host) receive on a UDP socket; exactly
                                               COUNT datagrams "reply-1".."reply-COUNT" must arrive
                                               and nothing more within a second after them

CFG is JSON: spi, cipher ("AES-GCM" | "AES-CBC"), cipher_key (hex; GCM without the salt), salt
(hex, GCM), auth (scapy name or null), auth_key (hex), natt (bool), tunnel src/dst, inner
addresses and the UDP port. scapy 2.5 writes 8 into the UDP length of NAT-T packets it encrypts;
the length is corrected here as in tests/dataplane/ipsec/esp_oracle.py.
"""
import json
import os
import socket
import struct
import sys
import time

TIMEOUT = 10.0


def fail(msg):
    print("FAIL: " + msg, flush=True)
    sys.exit(1)


def make_sa(cfg, src, dst, spi):
    from scapy.layers.inet import IP, UDP
    from scapy.layers.ipsec import ESP, SecurityAssociation
    key = bytes.fromhex(cfg["cipher_key"])
    kw = dict(crypt_algo=cfg["cipher"], tunnel_header=IP(src=src, dst=dst))
    if cfg["cipher"] == "AES-GCM":
        key += bytes.fromhex(cfg["salt"])
        kw["crypt_icv_size"] = 16
    kw["crypt_key"] = key
    if cfg.get("auth"):
        kw["auth_algo"] = cfg["auth"]
        kw["auth_key"] = bytes.fromhex(cfg["auth_key"])
    if cfg["natt"]:
        kw["nat_t_header"] = UDP(sport=4500, dport=4500)
    return SecurityAssociation(ESP, spi=spi, **kw)


def salt_diagnosis(cfg, outer):
    """With GCM, whether the packet decrypts with the salt bytes reversed (a byte-order bug)."""
    if cfg["cipher"] != "AES-GCM":
        return ""
    from scapy.layers.inet import IP
    swapped = dict(cfg, salt=bytes.fromhex(cfg["salt"])[::-1].hex())
    try:
        make_sa(swapped, cfg["gw"], cfg["peer"], cfg["out_spi"]).decrypt(IP(bytes(outer)))
    except Exception:  # noqa: BLE001
        return ""
    return (" (it decrypts with the salt bytes reversed: the gateway put %s into the GCM nonce "
            "where the SA file says salt 0x%s)" % (swapped["salt"], cfg["salt"]))


def encap(iface, cfg, count, ready):
    from scapy.all import AsyncSniffer
    from scapy.layers.inet import IP, UDP
    from scapy.layers.ipsec import ESP
    flt = "src host %s and dst host %s and " % (cfg["gw"], cfg["peer"])
    flt += "udp port 4500" if cfg["natt"] else "ip proto 50"
    sniffer = AsyncSniffer(iface=iface, filter=flt, count=count, timeout=TIMEOUT,
                           started_callback=lambda: open(ready, "w").close())
    sniffer.start()
    sniffer.join()
    pkts = sniffer.results or []
    if len(pkts) != count:
        fail("peer saw %d ESP packets from the gateway, expected %d" % (len(pkts), count))
    sa = make_sa(cfg, cfg["gw"], cfg["peer"], cfg["out_spi"])
    seen = set()
    for n, p in enumerate(pkts):
        outer = p[IP]
        if cfg["natt"]:
            if UDP not in outer or outer[UDP].sport != 4500 or outer[UDP].dport != 4500:
                fail("packet %d: not UDP-encapsulated 4500->4500: %s" % (n, outer.summary()))
        if ESP not in outer:
            fail("packet %d: no ESP: %s" % (n, outer.summary()))
        if outer[ESP].spi != cfg["out_spi"]:
            fail("packet %d: SPI %#x, expected %#x" % (n, outer[ESP].spi, cfg["out_spi"]))
        if outer[ESP].seq != n + 1:
            fail("packet %d: sequence number %d, expected %d" % (n, outer[ESP].seq, n + 1))
        try:
            inner = sa.decrypt(IP(bytes(outer)))
        except Exception as e:  # noqa: BLE001 - any failure is the test's failure
            fail("packet %d: scapy cannot decrypt it: %s %s%s; frame %s" % (
                n, type(e).__name__, e, salt_diagnosis(cfg, outer), bytes(p).hex()))
        if inner.src != cfg["host"] or inner.dst != cfg["remote"]:
            fail("packet %d: inner %s -> %s" % (n, inner.src, inner.dst))
        if UDP not in inner or inner[UDP].dport != cfg["port"]:
            fail("packet %d: inner is not UDP to port %d: %s" % (n, cfg["port"], inner.summary()))
        if inner.ttl != 63:
            fail("packet %d: inner TTL %d, expected 63 (64 decremented once)" % (n, inner.ttl))
        payload = bytes(inner[UDP].payload)
        seen.add(payload)
        print("peer: decrypted seq %d: %s -> %s ttl %d %r" % (outer[ESP].seq, inner.src, inner.dst,
                                                                inner.ttl, payload))
    want = {("tandem-%d" % i).encode() for i in range(1, count + 1)}
    if seen != want:
        fail("inner payloads %r, expected %r" % (sorted(seen), sorted(want)))


def send(dst, port, count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 64)
    for i in range(1, count + 1):
        s.sendto(("tandem-%d" % i).encode(), (dst, port))
        time.sleep(0.1)


def decap(iface, cfg, count):
    from scapy.all import Ether, getmacbyip, sendp
    from scapy.layers.inet import IP, UDP
    gw_mac = None
    for _ in range(5):
        gw_mac = getmacbyip(cfg["gw"])
        if gw_mac:
            break
        time.sleep(0.5)
    if not gw_mac:
        fail("the gateway does not answer ARP for %s" % cfg["gw"])
    sa = make_sa(cfg, cfg["peer"], cfg["gw"], cfg["in_spi"])
    frames = []
    for i in range(1, count + 1):
        inner = IP(src=cfg["remote"], dst=cfg["host"], ttl=64) / \
            UDP(sport=cfg["port"], dport=cfg["port"]) / ("reply-%d" % i).encode()
        data = bytes(sa.encrypt(inner, seq_num=i))
        if cfg["natt"]:
            ihl = (data[0] & 0xF) * 4
            data = data[:ihl + 4] + struct.pack("!H", len(data) - ihl) + data[ihl + 6:]
        frames.append(Ether(dst=gw_mac) / IP(data))
    for f in frames:
        sendp(f, iface=iface, verbose=False)
        time.sleep(0.1)
    time.sleep(0.3)
    sendp(frames[0], iface=iface, verbose=False)   # the replay
    print("peer: sent %d ESP packets to %s (%s) and replayed the first" % (count, cfg["gw"], gw_mac))


def recv(port, count, ready):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    open(ready, "w").close()
    got = []
    deadline = time.monotonic() + TIMEOUT
    while len(got) < count:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            data, addr = s.recvfrom(2048)
        except socket.timeout:
            break
        got.append((data, addr))
    # Anything more (the replayed copy) within a second is a failure.
    s.settimeout(1.5)
    try:
        while True:
            got.append(s.recvfrom(2048))
    except socket.timeout:
        pass
    for data, addr in got:
        print("host: received %r from %s:%d" % (data, addr[0], addr[1]))
    want = [("reply-%d" % i).encode() for i in range(1, count + 1)]
    if sorted(d for d, _ in got) != want:
        fail("the inside host received %r, expected exactly %r" % ([d for d, _ in got], want))


def main():
    a = sys.argv[1:]
    if len(a) == 5 and a[0] == "encap":
        with open(a[2]) as f:
            encap(a[1], json.load(f), int(a[3]), a[4])
    elif len(a) == 4 and a[0] == "send":
        send(a[1], int(a[2]), int(a[3]))
    elif len(a) == 4 and a[0] == "decap":
        with open(a[2]) as f:
            decap(a[1], json.load(f), int(a[3]))
    elif len(a) == 4 and a[0] == "recv":
        recv(int(a[1]), int(a[2]), a[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
