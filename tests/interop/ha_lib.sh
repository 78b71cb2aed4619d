# The two-gateway HSRP lab (configs/lab-gw1.yaml, configs/lab-gw2.yaml), in network namespaces
# this library makes and removes. Used by scripts/lab (the README's main command) and by
# tests/interop/hsrp_failover.sh. Source tests/interop/lib.sh first (wait_for, fail, start_charon,
# swan), then this; set T (namespace prefix), work (state directory) and build, then call ha_up.
#
#   ns $T-rh          ns $T-sw                ns $T-out       ns $T-gw1 / $T-gw2       ns $T-in       ns $T-core            ns $T-ih
#   remote host       strongSwan              outside LAN     Tandem: dataplane,       inside LAN     BIRD (OSPF), routes   inside host
#   r1 10.2.1.10/24 - s1 10.2.1.1             bridge          control, BIRD            bridge         i0 10.1.0.254/24      h0 10.1.9.10/24
#                     s0 192.0.2.10/24 ----- o-sw             gwN-out .2/.3 (VIP .1)   n-gw1, n-gw2   i1 10.1.9.1/24 ------
#                                            o-gw1, o-gw2 --- gwN-in 10.1.0.2/.3 ------ n-core ------
#
# The remote site (strongSwan, kernel-libipsec) knows only the virtual address 192.0.2.1 of HSRP
# group VPN-HA; the core router learns 10.2.1.0/24 over OSPF from whichever gateway is Active
# (reverse route injection through that gateway's BIRD). No namespace has a default route.
#
# Environment knobs (defaults: the configs' own values):
#   HA_VERSION  standby_version (1 | 2)      HA_HELLO, HA_HOLD  timers, e.g. 3s/10s or 200ms/750ms
#   HA_DPD      strongSwan's dpd_delay (s)   HA_PREEMPT         "true" to add preempt to both gateways

ha_ns="rh sw out gw1 gw2 in core ih"

ha_topology() {
    for ns in $ha_ns; do ip netns add "$T-$ns"; ip -n "$T-$ns" link set lo up; done
    ip link add r1 netns "$T-rh" type veth peer name s1 netns "$T-sw"
    ip link add s0 netns "$T-sw" type veth peer name o-sw netns "$T-out"
    ip link add gw1-out netns "$T-gw1" type veth peer name o-gw1 netns "$T-out"
    ip link add gw2-out netns "$T-gw2" type veth peer name o-gw2 netns "$T-out"
    ip link add gw1-in netns "$T-gw1" type veth peer name n-gw1 netns "$T-in"
    ip link add gw2-in netns "$T-gw2" type veth peer name n-gw2 netns "$T-in"
    ip link add i0 netns "$T-core" type veth peer name n-core netns "$T-in"
    ip link add i1 netns "$T-core" type veth peer name h0 netns "$T-ih"
    for side in out in; do
        ip -n "$T-$side" link add br0 type bridge
        ip -n "$T-$side" link set br0 type bridge multicast_snooping 0 2>/dev/null || true
        ip -n "$T-$side" link set br0 up
    done
    for p in o-sw o-gw1 o-gw2; do ip -n "$T-out" link set "$p" master br0 up; done
    for p in n-gw1 n-gw2 n-core; do ip -n "$T-in" link set "$p" master br0 up; done
    ip -n "$T-rh" addr add 10.2.1.10/24 dev r1
    ip -n "$T-sw" addr add 10.2.1.1/24 dev s1
    ip -n "$T-sw" addr add 192.0.2.10/24 dev s0
    ip -n "$T-core" addr add 10.1.0.254/24 dev i0
    ip -n "$T-core" addr add 10.1.9.1/24 dev i1
    ip -n "$T-ih" addr add 10.1.9.10/24 dev h0
    for l in "rh r1" "sw s1" "sw s0" "gw1 gw1-out" "gw1 gw1-in" "gw2 gw2-out" "gw2 gw2-in" "core i0" "core i1" "ih h0"; do
        set -- $l
        ip -n "$T-$1" link set "$2" up
        # veth offloads would hand af_packet frames with partial checksums.
        ip netns exec "$T-$1" ethtool -K "$2" tx off rx off >/dev/null 2>&1 || true
    done
    ip -n "$T-rh" route add 10.1.0.0/16 via 10.2.1.1
    ip -n "$T-ih" route add 10.2.1.0/24 via 10.1.9.1
    ip netns exec "$T-sw" sysctl -qw net.ipv4.ip_forward=1
    # The kernel also sees what net_af_packet reads from gwN-out/-in and would answer ARP there for
    # the TAPs' addresses (the virtual one included) with the veth's MAC: only the dataplane may.
    ip netns exec "$T-gw1" sysctl -qw net.ipv4.conf.all.arp_ignore=1
    ip netns exec "$T-gw2" sysctl -qw net.ipv4.conf.all.arp_ignore=1
    ip netns exec "$T-core" sysctl -qw net.ipv4.ip_forward=1
}

