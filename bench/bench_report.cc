// Medians, JSON and Markdown for the benchmark (see bench_report.h).
#include "bench/bench_report.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace tandem::bench {

namespace {

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (char ch : s) {
        const auto u = static_cast<unsigned char>(ch);
        if (ch == '"' || ch == '\\') {
            out += '\\';
            out += ch;
        } else if (u < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", u);
            out += buf;
        } else {
            out += ch;
        }
    }
    return out + "\"";
}

std::string num(double v, int decimals = 3) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string object(const std::vector<std::pair<std::string, std::string>>& kv) {
    std::string out = "{";
    for (size_t i = 0; i < kv.size(); ++i) {
        out += (i ? ", " : "") + quoted(kv[i].first) + ": " + quoted(kv[i].second);
    }
    return out + "}";
}

std::string case_fields(const BenchCase& c) {
    return "\"case\": " + quoted(c.name()) + ", \"direction\": " + quoted(c.encap ? "encap" : "decap") +
           ", \"algorithm\": " + quoted(algo_name(c.algo)) + ", \"inner_bytes\": " + std::to_string(c.inner_len);
}

bool same(const BenchCase& a, const BenchCase& b) {
    return a.encap == b.encap && a.algo == b.algo && a.inner_len == b.inner_len;
}

}  // namespace

double mpps_of(double cycles_per_packet, double tsc_hz) {
    return cycles_per_packet > 0 ? tsc_hz / cycles_per_packet / 1e6 : 0;
}

double gbps_of(double cycles_per_packet, double tsc_hz, uint16_t inner_len) {
    return mpps_of(cycles_per_packet, tsc_hz) * inner_len * 8 / 1e3;
}

std::optional<double> target_of(uint16_t inner_len) {
    if (inner_len == 1420) return 0.85;
    if (inner_len == 64) return 0.65;
    return std::nullopt;
}

std::vector<CaseSummary> summarise(const std::vector<BenchCase>& cases, const std::vector<Run>& runs, double tsc_hz) {
    std::vector<CaseSummary> out;
    for (const BenchCase& c : cases) {
        CaseSummary s;
        s.c = c;
        std::vector<double> pipe, esp, lib, ceil, ratios;
        int max_rep = -1;
        for (const Run& r : runs) max_rep = std::max(max_rep, r.rep);
        for (int rep = 0; rep <= max_rep; ++rep) {
            const Run* p = nullptr;
            const Run* e = nullptr;
            const Run* l = nullptr;
            const Run* q = nullptr;
            for (const Run& r : runs) {
                if (r.rep != rep || !same(r.c, c)) continue;
                switch (r.kind) {
                    case Kind::pipeline: p = &r; break;
                    case Kind::esp: e = &r; break;
                    case Kind::library: l = &r; break;
                    case Kind::ceiling: q = &r; break;
                }
                s.failures += r.s.failures;
            }
            if (l) lib.push_back(l->s.cycles_per_packet);
            if (p) pipe.push_back(p->s.cycles_per_packet);
            if (e) esp.push_back(e->s.cycles_per_packet);
            if (q) ceil.push_back(q->s.cycles_per_packet);
            if (p && q && p->s.cycles_per_packet > 0) ratios.push_back(q->s.cycles_per_packet / p->s.cycles_per_packet);
        }
        s.pipeline_cycles = median(pipe);
        s.esp_cycles = median(esp);
        s.library_cycles = median(lib);
        s.ceiling_cycles = median(ceil);
        s.pipeline_mpps = mpps_of(s.pipeline_cycles, tsc_hz);
        s.ceiling_mpps = mpps_of(s.ceiling_cycles, tsc_hz);
        s.pipeline_gbps = gbps_of(s.pipeline_cycles, tsc_hz, c.inner_len);
        s.ceiling_gbps = gbps_of(s.ceiling_cycles, tsc_hz, c.inner_len);
        s.ratio = median(ratios);
        if (!ratios.empty()) {
            s.ratio_min = *std::min_element(ratios.begin(), ratios.end());
            s.ratio_max = *std::max_element(ratios.begin(), ratios.end());
        }
        s.target = target_of(c.inner_len);
        out.push_back(s);
    }
    return out;
}

