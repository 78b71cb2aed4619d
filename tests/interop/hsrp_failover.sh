#!/usr/bin/env bash
# Failover end to end: two Tandem gateways share HSRP group VPN-HA's virtual address 192.0.2.1,
# the tunnel endpoint of a strongSwan remote site; traffic flows both ways between the remote
# host and an inside host behind a BIRD core router; the Active gateway is SIGKILLed (dataplane,
# control plane and BIRD: the box fails).
#
#   $1: build dir    $2 (optional): v1 | v2 (HSRP version; default: the lab configs' v2)
#
# Checks, in order:
#  1. gw1 (started first) is Active, gw2 Standby; only gw1 holds the virtual address (dataplane
#     and kernel), only gw1 advertises the remote site: the core's route points at gw1;
#  2. strongSwan's tunnel to 192.0.2.1 comes up with gw1; pings cross both ways;
#  3. gw1 dies under traffic: gw2 becomes Active and claims the address, a new IKE SA comes up
#     on gw2 (gw2 initiates on the first inside packet the core sends it, or strongSwan
#     re-establishes after DPD), the core's route moves to gw2, traffic resumes both ways;
#  4. gw1 comes back: with equal priorities and no preemption it stays Standby, gw2 keeps
#     serving, traffic still flows;
#  5. gw1 is reloaded with a higher priority and preemption: it takes Active back; gw2 drops its
#     SAs (IKE and dataplane), the address and the route; the tunnel comes back with gw1.
# Prints the time line (HSRP takeover, IKE SA, route, traffic gap) for docs/performance.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
. "$here/ha_lib.sh"

build=$(cd "$1" && pwd)
[ -n "${2:-}" ] && export HA_VERSION=${2#v}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
[ -x /usr/lib/ipsec/charon ] && command -v swanctl >/dev/null || { echo "SKIP: strongSwan not installed"; exit 77; }
command -v bird >/dev/null || { echo "SKIP: bird not installed"; exit 77; }
T=th$$
work=$(mktemp -d /tmp/tandem-ha.XXXXXX)
pids=()
ha_cleanup() {
    local rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
        for f in "$work"/*.log "$work"/gw*/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -40 "$f"; }; done
    fi
    [ -n "${ping_a:-}" ] && kill "$ping_a" 2>/dev/null || true
    [ -n "${ping_b:-}" ] && kill "$ping_b" 2>/dev/null || true
    ha_down
    rm -rf "$work"
    exit $rc
}
trap ha_cleanup EXIT

now() { date +%s.%N; }
since() { printf '%.3f' "$(echo "$(now) - $1" | bc)"; }
vip_on() { ip -n "$T-$1" addr show dev tdm-outside 2>/dev/null | grep -q "inet 192.0.2.1/"; }
swan_up() { swan --list-sas 2>/dev/null | grep -q "ESTABLISHED"; }
gw_has_ike() { ha_ctl "$1" show crypto ikev2 sa 2>/dev/null | grep "192.0.2.10" | grep -q READY; }

ha_up
echo "gw1 $(ha_state gw1), gw2 $(ha_state gw2)"

# 1. One Active router; the address and the routes with it.
vip_on gw1 || fail "gw1 is Active but the virtual address is not on its kernel interface"
vip_on gw2 && fail "gw2 is Standby but holds the virtual address"
ha_ctl gw1 show standby | grep -q "Active router is local" || fail "gw1: $(ha_ctl gw1 show standby)"
ha_ctl gw2 show standby | grep -q "Standby router is local" || fail "gw2: $(ha_ctl gw2 show standby)"
ha_ctl gw2 show standby | grep -q "Active router is 192.0.2.2" || fail "gw2 does not know gw1 as Active: $(ha_ctl gw2 show standby)"
wait_for "the core's route via gw1" 200 sh -c "ip -n $T-core route show 10.2.1.0/24 | grep -q 'via 10.1.0.2 '"
ha_ctl gw2 show ip route | grep -q "10.2.1.0/24" &&
    ha_ctl gw2 show crypto route | grep -q "injected" && fail "gw2 (Standby) injects routes: $(ha_ctl gw2 show crypto route)"

