#!/usr/bin/env bash
# End to end: Reverse Route Injection through BIRD to an inside router.
#
#   $1: build dir    $2: routing protocol between Tandem's BIRD and the inside router: ospf | bgp
#
# The topology of lib.sh, with two BIRDs added and no static route anywhere for the remote site:
#
#   ns $T-gw: tandem-dataplane, tandem-control (bird.enabled) and BIRD with the shipped template
#             configs/bird/tandem-bird.conf.example (its OSPF on tdm-inside, its BGP to 10.1.1.10)
#   ns $T-ih: the inside router: BIRD peering over OSPF (E2, lab timers) or eBGP with Tandem's
#             BIRD across the dataplane's inside port, exporting what it learns to its kernel table
#
# Checks, in order:
#  1. the static crypto map entry with reverse-route (the seed's example, no SA anywhere) puts its
#     ACL destination 172.17.11.0/24 into the dataplane's FIB and, through BIRD, into the inside
#     router's kernel table; `show ip route static` and `show crypto route` list it;
#  2. strongSwan initiates to the dynamic map: the inside router's kernel table gains 10.2.1.0/24
#     (with the tag and metric, or the community, the entry asks for), Tandem's FIB has it via the
#     IKE peer, `show crypto route` names the SA behind it;
#  3. pings pass both ways with nothing but the RRI route to steer replies into the tunnel;
#  4. strongSwan terminates: the route leaves Tandem's FIB and the inside router's kernel table;
#     the static-map route stays.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
proto=${2:-ospf}
case "$proto" in ospf|bgp) ;; *) echo "unknown protocol $proto"; exit 2 ;; esac
command -v bird >/dev/null && command -v birdc >/dev/null || { echo "SKIP: bird not installed"; exit 77; }
interop_init "$1"
# The inside router learns the remote site from RRI only.
ip -n "$T-ih" route del 10.2.1.0/24

tandem_config "crypto_maps:
  cmap:
    - seq: 10
      peer: 192.0.2.9
      transform_sets: [gcm]
      match_address: \"101\"
      reverse_route: {tag: 11, metric: 30}
    - seq: 20
      peer: 192.0.2.10
      transform_sets: [gcm]
      match_address: \"102\"
    - seq: 100
      dynamic: dmap
dynamic_maps:
  dmap:
    - seq: 10
      transform_sets: [gcm]
      reverse_route: {tag: 101, metric: 20}" "access_lists:
  \"101\":
    - permit ip 10.1.1.0 0.0.0.255 172.17.11.0 0.0.0.255
  \"102\":
    - permit ip 10.1.1.0 0.0.0.255 172.18.0.0 0.0.255.255
transform_sets:
  gcm:
    esp: aes-gcm-128
ike:
  keys:
    - peer: 0.0.0.0/0
      key: interop-secret-rri
bird:
  enabled: true
  socket: $work/bird-gw.ctl
  include_file: $work/bird-gw-rri.conf
  protocol: rri"

# Tandem's BIRD: the shipped template, addresses and paths of this topology.
sed -e "s|/etc/tandem/bird-rri.conf|$work/bird-gw-rri.conf|" \
    -e "s|^router id .*|router id 10.1.1.1;|" \
    -e "s|interface \"inside0\"|interface \"tdm-inside\"|" \
    -e "s|local 192.0.2.1 as 65001;|local 10.1.1.1 as 65001; connect delay time 1; connect retry time 2;|" \
    -e "s|neighbor 192.0.2.2 as 65000;|neighbor 10.1.1.10 as 65000;|" \
    "$src/configs/bird/tandem-bird.conf.example" > "$work/bird-gw.conf"
grep -q "tdm-inside" "$work/bird-gw.conf" && grep -q "neighbor 10.1.1.10" "$work/bird-gw.conf" ||
    fail "the BIRD template changed shape; adjust this test's substitutions"

