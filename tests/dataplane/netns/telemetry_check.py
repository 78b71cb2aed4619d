#!/usr/bin/python3
"""A small DPDK telemetry client for telemetry_netns_test.sh: it speaks the v2 socket protocol
(SOCK_SEQPACKET; the first datagram is {"version", "pid", "max_output_len"}, then one JSON reply
per command) and checks tandem-dataplane's /tandem/* answers. A failed check prints
"FAIL: ..." and exits 1.

    telemetry_check.py baseline SOCKET STATE   the commands are there and well formed; the
                                               counters are saved to STATE (JSON)
    telemetry_check.py moved SOCKET STATE      the counters moved since STATE by at least the
                                               traffic the test sent (pings, forged ESP)
    telemetry_check.py output FILE             FILE (what dpdk-telemetry.py printed for the
                                               commands of telemetry_netns_test.sh) is one JSON
                                               object per line with the expected keys
"""
import json
import socket
import sys

DROP_REASONS_V1 = [
    "malformed", "unsupported", "ttl_exceeded", "no_route", "no_neighbour", "blackhole",
    "acquire_pending", "policy_discard", "unknown_spi", "replay", "auth_failed", "policy_mismatch",
    "sa_expired", "sequence_overflow", "mtu_exceeded", "crypto_error", "handoff_full", "tx_full",
    "exception_full", "not_for_us",
]
PORT_KEYS = ["rx_packets", "rx_bytes", "rx_errors", "rx_drops", "tx_packets", "tx_bytes", "tx_errors"]
WORKER_KEYS = ["lcore", "packets", "busy_cycles", "idle_cycles", "handoffs", "drops"]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


class Telemetry:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.settimeout(5)
        self.sock.connect(path)
        hello = json.loads(self.sock.recv(1024).decode())
        self.max_len = hello["max_output_len"]

    def query(self, cmd):
        self.sock.send(cmd.encode())
        reply = json.loads(self.sock.recv(self.max_len).decode())
        key = cmd.split(",", 1)[0]
        if key not in reply:
            fail("%s: reply without key %s: %s" % (cmd, key, reply))
        return reply[key]


def expect(cond, msg):
    if not cond:
        fail(msg)


def check_shape(t):
    """Queries every command, checks its shape, returns the counters worth comparing."""
    listing = t.query("/")
    for c in ["/tandem/info", "/tandem/ports", "/tandem/port", "/tandem/workers", "/tandem/drops",
              "/tandem/sa"]:
        expect(c in listing, "%s is not registered: %s" % (c, listing))

    info = t.query("/tandem/info")
    expect(isinstance(info, dict), "/tandem/info: %s" % info)
    for k in ["version", "dpdk_version", "api_version", "name", "ports", "workers", "sas", "crypto",
              "tsc_hz", "uptime_ms", "snapshot_age_ms"]:
        expect(k in info, "/tandem/info has no %s: %s" % (k, info))
    expect(info["ports"] == 1 and info["workers"] == 1, "/tandem/info: %s" % info)
    expect(info["name"] == "tel-gw", "/tandem/info name: %s" % info)
    expect(info["sas"] == 2, "/tandem/info: 2 SAs are installed: %s" % info)
    expect(info["api_version"] >= 1, "/tandem/info api_version: %s" % info)

    ports = t.query("/tandem/ports")
    expect(ports.get("name") == ["inside"], "/tandem/ports names: %s" % ports)
    for k in PORT_KEYS:
        expect(isinstance(ports.get(k), list) and len(ports[k]) == 1, "/tandem/ports %s: %s" % (k, ports))

    port = t.query("/tandem/port,0")
    expect(isinstance(port, dict) and port.get("name") == "inside", "/tandem/port,0: %s" % port)
    expect(port.get("address") == "10.77.0.1/24", "/tandem/port,0 address: %s" % port)
    by_name = t.query("/tandem/port,inside")
    expect(isinstance(by_name, dict) and by_name.get("port") == 0, "/tandem/port,inside: %s" % by_name)
    expect(t.query("/tandem/port,9") is None, "/tandem/port,9 should be null")
    expect(t.query("/tandem/port,") is None, "/tandem/port without a parameter should be null")

    workers = t.query("/tandem/workers")
    for k in WORKER_KEYS:
        expect(isinstance(workers.get(k), list) and len(workers[k]) == 1, "/tandem/workers %s: %s" % (k, workers))
    expect(workers["lcore"] == [1], "/tandem/workers lcore: %s" % workers)

    drops = t.query("/tandem/drops")
    for r in DROP_REASONS_V1:
        expect(r in drops, "/tandem/drops has no %s: %s" % (r, drops))

    sas = t.query("/tandem/sa")
    expect(sas == [1, 2], "/tandem/sa: %s" % sas)
    out = t.query("/tandem/sa,1")
    expect(out.get("direction") == "outbound" and out.get("spi") == 0x2002 and out.get("peer") == "10.77.0.2"
           and out.get("local") == "10.77.0.1" and out.get("policy_id") == 1 and out.get("cipher") == "aes-gcm-128",
           "/tandem/sa,1: %s" % out)
    inb = t.query("/tandem/sa,2")
    expect(inb.get("direction") == "inbound" and inb.get("spi_hex") == "0x00001001" and inb.get("peer") == "10.77.0.2",
           "/tandem/sa,2: %s" % inb)
    for k in ["packets", "bytes", "drops", "drops_auth_failure", "drops_replay", "owner_worker"]:
        expect(k in inb, "/tandem/sa,2 has no %s: %s" % (k, inb))
    expect(t.query("/tandem/sa,77") is None, "/tandem/sa,77 (not installed) should be null")
    expect(t.query("/tandem/sa,x") is None, "/tandem/sa,x should be null")

    return {"port": port, "workers": workers, "drops": drops, "sa2": inb, "uptime_ms": info["uptime_ms"]}


