"""The pcap -> sink harness and the three programs measured on it.

Source: net_pcap replaying a prepared capture forever (infinite_rx=1; one RX queue per worker,
each replaying the whole file). Its TX queues write to /dev/null: nothing is sent back towards
the source in these tests, but Tandem opens a TX queue per worker plus one for the main lcore.

Sink: a net_pcap device whose TX drops and counts (the PMD's behaviour without a tx_pcap), and
whose RX delivers one ARP request, once: the router next to the gateway asking for the gateway's
address, from which the gateway learns the router's MAC (it resolves its next hops by ARP, and
net_null cannot deliver that packet). dpdk-testpmd's io forwarding runs over exactly the same
two devices, so the I/O cost is the same for both.

Each program is pinned the same way: the forwarding lcore is lcore 1 (CPU 1); with two workers,
lcores 0 and 1 forward and the main lcore shares CPU 0 with worker 0.
"""

import json
import os
import subprocess
import time

from . import dpdk

INSIDE, OUTSIDE = 0, 1
MBUF_BYTES = 2560  # one mbuf with the default 2176-byte buffer, header and pool overhead


class Workspace:
    def __init__(self, root, tool):
        self.root = root
        self.tool = tool
        os.makedirs(root, exist_ok=True)
        self.counter = 0

    def path(self, name):
        return os.path.join(self.root, name)

    def prefix(self, what):
        self.counter += 1
        return f"tbench-{os.getpid()}-{what}-{self.counter}"


def capture_packets(tunnels):
    """Packets in a capture: at least 1024, one per tunnel beyond that, a multiple of 12 (IMIX)."""
    n = max(1024, tunnels)
    return (n + 11) // 12 * 12


def pcap_mac(index):
    """net_pcap's MAC address of the index-th pcap device created (02:70:63:61:70:NN, 'pcap')."""
    return f"02:70:63:61:70:{index:02x}"


def make_capture(ws, direction, cipher, size, tunnels):
    """The input capture of a case (cached in the workspace) and the ARP capture of its sink."""
    # The source is the first pcap device of every run (the config lists it first).
    name = f"{direction}-{size}-{tunnels}" + ("" if direction == "encap" else f"-{cipher}") + ".pcap"
    path = ws.path(name)
    if not os.path.exists(path):
        kind = "clear" if direction == "encap" else "esp"
        argv = [ws.tool, "capture", kind, "--out", path + ".tmp", "--tunnels", str(tunnels), "--cipher", cipher,
                "--size", size, "--packets", str(capture_packets(tunnels)), "--mac", pcap_mac(0)]
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, err = p.communicate()
        dpdk.remove_runtime_dir(f"appliance-tool-{p.pid}")  # the ESP capture starts EAL
        if p.returncode != 0:
            raise RuntimeError(f"appliance_tool capture {kind}: {err.decode(errors='replace').strip()}")
        os.rename(path + ".tmp", path)
    sink_port = "outside" if direction == "encap" else "inside"
    arp = ws.path(f"arp-{sink_port}.pcap")
    if not os.path.exists(arp):
        subprocess.run([ws.tool, "capture", "arp", "--out", arp, "--port", sink_port], check=True)
    return path, arp


def source_devargs(index, capture, workers):
    rx = ",".join(f"rx_pcap={capture}" for _ in range(workers))
    tx = ",".join("tx_pcap=/dev/null" for _ in range(workers + 1))
    return f"net_pcap{index},{rx},infinite_rx=1,{tx}"


def sink_devargs(index, arp, workers):
    # One RX queue per TX queue wanted: the PMD gives a drop-and-count TX queue per RX queue.
    return f"net_pcap{index}," + ",".join(f"rx_pcap={arp}" for _ in range(workers + 1))


def lcore_layout(workers):
    """(main lcore, main CPU or None, worker lcores)."""
    if workers == 1:
        return 0, None, [1]
    if workers == 2:
        return 2, 0, [0, 1]
    raise ValueError("this harness knows 1 or 2 workers")


def mbufs_needed(packets, workers):
    # Every source queue holds the whole capture in mbufs, plus descriptors, caches, in flight.
    return packets * workers + 4096 * (workers + 1) + 8192


