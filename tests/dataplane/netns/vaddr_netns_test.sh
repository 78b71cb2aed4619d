#!/usr/bin/env bash
# An HSRP virtual address claimed and released through the dataplane API, seen from a peer, between
# network namespaces this test makes (and always removes):
#
#   ns <tag>-peer: a1 10.77.0.2/24  ---veth---  a0 (net_af_packet) ns <tag>-gw: tandem-dataplane
#                                               port 0 "inside" 10.77.0.1/24, kernel interface
#                                               tdm-inside (TAP); the "control plane" is a few
#                                               python3 sockets there (vaddr_probe.py)
#
# `tandemctl dp claim vaddr 0 10.77.0.254 00:00:0c:07:ac:01` (HSRP v1 group 1), then:
#   - tdm-inside holds 10.77.0.254/32 (the test put it there first: that is accepted); claiming it
#     again is accepted and changes nothing, claiming it with another MAC is refused;
#   - an ARP request for the VIP from the peer is answered, and only with the virtual MAC;
#   - ping to the VIP (frames to the virtual MAC) is answered;
#   - a UDP datagram to VIP:5000 reaches a socket bound to 0.0.0.0 with IP_PKTINFO (as IKE's),
#     whose answer comes back from the VIP, while the gateway's kernel has to ARP for the peer
#     first: the peer must still know the VIP by the virtual MAC afterwards (arp_announce);
#   - a datagram to 224.0.0.2:1985 from the peer reaches a socket that joined the group on the TAP;
#   - a frame written on the TAP by AF_PACKET with the virtual MAC as source (how tandem-control
#     sends HSRP hellos while Active) reaches the peer with that source MAC.
# `tandemctl dp release vaddr 0 10.77.0.254`: the address is gone from tdm-inside and ARP for it
# is no longer answered. SIGTERM stops the dataplane cleanly.
#
# The gateway namespace sets arp_ignore = 1 on a0: net_af_packet does not take a0 from the kernel,
# whose weak host model would otherwise answer ARP for every address of the TAP on a0 too, with
# a0's MAC (docs/design.md, known gaps).
#
# Usage: vaddr_netns_test.sh BUILD_DIR   (needs root and /usr/bin/python3 with scapy; else exit 77)
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for network namespaces"; exit 77; }
py=/usr/bin/python3
"$py" -c "import scapy.all" 2>/dev/null || { echo "SKIP: /usr/bin/python3 has no scapy"; exit 77; }
probe="$py $here/vaddr_probe.py"

tag=tdmv-$$
gw_ns=$tag-gw
peer_ns=$tag-peer
vip=10.77.0.254
vmac=00:00:0c:07:ac:01
work=$(mktemp -d)
dp_pid=
bg_pid=
cleanup() {
    [ -n "$bg_pid" ] && kill "$bg_pid" 2>/dev/null && wait "$bg_pid" 2>/dev/null || true
    [ -n "$dp_pid" ] && kill -TERM "$dp_pid" 2>/dev/null && wait "$dp_pid" 2>/dev/null || true
    ip netns del "$gw_ns" 2>/dev/null || true
    ip netns del "$peer_ns" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*"
    echo "--- dataplane log"; cat "$work/dp.log" 2>/dev/null || true
    exit 1
}
ctl() { "$build/controlplane/ctl/tandemctl" dp --socket "$work/dp.sock" "$@"; }
# Plain words, not functions: a background job started with them is the process itself (killed
# by its pid), not a subshell.
in_gw="ip netns exec $gw_ns"
in_peer="ip netns exec $peer_ns"
# Starts a probe in the background and waits (bounded) for it to say it is listening.
start_bg() {
    local ready=$work/ready.$RANDOM
    "$@" "$ready" > "$work/bg.out" 2>&1 &
    bg_pid=$!
    for _ in $(seq 1 100); do
        [ -e "$ready" ] && return 0
        kill -0 "$bg_pid" 2>/dev/null || fail "probe exited early: $(cat "$work/bg.out")"
        sleep 0.1
    done
    fail "probe did not get ready: $*"
}
# Waits for the background probe; its output is in $work/bg.out.
finish_bg() {
    local rc=0
    wait "$bg_pid" || rc=$?
    bg_pid=
    return $rc
}
tap_has_vip() { $in_gw ip -4 -o addr show dev tdm-inside | grep -q " $vip/32 "; }

ip netns add "$gw_ns"
ip netns add "$peer_ns"
ip link add a0 netns "$gw_ns" type veth peer name a1 netns "$peer_ns"
for ns in "$gw_ns" "$peer_ns"; do ip -n "$ns" link set lo up; done
$in_gw sysctl -qw net.ipv4.conf.a0.arp_ignore=1
ip -n "$gw_ns" link set a0 up
ip -n "$peer_ns" addr add 10.77.0.2/24 dev a1
ip -n "$peer_ns" link set a1 up
ip -n "$peer_ns" route add 224.0.0.0/4 dev a1

cat > "$work/gw.yaml" <<YAML
interfaces:
  - name: inside
    port: net_af_packet0,iface=a0
    address: 10.77.0.1/24
    role: inside
dataplane:
  main_lcore: 0
  workers: [1]
  poll: adaptive
  hugepages: false
  memory_mb: 256
  mbufs: 2047
  mbuf_cache: 64
  file_prefix: $tag
  api_socket: $work/dp.sock
YAML

$in_gw "$build/dataplane/tandem-dataplane" -c "$work/gw.yaml" > "$work/dp.log" 2>&1 &
dp_pid=$!
for _ in $(seq 1 100); do
    [ -S "$work/dp.sock" ] && ctl hello > "$work/hello.txt" 2>&1 && break
    kill -0 "$dp_pid" 2>/dev/null || fail "tandem-dataplane exited during start-up"
    sleep 0.1