# Tandem's configuration for gateway $1 (gw1 | gw2): the shipped lab config with this lab's paths.
ha_gw_config() {
    local gw=$1 d=$work/$1
    mkdir -p "$d"
    sed -e "s|/run/tandem/$gw|$d|g" \
        -e "s|file_prefix: $gw|file_prefix: $T$gw|" \
        -e "s|^  socket: $d/bird.ctl|  enabled: true\n  socket: $d/bird.ctl|" \
        "$src/configs/lab-$gw.yaml" > "$d/gw.yaml"
    [ -n "${HA_VERSION:-}" ] && sed -i "s|standby_version: .*|standby_version: $HA_VERSION|" "$d/gw.yaml"
    [ -n "${HA_HELLO:-}" ] && sed -i "s|^          hello: .*|          hello: $HA_HELLO|" "$d/gw.yaml"
    [ -n "${HA_HOLD:-}" ] && sed -i "s|^          hold: .*|          hold: $HA_HOLD|" "$d/gw.yaml"
    if [ "${HA_PREEMPT:-}" != true ]; then
        # The seed recommends equal priorities and no preemption: a recovered gateway stays Standby.
        sed -i '/^        preempt:/,/^          delay:/d' "$d/gw.yaml"
    fi
    grep -q "enabled: true" "$d/gw.yaml" && grep -q "$d/control.sock" "$d/gw.yaml" ||
        fail "configs/lab-$gw.yaml changed shape; adjust ha_gw_config"
    "$build/controlplane/ctl/tandemctl" config check "$d/gw.yaml" > "$d/check.txt" 2>&1 ||
        fail "lab config $gw refused: $(cat "$d/check.txt")"
    # Its BIRD: the shipped template, OSPF on the inside TAP, no BGP upstream in this lab.
    local rid; rid=$(sed -n 's|^    address: \(10\.1\.0\.[0-9]*\)/24|\1|p' "$d/gw.yaml")
    sed -e "s|/etc/tandem/bird-rri.conf|$d/bird-rri.conf|" \
        -e "s|^router id .*|router id $rid;|" \
        -e "s|interface \"inside0\"|interface \"tdm-inside\"|" \
        -e '/^# BGP: RRI routes/,$d' \
        "$src/configs/bird/tandem-bird.conf.example" > "$d/bird.conf"
    grep -q "tdm-inside" "$d/bird.conf" || fail "the BIRD template changed shape; adjust ha_gw_config"
}

ha_core_config() {
    cat > "$work/core-bird.conf" <<CONF
router id 10.1.0.254;
protocol device { scan time 1; }
protocol kernel {
    ipv4 { import none; export where net ~ [ 10.2.0.0/16+ ]; };
}
protocol ospf v2 core {
    tick 1;
    ipv4 { import all; export none; };
    area 0 { interface "i0" { hello 1; dead 4; retransmit 2; }; };
}
CONF
}

# strongSwan at the remote site: initiates to the virtual address, restarts on DPD.
ha_swan_config() {
    mkdir -p "$work/sw/swanctl"
    cat > "$work/sw/swanctl/swanctl.conf" <<CONF
connections {
    siteb {
        version = 2
        local_addrs = 192.0.2.10
        remote_addrs = 192.0.2.1
        proposals = aes128gcm16-prfsha256-ecp256
        dpd_delay = ${HA_DPD:-2}s
        keyingtries = 0
        local { auth = psk
                id = 192.0.2.10 }
        remote { auth = psk
                 id = 192.0.2.1 }
        children {
            net {
                local_ts = 10.2.1.0/24
                remote_ts = 10.1.0.0/16
                esp_proposals = aes128gcm16
                dpd_action = restart
                close_action = restart
                start_action = start
            }
        }
    }
}
secrets {
    ike-siteb { id = 192.0.2.1
                secret = lab-site-b-secret }
}
CONF
}

ha_bg() {  # $1: pid file, rest: command; runs in the background, detached from this shell
    local pidfile=$1; shift
    setsid "$@" < /dev/null &
    echo $! > "$pidfile"
    pids+=($!)
    disown $!  # killed on purpose (ha_gw_kill): no "Killed" notices from this shell
}

