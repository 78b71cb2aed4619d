#!/usr/bin/env python3
"""Initiator side of bench/ike_setup: loads N connections into the initiating charon over its vici
socket and initiates them with a fixed number in flight, timing each one.

A tunnel's establishment time is from sending the vici `initiate` request (child cN of IKE
connection tN) to charon's answer that the CHILD_SA is installed: IKE_SA_INIT (and any COOKIE or
INVALID_KE round trip), IKE_AUTH with the CHILD_SA, and the initiator's own work on both ends.

Writes one JSON object on stdout. The vici wire format (a 32-bit length, a packet type, a name, then
key/value, section and list elements) is implemented here from strongSwan's published protocol
description; only what this benchmark needs.
"""
import argparse
import json
import os
import socket
import struct
import sys
import threading
import time

CMD_REQUEST, CMD_RESPONSE, CMD_UNKNOWN, EVENT = 0, 1, 2, 7
SECTION_START, SECTION_END, KEY_VALUE, LIST_START, LIST_ITEM, LIST_END = 1, 2, 3, 4, 5, 6


def encode(msg):
    out = bytearray()
    for k, v in msg.items():
        kb = k.encode()
        if isinstance(v, dict):
            out += bytes([SECTION_START, len(kb)]) + kb + encode(v) + bytes([SECTION_END])
        elif isinstance(v, list):
            out += bytes([LIST_START, len(kb)]) + kb
            for item in v:
                b = str(item).encode()
                out += bytes([LIST_ITEM]) + struct.pack(">H", len(b)) + b
            out += bytes([LIST_END])
        else:
            b = str(v).encode()
            out += bytes([KEY_VALUE, len(kb)]) + kb + struct.pack(">H", len(b)) + b
    return bytes(out)


def decode(data):
    root = {}
    stack = [root]
    lst = None
    i = 0
    while i < len(data):
        t = data[i]
        i += 1
        if t in (SECTION_START, KEY_VALUE, LIST_START):
            n = data[i]
            name = data[i + 1:i + 1 + n].decode(errors="replace")
            i += 1 + n
        if t == SECTION_START:
            sec = {}
            stack[-1][name] = sec
            stack.append(sec)
        elif t == SECTION_END:
            stack.pop()
        elif t == KEY_VALUE:
            (ln,) = struct.unpack(">H", data[i:i + 2])
            stack[-1][name] = data[i + 2:i + 2 + ln].decode(errors="replace")
            i += 2 + ln
        elif t == LIST_START:
            lst = []
            stack[-1][name] = lst
        elif t == LIST_ITEM:
            (ln,) = struct.unpack(">H", data[i:i + 2])
            lst.append(data[i + 2:i + 2 + ln].decode(errors="replace"))
            i += 2 + ln
        elif t == LIST_END:
            lst = None
        else:
            raise ValueError("vici: bad element type %d" % t)
    return root


class Vici:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)

    def _recv_exact(self, n):
        buf = bytearray()
        while len(buf) < n:
            chunk = self.s.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("vici: connection closed")
            buf += chunk
        return bytes(buf)

    def call(self, cmd, msg=None):
        name = cmd.encode()
        payload = bytes([CMD_REQUEST, len(name)]) + name + encode(msg or {})
        self.s.sendall(struct.pack(">I", len(payload)) + payload)
        while True:
            (ln,) = struct.unpack(">I", self._recv_exact(4))
            pkt = self._recv_exact(ln)
            if pkt[0] == CMD_RESPONSE:
                return decode(pkt[1:])
            if pkt[0] == CMD_UNKNOWN:
                raise RuntimeError("vici: unknown command " + cmd)
            # EVENT packets (control-log) are skipped.


