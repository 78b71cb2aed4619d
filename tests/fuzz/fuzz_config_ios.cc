// libFuzzer target: the IOS importer, the validator and the IOS renderer.
//
// Checks the round-trip property too: what imports without errors renders as IOS text that imports
// into an equal model.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/config/ios_import.h"
#include "common/config/ios_render.h"
#include "common/config/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tandem::config;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto imported = import_ios(text, "fuzz.ios");
    validate(imported.config, imported.diags);
    (void)imported.diags.str();
    if (!imported.diags.has_errors()) {
        auto again = import_ios(render_ios(imported.config), "fuzz-roundtrip.ios");
        if (again.diags.has_errors() || !(again.config == imported.config)) std::abort();
    }
    return 0;
}