# The inside router.
if [ "$proto" = ospf ]; then
    peering='protocol ospf v2 tandem {
    tick 1;
    ipv4 { import all; export none; };
    area 0 { interface "i1" { hello 1; dead 4; retransmit 2; }; };
}'
else
    peering='protocol bgp tandem {
    local 10.1.1.10 as 65000;
    neighbor 10.1.1.1 as 65001;
    connect delay time 1;
    connect retry time 2;
    ipv4 { import all; export none; };
}'
fi
cat > "$work/bird-ih.conf" <<CONF
router id 10.1.1.10;
protocol device { scan time 1; }
protocol kernel {
    ipv4 { import none; export where net ~ [ 10.2.0.0/16+, 172.16.0.0/12+ ]; };
}
$peering
CONF

start_bird() {  # $1: ns suffix, $2: name
    ip netns exec "$T-$1" bird -f -c "$work/bird-$2.conf" -s "$work/bird-$2.ctl" -P "$work/bird-$2.pid" \
        > "$work/bird-$2.log" 2>&1 &
    pids+=($!)
    wait_for "BIRD ($2)" 100 test -S "$work/bird-$2.ctl"
}
birdc_ih() { ip netns exec "$T-ih" birdc -s "$work/bird-ih.ctl" "$@"; }
birdc_gw() { ip netns exec "$T-gw" birdc -s "$work/bird-gw.ctl" "$@"; }
ih_has() { ip -n "$T-ih" route show "$1" | grep -q "proto bird"; }
dp_has() { "$build/controlplane/ctl/tandemctl" dp --socket "$work/dp.sock" show routes | grep -q "$1"; }
diag() {
    { echo "--- gw bird rri"; birdc_gw show route protocol rri all; echo "--- gw bird protocols"; birdc_gw show protocols all;
      echo "--- ih bird"; birdc_ih show route all; birdc_ih show protocols; echo "--- ih kernel"; ip -n "$T-ih" route;
      echo "--- include"; cat "$work/bird-gw-rri.conf"; echo "--- dp routes"; dpctl show routes;
      echo "--- show crypto route"; tctl show crypto route; } 2>&1
}
wait_or_diag() {  # like wait_for, with the routing state on failure
    local what=$1 tries=$2; shift 2
    for _ in $(seq 1 "$tries"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
    fail "timed out waiting for $what
$(diag)"
}

# Tandem's BIRD first (tandem-control's include file must exist when it starts), then Tandem.
: > "$work/bird-gw-rri.conf"
start_bird gw gw
start_tandem
start_bird ih ih

# 1. The static map's route, with no SA: dataplane, BIRD, inside router.
wait_or_diag "172.17.11.0/24 in Tandem's FIB" 100 dp_has 172.17.11.0/24
t0=$(date +%s.%N)
wait_or_diag "172.17.11.0/24 in the inside router's kernel table ($proto)" 400 ih_has 172.17.11.0/24
echo "static-map route at the inside router after $(echo "$(date +%s.%N) - $t0" | bc) s (peering included)"
ih_has 172.18.0.0/16 && fail "mymap-2-style entry without reverse_route got a route"
tctl show ip route static > "$work/ip-route.txt"
grep -q "^S V    172.17.11.0/24 \[1/0\] via 192.0.2.9, outside, tag 11" "$work/ip-route.txt" ||
    fail "show ip route static: $(cat "$work/ip-route.txt")"
tctl show crypto route | grep -q "crypto map cmap 10" || fail "show crypto route: $(tctl show crypto route)"
ih_has 10.2.1.0/24 && fail "10.2.1.0/24 at the inside router before any SA"

# 2. strongSwan brings the tunnel up; RRI follows.
mkdir -p "$work/sw/swanctl"
cat > "$work/sw/swanctl/swanctl.conf" <<CONF
connections {
    tandem {
        version = 2
        local_addrs = 192.0.2.2
        remote_addrs = 192.0.2.1
        proposals = aes128gcm16-prfsha256-ecp256
        local { auth = psk
                id = 192.0.2.2 }
        remote { auth = psk
                 id = 192.0.2.1 }
        children {
            net {
                local_ts = 10.2.1.0/24
                remote_ts = 10.1.1.0/24
                esp_proposals = aes128gcm16
                mode = tunnel
            }
        }
    }
}
secrets {
    ike-tandem { id = 192.0.2.1
                 secret = interop-secret-rri }
}
CONF
start_charon
swan --initiate --child net --ike tandem --timeout 20 > "$work/initiate.log" 2>&1 || fail "swanctl --initiate: $(tail -20 "$work/initiate.log")"
t0=$(date +%s.%N)
wait_or_diag "10.2.1.0/24 in Tandem's FIB" 50 dp_has 10.2.1.0/24
wait_or_diag "10.2.1.0/24 in the inside router's kernel table ($proto)" 300 ih_has 10.2.1.0/24
echo "dynamic route at the inside router $(echo "$(date +%s.%N) - $t0" | bc) s after the SA came up"
dpctl show routes | grep "10.2.1.0/24" | grep -q "192.0.2.2" || fail "the FIB route does not point at the IKE peer: $(dpctl show routes)"
birdc_ih show route 10.2.1.0/24 all > "$work/ih-route.txt"
if [ "$proto" = ospf ]; then
    grep -q "OSPF.metric2: 20" "$work/ih-route.txt" && grep -q "OSPF.tag: 0x00000065" "$work/ih-route.txt" ||
        fail "the inside router's route lacks metric2 20 / tag 101: $(cat "$work/ih-route.txt")"
else
    grep -q "BGP.community: (65001,100)" "$work/ih-route.txt" ||
        fail "the inside router's route lacks Tandem's community: $(cat "$work/ih-route.txt")"
fi
tctl show crypto route > "$work/crypto-route.txt"
grep -q "SA peer 192.0.2.2, spi in 0x" "$work/crypto-route.txt" || fail "show crypto route: $(cat "$work/crypto-route.txt")"
tctl show crypto route --json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
dyn = [r for r in d if r["prefix"] == "10.2.1.0/24"]
assert len(dyn) == 1 and dyn[0]["injected"] and dyn[0]["source"] == "dynamic" and dyn[0]["sas"][0]["peer"] == "192.0.2.2", d
' || fail "show crypto route --json"

# 3. Traffic, with the RRI route alone steering the replies.
ip netns exec "$T-rh" ping -c 5 -i 0.2 -W 2 10.1.1.10 > "$work/ping1.txt" || fail "remote -> inside: $(cat "$work/ping1.txt"; diag)"
grep -q " 0% packet loss" "$work/ping1.txt" || fail "remote -> inside lost packets: $(cat "$work/ping1.txt")"
ip netns exec "$T-ih" ping -c 5 -i 0.2 -W 2 10.2.1.10 > "$work/ping2.txt" || fail "inside -> remote: $(cat "$work/ping2.txt"; diag)"
grep -q " 0% packet loss" "$work/ping2.txt" || fail "inside -> remote lost packets: $(cat "$work/ping2.txt")"

# 4. The tunnel goes; so does the route, everywhere.
swan --terminate --ike tandem --timeout 10 > "$work/terminate.log" 2>&1 || fail "swanctl --terminate"
t0=$(date +%s.%N)
wait_or_diag "10.2.1.0/24 to leave Tandem's FIB" 50 sh -c "! '$build/controlplane/ctl/tandemctl' dp --socket '$work/dp.sock' show routes | grep -q 10.2.1.0/24"
wait_or_diag "10.2.1.0/24 to leave the inside router's kernel table" 300 sh -c "! ip -n '$T-ih' route show 10.2.1.0/24 | grep -q bird"
echo "withdrawn at the inside router $(echo "$(date +%s.%N) - $t0" | bc) s after the terminate"
ih_has 172.17.11.0/24 || fail "the static-map route went with the SA"
echo "PASS ($proto)"