def moved(before, after):
    def grew(what, a, b, at_least):
        expect(b - a >= at_least, "%s did not move by %d: %d -> %d" % (what, at_least, a, b))

    # 3 pings (3 echo requests in, 3 replies out; ARP besides) and 5 forged ESP packets.
    grew("port rx_packets", before["port"]["rx_packets"], after["port"]["rx_packets"], 8)
    grew("port rx_bytes", before["port"]["rx_bytes"], after["port"]["rx_bytes"], 8 * 60)
    grew("port tx_packets", before["port"]["tx_packets"], after["port"]["tx_packets"], 3)
    grew("worker packets", before["workers"]["packets"][0], after["workers"]["packets"][0], 8)
    grew("busy cycles", before["workers"]["busy_cycles"][0], after["workers"]["busy_cycles"][0], 1)
    grew("SA 2 auth drops", before["sa2"]["drops_auth_failure"], after["sa2"]["drops_auth_failure"], 5)
    grew("SA 2 drops", before["sa2"]["drops"], after["sa2"]["drops"], 5)
    grew("auth_failed drops", before["drops"]["auth_failed"], after["drops"]["auth_failed"], 5)
    grew("uptime", before["uptime_ms"], after["uptime_ms"], 1)


def check_output(path):
    with open(path) as f:
        lines = [line for line in f.read().splitlines() if line.strip()]
    replies = [json.loads(line) for line in lines]
    want = ["/tandem/info", "/tandem/ports", "/tandem/port", "/tandem/workers", "/tandem/drops", "/tandem/sa",
            "/tandem/sa"]
    keys = [next(iter(r)) for r in replies]
    expect(keys == want, "dpdk-telemetry.py answered %s, expected %s" % (keys, want))
    for r in replies:
        k = next(iter(r))
        expect(r[k] is not None, "dpdk-telemetry.py: %s answered null" % k)
    expect(replies[2]["/tandem/port"]["name"] == "inside", "dpdk-telemetry.py /tandem/port,0: %s" % replies[2])
    expect(replies[6]["/tandem/sa"]["sa_id"] == 2, "dpdk-telemetry.py /tandem/sa,2: %s" % replies[6])


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "output":
        check_output(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] in ("baseline", "moved"):
        t = Telemetry(sys.argv[2])
        now = check_shape(t)
        if sys.argv[1] == "baseline":
            with open(sys.argv[3], "w") as f:
                json.dump(now, f)
        else:
            with open(sys.argv[3]) as f:
                moved(json.load(f), now)
    else:
        print(__doc__)
        sys.exit(2)
    print("ok: telemetry_check.py " + sys.argv[1])


if __name__ == "__main__":
    main()
