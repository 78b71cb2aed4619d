#!/usr/bin/env bash
# Interop: Tandem initiates. A static crypto map entry (set peer 192.0.2.2, match address 101)
# protects inside -> remote traffic; the first packet raises an ACQUIRE in tandem-dataplane and
# tandem-control negotiates with strongSwan, which only responds. Then strongSwan rekeys the CHILD
# SA while pings flow every 50 ms, and none may be lost (make-before-break on both sides).
# Then tandem-control is killed: forwarding goes on (non-stop forwarding); a new tandem-control
# deletes the SAs it cannot know the keys of, and renegotiates on the next ACQUIRE.
#
#   $1: build dir. See lib.sh for the topology.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
interop_init "$1"

tandem_config "crypto_maps:
  cmap:
    - seq: 10
      peers: [192.0.2.2]
      transform_sets: [gcm]
      match_address: \"101\"" "access_lists:
  \"101\":
    - permit ip 10.1.1.0 0.0.0.255 10.2.1.0 0.0.0.255
transform_sets:
  gcm:
    esp: aes-gcm-128
ike:
  proposals:
    - name: modern
      encryption: [aes-gcm-128]
      prf: [sha256]
      groups: [19]
  keys:
    - peer: 192.0.2.2
      key: static-secret-2
routes:
  - prefix: 10.2.0.0/16
    next_hop: 192.0.2.2"

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
                 secret = static-secret-2 }
}
CONF

start_tandem
start_charon
dpctl show sa | grep -q spi && fail "SAs before any traffic"

# The first pings trigger the negotiation (they are dropped while it runs, as on IOS).
ip netns exec "$T-ih" ping -c 12 -i 0.25 -W 1 10.2.1.10 > "$work/ping1.txt" || true
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$work/ping1.txt")
[ "${received:-0}" -ge 8 ] || fail "traffic after ACQUIRE: $(cat "$work/ping1.txt"; dpctl show stats drops; tail -20 "$work/control.log")"
tctl show crypto ikev2 sa detail > "$work/ikev2.txt"
grep -q "READY" "$work/ikev2.txt" || fail "no IKE SA: $(cat "$work/ikev2.txt")"
grep -qi "initiator" "$work/ikev2.txt" || fail "Tandem did not initiate: $(cat "$work/ikev2.txt")"
swan --list-sas | grep -q INSTALLED || fail "strongSwan has no CHILD SA"
old_sas=$(dpctl show sa | grep -o "spi: 0x[0-9A-F]*" | sort | tr '\n' ' ')

# CHILD rekey by strongSwan under traffic: zero loss.
ip netns exec "$T-ih" ping -c 120 -i 0.05 -W 1 10.2.1.10 > "$work/ping2.txt" &
ping_pid=$!
sleep 2
swan --rekey --child net > "$work/rekey.log" 2>&1 || fail "swanctl --rekey: $(cat "$work/rekey.log")"
wait $ping_pid || true
grep -q " 0% packet loss" "$work/ping2.txt" && ! grep -q "DUP" "$work/ping2.txt" || fail "packets lost across the CHILD rekey: $(tail -3 "$work/ping2.txt"; tail -30 "$work/control.log")"
new_sas=$(dpctl show sa | grep -o "spi: 0x[0-9A-F]*" | sort | tr '\n' ' ')
[ -n "$new_sas" ] && [ "$new_sas" != "$old_sas" ] || fail "the CHILD SA was not rekeyed ($old_sas -> $new_sas)"
[ "$(dpctl show sa | grep -c "esp sa")" -eq 2 ] || fail "the old SA pair outlived the rekey: $(dpctl show sa)"
# Non-stop forwarding: tandem-control dies; the dataplane keeps forwarding with its tables.
ctl_pid=$(pgrep -f "tandem-control -c $work/gw.yaml" -n)
kill -KILL "$ctl_pid"
ip netns exec "$T-ih" ping -c 20 -i 0.05 -W 1 10.2.1.10 > "$work/ping3.txt" || true
grep -q " 0% packet loss" "$work/ping3.txt" || fail "forwarding stopped with the control plane: $(tail -3 "$work/ping3.txt")"

# A new tandem-control reconciles: the SAs it did not negotiate go (their keys died with the old
# process), the next packet raises an ACQUIRE and Tandem negotiates again (INITIAL_CONTACT makes
# strongSwan drop its old IKE SA).
rm -f "$work/ctl.sock"
ip netns exec "$T-gw" "$build/controlplane/daemon/tandem-control" -c "$work/gw.yaml" --stderr > "$work/control2.log" 2>&1 &
pids+=($!)
wait_for "the restarted tandem-control" 100 test -S "$work/ctl.sock"
grep -q "deleting 2 SAs this tandem-control did not negotiate" "$work/control2.log" ||
    wait_for "the stale SAs to be deleted" 50 grep -q "did not negotiate" "$work/control2.log"
ip netns exec "$T-ih" ping -c 12 -i 0.25 -W 1 10.2.1.10 > "$work/ping4.txt" || true
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$work/ping4.txt")
[ "${received:-0}" -ge 8 ] || fail "no traffic after the control-plane restart: $(cat "$work/ping4.txt"; tail -20 "$work/control2.log")"
[ "$(swan --list-sas | grep -c ESTABLISHED)" -eq 1 ] || fail "strongSwan kept a stale IKE SA: $(swan --list-sas)"
# `initiate: start`: with the tunnel cleared and no traffic at all, a reload that asks for
# bring-up makes Tandem negotiate by itself (and keep the tunnel up).
tctl clear crypto ikev2 sa > /dev/null
wait_for "the IKE SA to be deleted" 100 sh -c "! '$build/controlplane/ctl/tandemctl' -s '$work/ctl.sock' show crypto ikev2 sa | grep -q READY"
sleep 6
tctl show crypto ikev2 sa | grep -q READY && fail "a tunnel came up without traffic or initiate: start"
sed -i 's/^      match_address: "101"$/      match_address: "101"\n      initiate: start/' "$work/gw.yaml"
grep -q "initiate: start" "$work/gw.yaml" || fail "could not add initiate: start to the test config"
tctl reload > "$work/reload.txt" || fail "reload: $(cat "$work/reload.txt")"
wait_for "Tandem to bring the tunnel up by itself" 150 sh -c "'$build/controlplane/ctl/tandemctl' -s '$work/ctl.sock' show crypto ikev2 sa | grep -q READY"
wait_for "strongSwan's CHILD SA" 50 sh -c "ip netns exec $T-sw env STRONGSWAN_CONF=$work/sw/strongswan.conf SWANCTL_DIR=$work/sw/swanctl swanctl --list-sas --uri unix://$work/sw/charon.vici | grep -q INSTALLED"
grep -q "bringing up" "$work/control2.log" || fail "no bring-up logged: $(tail -10 "$work/control2.log")"
echo "PASS"