std::string to_json(const ReportInfo& info, const std::vector<Run>& runs, const std::vector<CaseSummary>& sums) {
    std::ostringstream o;
    o << "{\n  \"benchmark\": \"tandem single-core pipeline vs raw crypto\",\n";
    o << "  \"machine\": " << object(info.machine) << ",\n";
    o << "  \"software\": " << object(info.software) << ",\n";
    o << "  \"method\": " << object(info.method) << ",\n";
    o << "  \"tsc_hz\": " << num(info.tsc_hz, 0) << ",\n";
    o << "  \"runs\": [\n";
    for (size_t i = 0; i < runs.size(); ++i) {
        const Run& r = runs[i];
        const Sample& s = r.s;
        o << "    {\"rep\": " << r.rep << ", " << case_fields(r.c) << ", \"kind\": \"" << kind_name(r.kind)
          << "\", \"cycles_per_packet\": " << num(s.cycles_per_packet, 1)
          << ", \"mpps\": " << num(mpps_of(s.cycles_per_packet, info.tsc_hz))
          << ", \"gbps\": " << num(gbps_of(s.cycles_per_packet, info.tsc_hz, r.c.inner_len))
          << ", \"raw_cycles_per_packet\": " << num(s.raw_cycles_per_packet, 1)
          << ", \"trimmed_share\": " << num(s.trimmed_share, 4)
          << ", \"wall_cycles_per_packet\": " << num(s.wall_cycles_per_packet, 1) << ", \"packets\": " << s.packets
          << ", \"failures\": " << s.failures << "}" << (i + 1 < runs.size() ? "," : "") << "\n";
    }
    o << "  ],\n  \"medians\": [\n";
    for (size_t i = 0; i < sums.size(); ++i) {
        const CaseSummary& s = sums[i];
        o << "    {" << case_fields(s.c) << ",\n     \"pipeline\": {\"cycles_per_packet\": "
          << num(s.pipeline_cycles, 1)
          << ", \"mpps\": " << num(s.pipeline_mpps) << ", \"gbps\": " << num(s.pipeline_gbps) << "},\n"
          << "     \"esp_engine\": {\"cycles_per_packet\": " << num(s.esp_cycles, 1) << "},\n"
          << "     \"rte_ipsec\": {\"cycles_per_packet\": " << num(s.library_cycles, 1) << "},\n"
          << "     \"ceiling\": {\"cycles_per_packet\": " << num(s.ceiling_cycles, 1) << ", \"mpps\": "
          << num(s.ceiling_mpps) << ", \"gbps\": " << num(s.ceiling_gbps) << "},\n"
          << "     \"overhead_cycles_per_packet\": {\"rte_ipsec_over_ceiling\": "
          << num(s.library_cycles - s.ceiling_cycles, 1)
          << ", \"esp_engine_over_rte_ipsec\": " << num(s.esp_cycles - s.library_cycles, 1)
          << ", \"pipeline_over_esp_engine\": " << num(s.pipeline_cycles - s.esp_cycles, 1) << "}"
          << ", \"ratio\": " << num(s.ratio) << ", \"ratio_min\": " << num(s.ratio_min)
          << ", \"ratio_max\": " << num(s.ratio_max) << ", \"target\": "
          << (s.target ? num(*s.target, 2) : "null") << ", \"meets_target\": "
          << (s.target ? (s.ratio >= *s.target ? "true" : "false") : "null") << ", \"failures\": " << s.failures
          << "}" << (i + 1 < sums.size() ? "," : "") << "\n";
    }
    o << "  ]\n}\n";
    return o.str();
}

std::string to_markdown(const std::vector<CaseSummary>& sums) {
    std::ostringstream o;
    o << "| direction | algorithm | inner B | pipeline Mpps | Gbps | cycles/pkt | ceiling Mpps | Gbps | cycles/pkt "
         "| rte_ipsec cycles/pkt | ESP engine cycles/pkt | ratio (min-max) | target |\n";
    o << "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";
    for (const CaseSummary& s : sums) {
        std::string target = "-";
        if (s.target) target = ">= " + num(*s.target * 100, 0) + "%: " + (s.ratio >= *s.target ? "met" : "**missed**");
        o << "| " << (s.c.encap ? "encap" : "decap") << " | " << algo_name(s.c.algo) << " | " << s.c.inner_len << " | "
          << num(s.pipeline_mpps, 2) << " | " << num(s.pipeline_gbps, 1) << " | " << num(s.pipeline_cycles, 0) << " | "
          << num(s.ceiling_mpps, 2) << " | " << num(s.ceiling_gbps, 1) << " | " << num(s.ceiling_cycles, 0) << " | "
          << num(s.library_cycles, 0) << " | " << num(s.esp_cycles, 0) << " | " << num(s.ratio * 100, 0) << "% ("
          << num(s.ratio_min * 100, 0) << "-" << num(s.ratio_max * 100, 0) << ") | " << target;
        if (s.failures) o << " (" << s.failures << " failures!)";
        o << " |\n";
    }
    return o.str();
}

}  // namespace tandem::bench
