"""DPDK processes and their counters, for the appliance benchmark.

Counters are read the same way for every program measured (tandem-dataplane and dpdk-testpmd):
through the DPDK telemetry socket of the process (/var/run/dpdk/<prefix>/dpdk_telemetry.v2 for
root), command /ethdev/stats,<port>: the port's software counters, read when asked. A rate is
the difference of two reads divided by the CLOCK_MONOTONIC time between them.
"""

import json
import os
import signal
import socket
import subprocess
import time


def runtime_dir(prefix):
    if os.geteuid() == 0:
        return os.path.join("/var/run/dpdk", prefix)
    base = os.environ.get("XDG_RUNTIME_DIR", "/tmp")
    return os.path.join(base, "dpdk", prefix)


def remove_runtime_dir(prefix):
    """EAL leaves its runtime directory (config, sockets) behind; a process of ours that has
    exited does not need it any more."""
    d = runtime_dir(prefix)
    if os.path.isdir(d):
        for name in os.listdir(d):
            try:
                os.unlink(os.path.join(d, name))
            except OSError:
                pass
        try:
            os.rmdir(d)
        except OSError:
            pass


class Telemetry:
    """A client of one process's DPDK telemetry socket (protocol v2: JSON per datagram)."""

    def __init__(self, prefix, timeout=30.0):
        path = os.path.join(runtime_dir(prefix), "dpdk_telemetry.v2")
        deadline = time.monotonic() + timeout
        last = None
        while True:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
                s.connect(path)
                break
            except OSError as e:
                last = e
                s.close()
                if time.monotonic() > deadline:
                    raise RuntimeError(f"telemetry socket {path}: {last}")
                time.sleep(0.05)
        self.sock = s
        hello = json.loads(s.recv(1 << 16).decode())
        self.max_len = int(hello.get("max_output_len", 16384))

    def cmd(self, command):
        self.sock.send(command.encode())
        reply = json.loads(self.sock.recv(self.max_len + 1024).decode())
        return reply.get(command.split(",")[0])

    def port_stats(self, port):
        return self.cmd(f"/ethdev/stats,{port}")

    def close(self):
        self.sock.close()


class Process:
    """A child process whose output goes to a log file; stopped with SIGINT, then SIGKILL."""

    def __init__(self, argv, log_path, cwd=None):
        self.argv = argv
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=cwd)

    def wait_for_text(self, text, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.log_path, "rb") as f:
                if text.encode() in f.read():
                    return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def alive(self):
        return self.proc.poll() is None

    def stop(self, timeout=20):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode

    def output(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_rate(tel, rx_port, tx_port, seconds, samples=None):
    """Packets/s leaving tx_port over `seconds`, and what rx_port received meanwhile.

    With `samples` (a list), also appends (monotonic time, tx packets) every 100 ms.
    """
    t0 = time.monotonic()
    rx0 = tel.port_stats(rx_port)
    tx0 = tel.port_stats(tx_port)
    if samples is not None:
        samples.append((t0, tx0["opackets"]))
        end = t0 + seconds
        while True:
            now = time.monotonic()
            if now >= end:
                break
            time.sleep(min(0.1, end - now))
            samples.append((time.monotonic(), tel.port_stats(tx_port)["opackets"]))
    else:
        time.sleep(seconds)
    tx1 = tel.port_stats(tx_port)
    rx1 = tel.port_stats(rx_port)
    t1 = time.monotonic()
    dt = t1 - t0
    return {
        "seconds": dt,
        "tx_packets": tx1["opackets"] - tx0["opackets"],
        "tx_bytes": tx1["obytes"] - tx0["obytes"],
        "rx_packets": rx1["ipackets"] - rx0["ipackets"],
        "pps": (tx1["opackets"] - tx0["opackets"]) / dt,
        "rx_pps": (rx1["ipackets"] - rx0["ipackets"]) / dt,
    }