class TandemRun:
    """tandem-dataplane on the harness: start, install the tunnels, measure, stop."""

    def __init__(self, ws, binary, case, extra_sas=0, extra_routes=0):
        self.ws = ws
        self.case = case
        direction, tunnels, workers = case["direction"], case["tunnels"], case["workers"]
        active = case.get("active", tunnels)  # tunnels the traffic uses (the first ones)
        capture, arp = make_capture(ws, direction, case["cipher"], case["size"], active)
        packets = capture_packets(active)
        self.prefix = ws.prefix("tandem")
        self.api = ws.path(self.prefix + ".sock")
        main, main_cpu, worker_lcores = lcore_layout(workers)
        total_mbufs = mbufs_needed(packets, workers)
        per_port = (total_mbufs + 1) // 2
        max_sas = max(4096, 2 * tunnels + extra_sas + 16)
        max_routes = max(65536, tunnels + extra_routes + 64)
        memory_mb = 768 + total_mbufs * MBUF_BYTES // (1 << 20) + (max_sas + max_routes // 8) // 64
        src = source_devargs(0, capture, workers)
        sink = sink_devargs(1, arp, workers)
        inside, outside = (src, sink) if direction == "encap" else (sink, src)
        # The source must be net_pcap0 (the captures are addressed to its MAC): list it first.
        itfs = [("inside", inside, "10.0.0.1/24", "inside"), ("outside", outside, "198.18.0.1/24", "outside")]
        if direction == "decap":
            itfs.reverse()
        lines = ["hostname: bench", "interfaces:"]
        for name, port, addr, role in itfs:
            lines += [f"  - name: {name}", f"    port: \"{port}\"", f"    address: {addr}", f"    role: {role}"]
        lines += ["routes:",
                  "  - {prefix: 10.1.0.0/16, next_hop: 10.0.0.2}",
                  "  - {prefix: 198.19.0.0/16, next_hop: 198.18.0.2}",
                  "dataplane:",
                  f"  main_lcore: {main}",
                  f"  workers: [{', '.join(map(str, worker_lcores))}]",
                  "  poll: busy",
                  f"  mbufs: {per_port}",
                  "  hugepages: false",
                  f"  memory_mb: {memory_mb}",
                  f"  file_prefix: {self.prefix}",
                  f"  api_socket: {self.api}",
                  f"  max_sas: {max_sas}",
                  f"  max_policies: {max_sas}",
                  f"  max_routes: {max_routes}",
                  "  eal_args: [--log-level, \"lib.eal:error\"]"]
        if main_cpu is not None:
            lines.append(f"  main_cpu: {main_cpu}")
        self.config = ws.path(self.prefix + ".yaml")
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")
        # Port order in the dataplane follows the interfaces list.
        self.names = [i[0] for i in itfs]
        self.binary = binary
        self.proc = None
        self.tel = None

    def port_of(self, role):
        return self.names.index(role)

    def start(self):
        self.proc = dpdk.Process([self.binary, "-c", self.config, "--no-kernel-interfaces"],
                                 self.ws.path(self.prefix + ".log"))
        if not self.proc.wait_for_text("forwarding; control API on", 120):
            self.proc.stop()
            raise RuntimeError("tandem-dataplane did not start:\n" + self.proc.output()[-3000:])
        self.tel = dpdk.Telemetry(self.prefix)
        out = self.proc.output()
        want = pcap_mac(0)
        if want not in out.lower():
            raise RuntimeError(f"the source port's MAC is not {want}: captures would be refused\n" + out[-2000:])
        info = self.tel.cmd("/tandem/info")
        ports = self.tel.cmd("/tandem/ports")
        self.tsc_hz = info["tsc_hz"]
        self.eth = ports["eth_id"]  # dataplane port -> ethdev id
        return self

    def tool(self, *args):
        r = subprocess.run([self.ws.tool, args[0], "--socket", self.api] + list(args[1:]),
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"appliance_tool {args[0]}: {r.stderr.strip()}")
        return json.loads(r.stdout)

    def install(self):
        c = self.case
        return self.tool("install", "--tunnels", str(c["tunnels"]), "--cipher", c["cipher"], "--direction",
                         c["direction"])

    def source_sink(self):
        if self.case["direction"] == "encap":
            return self.eth[self.port_of("inside")], self.eth[self.port_of("outside")]
        return self.eth[self.port_of("outside")], self.eth[self.port_of("inside")]

    def measure(self, seconds, samples=None):
        rx, tx = self.source_sink()
        w0 = self.tel.cmd("/tandem/workers")
        r = dpdk.measure_rate(self.tel, rx, tx, seconds, samples)
        time.sleep(0.3)  # the /tandem/* counters are a snapshot refreshed every 250 ms
        w1 = self.tel.cmd("/tandem/workers")
        packets = sum(w1["packets"]) - sum(w0["packets"])
        busy = sum(w1["busy_cycles"]) - sum(w0["busy_cycles"])
        r["worker_busy_cycles_per_packet"] = busy / packets if packets else None
        r["drops"] = sum(w1["drops"]) - sum(w0["drops"])
        return r

    def drops(self):
        return self.tel.cmd("/tandem/drops")

    def stop(self):
        if self.tel:
            self.tel.close()
            self.tel = None
        if self.proc:
            rc = self.proc.stop()
            self.proc = None
            dpdk.remove_runtime_dir(self.prefix)
            return rc
        return 0