def tunnel_ts(i):
    # Tunnel i (1-based) protects 10.200.0.0/16 host i: 10.200.(i / 250).(i % 250 + 1)/32.
    return "10.200.%d.%d" % (i // 250, i % 250 + 1)


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    k = (len(sorted_values) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vici", required=True)
    ap.add_argument("--tunnels", type=int, required=True)
    ap.add_argument("--window", type=int, default=32)
    ap.add_argument("--local", required=True)
    ap.add_argument("--remote", required=True)
    ap.add_argument("--remote-ts", required=True)
    ap.add_argument("--proposal", required=True)
    ap.add_argument("--esp", required=True)
    ap.add_argument("--psk", required=True)
    ap.add_argument("--timeout-ms", type=int, default=60000)
    ap.add_argument("--rss-pid", type=int, action="append", default=[], help="processes whose RSS is sampled")
    ap.add_argument("--ready-file", help="touched once the connections are loaded, before initiating")
    a = ap.parse_args()

    v = Vici(a.vici)
    t_load = time.monotonic()
    r = v.call("load-shared", {"type": "IKE", "data": a.psk, "owners": []})
    if r.get("success") != "yes":
        sys.exit("load-shared: %s" % r)
    for i in range(1, a.tunnels + 1):
        conn = {
            "version": "2",
            "local_addrs": [a.local],
            "remote_addrs": [a.remote],
            "proposals": [a.proposal],
            "unique": "never",     # no INITIAL_CONTACT: all tunnels share the initiator's address
            "keyingtries": "1",
            "mobike": "no",        # else IKE_AUTH lists every one of the initiator's addresses
            "rekey_time": "0",
            "reauth_time": "0",
            "local": {"auth": "psk", "id": "site-%d.bench" % i},
            "remote": {"auth": "psk", "id": "%any"},
            "children": {"c%d" % i: {
                "local_ts": [tunnel_ts(i) + "/32"],
                "remote_ts": [a.remote_ts],
                "esp_proposals": [a.esp],
                "mode": "tunnel",
                "rekey_time": "0",
                "life_time": "0",
            }},
        }
        r = v.call("load-conn", {"t%d" % i: conn})
        if r.get("success") != "yes":
            sys.exit("load-conn t%d: %s" % (i, r))
    load_s = time.monotonic() - t_load

    def rss_kb(pid):
        try:
            with open("/proc/%d/status" % pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            return None
        return None

    def cpu_s(pid):
        try:
            with open("/proc/%d/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            return None

    rss_before = {str(p): rss_kb(p) for p in a.rss_pid}
    cpu_before = {str(p): cpu_s(p) for p in a.rss_pid}
    if a.ready_file:
        open(a.ready_file, "w").close()

    lock = threading.Lock()
    next_i = [1]
    results = {}  # i -> (start, end, ok, err)

    def worker():
        c = Vici(a.vici)
        while True:
            with lock:
                i = next_i[0]
                if i > a.tunnels:
                    return
                next_i[0] += 1
            t0 = time.monotonic()
            try:
                r = c.call("initiate", {"child": "c%d" % i, "ike": "t%d" % i, "timeout": str(a.timeout_ms),
                                        "init-limits": "no", "loglevel": "-1"})
                ok = r.get("success") == "yes"
                err = r.get("errmsg", "")
            except Exception as e:  # noqa: BLE001 - reported per tunnel
                ok, err = False, str(e)
            results[i] = (t0, time.monotonic(), ok, err)

    t_start = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(min(a.window, a.tunnels))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    t_end = time.monotonic()
    rss_after = {str(p): rss_kb(p) for p in a.rss_pid}
    cpu_after = {str(p): cpu_s(p) for p in a.rss_pid}

    ok = sorted(e - s for (s, e, good, _) in results.values() if good)
    failed = [(i, err) for i, (_, _, good, err) in sorted(results.items()) if not good]
    last_ok = max((e for (_, e, good, _) in results.values() if good), default=t_start)
    span = last_ok - t_start
    errors = {}
    for i, err in failed:
        err = err.replace("'c%d'" % i, "'cN'").replace("'t%d'" % i, "'tN'")
        errors[err] = errors.get(err, 0) + 1
    out = {
        "tunnels": a.tunnels,
        "window": a.window,
        "established": len(ok),
        "failed": len(failed),
        "failure_messages": errors,
        "first_failed": [i for i, _ in failed[:10]],
        "load_conns_s": round(load_s, 3),
        "wall_s": round(t_end - t_start, 3),
        "span_to_last_established_s": round(span, 3),
        "tunnels_per_s": round(len(ok) / span, 1) if span > 0 else None,
        "latency_ms": {
            "p50": round(percentile(ok, 50) * 1000, 2) if ok else None,
            "p90": round(percentile(ok, 90) * 1000, 2) if ok else None,
            "p99": round(percentile(ok, 99) * 1000, 2) if ok else None,
            "max": round(ok[-1] * 1000, 2) if ok else None,
            "mean": round(sum(ok) / len(ok) * 1000, 2) if ok else None,
        },
        "rss_kb_before": rss_before,
        "rss_kb_after": rss_after,
        "cpu_s": {k: (round(cpu_after[k] - cpu_before[k], 2) if cpu_after[k] is not None and cpu_before[k] is not None else None)
                  for k in cpu_before},
    }
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
