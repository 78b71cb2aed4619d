// The operator commands tandem-control answers (`show crypto ipsec sa`, `clear crypto sa peer X`,
// `reload`, ...), matched the way IOS matches them.
//
// Model. A command is a fixed sequence of keywords ("show crypto ipsec sa") followed by free
// arguments ("peer 192.0.2.1", "detail") that its handler interprets. Each typed word may be any
// prefix of a keyword that is unique among the commands still possible at that position, so
// `sh cry ips sa` works and `s` is refused as ambiguous (show / ...), as on a router. The longest
// keyword sequence that the typed words match selects the command; the remaining words are its
// arguments. `--json` anywhere asks for machine-readable output.
//
// Handlers return text (or JSON) for the operator, or an Error whose message is shown as
// "% message" (IOS style). They run on the event loop's thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/result.h"

namespace tandem::cli {

struct Request {
    std::vector<std::string> args;  // the words after the command's keywords
    bool json = false;
};

using Handler = std::function<Result<std::string>(const Request&)>;

class CommandRegistry {
public:
    // `keywords`: space-separated, e.g. "show crypto ipsec sa". `syntax`: the arguments, for help
    // ("[peer ADDR] [detail]"). Registering the same keywords twice replaces the handler.
    void add(const std::string& keywords, const std::string& syntax, const std::string& help, Handler h);

    // Matches `words` (as typed) and runs the command. Unknown, ambiguous or incomplete input is an
    // Error naming the word at fault and what could follow.
    Result<std::string> execute(const std::vector<std::string>& words) const;

    // One line per command: keywords, syntax, help.
    std::string help() const;

private:
    struct Command {
        std::vector<std::string> keywords;
        std::string syntax;
        std::string help;
        Handler handler;
    };
    std::vector<Command> commands_;
};

// Splits a command line into words: whitespace separated, "double quotes" group words.
Result<std::vector<std::string>> split_words(const std::string& line);

}  // namespace tandem::cli
