"""Medians, ratios, the Markdown report, the charts and the comparison with an earlier result."""

import json
import statistics

from . import pngplot

IMIX_MEAN = (7 * 64 + 4 * 576 + 1420) / 12  # bytes of inner IP per packet


def mean_inner(size):
    return IMIX_MEAN if size == "imix" else float(size)


def case_key(c):
    active = f" active={c['active']}" if c.get("active", c["tunnels"]) != c["tunnels"] else ""
    return f"{c['direction']} {c['cipher']} {c['size']} sas={c['tunnels']}{active} workers={c['workers']}"


def sas_label(c):
    n = f"{c['tunnels']:,}"
    return n if c.get("active", c["tunnels"]) == c["tunnels"] else f"{n} ({c['active']:,} used)"


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def rep_figures(case, rep, tsc_hz):
    """The figures of one repetition of one case (all from the same time window)."""
    w = case["workers"]
    pps = rep["tandem"]["pps"]
    io_pps = rep["testpmd"]["pps"]
    crypto = rep["crypto"]
    # Per forwarding core: cycles the harness's I/O costs per packet (testpmd io, busy polling:
    # every cycle of the core is spent on the packets it moves) plus the crypto's cycles per packet.
    io_cycles = w * tsc_hz / io_pps if io_pps else None
    crypto_cycles = crypto["cycles"] if crypto else None
    ceiling_pps = w * tsc_hz / (io_cycles + crypto_cycles) if io_cycles and crypto_cycles else None
    crypto_pps = w * crypto["mops"] * 1e6 if crypto else None
    direct = rep.get("direct_crypto_cycles")
    direct_ceiling = w * tsc_hz / (io_cycles + direct) if io_cycles and direct else None
    return {
        "direct_crypto_cycles_per_packet": direct,
        "direct_ceiling_mpps": direct_ceiling / 1e6 if direct_ceiling else None,
        "ratio_direct_ceiling": pps / direct_ceiling if direct_ceiling else None,
        "mpps": pps / 1e6,
        "gbps": pps * mean_inner(case["size"]) * 8 / 1e9,
        "cycles_per_packet": w * tsc_hz / pps if pps else None,
        "worker_busy_cycles_per_packet": rep["tandem"].get("worker_busy_cycles_per_packet"),
        "testpmd_mpps": io_pps / 1e6,
        "io_cycles_per_packet": io_cycles,
        "crypto_mpps": crypto_pps / 1e6 if crypto_pps else None,
        "crypto_cycles_per_packet": crypto_cycles,
        "ceiling_mpps": ceiling_pps / 1e6 if ceiling_pps else None,
        "ratio_ceiling": pps / ceiling_pps if ceiling_pps else None,
        "ratio_testpmd": pps / io_pps if io_pps else None,
        "ratio_crypto": pps / crypto_pps if crypto_pps else None,
        "drops": rep["tandem"].get("drops"),
        # Dropped by the gateway over received, in the window (at saturation: what it could not keep).
        "loss": (rep["tandem"].get("drops") or 0) / rep["tandem"]["rx_packets"] if rep["tandem"].get("rx_packets") else None,
    }


def summarise(result):
    hz = result["meta"]["tsc_hz"]
    for case in result["throughput"]:
        figs = [rep_figures(case, r, hz) for r in case["reps"]]
        case["per_rep"] = figs
        case["median"] = {k: med([f[k] for f in figs]) for k in figs[0]} if figs else {}
        for k in ("ratio_ceiling", "ratio_direct_ceiling", "ratio_testpmd", "ratio_crypto", "mpps"):
            vals = [f[k] for f in figs if f[k] is not None]
            case["median"][k + "_min"] = min(vals) if vals else None
            case["median"][k + "_max"] = max(vals) if vals else None


def pct(x):
    return "–" if x is None else f"{100 * x:.0f}%"


def loss_text(x):
    if x is None:
        return "–"
    return "0" if x == 0 else f"{100 * x:.2g}%"


def num(x, digits=2):
    return "–" if x is None else f"{x:.{digits}f}"


def size_label(s):
    return "IMIX" if s == "imix" else str(s)


