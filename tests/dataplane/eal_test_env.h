// A GoogleTest environment that brings up DPDK's EAL the way every dataplane test needs it on a
// lab machine: no PCI probing, no hugepages, a file prefix of its own (so tests run side by side
// and beside running gateways), and the IPsec-MB software crypto device.
//
//   int main(int argc, char** argv) {
//       ::testing::InitGoogleTest(&argc, argv);
//       ::testing::AddGlobalTestEnvironment(new tandem::test::EalEnvironment({"--vdev", "crypto_aesni_mb0"}));
//       return RUN_ALL_TESTS();
//   }
#pragma once

#include <rte_eal.h>
#include <rte_errno.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace tandem::test {

class EalEnvironment : public ::testing::Environment {
public:
    explicit EalEnvironment(std::vector<std::string> extra = {}) : extra_(std::move(extra)) {}

    void SetUp() override {
        std::vector<std::string> args = {"tandem-test", "--no-pci", "--no-huge", "-m", "256",
                                         "-l", "0", "--log-level", "lib.eal:warning",
                                         "--file-prefix", "tandem-test-" + std::to_string(getpid())};
        args.insert(args.end(), extra_.begin(), extra_.end());
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        if (rte_eal_init(static_cast<int>(args.size()), argv.data()) < 0) {
            std::fprintf(stderr, "rte_eal_init failed: %s\n", rte_strerror(rte_errno));
            std::exit(1);
        }
    }

    void TearDown() override { rte_eal_cleanup(); }

private:
    std::vector<std::string> extra_;
};

}  // namespace tandem::test