# 2. The tunnel, with gw1.
wait_for "strongSwan's tunnel to the virtual address" 300 swan_up
wait_for "gw1's IKE SA with the remote site" 100 gw_has_ike gw1
gw_has_ike gw2 && fail "gw2 (Standby) has an IKE SA"
ip netns exec "$T-rh" ping -c 3 -i 0.2 -W 2 10.1.9.10 > "$work/ping0.txt" || fail "remote -> inside before failover: $(cat "$work/ping0.txt")"

# 3. Failover under traffic, both ways (timestamped replies, one every 50 ms).
ip netns exec "$T-rh" ping -D -O -i 0.05 -W 1 10.1.9.10 > "$work/ping-rh.txt" 2>&1 & ping_a=$!
ip netns exec "$T-ih" ping -D -O -i 0.05 -W 1 10.2.1.10 > "$work/ping-ih.txt" 2>&1 & ping_b=$!
sleep 2
grep -q "bytes from" "$work/ping-rh.txt" && grep -q "bytes from" "$work/ping-ih.txt" || fail "no traffic before the failure"
ha_gw_kill gw1 nowait
t0=$(now)
# One cheap poll every 50 ms of the three milestones: the virtual address on gw2's kernel
# interface (gw2 Active: it claims the address as it becomes Active), an IKE SA with the remote site
# on gw2, the core's route via gw2.
t_hsrp= t_ike= t_route=
for _ in $(seq 1 600); do
    [ -z "$t_hsrp" ] && vip_on gw2 && t_hsrp=$(since "$t0")
    [ -z "$t_ike" ] && gw_has_ike gw2 && t_ike=$(since "$t0")
    [ -z "$t_route" ] && ip -n "$T-core" route show 10.2.1.0/24 | grep -q 'via 10.1.0.3 ' && t_route=$(since "$t0")
    [ -n "$t_hsrp" ] && [ -n "$t_ike" ] && [ -n "$t_route" ] && break
    sleep 0.05
done
ha_gw_reap gw1
[ -n "$t_hsrp" ] || fail "gw2 did not take the virtual address: $(ha_ctl gw2 show standby)"
[ -n "$t_ike" ] || fail "no IKE SA with the remote site on gw2: $(ha_ctl gw2 show crypto ikev2 sa)"
[ -n "$t_route" ] || fail "the core's route did not move to gw2: $(ip -n "$T-core" route)"
ha_is gw2 Active || fail "gw2 holds the address but is not Active: $(ha_ctl gw2 show standby)"
t_fail_epoch=$t0
resumed() {  # $1: ping file: a reply stamped after the failure
    /usr/bin/python3 - "$1" "$t_fail_epoch" <<'PY'
import re, sys
t0 = float(sys.argv[2])
ok = any(float(m.group(1)) > t0 + 0.2 for m in re.finditer(r"^\[(\d+\.\d+)\] \d+ bytes from", open(sys.argv[1]).read(), re.M))
sys.exit(0 if ok else 1)
PY
}
wait_for "remote -> inside traffic to resume" 400 resumed "$work/ping-rh.txt"
wait_for "inside -> remote traffic to resume" 400 resumed "$work/ping-ih.txt"
sleep 1
kill "$ping_a" "$ping_b" 2>/dev/null || true
wait "$ping_a" "$ping_b" 2>/dev/null || true
ping_a= ping_b=
gap() {  # the longest silence between replies, around the failure
    /usr/bin/python3 - "$1" "$t_fail_epoch" <<'PY'
import re, sys
t0 = float(sys.argv[2])
ts = [float(m.group(1)) for m in re.finditer(r"^\[(\d+\.\d+)\] \d+ bytes from", open(sys.argv[1]).read(), re.M)]
# From the last reply before the failure on: the longest wait between two replies.
window = [t for t in ts if t >= t0 - 1]
print("%.2f" % max(b - a for a, b in zip(window, window[1:])) if len(window) > 1 else "none")
PY
}
gap_rh=$(gap "$work/ping-rh.txt")
gap_ih=$(gap "$work/ping-ih.txt")
printf 'failover (HSRP v%s, %s): HSRP Active %.2f s, IKE SA on gw2 %.2f s, core route %.2f s; traffic gap remote->inside %s s, inside->remote %s s\n' \
    "${HA_VERSION:-2}" "$(sed -n 's/^          \(hello\|hold\): \(.*\)/\2/p' "$work/gw2/gw.yaml" | head -2 | paste -sd/)" \
    "$t_hsrp" "$t_ike" "$t_route" "$gap_rh" "$gap_ih"
