#!/usr/bin/env bash
# Interop failure cases against strongSwan, each must fail cleanly with the right notify and leave
# nothing installed in the dataplane:
#   - a wrong pre-shared key: AUTHENTICATION_FAILED, no SA;
#   - an IKE proposal Tandem does not accept (AES-CBC-128/SHA-1/MODP-1024): NO_PROPOSAL_CHOSEN;
#   - a frozen peer (charon stopped with SIGSTOP): Tandem's dead peer detection (ike.keepalive)
#     declares it dead and removes its SAs from the dataplane.
#
#   $1: build dir. See lib.sh for the topology.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
interop_init "$1"

tandem_config "crypto_maps:
  cmap:
    - seq: 100
      dynamic: dmap
dynamic_maps:
  dmap:
    - seq: 10
      transform_sets: [gcm]" "transform_sets:
  gcm:
    esp: aes-gcm-128
ike:
  keepalive:
    interval: 10
    retry: 2
  keys:
    - peer: 0.0.0.0/0
      key: the-right-key
routes:
  - prefix: 10.2.0.0/16
    next_hop: 192.0.2.2"

swanctl_conf() {  # $1: IKE proposal, $2: PSK
    mkdir -p "$work/sw/swanctl"
    cat > "$work/sw/swanctl/swanctl.conf" <<CONF
connections {
    tandem {
        version = 2
        local_addrs = 192.0.2.2
        remote_addrs = 192.0.2.1
        proposals = $1
        dpd_delay = 0
        local { auth = psk
                id = 192.0.2.2 }
        remote { auth = psk
                 id = 192.0.2.1 }
        children {
            net {
                local_ts = 10.2.1.0/24
                remote_ts = 10.1.1.0/24
                esp_proposals = aes128gcm16
            }
        }
    }
}
secrets {
    ike-tandem { id = 192.0.2.1
                 secret = $2 }
}
CONF
}

start_tandem
swanctl_conf aes128gcm16-prfsha256-ecp256 a-wrong-key
start_charon

# Wrong PSK.
if swan --initiate --child net --ike tandem --timeout 15 > "$work/wrong-psk.log" 2>&1; then fail "a wrong PSK was accepted"; fi
grep -q "AUTHENTICATION_FAILED" "$work/wrong-psk.log" || fail "no AUTHENTICATION_FAILED: $(tail -15 "$work/wrong-psk.log")"
dpctl show sa | grep -q spi && fail "SAs installed with a wrong PSK"
tctl show crypto ikev2 sa | grep -q READY && fail "an IKE SA is READY with a wrong PSK"

# Unacceptable IKE proposal.
swanctl_conf aes128-sha1-modp1024 the-right-key
swan --load-all > /dev/null 2>&1
if swan --initiate --child net --ike tandem --timeout 15 > "$work/proposal.log" 2>&1; then fail "an unacceptable proposal was accepted"; fi
grep -q "NO_PROPOSAL_CHOSEN" "$work/proposal.log" || fail "no NO_PROPOSAL_CHOSEN: $(tail -15 "$work/proposal.log")"
dpctl show sa | grep -q spi && fail "SAs installed without a proposal"

# A good tunnel, then the peer freezes: DPD (keepalive 10 s) clears it.
swanctl_conf aes128gcm16-prfsha256-ecp256 the-right-key
swan --load-all > /dev/null 2>&1
swan --initiate --child net --ike tandem --timeout 15 > "$work/good.log" 2>&1 || fail "initiate: $(tail -15 "$work/good.log")"
ip netns exec "$T-rh" ping -c 3 -i 0.2 -W 1 10.1.1.10 > /dev/null || fail "no traffic through the tunnel"
[ "$(dpctl show sa | grep -c "esp sa")" -eq 2 ] || fail "no SA pair: $(dpctl show sa)"
charon_pid=$(pgrep -f "^/usr/lib/ipsec/charon" -n)
kill -STOP "$charon_pid"
start=$(date +%s)
wait_for "DPD to declare the frozen peer dead" 900 sh -c "! '$build/controlplane/ctl/tandemctl' dp --socket '$work/dp.sock' show sa | grep -q spi"
echo "dead peer detected and its SAs removed after $(( $(date +%s) - start )) s"
kill -CONT "$charon_pid"
grep -q "peer_dead\|peer dead" "$work/control.log" || fail "tandem-control did not log the dead peer: $(tail -10 "$work/control.log")"
tctl show crypto ikev2 sa | grep -q READY && fail "the dead peer's IKE SA is still READY"
echo "PASS"