done
grep -q "1 ports, 1 workers" "$work/hello.txt" || fail "hello: $(cat "$work/hello.txt")"
[ "$($in_gw cat /proc/sys/net/ipv4/conf/tdm-inside/arp_announce)" = 2 ] || fail "arp_announce is not 2 on tdm-inside"

# ---- claim (of an address the TAP has already: that is fine)
$in_gw ip addr add $vip/32 dev tdm-inside
ctl claim vaddr 0 $vip $vmac > "$work/claim.txt" 2>&1 || fail "claim: $(cat "$work/claim.txt")"
tap_has_vip || fail "$vip/32 is not on tdm-inside after the claim: $($in_gw ip -4 -o addr show dev tdm-inside)"
grep -q "virtual address $vip ($vmac) claimed" "$work/dp.log" || fail "the claim is not in the log"
ctl claim vaddr 0 $vip $vmac > "$work/claim2.txt" 2>&1 || fail "a second claim of a held address failed: $(cat "$work/claim2.txt")"
[ "$($in_gw ip -4 -o addr show dev tdm-inside | grep -c " $vip/32 ")" = 1 ] || fail "the second claim changed tdm-inside"
if ctl claim vaddr 0 $vip 00:00:0c:07:ac:02 > "$work/claim3.txt" 2>&1; then fail "a claim with another MAC was accepted"; fi
grep -q "exists" "$work/claim3.txt" || fail "a claim with another MAC: $(cat "$work/claim3.txt")"

# ARP: answered, and only with the virtual MAC.
$in_peer $probe arp a1 $vip > "$work/arp.txt" 2>&1 || fail "arp probe: $(cat "$work/arp.txt")"
[ -s "$work/arp.txt" ] || fail "no ARP reply for $vip"
[ "$(sort -u "$work/arp.txt")" = "$vmac" ] || fail "ARP replies for $vip: $(tr '\n' ' ' < "$work/arp.txt") (want only $vmac)"

# ICMP to the virtual MAC reaches the kernel (readdressed to the TAP's MAC) and is answered.
$in_peer ping -c 3 -i 0.2 -W 2 $vip > "$work/ping.txt" || fail "ping $vip: $(cat "$work/ping.txt")"
grep -q " 0% packet loss" "$work/ping.txt" || fail "ping $vip lost packets: $(cat "$work/ping.txt")"
$in_peer ip neigh show $vip | grep -q "lladdr $vmac" || fail "the peer knows $vip as: $($in_peer ip neigh show $vip)"

# UDP as IKE does it; the gateway's kernel forgets the peer first, so it must ARP for it.
$in_gw ip neigh flush dev tdm-inside
start_bg $in_gw $probe udp-echo 5000
$in_peer $probe udp-ask $vip 5000 > "$work/udp.txt" 2>&1 || fail "UDP to $vip:5000: $(cat "$work/udp.txt"; cat "$work/bg.out")"
finish_bg || fail "UDP listener: $(cat "$work/bg.out")"
[ "$(cat "$work/bg.out")" = $vip ] || fail "the listener saw the datagram sent to $(cat "$work/bg.out")"
[ "$(cat "$work/udp.txt")" = $vip ] || fail "the answer came from $(cat "$work/udp.txt"), not $vip"
$in_peer ip neigh show $vip | grep -q "lladdr $vmac" || fail "after the gateway's ARP the peer knows $vip as: $($in_peer ip neigh show $vip)"

# Multicast (HSRP hellos) reaches a socket that joined the group on the TAP.
start_bg $in_gw $probe mcast-listen tdm-inside 224.0.0.2 1985
$in_peer $probe mcast-send 10.77.0.2 224.0.0.2 1985 || fail "multicast send"
finish_bg || fail "no datagram to 224.0.0.2:1985 on tdm-inside: $(cat "$work/bg.out")"
[ "$(cat "$work/bg.out")" = 10.77.0.2 ] || fail "multicast listener: $(cat "$work/bg.out")"

# A frame the gateway writes on the TAP with the virtual MAC as source leaves unchanged.
start_bg $in_peer $probe raw-wait a1
$in_gw $probe raw-send tdm-inside $vmac || fail "AF_PACKET send on tdm-inside"
finish_bg || fail "the frame sourced from $vmac did not reach the peer: $(cat "$work/bg.out")"
[ "$(cat "$work/bg.out")" = $vmac ] || fail "the frame arrived with source $(cat "$work/bg.out"), not $vmac"

# ---- release
ctl release vaddr 0 $vip > "$work/release.txt" 2>&1 || fail "release: $(cat "$work/release.txt")"
tap_has_vip && fail "$vip is still on tdm-inside after the release"
grep -q "virtual address $vip ($vmac) released" "$work/dp.log" || fail "the release is not in the log"
$in_peer $probe arp a1 $vip > "$work/arp2.txt" 2>&1 || fail "arp probe: $(cat "$work/arp2.txt")"
[ -s "$work/arp2.txt" ] && fail "ARP for $vip is still answered after the release: $(tr '\n' ' ' < "$work/arp2.txt")"
if ctl release vaddr 0 $vip > "$work/release2.txt" 2>&1; then fail "releasing an address not held was accepted"; fi
grep -q "not_found" "$work/release2.txt" || fail "releasing an address not held: $(cat "$work/release2.txt")"

kill -TERM "$dp_pid"
wait "$dp_pid" || fail "tandem-dataplane did not exit cleanly"
dp_pid=
grep -q "stopping" "$work/dp.log" || fail "no clean stop in the log"
echo "PASS: virtual address claimed (kernel address, ARP, ICMP, UDP from the VIP, multicast, virtual source MAC) and released"