def markdown(result, compare=None):
    lines = []
    m = result["meta"]
    lines.append(f"Appliance benchmark, {m['mode']} mode, {m['date']} on `{m['host']}` "
                 f"({m['cpu']}, {m['cpus']} CPUs, TSC {m['tsc_hz'] / 1e9:.2f} GHz), commit {m['commit']}, "
                 f"{m['reps']} interleaved repetitions x {m['duration_s']} s; load average before/after "
                 f"{m['load_before']} / {m.get('load_after', '?')}.")
    lines.append("")
    lines.append("Medians over repetitions; ratios are medians of per-repetition ratios (min-max in brackets). "
                 "Ceiling = I/O + crypto per forwarding core: TSC / (testpmd io cycles per packet + crypto cycles "
                 "per packet), with the crypto of dpdk-test-crypto-perf (lookaside) or of a direct CPU-crypto "
                 "loop (bench/pipeline_bench --only ceiling; GCM-128 and CBC at 64/512/1420 B only).")
    lines.append("")
    lines.append("| direction | cipher | inner B | SAs | workers | Mpps | Gbps | cycles/pkt | testpmd Mpps | crypto-perf Mpps "
                 "| ceiling Mpps | vs ceiling | direct ceiling Mpps | vs direct ceiling | vs testpmd | vs crypto-perf | loss |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for c in result["throughput"]:
        md = c["median"]
        if not md:
            continue
        rc = f"{pct(md['ratio_ceiling'])} ({pct(md['ratio_ceiling_min'])}-{pct(md['ratio_ceiling_max'])})"
        rd = (f"{pct(md['ratio_direct_ceiling'])} ({pct(md['ratio_direct_ceiling_min'])}-"
              f"{pct(md['ratio_direct_ceiling_max'])})") if md.get("ratio_direct_ceiling") else "–"
        lines.append(f"| {c['direction']} | {c['cipher']} | {size_label(c['size'])} | {sas_label(c)} | {c['workers']} "
                     f"| {num(md['mpps'])} | {num(md['gbps'], 1)} | {num(md['cycles_per_packet'], 0)} "
                     f"| {num(md['testpmd_mpps'])} | {num(md['crypto_mpps'])} | {num(md['ceiling_mpps'])} "
                     f"| {rc} | {num(md['direct_ceiling_mpps'])} | {rd} | {pct(md['ratio_testpmd'])} "
                     f"| {pct(md['ratio_crypto'])} | {loss_text(md['loss'])} |")
    lines.append("")
    sc = result.get("scale")
    if sc:
        lines.append("Scale (encap traffic on {t:,} tunnels, AES-GCM-128, {s} B, one worker, while the tables grow):".format(
            t=sc["tunnels"], s=sc["size"]))
        lines.append("")
        lines.append("| step | count | install s | per second | RSS KiB/item | DPDK heap B/item | Mpps before | Mpps during (median / min of 100 ms) |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        for st in sc["steps"]:
            lines.append(f"| {st['what']} | {st['count']:,} | {num(st['seconds'], 2)} | {st['count'] / st['seconds']:,.0f} "
                         f"| {num(st['rss_kib_per_item'], 2)} | {num(st['heap_bytes_per_item'], 0)} "
                         f"| {num(st['mpps_before'])} | {num(st['mpps_during_median'])} / {num(st['mpps_during_min'])} |")
        lines.append("")
    ch = result.get("churn")
    if ch:
        lines.append("Update stability (encap, {t:,} tunnels, AES-GCM-128, {s} B, one worker): {r} SA rekeys/s "
                     "(make-before-break) and {q} route changes/s for {d:.0f} s.".format(
                         t=ch["tunnels"], s=ch["size"], r=ch["rekeys_per_s"], q=ch["routes_per_s"], d=ch["tool"]["seconds"]))
        lines.append("")
        lines.append("| Mpps before | Mpps during (median / min of 100 ms) | change | packets lost | drops by reason "
                     "| rekeys | route changes | failed requests | request ms p50 / p99 / max |")
        lines.append("|---:|---:|---:|---:|---|---:|---:|---:|---|")
        reasons = ", ".join(f"{k} {v}" for k, v in ch["drops_during"].items() if v) or "none"
        t = ch["tool"]
        lines.append(f"| {num(ch['mpps_before'])} | {num(ch['mpps_during_median'])} / {num(ch['mpps_during_min'])} "
                     f"| {pct(ch['change'])} | {ch['lost']:,} | {reasons} | {t['rekeys']:,} | {t['route_changes']:,} "
                     f"| {t['failures']} | {t['request_ms_p50']:.2f} / {t['request_ms_p99']:.2f} / {t['request_ms_max']:.1f} |")
        lines.append("")
    if compare:
        lines += compare_lines(result, compare)
    return "\n".join(lines) + "\n"


def compare_lines(result, old, threshold=0.10):
    prev = {case_key(c): c for c in old.get("throughput", []) if c.get("median")}
    out = [f"Compared with `{old['meta'].get('file', 'previous')}` ({old['meta'].get('date', '?')}, commit "
           f"{old['meta'].get('commit', '?')}); a change beyond {threshold:.0%} in Mpps or in the ratio to the "
           f"ceiling is flagged. On a shared machine two runs of one build can differ by 2-3x: a flag asks for a "
           f"rerun in a quiet window, it is not a verdict.", "",
           "| case | Mpps then | now | change | vs ceiling then | now | flag |", "|---|---:|---:|---:|---:|---:|---|"]
    for c in result["throughput"]:
        k = case_key(c)
        p = prev.get(k)
        if not p or not c.get("median"):
            continue
        a, b = p["median"]["mpps"], c["median"]["mpps"]
        ra, rb = p["median"].get("ratio_ceiling"), c["median"].get("ratio_ceiling")
        change = (b - a) / a if a else None
        rchange = (rb - ra) / ra if ra and rb else None
        flag = ""
        if (change is not None and change < -threshold) or (rchange is not None and rchange < -threshold):
            flag = "**regression?**"
        elif change is not None and change > threshold:
            flag = "faster"
        out.append(f"| {k} | {num(a)} | {num(b)} | {pct(change)} | {pct(ra)} | {pct(rb)} | {flag} |")
    out.append("")
    return out


def charts(result, base):
    """Throughput vs packet size (1 SA, 1 worker) and throughput vs SA count (64 B)."""
    made = []
    cases = result["throughput"]
    sizes = ["64", "512", "1420", "imix"]
    series = []
    for d in ("encap", "decap"):
        for cipher in ("aes-gcm-128", "aes-gcm-256", "aes-cbc-128+sha256"):
            sel = {c["size"]: c["median"] for c in cases if c["direction"] == d and c["cipher"] == cipher
                   and c["tunnels"] == 1 and c["workers"] == 1 and c.get("median")}
            if sel:
                series.append((f"{d} {cipher}", [sel[s]["mpps"] if s in sel else None for s in sizes]))
                if cipher == "aes-gcm-128":
                    series.append((f"{d} ceiling (crypto-perf)", [sel[s]["ceiling_mpps"] if s in sel else None
                                                                   for s in sizes]))
                    series.append((f"{d} ceiling (direct)", [sel[s].get("direct_ceiling_mpps") if s in sel else None
                                                              for s in sizes]))
    if series:
        path = base + "-size.png"
        pngplot.line_chart(path, "Tandem throughput vs packet size (1 SA, 1 worker)", [size_label(s) for s in sizes],
                           series, "Mpps", "inner IPv4 packet, bytes")
        made.append(path)
    counts = sorted({c["tunnels"] for c in cases if c.get("active", c["tunnels"]) == c["tunnels"]})
    series = []
    for d in ("encap", "decap"):
        for size in sizes:
            sel = {c["tunnels"]: c["median"] for c in cases if c["direction"] == d and c["cipher"] == "aes-gcm-128"
                   and c["size"] == size and c["workers"] == 1 and c.get("median")
                   and c.get("active", c["tunnels"]) == c["tunnels"]}
            if len(sel) > 1:
                series.append((f"{d} {size_label(size)} B", [sel[n]["mpps"] if n in sel else None for n in counts]))
    if series:
        path = base + "-sas.png"
        pngplot.line_chart(path, "Tandem throughput vs number of SAs (AES-GCM-128, 1 worker)",
                           [f"{n:,}" for n in counts], series, "Mpps", "SAs (each with its policy and route)")
        made.append(path)
    return made


def write_json(path, result):
    with open(path, "w") as f:
        json.dump(result, f, indent=1, sort_keys=False)
        f.write("\n")
