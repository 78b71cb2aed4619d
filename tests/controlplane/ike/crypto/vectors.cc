// Reads tests/data/ike/crypto-vectors.txt (see vectors.h).
#include "tests/controlplane/ike/crypto/vectors.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace tandem::ike::crypto::test {

Bytes hex(std::string_view text) {
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        throw std::invalid_argument("not hex");
    };
    Bytes out;
    int high = -1;
    for (char c : text) {
        if (c == ' ' || c == '\n') continue;
        int v = nibble(c);
        if (high < 0) {
            high = v;
        } else {
            out.push_back(static_cast<uint8_t>(high << 4 | v));
            high = -1;
        }
    }
    if (high >= 0) throw std::invalid_argument("odd hex length");
    return out;
}

std::string to_hex(ByteView bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    for (uint8_t b : bytes) {
        s += digits[b >> 4];
        s += digits[b & 15];
    }
    return s;
}

uint64_t be64(ByteView b) {
    EXPECT_EQ(b.size(), 8u);
    uint64_t v = 0;
    for (uint8_t x : b) v = v << 8 | x;
    return v;
}

Bytes VectorSection::bytes(const std::string& field) const {
    auto it = fields.find(field);
    if (it == fields.end()) throw std::out_of_range(name + ": no field " + field);
    return hex(it->second);
}

uint64_t VectorSection::num(const std::string& field) const {
    auto it = fields.find(field);
    if (it == fields.end()) throw std::out_of_range(name + ": no field " + field);
    return std::stoull(it->second);
}

std::vector<VectorSection> vectors(std::string_view prefix) {
    const char* root = std::getenv("TANDEM_SOURCE_DIR");
    std::string path = std::string(root ? root : ".") + "/tests/data/ike/crypto-vectors.txt";
    std::ifstream in(path);
    EXPECT_TRUE(in.good()) << "cannot read " << path;
    std::vector<VectorSection> all;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        if (line.front() == '[' && line.back() == ']') {
            all.push_back(VectorSection{line.substr(1, line.size() - 2), {}});
            continue;
        }
        auto eq = line.find(" = ");
        if (eq == std::string::npos || all.empty()) {
            ADD_FAILURE() << "bad vector line: " << line;
            continue;
        }
        all.back().fields[line.substr(0, eq)] = line.substr(eq + 3);
    }
    std::vector<VectorSection> out;
    for (auto& s : all) {
        if (std::string_view(s.name).substr(0, prefix.size()) == prefix) out.push_back(std::move(s));
    }
    EXPECT_FALSE(out.empty()) << "no vectors named " << prefix;
    return out;
}

}  // namespace tandem::ike::crypto::test