ha_gw_start() {  # $1: gw1 | gw2
    local gw=$1 d=$work/$1
    : > "$d/bird-rri.conf"
    ha_bg "$d/bird.pid" ip netns exec "$T-$gw" bird -f -c "$d/bird.conf" -s "$d/bird.ctl" -P "$d/bird.pidfile" \
        > "$d/bird.log" 2>&1
    wait_for "BIRD of $gw" 100 test -S "$d/bird.ctl"
    rm -f "$d/dataplane.sock"
    ha_bg "$d/dataplane.pid" ip netns exec "$T-$gw" "$build/dataplane/tandem-dataplane" -c "$d/gw.yaml" \
        > "$d/dataplane.log" 2>&1
    wait_for "the dataplane API of $gw" 200 test -S "$d/dataplane.sock"
    ha_bg "$d/control.pid" ip netns exec "$T-$gw" "$build/controlplane/daemon/tandem-control" -c "$d/gw.yaml" --stderr \
        > "$d/control.log" 2>&1
    wait_for "tandem-control of $gw" 100 test -S "$d/control.sock"
    wait_for "tandem-control of $gw to reach its dataplane" 100 ha_connected "$gw"
}

# SIGKILL every process of the gateway: the box fails. With "nowait", returns right after the
# signals (call ha_gw_reap later); else waits until they are gone.
ha_gw_kill() {
    local gw=$1 d=$work/$1 f
    for f in control dataplane bird; do
        [ -f "$d/$f.pid" ] && kill -KILL "$(cat "$d/$f.pid")" 2>/dev/null || true
    done
    # ip netns exec's child may outlive it for an instant; BIRD's own pid file names the daemon.
    [ -f "$d/bird.pidfile" ] && kill -KILL "$(cat "$d/bird.pidfile" 2>/dev/null)" 2>/dev/null || true
    [ "${2:-}" = nowait ] || ha_gw_reap "$gw"
}

# Running, not a zombie: the processes ha_bg starts are disowned, so nobody reaps them until this
# shell exits.
alive() { [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

ha_gw_reap() {
    local gw=$1 d=$work/$1 f
    for f in control dataplane bird; do
        [ -f "$d/$f.pid" ] && while alive "$(cat "$d/$f.pid")"; do sleep 0.05; done
        rm -f "$d/$f.pid"
    done
    rm -f "$d/control.sock" "$d/dataplane.sock" "$d/bird.ctl"
    # The dataplane's hugepage-less memory files under its --file-prefix go with the process.
}

ha_ctl() { local gw=$1; shift; "$build/controlplane/ctl/tandemctl" -s "$work/$gw/control.sock" "$@"; }
ha_connected() { ha_ctl "$1" show dataplane | grep -q ': connected'; }
ha_state() {  # $1: gw -> Active | Standby | Speak | ... of group 1 on outside
    ha_ctl "$1" show standby --json 2>/dev/null | /usr/bin/python3 -c '
import json, sys
g = [x for x in json.load(sys.stdin) if x.get("group") == 1]
print(g[0]["state"] if g else "none")' 2>/dev/null || echo down
}
ha_is() { [ "$(ha_state "$1")" = "$2" ]; }
core_route_via() {  # the core's next hop for the remote site, or nothing
    ip -n "$T-core" route show 10.2.1.0/24 | sed -n 's/.* via \([0-9.]*\) .*/\1/p' | head -1
}

ha_up() {
    ha_topology
    ha_gw_config gw1
    ha_gw_config gw2
    ha_core_config
    ha_bg "$work/core.pid" ip netns exec "$T-core" bird -f -c "$work/core-bird.conf" -s "$work/core.ctl" \
        -P "$work/core.pidfile" > "$work/core-bird.log" 2>&1
    wait_for "the core router's BIRD" 100 test -S "$work/core.ctl"
    # gw1 first: it becomes Active alone; gw2 then finds an Active router and settles as Standby.
    ha_gw_start gw1
    wait_for "gw1 to become Active" 300 ha_is gw1 Active
    ha_gw_start gw2
    wait_for "gw2 to become Standby" 300 ha_is gw2 Standby
    ha_swan_config
    start_charon
}

ha_down() {
    local gw f
    for gw in gw1 gw2; do [ -d "$work/$gw" ] && ha_gw_kill "$gw"; done
    for f in "$work"/core.pid "$work"/core.pidfile; do [ -f "$f" ] && kill -TERM "$(cat "$f" 2>/dev/null)" 2>/dev/null || true; done
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    for ns in $ha_ns; do ip netns pids "$T-$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true; done
    for ns in $ha_ns; do ip netns del "$T-$ns" 2>/dev/null || true; done
}
