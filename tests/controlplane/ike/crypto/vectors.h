// Test support for the IKE crypto tests: hex helpers and the expected values that
// make_vectors.py computed independently (tests/data/ike/crypto-vectors.txt).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "controlplane/ike/crypto/secret.h"

namespace tandem::ike::crypto::test {

Bytes hex(std::string_view text);
std::string to_hex(ByteView bytes);
uint64_t be64(ByteView eight_bytes);

struct VectorSection {
    std::string name;
    std::map<std::string, std::string> fields;

    Bytes bytes(const std::string& field) const;  // hex field ("" is empty)
    uint64_t num(const std::string& field) const;  // decimal field
};

// Every section whose name starts with prefix, in file order. Fails the test when none does.
std::vector<VectorSection> vectors(std::string_view prefix);

}  // namespace tandem::ike::crypto::test