def run_testpmd(ws, case, seconds, warmup):
    """dpdk-testpmd io forwarding over the same devices: the harness without IPsec."""
    direction, workers = case["direction"], case["workers"]
    active = case.get("active", case["tunnels"])
    capture, arp = make_capture(ws, direction, case["cipher"], case["size"], active)
    packets = capture_packets(active)
    prefix = ws.prefix("testpmd")
    main, main_cpu, worker_lcores = lcore_layout(workers)
    lcores = [f"{main}@{main_cpu}" if main_cpu is not None else str(main)] + [str(w) for w in worker_lcores]
    mbufs = mbufs_needed(packets, workers)
    memory_mb = 512 + mbufs * MBUF_BYTES // (1 << 20)
    argv = ["dpdk-testpmd", "--lcores", ",".join(lcores), "--main-lcore", str(main), "--no-pci", "--no-huge",
            "-m", str(memory_mb), "--file-prefix", prefix, "--log-level", "lib.eal:error",
            "--vdev", source_devargs(0, capture, workers), "--vdev", sink_devargs(1, arp, workers), "--",
            "--forward-mode=io", f"--rxq={workers}", f"--txq={workers}", f"--nb-cores={workers}",
            f"--total-num-mbufs={mbufs}", "--stats-period=3600", "--auto-start"]
    p = dpdk.Process(argv, ws.path(prefix + ".log"))
    try:
        if not p.wait_for_text("Port 1:", 60):
            raise RuntimeError("dpdk-testpmd did not start:\n" + p.output()[-3000:])
        tel = dpdk.Telemetry(prefix)
        time.sleep(warmup)
        r = dpdk.measure_rate(tel, 0, 1, seconds)
        tel.close()
    finally:
        p.stop()
        dpdk.remove_runtime_dir(prefix)
    return r


# Bytes the crypto device handles per packet for an inner packet of `size` bytes: the ESP payload
# (inner + padding + pad length + next header), padded to 4 (GCM) or 16 (CBC) bytes.
def esp_payload(size, cipher):
    block = 16 if cipher.startswith("aes-cbc") else 4
    return (size + 2 + block - 1) // block * block


IMIX = [(64, 7), (576, 4), (1420, 1)]


def crypto_perf_once(ws, labels, buffers, imix, total_ops, algo_args):
    prefix = ws.prefix("cperf")
    argv = ["dpdk-test-crypto-perf", "-l", "0,1", "--no-pci", "--no-huge", "-m", "512", "--file-prefix", prefix,
            "--log-level", "lib.eal:error", "--vdev", "crypto_aesni_mb", "--",
            "--ptest", "throughput", "--devtype", "crypto_aesni_mb", "--burst-sz", "32",
            "--total-ops", str(total_ops), "--buffer-sz", ",".join(map(str, buffers)), "--silent",
            "--csv-friendly"] + algo_args
    if imix:
        argv += ["--imix", imix]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    dpdk.remove_runtime_dir(prefix)
    rows = [l for l in r.stdout.splitlines() if l and l[0].isdigit() and l.count(",") >= 9]
    if r.returncode != 0 or len(rows) != len(labels):
        raise RuntimeError("dpdk-test-crypto-perf " + " ".join(algo_args) + " failed:\n" + r.stdout[-2000:] +
                           r.stderr[-2000:])
    out = {}
    for label, row in zip(labels, rows):
        f = row.split(",")
        out[str(label)] = {"mops": float(f[7]), "cycles": float(f[9]), "buffer": int(f[1])}
    return out


