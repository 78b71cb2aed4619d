#!/usr/bin/env bash
# HSRP on the wire against independent implementations: one Tandem gateway (tandem-dataplane +
# tandem-control) and, on the same LAN, an HSRP speaker written with scapy; tshark captures
# everything and dissects it.
#
#   $1: build dir    $2: v1text (HSRP v1, text authentication; the speaker is scapy's HSRP layer)
#                        | v2md5 (HSRP v2, MD5 authentication; the speaker builds v2 TLVs and
#                          keyed-MD5 digests itself, with Python's hashlib)
#
#   ns $T-gw: Tandem, outside 192.0.2.2/24 (af_packet on g0), standby group 1 ip 192.0.2.1,
#             priority 100, preempt, crypto map bound with `redundancy` whose static entry has
#             reverse-route (route 172.17.11.0/24 while Active)
#   ns $T-lan: l0 192.0.2.3/24: the speaker, tshark, ARP and ping
#
# Checks, in order:
#  1. alone, Tandem becomes Active: the virtual address is answered (ARP with the virtual MAC,
#     ping), is on its kernel interface, and the RRI route is in the FIB;
#  2. the speaker comes up Active with priority 200 (a Coup, then hellos): Tandem resigns and goes
#     Standby: the address is released, the route withdrawn, `show standby` names the speaker;
#  3. the speaker falls silent: after the hold time Tandem is Active again, route back;
#  4. the speaker claims Active with priority 50: Tandem (Active, higher) answers with a Coup;
#  5. a speaker with the wrong key is ignored (counted), Tandem stays Active;
#  6. the capture: tshark dissects every HSRP packet without error; Tandem's packets carry the
#     configured group, priority, timers, virtual IP and authentication (scapy's HSRP layers for
#     v1, the keyed-MD5 digest recomputed for v2), TTL 1, to the group address, from the virtual
#     MAC when Active and from the interface MAC otherwise; hellos, a Resign and a Coup are there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
mode=${2:-v1text}
case "$mode" in v1text|v2md5) ;; *) echo "unknown mode $mode"; exit 2 ;; esac
build=$(cd "$1" && pwd)
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v tshark >/dev/null && /usr/bin/python3 -c 'import scapy' 2>/dev/null || { echo "SKIP: tshark or scapy missing"; exit 77; }
T=tp$$
work=$(mktemp -d /tmp/tandem-hsrp.XXXXXX)
pids=()
cleanup() {
    local rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
        for f in "$work"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -40 "$f"; }; done
    fi
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    for ns in gw lan; do ip netns del "$T-$ns" 2>/dev/null || true; done
    rm -rf "$work"
    exit $rc
}
trap cleanup EXIT
ip netns add "$T-gw"; ip netns add "$T-lan"
for ns in gw lan; do ip -n "$T-$ns" link set lo up; done
ip link add g0 netns "$T-gw" type veth peer name l0 netns "$T-lan"
ip link add g1 netns "$T-gw" type veth peer name l1 netns "$T-lan"
ip -n "$T-lan" addr add 192.0.2.3/24 dev l0
# The kernel also sees what net_af_packet reads from g0 and, by default, answers ARP there for any
# of its addresses (the TAPs'): only the dataplane may answer, with the virtual MAC for the VIP.
ip netns exec "$T-gw" sysctl -qw net.ipv4.conf.all.arp_ignore=1
for l in "gw g0" "gw g1" "lan l0" "lan l1"; do
    set -- $l; ip -n "$T-$1" link set "$2" up
    ip netns exec "$T-$1" ethtool -K "$2" tx off rx off >/dev/null 2>&1 || true
done

if [ "$mode" = v1text ]; then
    version=1 timers="{hello: 1s, hold: 3s}" auth="{text: tandemk}"
else
    version=2 timers="{hello: 300ms, hold: 1s}" auth="{md5: speaker-test-key}"
