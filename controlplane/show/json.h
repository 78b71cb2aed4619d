// A small JSON writer for the show commands' `--json` output.
//
// Model: a stack of open containers. Each value written inside an array, or each key written
// inside an object, is preceded by a comma when it is not the container's first; a key is always
// followed by exactly one value (a scalar or a container). The writer produces compact JSON
// (no whitespace); callers that want one entry per line join finished documents themselves.
//
// Strings are escaped as RFC 8259 requires: `"` and `\`, and every control character below 0x20
// (\b \f \n \r \t by name, the rest as \u00XX). Other bytes pass through unchanged: configuration
// names are validated as printable UTF-8 before they reach a renderer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::show {

std::string json_quote(std::string_view s);  // "\"...\"" with escapes

class JsonWriter {
public:
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view k);

    JsonWriter& value(std::string_view s);
    JsonWriter& value(const char* s) { return value(std::string_view(s)); }
    JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
    JsonWriter& number(uint64_t n);
    JsonWriter& boolean(bool b);
    JsonWriter& null();

    // null when absent.
    JsonWriter& value(const std::optional<std::string>& s) { return s ? value(*s) : null(); }
    template <typename T>
    JsonWriter& number(const std::optional<T>& n) { return n ? number(uint64_t{*n}) : null(); }

    // The text written so far; complete once every container is closed.
    const std::string& str() const { return out_; }

private:
    void separate();  // the comma before a value or key, when one is due

    std::string out_;
    std::vector<bool> first_;  // per open container: nothing written in it yet
    bool after_key_ = false;
};

// "[\n<doc>,\n<doc>\n]\n", or "[]\n": one finished document per line, for output people also read.
std::string json_lines_array(const std::vector<std::string>& docs);

}  // namespace tandem::show
