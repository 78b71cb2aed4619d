// Interoperability with an independent ESP implementation: scapy's SecurityAssociation (Debian
// python3-scapy + python3-cryptography, run by tests/dataplane/ipsec/esp_oracle.py under
// /usr/bin/python3). For each case: (a) scapy decrypts ESP that Tandem produced and must find the
// inner packet byte for byte (it also checks the outer checksum, UDP encapsulation, SPI and
// sequence numbers); (b) Tandem decrypts ESP that scapy produced. ESN cases start just below
// 2^32 so that the high half (never on the wire) matters. All cases go to python in one batch.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "esp_test_util.h"

#ifndef TANDEM_ESP_ORACLE
#error "TANDEM_ESP_ORACLE (path of esp_oracle.py) must be defined by the build"
#endif

namespace tandem::test {
namespace {

using dpapi::AuthAlg;
using dpapi::Direction;

const char* scapy_auth(AuthAlg a) {
    switch (a) {
        case AuthAlg::sha1_96: return "HMAC-SHA1-96";
        case AuthAlg::sha256_128: return "SHA2-256-128";
        case AuthAlg::sha384_192: return "SHA2-384-192";
        case AuthAlg::sha512_256: return "SHA2-512-256";
        case AuthAlg::none: break;
    }
    return nullptr;
}

std::string cfg_json(const dpapi::SaParams& p, uint64_t seq) {
    const bool gcm = p.auth == AuthAlg::none;
    Bytes key(p.cipher_key.begin(), p.cipher_key.begin() + p.cipher_key_len);
    Bytes salt(4);
    for (int i = 0; i < 4; ++i) salt[i] = static_cast<uint8_t>(p.salt >> (24 - 8 * i));  // big-endian
    Bytes akey(p.auth_key.begin(), p.auth_key.begin() + p.auth_key_len);
    std::ostringstream o;
    o << "{\"spi\": " << p.spi << ", \"cipher\": \"" << (gcm ? "AES-GCM" : "AES-CBC") << "\""
      << ", \"cipher_key\": \"" << to_hex(key) << "\", \"salt\": \"" << to_hex(salt) << "\""
      << ", \"auth\": " << (gcm ? std::string("null") : "\"" + std::string(scapy_auth(p.auth)) + "\"")
      << ", \"auth_key\": \"" << to_hex(akey) << "\", \"esn\": " << (p.esn ? "true" : "false")
      << ", \"seq\": " << seq << ", \"natt\": " << (p.natt ? "true" : "false")
      << ", \"sport\": " << p.natt_src_port << ", \"dport\": " << p.natt_dst_port
      << ", \"src\": \"" << p.tunnel_src.str() << "\", \"dst\": \"" << p.tunnel_dst.str() << "\"}";
    return o.str();
}

bool scapy_available() {
    return std::system("/usr/bin/python3 -c 'import scapy.layers.ipsec, cryptography' >/dev/null 2>&1") == 0;
}

struct OracleCase {
    const Algo* algo;
    bool esn;
    bool natt;
    dpapi::SaParams out_params;   // Tandem's outbound (scapy decrypts)
    dpapi::SaParams in_params;    // Tandem's inbound (scapy encrypts)
    uint64_t first_seq;
    std::vector<Bytes> inner;
    std::vector<Bytes> tandem_esp;
};

TEST(EspOracle, ScapyInteroperatesBothWays) {
    if (!scapy_available()) GTEST_SKIP() << "/usr/bin/python3 cannot import scapy.layers.ipsec";
    const std::vector<int> algo_idx = {0, 1, 2, 3, 4, 5, 9};  // GCM-128/256, CBC x SHA1/256/384/512
    std::vector<OracleCase> cases;
    for (int ai : algo_idx) {
        for (bool esn : {false, true}) {
            for (bool natt : {false, true}) {
                OracleCase c;
                c.algo = &all_algos()[ai];
                c.esn = esn;
                c.natt = natt;
                c.out_params = make_sa(Direction::outbound, *c.algo, esn, natt, 0x2000 + cases.size());
                c.in_params = make_sa(Direction::inbound, *c.algo, esn, natt, 0x3000 + cases.size());
                c.first_seq = esn ? 0xFFFFFFFDull : 1;
                for (size_t len : {0, 1, 15, 16, 17, 200, 1000}) {
                    c.inner.push_back(make_inner(0x0a010001 + len, 0x0a020001, 1234, 4321, len,
                                                 static_cast<uint8_t>(len & 0xff), len % 2, static_cast<uint8_t>(len)));
                }
                dp::SaOptions opt;
                opt.initial_sequence = c.first_seq;
                auto out = dp::Sa::create(c.out_params, EspEnvironment::device(), opt);
                ASSERT_TRUE(out.ok()) << out.error().message;
                Outcome enc = run_outbound(*out, c.inner);
                ASSERT_EQ(enc.good.size(), c.inner.size());
                c.tandem_esp = enc.good;
                cases.push_back(std::move(c));
            }
        }
    }

    char dir_tmpl[] = "/tmp/tandem-esp-oracle-XXXXXX";
    ASSERT_NE(mkdtemp(dir_tmpl), nullptr);
    const std::string dir = dir_tmpl;
    {
        std::ofstream jobs(dir + "/jobs.json");
        jobs << "[\n";
        for (size_t i = 0; i < cases.size(); ++i) {
            const auto& c = cases[i];
            auto list = [](const std::vector<Bytes>& v) {
                std::string s = "[";
                for (size_t j = 0; j < v.size(); ++j) s += (j ? ", \"" : "\"") + to_hex(v[j]) + "\"";
                return s + "]";
            };
            jobs << "{\"cmd\": \"decrypt\", \"cfg\": " << cfg_json(c.out_params, c.first_seq)
                 << ", \"packets\": " << list(c.tandem_esp) << "},\n";
            jobs << "{\"cmd\": \"encrypt\", \"cfg\": " << cfg_json(c.in_params, c.first_seq + 3)
                 << ", \"packets\": " << list(c.inner) << "}" << (i + 1 < cases.size() ? ",\n" : "\n");
        }
        jobs << "]\n";
    }
    const std::string cmd = "/usr/bin/python3 " TANDEM_ESP_ORACLE " batch " + dir + "/jobs.json " + dir +
                            "/results.txt 2>" + dir + "/stderr.txt";
    const int rc = std::system(cmd.c_str());
    std::ifstream err(dir + "/stderr.txt");
    std::stringstream err_text;
    err_text << err.rdbuf();
    ASSERT_EQ(rc, 0) << cmd << "\n" << err_text.str();

    std::map<std::pair<size_t, size_t>, std::string> results;
    std::ifstream in(dir + "/results.txt");
    size_t job = 0, idx = 0;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string rest;
        ls >> job >> idx;
        std::getline(ls, rest);
        results[{job, idx}] = rest.empty() ? rest : rest.substr(1);
    }
    std::remove((dir + "/jobs.json").c_str());
    std::remove((dir + "/results.txt").c_str());
    std::remove((dir + "/stderr.txt").c_str());
    rmdir(dir.c_str());

