#!/usr/bin/env bash
# Interop: strongSwan (charon, kernel-libipsec) initiates to Tandem's dynamic crypto map, and
# traffic flows remote host -> strongSwan -> tandem-dataplane -> inside host and back.
#
#   $1: build dir    $2: proposal family: gcm (aes128gcm16-prfsha256-ecp256, ESP aes128gcm16)
#                                         or cbc (aes256-sha256-modp2048, ESP aes128-sha256)
#
# Checks: the CHILD SA comes up (swanctl --list-sas and tandemctl show dataplane policies), pings
# in both directions pass through the tunnel with no loss, the dataplane's SA counters count them,
# the dynamic SA's PROTECT rule is installed with it; a swanctl --terminate deletes the SAs in the
# dataplane again; before that, strongSwan rekeys the IKE SA under traffic without loss and the
# CHILD SA survives it unchanged. See lib.sh for the topology.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
family=${2:-gcm}
case "$family" in
    gcm) ike_prop=aes128gcm16-prfsha256-ecp256; esp_prop=aes128gcm16 ;;
    cbc) ike_prop=aes256-sha256-modp2048; esp_prop=aes128-sha256 ;;
    *) echo "unknown family $family"; exit 2 ;;
esac
interop_init "$1"

tandem_config "crypto_maps:
  cmap:
    - seq: 100
      dynamic: dmap
dynamic_maps:
  dmap:
    - seq: 10
      transform_sets: [gcm, cbc]
      reverse_route: true" "transform_sets:
  gcm:
    esp: aes-gcm-128
  cbc:
    esp: aes-cbc-128
    integrity: sha256
ike:
  keys:
    - peer: 0.0.0.0/0
      key: interop-secret-1"
# No route to the remote site is configured: the dynamic entry's reverse_route puts 10.2.1.0/24
# (via the IKE peer) into the dataplane's FIB while the CHILD SA is up.

mkdir -p "$work/sw/swanctl"
cat > "$work/sw/swanctl/swanctl.conf" <<CONF
connections {
    tandem {
        version = 2
        local_addrs = 192.0.2.2
        remote_addrs = 192.0.2.1
        proposals = $ike_prop
        local { auth = psk
                id = 192.0.2.2 }
        remote { auth = psk
                 id = 192.0.2.1 }
        children {
            net {
                local_ts = 10.2.1.0/24
                remote_ts = 10.1.1.0/24
                esp_proposals = $esp_prop
                mode = tunnel
            }
        }
    }
}
secrets {
    ike-tandem { id = 192.0.2.1
                 secret = interop-secret-1 }
}
CONF

start_tandem
start_charon

swan --initiate --child net --ike tandem --timeout 20 > "$work/initiate.log" 2>&1 || fail "swanctl --initiate: $(tail -20 "$work/initiate.log")"
swan --list-sas > "$work/sas.txt"
grep -q "INSTALLED" "$work/sas.txt" || fail "no CHILD SA in strongSwan: $(cat "$work/sas.txt")"

dpctl show sa > "$work/dp-sa.txt"
[ "$(grep -c "spi" "$work/dp-sa.txt")" -ge 2 ] || fail "the dataplane has no SA pair: $(cat "$work/dp-sa.txt")"
dpctl show policies | grep -q "10.1.1.0/24.*10.2.1.0/24" || fail "no PROTECT rule for the dynamic SA: $(dpctl show policies)"

diag() {  # dataplane state for a failure message
    { echo "--- dp show sa"; dpctl show sa; echo "--- dp drops"; dpctl show stats drops; echo "--- dp policies"; dpctl show policies;
      echo "--- dp routes"; dpctl show routes; echo "--- swanctl"; swan --list-sas; } 2>&1
}
ip netns exec "$T-rh" ping -c 5 -i 0.2 -W 2 10.1.1.10 > "$work/ping1.txt" || fail "remote -> inside: $(cat "$work/ping1.txt"; diag)"
grep -q " 0% packet loss" "$work/ping1.txt" || fail "remote -> inside lost packets: $(cat "$work/ping1.txt")"
ip netns exec "$T-ih" ping -c 5 -i 0.2 -W 2 10.2.1.10 > "$work/ping2.txt" || fail "inside -> remote: $(cat "$work/ping2.txt"; diag)"
grep -q " 0% packet loss" "$work/ping2.txt" || fail "inside -> remote lost packets: $(cat "$work/ping2.txt")"

