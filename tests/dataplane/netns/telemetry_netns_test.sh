#!/usr/bin/env bash
# tandem-dataplane's DPDK telemetry (/tandem/*), read with dpdk-telemetry.py and with a small
# client (telemetry_check.py), on the namespace set-up of dataplane_smoke.sh:
#
#   ns tdmtel-<pid>-h1: a1 10.77.0.2/24  ---veth---  a0 (net_af_packet) ns tdmtel-<pid>-dp:
#                                                   tandem-dataplane, inside 10.77.0.1/24
#
# Checks: with its own --file-prefix, the telemetry socket is <runtime dir>/<prefix>/
# dpdk_telemetry.v2; every /tandem/ command answers with the expected shape (two SAs installed
# over the API); after 3 pings and 5 forged ESP packets for the inbound SA the port, worker, drop
# and SA counters have moved by at least that much; dpdk-telemetry.py -f PREFIX reads the commands
# from stdin; a second instance with --no-telemetry in eal_args opens no socket.
#
# Usage: telemetry_netns_test.sh BUILD_DIR     (needs root; skips, exit 77, without it)
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for network namespaces"; exit 77; }
telemetry_py=$(command -v dpdk-telemetry.py || true)
[ -n "$telemetry_py" ] || { echo "SKIP: dpdk-telemetry.py (Debian dpdk-dev) not installed"; exit 77; }

tag=tdmtel-$$
dp_ns=$tag-dp
h1_ns=$tag-h1
work=$(mktemp -d)
# EAL's runtime directory, as dpdk-telemetry.py finds it (root: /var/run).
run_dir=${RUNTIME_DIRECTORY:-/var/run}/dpdk
dp_pid=
cleanup() {
    [ -n "$dp_pid" ] && kill -TERM "$dp_pid" 2>/dev/null && wait "$dp_pid" 2>/dev/null || true
    ip netns del "$dp_ns" 2>/dev/null || true
    ip netns del "$h1_ns" 2>/dev/null || true
    rm -rf "$work" "$run_dir/$tag" "$run_dir/$tag-off"
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

# write_config FILE PREFIX EXTRA_DATAPLANE_LINE
write_config() {
    cat > "$1" <<YAML
hostname: tel-gw
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
  file_prefix: $2
  api_socket: $work/dp.sock
$3
YAML
}
write_config "$work/gw.yaml" "$tag" ""

sock=$run_dir/$tag/dpdk_telemetry.v2

ip netns exec "$dp_ns" "$build/dataplane/tandem-dataplane" -c "$work/gw.yaml" > "$work/dp.log" 2>&1 &
dp_pid=$!
ctl() { "$build/controlplane/ctl/tandemctl" dp --socket "$work/dp.sock" "$@"; }
for _ in $(seq 1 100); do
    [ -S "$work/dp.sock" ] && ctl hello > "$work/hello.txt" 2>&1 && break
    kill -0 "$dp_pid" 2>/dev/null || fail "tandem-dataplane exited during start-up"
    sleep 0.1
done
[ -S "$sock" ] || fail "no telemetry socket at $sock"
grep -q "telemetry commands /tandem/\* on $run_dir/$tag/dpdk_telemetry.v2" "$work/dp.log" || fail "the log does not name the telemetry socket"

key=000102030405060708090a0b0c0d0e0f
cat > "$work/sas.yaml" <<YAML
sas:
  - {sa_id: 1, spi: 0x2002, direction: outbound, cipher: aes-gcm-128, integrity: none,
     cipher_key: $key, salt: 0x0a0b0c0d, tunnel: {src: 10.77.0.1, dst: 10.77.0.2}, policy_id: 1,
     selector: {src: 10.1.0.0/24, dst: 10.2.1.0/24}}
  - {sa_id: 2, spi: 0x1001, direction: inbound, cipher: aes-gcm-128, integrity: none,
     cipher_key: $key, salt: 0x01020304, tunnel: {src: 10.77.0.2, dst: 10.77.0.1}, replay_window: 64,
     selector: {src: 10.2.1.0/24, dst: 10.1.0.0/24}}
YAML
ctl add sa "$work/sas.yaml" || fail "add sa"
sleep 0.6  # one snapshot period (250 ms) and some

/usr/bin/python3 "$here/telemetry_check.py" baseline "$sock" "$work/before.json" || fail "telemetry before traffic"

ip netns exec "$h1_ns" ping -c 3 -i 0.2 -W 2 10.77.0.1 > "$work/ping.txt" || fail "ping: $(cat "$work/ping.txt")"
# Five ESP packets for SA 2 (SPI 0x1001, sequence numbers 1..5) with a garbage payload: each
# passes the replay window and fails the ICV check (auth_failed, charged to the SA).
ip netns exec "$h1_ns" /usr/bin/python3 - <<'PY' || fail "sending forged ESP"
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 50)
for seq in range(1, 6):
    s.sendto(struct.pack("!II", 0x1001, seq) + bytes(range(64)), ("10.77.0.1", 0))
PY
sleep 0.6

/usr/bin/python3 "$here/telemetry_check.py" moved "$sock" "$work/before.json" || fail "telemetry after traffic"

printf '%s\n' /tandem/info /tandem/ports /tandem/port,0 /tandem/workers /tandem/drops /tandem/sa /tandem/sa,2 \
    | "$telemetry_py" -f "$tag" > "$work/tool.txt" 2>&1 || fail "dpdk-telemetry.py: $(cat "$work/tool.txt")"
/usr/bin/python3 "$here/telemetry_check.py" output "$work/tool.txt" || { cat "$work/tool.txt"; fail "dpdk-telemetry.py output"; }

kill -TERM "$dp_pid"
wait "$dp_pid" || fail "tandem-dataplane did not exit cleanly"
dp_pid=

# Switched off: EAL's --no-telemetry through eal_args; no socket, the gateway runs regardless.
off_tag=$tag-off
write_config "$work/off.yaml" "$off_tag" "  eal_args: [\"--no-telemetry\"]"
rm -f "$work/dp.sock"
ip netns exec "$dp_ns" "$build/dataplane/tandem-dataplane" -c "$work/off.yaml" > "$work/dp.log" 2>&1 &
dp_pid=$!
for _ in $(seq 1 100); do
    [ -S "$work/dp.sock" ] && ctl hello > "$work/hello.txt" 2>&1 && break
    kill -0 "$dp_pid" 2>/dev/null || fail "tandem-dataplane (--no-telemetry) exited during start-up"
    sleep 0.1
done
[ -e "$run_dir/$off_tag/dpdk_telemetry.v2" ] && fail "--no-telemetry: a telemetry socket exists"
grep -q "telemetry commands" "$work/dp.log" && fail "--no-telemetry: telemetry was set up"
kill -TERM "$dp_pid"
wait "$dp_pid" || fail "tandem-dataplane (--no-telemetry) did not exit cleanly"
dp_pid=
echo "PASS: /tandem/* telemetry answered dpdk-telemetry.py and a client; counters moved with traffic; --no-telemetry turns it off"
