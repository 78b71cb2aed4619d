// What the show golden tests share: where the goldens are, reading them, and an independent check
// of JSON output (Python's json module), which checks too that every object of an output array has
// the same keys. After a deliberate change to an output, regenerate the goldens with
// TANDEM_UPDATE_GOLDEN=1 and read the diff by eye.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace tandem::show::testing {

inline std::filesystem::path source_dir() {
    const char* s = std::getenv("TANDEM_SOURCE_DIR");
    return s ? std::filesystem::path(s) : std::filesystem::path(".");
}

inline std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Parses `text` with Python's json module; "" when valid, else the reason.
inline std::string python_json_check(const std::string& text) {
    if (access("/usr/bin/python3", X_OK) != 0) return "";
    const std::filesystem::path tmp =
        std::filesystem::temp_directory_path() / ("tandem-show-json-" + std::to_string(getpid()));
    std::ofstream(tmp, std::ios::binary) << text;
    const std::string cmd =
        "/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert isinstance(d, list); "
        "assert len(set(tuple(o) for o in d)) <= 1, \"objects differ in their keys\"' < " + tmp.string();
    const int rc = std::system(cmd.c_str());
    std::filesystem::remove(tmp);
    return rc == 0 ? "" : "python3 json check failed";
}

// Compares `actual` with the golden file (writing it first under TANDEM_UPDATE_GOLDEN).
inline void expect_golden(const std::string& actual, const std::filesystem::path& golden) {
    if (std::getenv("TANDEM_UPDATE_GOLDEN") != nullptr) {
        std::filesystem::create_directories(golden.parent_path());
        std::ofstream(golden, std::ios::binary) << actual;
    }
    ASSERT_TRUE(std::filesystem::exists(golden)) << golden;
    EXPECT_EQ(actual, read_file(golden)) << golden;
}

}  // namespace tandem::show::testing