# The operator's view: IKE SA READY, and the CHILD SA's live counters from the dataplane.
tctl show crypto ikev2 sa > "$work/ikev2.txt" || fail "show crypto ikev2 sa"
grep -q "192.0.2.2/4500.*READY" "$work/ikev2.txt" || fail "show crypto ikev2 sa: $(cat "$work/ikev2.txt")"
tctl show crypto ipsec sa > "$work/ipsec.txt" || fail "show crypto ipsec sa"
echo "--- tandemctl show crypto ipsec sa"; cat "$work/ipsec.txt"
encaps=$(sed -n 's/.*#pkts encaps: \([0-9]*\).*/\1/p' "$work/ipsec.txt" | head -1)
decaps=$(sed -n 's/.*#pkts decaps: \([0-9]*\).*/\1/p' "$work/ipsec.txt" | head -1)
[ "${encaps:-0}" -ge 10 ] && [ "${decaps:-0}" -ge 10 ] || fail "show crypto ipsec sa does not count the pings (encaps ${encaps:-none}, decaps ${decaps:-none})"
tctl show crypto ipsec sa --json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d) == 1, d' ||
    fail "show crypto ipsec sa --json"

# strongSwan rekeys the IKE SA under traffic: the CHILD SA moves to the new IKE SA untouched.
old_ike=$(tctl show crypto ikev2 sa detail | grep -o "Local spi: [0-9A-F]*")
child_sas=$(dpctl show sa | grep -o "spi: 0x[0-9A-F]*" | sort | tr '\n' ' ')
ip netns exec "$T-ih" ping -c 80 -i 0.05 -W 1 10.2.1.10 > "$work/ping3.txt" &
ping_pid=$!
sleep 1
swan --rekey --ike tandem > "$work/rekey-ike.log" 2>&1 || fail "swanctl --rekey --ike: $(cat "$work/rekey-ike.log")"
wait $ping_pid || true
grep -q " 0% packet loss" "$work/ping3.txt" || fail "packets lost across the IKE rekey: $(tail -3 "$work/ping3.txt")"
wait_for "the rekeyed IKE SA" 50 sh -c "'$build/controlplane/ctl/tandemctl' -s '$work/ctl.sock' show crypto ikev2 sa | grep -q READY"
new_ike=$(tctl show crypto ikev2 sa detail | grep -o "Local spi: [0-9A-F]*")
[ -n "$new_ike" ] && [ "$new_ike" != "$old_ike" ] || fail "the IKE SA was not rekeyed ($old_ike / $new_ike)"
[ "$(tctl show crypto ikev2 sa | grep -c READY)" -eq 1 ] || fail "the old IKE SA outlived the rekey: $(tctl show crypto ikev2 sa)"
[ "$(dpctl show sa | grep -o "spi: 0x[0-9A-F]*" | sort | tr '\n' ' ')" = "$child_sas" ] || fail "the IKE rekey touched the CHILD SAs"
[ "$(swan --list-sas | grep -c ESTABLISHED)" -eq 1 ] || fail "strongSwan: $(swan --list-sas)"

swan --terminate --ike tandem --timeout 10 > "$work/terminate.log" 2>&1 || fail "swanctl --terminate"
wait_for "the dataplane SAs to go" 50 sh -c "! '$build/controlplane/ctl/tandemctl' dp --socket '$work/dp.sock' show sa | grep -q spi"
dpctl show policies | grep -q "10.1.1.0/24.*10.2.1.0/24" && fail "the dynamic PROTECT rule outlived its SA"
echo "PASS ($family)"
