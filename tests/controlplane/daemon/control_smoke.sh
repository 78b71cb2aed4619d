#!/usr/bin/env bash
# tandem-control with a real tandem-dataplane (net_null ports, no kernel interfaces: no traffic,
# nothing outside this test's files), driven with tandemctl over the control socket.
#
# Checks: tandem-control starts before the dataplane and says so; it connects when the dataplane
# comes up and installs the seed's static crypto map as PROTECT rules (read back with tandemctl dp);
# IOS-style abbreviations work; a broken configuration is refused on reload with file:line and the
# running one stays; a valid change is applied; after the dataplane restarts, the policy is
# installed again; SIGTERM stops tandem-control and removes its socket.
#
# Usage: control_smoke.sh BUILD_DIR     (needs root for DPDK; skips, exit 77, without it)
set -euo pipefail
build=$(cd "$1" && pwd)
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }

tag=tdmc-$$
work=$(mktemp -d)
dp_pid=
ctl_pid=
cleanup() {
    [ -n "$ctl_pid" ] && kill -TERM "$ctl_pid" 2>/dev/null && wait "$ctl_pid" 2>/dev/null || true
    [ -n "$dp_pid" ] && kill -TERM "$dp_pid" 2>/dev/null && wait "$dp_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*"
    echo "--- tandem-control log"; cat "$work/ctl.log" 2>/dev/null || true
    echo "--- dataplane log"; cat "$work/dp.log" 2>/dev/null || true
    exit 1
}

write_config() {  # $1: the ACL 101 destination
    cat > "$work/gw.yaml" <<YAML
interfaces:
  - name: outside
    port: net_null0
    address: 192.0.2.1/24
    role: outside
    crypto_map: mymap
  - name: inside
    port: net_null1
    address: 192.168.1.1/24
    role: inside
access_lists:
  "101":
    - permit ip 192.168.1.0 0.0.0.255 $1 0.0.0.255
  "102":
    - permit ip 192.168.1.0 0.0.0.255 10.0.0.0 0.0.255.255
transform_sets:
  ts:
    esp: aes-gcm-128
crypto_maps:
  mymap:
    - seq: 1
      peers: [192.0.2.2]
      reverse_route: true
      transform_sets: [ts]
      match_address: "101"
    - seq: 2
      peers: [192.0.2.3]
      transform_sets: [ts]
      match_address: "102"
dataplane:
  main_lcore: 0
  workers: [1]
  poll: adaptive
  hugepages: false
  memory_mb: 256
  mbufs: 1023
  mbuf_cache: 32
  file_prefix: $tag
  api_socket: $work/dp.sock
control:
  socket: $work/ctl.sock
YAML
}

start_dp() {
    "$build/dataplane/tandem-dataplane" -c "$work/gw.yaml" --no-kernel-interfaces >> "$work/dp.log" 2>&1 &
    dp_pid=$!
}
tctl() { "$build/controlplane/ctl/tandemctl" -s "$work/ctl.sock" "$@"; }
dpctl() { "$build/controlplane/ctl/tandemctl" dp --socket "$work/dp.sock" "$@"; }
wait_for() {  # $1: description; rest: command that must succeed
    local what=$1; shift
    for _ in $(seq 1 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
    fail "timed out waiting for $what"
}

write_config 172.17.11.0
"$build/controlplane/daemon/tandem-control" -c "$work/gw.yaml" --stderr > "$work/ctl.log" 2>&1 &
ctl_pid=$!
wait_for "the control socket" test -S "$work/ctl.sock"

tctl show dataplane > "$work/dp0.txt" || fail "show dataplane: $(cat "$work/dp0.txt")"
grep -q "not connected" "$work/dp0.txt" || fail "tandem-control claims a dataplane: $(cat "$work/dp0.txt")"

start_dp
wait_for "tandem-control to connect" sh -c "'$build/controlplane/ctl/tandemctl' -s '$work/ctl.sock' sh dataplane | grep -q ': connected'"
dpctl show policies > "$work/pol1.txt" || fail "dp show policies"
grep -q "172.17.11.0/24" "$work/pol1.txt" || fail "the crypto map's policy is not installed: $(cat "$work/pol1.txt")"
grep -q "10.0.0.0/16" "$work/pol1.txt" || fail "mymap 2's policy is not installed: $(cat "$work/pol1.txt")"

# Abbreviations, and IOS-style errors with exit status 1.
tctl sh ver | grep -q "tandem-control" || fail "sh ver"
tctl sh cry map tag mymap | grep -q 'Crypto Map IPv4 "mymap" 1 ipsec-isakmp' || fail "show crypto map: $(tctl sh cry map tag mymap 2>&1)"
tctl show crypto map --json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d) == 2, d' ||
    fail "show crypto map --json"
if tctl sh cryptox > "$work/bad.txt" 2>&1; then fail "an invalid command succeeded"; fi
grep -q "% invalid input 'cryptox'" "$work/bad.txt" || fail "error text: $(cat "$work/bad.txt")"

# A broken configuration is refused with its position; the running one stays.
cp "$work/gw.yaml" "$work/good.yaml"
sed -i 's/match_address: "101"/match_address: "999"/' "$work/gw.yaml"
if tctl reload > "$work/reload-bad.txt" 2>&1; then fail "a broken configuration was accepted"; fi
grep -Eq "gw.yaml:[0-9]+:[0-9]+: error" "$work/reload-bad.txt" || fail "no file:line in: $(cat "$work/reload-bad.txt")"
tctl show running-config | grep -q "match address 101" || fail "the running configuration changed"
dpctl show policies | grep -q "172.17.11.0/24" || fail "the installed policy changed"

# A valid change is applied.
write_config 172.17.12.0
tctl reload > "$work/reload.txt" || fail "reload: $(cat "$work/reload.txt")"
dpctl show policies > "$work/pol2.txt"
grep -q "172.17.12.0/24" "$work/pol2.txt" || fail "the new policy is not installed: $(cat "$work/pol2.txt")"
grep -q "172.17.11.0/24" "$work/pol2.txt" && fail "the old policy is still installed"

# The dataplane restarts with empty tables: tandem-control installs the policy again.
kill -TERM "$dp_pid"; wait "$dp_pid" || true; dp_pid=
start_dp
wait_for "the policy after the dataplane restart" sh -c "'$build/controlplane/ctl/tandemctl' dp --socket '$work/dp.sock' show policies | grep -q 172.17.12.0/24"
tctl show dataplane | grep -q "(2 connects)" || fail "reconnect not counted: $(tctl show dataplane)"

kill -TERM "$ctl_pid"
wait "$ctl_pid" || fail "tandem-control did not exit cleanly"
ctl_pid=
[ -e "$work/ctl.sock" ] && fail "the control socket was left behind"
echo "PASS"