# One machine-readable line for bench/failover.
printf 'FAILOVER_JSON {"version": %s, "hello": "%s", "hold": "%s", "dpd_s": %s, "hsrp_active_s": %s, "ike_sa_s": %s, "route_s": %s, "gap_remote_to_inside_s": %s, "gap_inside_to_remote_s": %s}\n' \
    "${HA_VERSION:-2}" "$(sed -n 's/^          hello: //p' "$work/gw2/gw.yaml" | head -1)" \
    "$(sed -n 's/^          hold: //p' "$work/gw2/gw.yaml" | head -1)" "${HA_DPD:-2}" \
    "$t_hsrp" "$t_ike" "$t_route" "${gap_rh/none/null}" "${gap_ih/none/null}"
ha_ctl gw2 show standby | grep -q "Active router is local" || fail "gw2: $(ha_ctl gw2 show standby)"
ha_ctl gw2 show crypto ipsec sa | grep -q "192.0.2.10" || fail "gw2 has no IPsec SA: $(ha_ctl gw2 show crypto ipsec sa)"

# 4. gw1 returns and stays Standby (equal priorities, no preemption).
ha_gw_start gw1
wait_for "gw1 to become Standby" 300 ha_is gw1 Standby
sleep 2
ha_is gw2 Active || fail "gw2 lost Active to the returning gw1: $(ha_ctl gw2 show standby)"
vip_on gw1 && fail "the returning Standby gw1 holds the virtual address"
ip -n "$T-core" route show 10.2.1.0/24 | grep -q 'via 10.1.0.3 ' || fail "the core's route left gw2: $(ip -n "$T-core" route)"
ip netns exec "$T-rh" ping -c 3 -i 0.2 -W 2 10.1.9.10 > "$work/ping2.txt" || fail "remote -> inside after gw1 returned: $(cat "$work/ping2.txt")"

# 5. gw1 gets priority 110 with preemption (a reload): it takes Active back with a Coup; gw2
#    leaves Active, abandons its SAs on the virtual address (one Delete tells strongSwan), releases
#    the address and withdraws its route; the tunnel comes back with gw1.
sed -i -e 's/^        priority: 100$/        priority: 110\n        preempt: true/' "$work/gw1/gw.yaml"
ha_ctl gw1 reload > "$work/reload.txt" 2>&1 || fail "reload of gw1: $(cat "$work/reload.txt")"
wait_for "gw1 to preempt" 300 ha_is gw1 Active
wait_for "gw2 to go Standby" 100 ha_is gw2 Standby
dp_sa_count() { "$build/controlplane/ctl/tandemctl" dp --socket "$work/$1/dataplane.sock" show sa --json |
    /usr/bin/python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'; }
wait_for "gw2 to drop its IKE SA" 100 sh -c "! '$build/controlplane/ctl/tandemctl' -s '$work/gw2/control.sock' show crypto ikev2 sa | grep -q 192.0.2.10"
[ "$(dp_sa_count gw2)" = 0 ] || fail "gw2 (now Standby) still has SAs in its dataplane: $(dp_sa_count gw2)"
vip_on gw2 && fail "gw2 (now Standby) still holds the virtual address"
grep -q "abandoned" "$work/gw2/control.log" || fail "gw2 did not abandon its IKE SA: $(tail -20 "$work/gw2/control.log")"
wait_for "the core's route back via gw1" 200 sh -c "ip -n $T-core route show 10.2.1.0/24 | grep -q 'via 10.1.0.2 '"
wait_for "an IKE SA on gw1 again" 300 gw_has_ike gw1
wait_for "traffic through gw1" 100 ip netns exec "$T-rh" ping -c 1 -W 1 10.1.9.10
echo PASS
