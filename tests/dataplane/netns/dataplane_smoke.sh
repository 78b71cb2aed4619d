#!/usr/bin/env bash
# tandem-dataplane as a process, between network namespaces this test makes (and always removes):
#
#   ns tdmt-<pid>-h1: a1 10.77.0.2/24  ---veth---  a0 (net_af_packet) ns tdmt-<pid>-dp: tandem-dataplane
#                                                   inside 10.77.0.1/24, kernel interface tdm-inside
#
# Checks: it starts from the YAML and serves the control API; a host pings the gateway through the
# exception path (ARP and ICMP via the kernel interface); `tandemctl dp` reads stats that count the
# traffic, installs a route that reads back, and a bad request is refused without changing
# anything; SIGTERM stops it cleanly.
#
# Usage: dataplane_smoke.sh BUILD_DIR     (needs root; skips, exit 77, without it)
set -euo pipefail
build=$(cd "$1" && pwd)
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for network namespaces"; exit 77; }

tag=tdmt-$$
dp_ns=$tag-dp
h1_ns=$tag-h1
work=$(mktemp -d)
dp_pid=
cleanup() {
    [ -n "$dp_pid" ] && kill -TERM "$dp_pid" 2>/dev/null && wait "$dp_pid" 2>/dev/null || true
    ip netns del "$dp_ns" 2>/dev/null || true
    ip netns del "$h1_ns" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- dataplane log"; cat "$work/dp.log" || true; exit 1; }

ip netns add "$dp_ns"
ip netns add "$h1_ns"
ip link add a0 netns "$dp_ns" type veth peer name a1 netns "$h1_ns"
ip -n "$dp_ns" link set lo up
ip -n "$dp_ns" link set a0 up
ip -n "$h1_ns" addr add 10.77.0.2/24 dev a1
ip -n "$h1_ns" link set a1 up

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

ip netns exec "$dp_ns" "$build/dataplane/tandem-dataplane" -c "$work/gw.yaml" > "$work/dp.log" 2>&1 &
dp_pid=$!
ctl() { "$build/controlplane/ctl/tandemctl" dp --socket "$work/dp.sock" "$@"; }
for _ in $(seq 1 100); do
    [ -S "$work/dp.sock" ] && ctl hello > "$work/hello.txt" 2>&1 && break
    kill -0 "$dp_pid" 2>/dev/null || fail "tandem-dataplane exited during start-up"
    sleep 0.1
done
grep -q "1 ports, 1 workers" "$work/hello.txt" || fail "hello: $(cat "$work/hello.txt")"

ip netns exec "$h1_ns" ping -c 3 -i 0.2 -W 2 10.77.0.1 > "$work/ping.txt" || fail "ping: $(cat "$work/ping.txt")"
grep -q " 0% packet loss" "$work/ping.txt" || fail "ping lost packets: $(cat "$work/ping.txt")"

ctl show stats ports > "$work/ports.txt"
input=$(awk '/packets input/ {print $1; exit}' "$work/ports.txt")
[ "${input:-0}" -ge 3 ] || fail "port stats do not count the pings: $(cat "$work/ports.txt")"

ctl add route 10.50.0.0/16 via 10.77.0.2 port 0 || fail "add route"
ctl show routes | grep -q "10.50.0.0/16 via 10.77.0.2" || fail "route does not read back"
if ctl add route 10.60.0.0/16 via 10.77.0.2 port 9 > "$work/bad.txt" 2>&1; then fail "a route to port 9 was accepted"; fi
ctl show routes | grep -q "10.60.0.0" && fail "the refused route was installed"

kill -TERM "$dp_pid"
wait "$dp_pid" || fail "tandem-dataplane did not exit cleanly"
dp_pid=
grep -q "stopping" "$work/dp.log" || fail "no clean stop in the log"
echo "PASS: tandem-dataplane started, answered ping through its kernel interface, served the API, stopped"
