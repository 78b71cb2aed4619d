// libFuzzer target: the YAML configuration loader, the validator and the YAML emitter.
//
// Beyond "never crash, never leak, never read out of bounds", it checks the round-trip property:
// a configuration that loads without errors is written back by to_yaml() as text that loads into
// an equal model.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/config/validate.h"
#include "common/config/yaml_emit.h"
#include "common/config/yaml_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tandem::config;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto loaded = load_yaml_string(text, "fuzz.yaml");
    validate(loaded.config, loaded.diags);
    (void)loaded.diags.str();
    if (!loaded.diags.has_errors()) {
        auto again = load_yaml_string(to_yaml(loaded.config), "fuzz-roundtrip.yaml");
        if (again.diags.has_errors() || !(again.config == loaded.config)) std::abort();
    }
    return 0;
}