fi
cat > "$work/gw.yaml" <<YAML
hostname: speaker-test
interfaces:
  - name: outside
    port: net_af_packet0,iface=g0
    address: 192.0.2.2/24
    role: outside
    standby_version: $version
    standby:
      - group: 1
        name: HA
        ip: 192.0.2.1
        priority: 100
        preempt: true
        timers: $timers
        authentication: $auth
    crypto_map: {name: cmap, redundancy: HA}
  - name: inside
    port: net_af_packet1,iface=g1
    address: 10.1.1.1/24
    role: inside
access_lists:
  "101":
    - permit ip 10.1.1.0 0.0.0.255 172.17.11.0 0.0.0.255
transform_sets:
  gcm:
    esp: aes-gcm-128
crypto_maps:
  cmap:
    - seq: 10
      peer: 192.0.2.9
      transform_sets: [gcm]
      match_address: "101"
      reverse_route: true
ike:
  keys:
    - peer: 192.0.2.9
      key: unused-here
$(test_process_yaml)
YAML

# Capture from the start, on the speaker's side of the LAN.
ip netns exec "$T-lan" tshark -q -i l0 -w "$work/hsrp.pcap" -f "udp port 1985 or arp" > "$work/tshark.log" 2>&1 &
pids+=($!)
wait_for "tshark to capture" 100 test -s "$work/hsrp.pcap"
start_tandem   # lib.sh: dataplane and control in $T-gw from $work/gw.yaml
state() {
    tctl show standby --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["state"])'
}
is() { [ "$(state)" = "$1" ]; }
vip_on() { ip -n "$T-gw" addr show dev tdm-outside | grep -q "inet 192.0.2.1/"; }
route_in_fib() { dpctl show routes | grep -q "172.17.11.0/24"; }

# 1. Alone: Active.
wait_for "Tandem to become Active" 200 is Active
wait_for "the virtual address on the kernel interface" 30 vip_on
wait_for "the RRI route in the FIB" 30 route_in_fib
ip netns exec "$T-lan" ping -c 2 -W 2 192.0.2.1 > "$work/ping.txt" || fail "ping to the virtual address: $(cat "$work/ping.txt")"
ip -n "$T-lan" neigh show 192.0.2.1 | grep -q "$( [ $version = 1 ] && echo 00:00:0c:07:ac:01 || echo 00:00:0c:9f:f0:01)" ||
    fail "the virtual address does not resolve to the virtual MAC: $(ip -n "$T-lan" neigh show)"
tctl show standby > "$work/show1.txt"
grep -q "Active router is local" "$work/show1.txt" || fail "show standby: $(cat "$work/show1.txt")"
grep -q "Virtual IP address is 192.0.2.1" "$work/show1.txt" || fail "show standby: $(cat "$work/show1.txt")"

# The speaker: HSRP packets from 192.0.2.3 on l0, as an Active router (from the virtual MAC).
cat > "$work/speaker.py" <<'PY'
import hashlib, struct, sys, time
from scapy.all import Ether, IP, UDP, sendp, conf
from scapy.layers.hsrp import HSRP
conf.verb = 0
version, op, prio, seconds, key = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
ops = {"hello": 0, "coup": 1, "resign": 2}

def keyed_md5(k, data):
    # RFC 1828: MD5(K || pad(K) || data || K), pad as MD5 pads a message of len(K) octets.
    k = k.encode()
    pad = b"\x80" + b"\x00" * ((55 - len(k)) % 64) + struct.pack("<Q", len(k) * 8)
    return hashlib.md5(k + pad + data + k).digest()

def v2_packet(opcode):
    mac = bytes.fromhex("00000c9ff001")
    gs = struct.pack("!BBBBBBH6sIII16s", 1, 40, 2, opcode, 6, 4, 1, mac, prio, 300, 1000,
                     bytes([192, 0, 2, 1]) + b"\x00" * 12)
    md5 = struct.pack("!BBBBH4sI16s", 4, 28, 1, 0, 0, bytes([192, 0, 2, 3]), 0, b"\x00" * 16)
    p = gs + md5
    return p[:-16] + keyed_md5(key, p)