    for (size_t i = 0; i < cases.size(); ++i) {
        const auto& c = cases[i];
        SCOPED_TRACE(std::string(c.algo->name) + (c.esn ? " esn" : "") + (c.natt ? " natt" : ""));
        // (a) scapy decrypted Tandem's ESP.
        for (size_t j = 0; j < c.inner.size(); ++j) {
            EXPECT_EQ(results[std::make_pair(2 * i, j)], to_hex(c.inner[j])) << "scapy decrypting Tandem's packet " << j;
        }
        // (b) Tandem decrypts scapy's ESP.
        std::vector<Bytes> scapy_esp;
        for (size_t j = 0; j < c.inner.size(); ++j) {
            const std::string& r = results[std::make_pair(2 * i + 1, j)];
            ASSERT_NE(r.rfind("ERR", 0), 0u) << r;
            scapy_esp.push_back(from_hex(r));
        }
        dp::SaOptions opt;
        opt.initial_sequence = c.first_seq + 2;  // the window's top just below scapy's first
        auto insa = dp::Sa::create(c.in_params, EspEnvironment::device(), opt);
        ASSERT_TRUE(insa.ok()) << insa.error().message;
        Outcome dec = run_inbound(*insa, scapy_esp);
        ASSERT_EQ(dec.good.size(), c.inner.size()) << "Tandem decrypting scapy's packets";
        for (size_t j = 0; j < c.inner.size(); ++j) EXPECT_EQ(dec.good[j], c.inner[j]) << j;
    }
}

}  // namespace
}  // namespace tandem::test
