// Main of the ESP packet tests: EAL (no hugepages, no PCI, own file prefix) with the IPsec-MB
// software crypto device, then the crypto device owner and an mbuf pool.
#include <gtest/gtest.h>

#include "esp_test_util.h"
#include "tests/dataplane/eal_test_env.h"

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(
        new tandem::test::EalEnvironment({"--vdev", "crypto_aesni_mb0", "--log-level", "pmd.crypto:warning"}));
    ::testing::AddGlobalTestEnvironment(new tandem::test::EspEnvironment());
    return RUN_ALL_TESTS();
}