def frame(opcode):
    if version == 1:
        vmac = "00:00:0c:07:ac:01"
        payload = bytes(HSRP(opcode=opcode, state=16, hellotime=1, holdtime=3, priority=prio, group=1,
                             auth=key.encode().ljust(8, b"\x00")[:8], virtualIP="192.0.2.1"))
        dst = "224.0.0.2"
    else:
        vmac = "00:00:0c:9f:f0:01"
        payload = v2_packet(opcode)
        dst = "224.0.0.102"
    return Ether(src=vmac, dst="01:00:5e:00:00:%02x" % (2 if version == 1 else 102)) / \
        IP(src="192.0.2.3", dst=dst, ttl=1, tos=0xc0) / UDP(sport=1985, dport=1985) / payload

end = time.time() + seconds
if op == "coup":
    sendp(frame(1), iface="l0")
while time.time() < end:
    sendp(frame(0), iface="l0")
    time.sleep(0.2 if version == 2 else 0.5)
PY
speak() {  # op priority seconds key
    ip netns exec "$T-lan" /usr/bin/python3 "$work/speaker.py" "$version" "$@" >> "$work/speaker.log" 2>&1
}
key=$([ $version = 1 ] && echo tandemk || echo speaker-test-key)

# 2. A higher-priority Active speaker: Tandem resigns, goes Standby, releases and withdraws.
speak coup 200 6 "$key" &
spk=$!; pids+=($spk)
wait_for "Tandem to leave Active for Standby" 60 is Standby
wait_for "the virtual address to leave the kernel interface" 30 sh -c "! ip -n $T-gw addr show dev tdm-outside | grep -q 'inet 192.0.2.1/'"
wait_for "the RRI route to leave the FIB" 30 sh -c "! '$build/controlplane/ctl/tandemctl' dp --socket '$work/dp.sock' show routes | grep -q 172.17.11.0/24"
tctl show standby > "$work/show2.txt"
grep -q "Active router is 192.0.2.3, priority 200" "$work/show2.txt" || fail "show standby: $(cat "$work/show2.txt")"
wait "$spk" || true

# 3. The speaker is silent: hold time, then Tandem is Active again.
wait_for "Tandem to take over after the hold time" 100 is Active
wait_for "the RRI route back in the FIB" 30 route_in_fib

# 4. A lower-priority router claiming Active: Tandem keeps Active and sends a Coup.
speak hello 50 2 "$key"
is Active || fail "Tandem gave Active to a lower priority: $(tctl show standby)"

# 5. The wrong key: ignored, counted as an authentication mismatch.
speak coup 250 2 "wrongkey"
is Active || fail "a speaker with the wrong key took Active: $(tctl show standby)"
tctl show standby --json | /usr/bin/python3 -c '
import json, sys
g = json.load(sys.stdin)[0]
assert g.get("drops", {}).get("auth-mismatch", 0) > 0, g.get("drops")' || fail "no auth-mismatch drops counted: $(tctl show standby --json)"

# Resign on the way out: stop tandem-control (SIGTERM).
kill -TERM "${pids[2]}" 2>/dev/null || true
wait "${pids[2]}" 2>/dev/null || true
sleep 1
kill -TERM "${pids[0]}" 2>/dev/null || true   # tshark flushes its file
wait "${pids[0]}" 2>/dev/null || true

# 6. The capture.
tshark -r "$work/hsrp.pcap" -Y "_ws.malformed || _ws.expert.severity >= error" > "$work/malformed.txt" 2>/dev/null || fail "tshark could not read the capture"
[ -s "$work/malformed.txt" ] && fail "tshark found malformed HSRP: $(cat "$work/malformed.txt")"
/usr/bin/python3 - "$work/hsrp.pcap" "$version" "$key" <<'PY' || fail "capture check"
import hashlib, struct, subprocess, sys
from scapy.all import rdpcap, Ether, IP, UDP
from scapy.layers.hsrp import HSRP
path, version, key = sys.argv[1], int(sys.argv[2]), sys.argv[3]
vmac = "00:00:0c:07:ac:01" if version == 1 else "00:00:0c:9f:f0:01"

