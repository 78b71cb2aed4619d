#!/usr/bin/env bash
# tandem-dataplane as a two-port IPsec gateway between network namespaces this test makes (and
# always removes), checked against an independent ESP implementation (scapy, esp_peer.py):
#
#   ns <tag>-in: h0 10.1.0.5/24 (route 10.2.1.0/24 via 10.1.0.1)
#        |veth
#   ns <tag>-gw: i0 -> port 0 "inside" 10.1.0.1/24, o0 -> port 1 "outside" 192.0.2.2/24
#        |veth                                  (net_af_packet, tandem-dataplane)
#   ns <tag>-peer: p0 192.0.2.10/24: scapy plays the remote IPsec peer protecting 10.2.1.0/24
#
# Over the API (`tandemctl dp`): route 10.2.1.0/24 via 192.0.2.10 port 1; policies on port 1:
# PROTECT 10.1.0.0/24 -> 10.2.1.0/24 (policy 1), BYPASS the rest; an SA pair (outbound spi 0x2002,
# inbound spi 0x1001). Run twice, each time with a fresh dataplane: AES-CBC-128 + HMAC-SHA-256 with
# NAT-T (UDP 4500), then AES-GCM-128 (salts that are not palindromes: byte order matters).
# Checks per run:
#   encap  UDP from the inside host reaches the peer as ESP that scapy decrypts: inner addresses,
#          port, payload, TTL decremented once, SPI and sequence numbers 1..N;
#   decap  ESP built by scapy reaches the inside host as the inner UDP datagrams; a replayed copy
#          is not delivered, `show stats drops` counts it as replay, `show sa` counts packets.
#
# Usage: esp_netns_test.sh BUILD_DIR   (needs root and /usr/bin/python3 with scapy; else exit 77)
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for network namespaces"; exit 77; }
py=/usr/bin/python3
"$py" -c "import scapy.layers.ipsec, cryptography" 2>/dev/null \
    || { echo "SKIP: /usr/bin/python3 has no scapy/cryptography"; exit 77; }
peer_py="$here/esp_peer.py"