CBC = ["--cipher-algo", "aes-cbc", "--cipher-key-sz", "16", "--cipher-iv-sz", "16"]
HMAC = ["--auth-algo", "sha2-256-hmac", "--auth-key-sz", "32", "--digest-sz", "16", "--auth-op", "generate"]


def run_crypto_perf(ws, direction, cipher, sizes, total_ops):
    """dpdk-test-crypto-perf throughput on lcore 1 (CPU 1) with crypto_aesni_mb, burst 32.

    sizes: inner packet sizes (ints) and/or "imix". Returns {size: {"mops", "cycles"}}: operations
    per second and cycles per operation of the crypto one packet of the case needs.
    """
    out = {}
    fixed = [s for s in sizes if s != "imix"]
    runs = []
    if fixed:
        runs.append((fixed, [esp_payload(s, cipher) for s in fixed], None))
    if "imix" in sizes:
        runs.append((["imix"], [esp_payload(s, cipher) for s, _ in IMIX], ",".join(str(w) for _, w in IMIX)))
    for labels, buffers, imix in runs:
        if cipher.startswith("aes-gcm"):
            key = "16" if cipher == "aes-gcm-128" else "32"
            parts = [["--optype", "aead", "--aead-algo", "aes-gcm", "--aead-key-sz", key, "--aead-iv-sz", "12",
                      "--aead-aad-sz", "8", "--digest-sz", "16",
                      "--aead-op", "encrypt" if direction == "encap" else "decrypt"]]
        elif direction == "encap":
            parts = [["--optype", "cipher-then-auth", "--cipher-op", "encrypt"] + CBC + HMAC]
        else:
            # crypto-perf's throughput test takes the chained inbound order (auth-then-cipher)
            # only with "verify", and "verify" only with a test-vector file: measure the two
            # halves separately and add their cycles (a second pass over the data: slightly
            # pessimistic, i.e. a slightly lower ceiling).
            parts = [["--optype", "cipher-only", "--cipher-op", "decrypt"] + CBC, ["--optype", "auth-only"] + HMAC]
        measured = [crypto_perf_once(ws, labels, buffers, imix, total_ops, a) for a in parts]
        for label in labels:
            cycles = sum(m[str(label)]["cycles"] for m in measured)
            first = measured[0][str(label)]
            mops = first["mops"] * first["cycles"] / cycles  # same clock: ops/s scale with 1/cycles
            out[str(label)] = {"mops": mops, "cycles": cycles, "buffer": first["buffer"],
                              "parts": [m[str(label)] for m in measured]}
    return out


def run_direct_ceiling(ws, pipeline_bench, duration_ms):
    """The crypto alone as Tandem calls it: bench/pipeline_bench --only ceiling (a direct loop on
    rte_cryptodev_sym_cpu_crypto_process with crypto_aesni_mb, 32 packets per call, exactly the
    per-packet crypto rte_ipsec asks for; bursts slowed by preemption trimmed) on lcore 1.
    AES-GCM-128 and AES-CBC-128+HMAC-SHA-256 at 64/512/1420 bytes. {(direction, cipher, size): cycles}."""
    out_json = ws.path(ws.prefix("pbceil") + ".json")
    p = subprocess.Popen([pipeline_bench, "--only", "ceiling", "--reps", "1", "--duration-ms", str(duration_ms),
                          "--lcore", "1", "--json", out_json, "--markdown", "/dev/null"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, err = p.communicate(timeout=300)
    dpdk.remove_runtime_dir(f"tandem-bench-{p.pid}")
    if p.returncode != 0:
        raise RuntimeError("pipeline_bench --only ceiling failed:\n" + err[-2000:])
    with open(out_json) as f:
        d = json.load(f)
    names = {"aes-gcm-128": "aes-gcm-128", "aes-cbc-128+sha256": "aes-cbc-128+sha256"}
    out = {}
    for m in d["medians"]:
        cipher = names.get(m["algorithm"], m["algorithm"])
        out[(m["direction"], cipher, str(m["inner_bytes"]))] = m["ceiling"]["cycles_per_packet"]
    return out