def keyed_md5(k, data):
    k = k.encode()
    pad = b"\x80" + b"\x00" * ((55 - len(k)) % 64) + struct.pack("<Q", len(k) * 8)
    return hashlib.md5(k + pad + data + k).digest()

ops, bad = {}, []
tandem_mac = None
for p in rdpcap(path):
    if IP not in p or UDP not in p or p[IP].src != "192.0.2.2" or p[UDP].dport != 1985:
        continue
    ip, raw = p[IP], bytes(p[UDP].payload)
    if ip.ttl != 1: bad.append("TTL %d" % ip.ttl)
    if ip.dst != ("224.0.0.2" if version == 1 else "224.0.0.102"): bad.append("dst " + ip.dst)
    if version == 1:
        h = HSRP(raw)
        op, state = h.opcode, h.state
        if (h.group, h.priority, h.hellotime, h.holdtime, h.virtualIP) != (1, 100, 1, 3, "192.0.2.1"):
            bad.append("fields %r" % ((h.group, h.priority, h.hellotime, h.holdtime, h.virtualIP),))
        if h.auth.rstrip(b"\x00") != key.encode(): bad.append("auth %r" % h.auth)
        active = state == 16
    else:
        t, l, ver, op, state, ipver, group, ident, prio, hello, hold, vip = struct.unpack("!BBBBBBH6sIII16s", raw[:42])
        if (t, l, ver, ipver, group, prio, hello, hold, vip[:4]) != (1, 40, 2, 4, 1, 100, 300, 1000, bytes([192, 0, 2, 1])):
            bad.append("group state TLV %r" % ((t, l, ver, ipver, group, prio, hello, hold, vip[:4]),))
        md5_at, i = -1, 0
        while i + 2 <= len(raw):
            if raw[i] == 4: md5_at = i
            i += 2 + raw[i + 1]
        if md5_at < 0:
            bad.append("no MD5 TLV")
        else:
            digest = raw[md5_at + 14: md5_at + 30]
            zeroed = raw[:md5_at + 14] + b"\x00" * 16 + raw[md5_at + 30:]
            if keyed_md5(key, zeroed) != digest: bad.append("MD5 digest does not verify")
            if raw[md5_at + 6: md5_at + 10] != bytes([192, 0, 2, 2]): bad.append("MD5 sender address")
        active = state == 6
    ops[op] = ops.get(op, 0) + 1
    src = p[Ether].src
    if active and src != vmac: bad.append("Active hello from %s, not the virtual MAC" % src)
    if not active:
        tandem_mac = tandem_mac or src
        if src == vmac: bad.append("non-Active packet from the virtual MAC")
if not ops.get(0): bad.append("no hellos")
if not ops.get(2): bad.append("no Resign")
if not ops.get(1): bad.append("no Coup")
# tshark's view of the same packets.
fields = "hsrp.opcode,hsrp.group,hsrp.priority,hsrp.virt_ip" if version == 1 else "hsrp2.opcode,hsrp2.group,hsrp2.priority,hsrp2.virt_ip"
out = subprocess.run(["tshark", "-r", path, "-Y", "ip.src == 192.0.2.2 && udp.port == 1985", "-T", "fields", "-E", "separator=,"] +
                     sum([["-e", f] for f in fields.split(",")], []), capture_output=True, text=True, check=True).stdout
rows = [r for r in out.splitlines() if r]
if not rows or any(r.split(",")[1:] != ["1", "100", "192.0.2.1"] for r in rows):
    bad.append("tshark fields: %r" % rows[:5])
print("Tandem sent %d hellos, %d coups, %d resigns; tshark dissected %d" % (ops.get(0, 0), ops.get(1, 0), ops.get(2, 0), len(rows)))
if bad:
    print("\n".join(sorted(set(bad))))
    sys.exit(1)
PY
echo "PASS ($mode)"