tag=tdme-$$
gw_ns=$tag-gw
in_ns=$tag-in
peer_ns=$tag-peer
work=$(mktemp -d)
dp_pid=
bg_pid=
cleanup() {
    [ -n "$bg_pid" ] && kill "$bg_pid" 2>/dev/null && wait "$bg_pid" 2>/dev/null || true
    [ -n "$dp_pid" ] && kill -TERM "$dp_pid" 2>/dev/null && wait "$dp_pid" 2>/dev/null || true
    for ns in "$gw_ns" "$in_ns" "$peer_ns"; do ip netns del "$ns" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*"
    echo "--- dataplane log"; cat "$work/dp.log" 2>/dev/null || true
    exit 1
}
ctl() { "$build/controlplane/ctl/tandemctl" dp --socket "$work/dp.sock" "$@"; }
# Waits (bounded) for a file a background helper creates when it is ready.
wait_file() {
    for _ in $(seq 1 100); do
        [ -e "$1" ] && return 0
        kill -0 "$bg_pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

for ns in "$gw_ns" "$in_ns" "$peer_ns"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip link add i0 netns "$gw_ns" type veth peer name h0 netns "$in_ns"
ip link add o0 netns "$gw_ns" type veth peer name p0 netns "$peer_ns"
ip -n "$gw_ns" link set i0 up
ip -n "$gw_ns" link set o0 up
ip -n "$in_ns" addr add 10.1.0.5/24 dev h0
ip -n "$in_ns" link set h0 up
ip -n "$in_ns" route add 10.2.1.0/24 via 10.1.0.1
ip -n "$peer_ns" addr add 192.0.2.10/24 dev p0
ip -n "$peer_ns" link set p0 up

cat > "$work/gw.yaml" <<YAML
interfaces:
  - name: inside
    port: net_af_packet0,iface=i0
    address: 10.1.0.1/24
    role: inside
  - name: outside
    port: net_af_packet1,iface=o0
    address: 192.0.2.2/24
    role: outside
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

cat > "$work/policies.yaml" <<YAML
rules:
  - {priority: 10, action: protect, policy_id: 1, src: 10.1.0.0/24, dst: 10.2.1.0/24}
  - {priority: 20, action: bypass, src: 0.0.0.0/0, dst: 0.0.0.0/0}
YAML

count=3
out_key=000102030405060708090a0b0c0d0e0f
in_key=f0e0d0c0b0a090807060504030201000
hmac_out=11111111111111111111111111111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
hmac_in=22222222222222222222222222222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb

# run_case NAME MODE: MODE gcm (AES-GCM-128) or cbc-natt (AES-CBC-128 + SHA-256, NAT-T 4500).
run_case() {
    local name=$1 mode=$2 crypto natt="" cfg_out cfg_in
    echo "=== $name"
    if [ "$mode" = gcm ]; then
        crypto_out="cipher: aes-gcm-128, integrity: none, cipher_key: $out_key, salt: 0x0a0b0c0d"
        crypto_in="cipher: aes-gcm-128, integrity: none, cipher_key: $in_key, salt: 0x01020304"
        cfg_out="\"cipher\": \"AES-GCM\", \"cipher_key\": \"$out_key\", \"salt\": \"0a0b0c0d\", \"auth\": null, \"auth_key\": \"\", \"natt\": false"
        cfg_in="\"cipher\": \"AES-GCM\", \"cipher_key\": \"$in_key\", \"salt\": \"01020304\", \"auth\": null, \"auth_key\": \"\", \"natt\": false"
    else
        crypto_out="cipher: aes-cbc-128, integrity: sha256-128, cipher_key: $out_key, integrity_key: $hmac_out"
        crypto_in="cipher: aes-cbc-128, integrity: sha256-128, cipher_key: $in_key, integrity_key: $hmac_in"
        natt=", natt: {src_port: 4500, dst_port: 4500}"
        cfg_out="\"cipher\": \"AES-CBC\", \"cipher_key\": \"$out_key\", \"salt\": \"\", \"auth\": \"SHA2-256-128\", \"auth_key\": \"$hmac_out\", \"natt\": true"
        cfg_in="\"cipher\": \"AES-CBC\", \"cipher_key\": \"$in_key\", \"salt\": \"\", \"auth\": \"SHA2-256-128\", \"auth_key\": \"$hmac_in\", \"natt\": true"
    fi
    local common="\"gw\": \"192.0.2.2\", \"peer\": \"192.0.2.10\", \"host\": \"10.1.0.5\", \"remote\": \"10.2.1.7\", \"port\": 5555, \"out_spi\": 8194, \"in_spi\": 4097"
    echo "{$common, $cfg_out}" > "$work/out.json"
    echo "{$common, $cfg_in}" > "$work/in.json"
    cat > "$work/sas.yaml" <<YAML
sas:
  - {sa_id: 1, spi: 0x2002, direction: outbound, $crypto_out,
     tunnel: {src: 192.0.2.2, dst: 192.0.2.10}, policy_id: 1$natt,
     selector: {src: 10.1.0.0/24, dst: 10.2.1.0/24}}
  - {sa_id: 2, spi: 0x1001, direction: inbound, $crypto_in,
     tunnel: {src: 192.0.2.10, dst: 192.0.2.2}, replay_window: 64$natt,
     selector: {src: 10.2.1.0/24, dst: 10.1.0.0/24}}
YAML

    rm -f "$work/dp.sock"
    ip netns exec "$gw_ns" "$build/dataplane/tandem-dataplane" -c "$work/gw.yaml" > "$work/dp.log" 2>&1 &
    dp_pid=$!
    for _ in $(seq 1 300); do
        [ -S "$work/dp.sock" ] && ctl hello > "$work/hello.txt" 2>&1 && break
        kill -0 "$dp_pid" 2>/dev/null || fail "tandem-dataplane exited during start-up"
        sleep 0.1
    done
    grep -q "2 ports, 1 workers" "$work/hello.txt" 2>/dev/null \
        || fail "no hello from the API socket: $(cat "$work/hello.txt" 2>/dev/null)"

    ctl add route 10.2.1.0/24 via 192.0.2.10 port 1 || fail "add route"
    ctl set policies 1 "$work/policies.yaml" || fail "set policies"
    ctl add sa "$work/sas.yaml" || fail "add sa"
    ctl show sa > "$work/sa0.txt" || fail "show sa"

    # Encap: inside host -> gateway -> ESP -> peer.
    rm -f "$work/ready"
    ip netns exec "$peer_ns" "$py" "$peer_py" encap p0 "$work/out.json" "$count" "$work/ready" \
        > "$work/encap.txt" 2>&1 &
    bg_pid=$!
    wait_file "$work/ready" || fail "peer sniffer did not start: $(cat "$work/encap.txt")"
    sleep 0.3
    ip netns exec "$in_ns" "$py" "$peer_py" send 10.2.1.7 5555 "$count" || fail "send from the inside host"
    wait "$bg_pid" || { bg_pid=; cat "$work/encap.txt"; ctl show stats drops || true; fail "$name: encap check"; }
    bg_pid=
    cat "$work/encap.txt"

    # Decap: peer -> ESP -> gateway -> inside host; then the replay.
    rm -f "$work/ready"
    ip netns exec "$in_ns" "$py" "$peer_py" recv 5555 "$count" "$work/ready" > "$work/recv.txt" 2>&1 &
    bg_pid=$!
    wait_file "$work/ready" || fail "inside receiver did not start: $(cat "$work/recv.txt")"
    ip netns exec "$peer_ns" "$py" "$peer_py" decap p0 "$work/in.json" "$count" \
        || fail "$name: the peer could not send"
    wait "$bg_pid" || { bg_pid=; cat "$work/recv.txt"; ctl show stats drops || true; fail "$name: decap check"; }
    bg_pid=
    cat "$work/recv.txt"

    ctl show stats drops > "$work/drops.txt" || fail "show stats drops"
    ctl show sa > "$work/sa.txt" || fail "show sa"
    cat "$work/drops.txt" "$work/sa.txt"
    replay=$(awk '$1 == "replay:" {print $2}' "$work/drops.txt")
    [ "${replay:-0}" = 1 ] || fail "$name: expected one replay drop: $(cat "$work/drops.txt")"
    check_sa_packets 1 encaps "$count"
    check_sa_packets 2 decaps "$count"
    check_sa_packets 2 "replay failed" 1

    kill -TERM "$dp_pid"
    wait "$dp_pid" || fail "tandem-dataplane did not exit cleanly"
    dp_pid=
    echo "ok: $name"
}

# check_sa_packets SA_ID WHAT N: `show sa` reports "#pkts WHAT: N" for the SA (encaps, decaps,
# replay failed).
check_sa_packets() {
    local n
    n=$(awk -v id="$1:" -v what="#pkts $2:" '
        $1 == "SA" {in_sa = ($2 == id); next}
        in_sa && index($0, what) { s = substr($0, index($0, what) + length(what)); sub(/,.*/, "", s); print s + 0; exit }
    ' "$work/sa.txt")
    [ "${n:-0}" = "$3" ] || fail "show sa: SA $1 #pkts $2 ${n:-missing}, expected $3: $(cat "$work/sa.txt")"
}

run_case "AES-CBC-128 + HMAC-SHA-256, NAT-T" cbc-natt
run_case "AES-GCM-128" gcm
echo "PASS: two-port tandem-dataplane protected traffic between namespaces; scapy agreed both ways (GCM, CBC+SHA-256 with NAT-T); replay dropped"
