#pragma once
// Every parser entry point a peer or an operator reaches, driven with arbitrary bytes. Each function returns
// normally for any input; a broken invariant (below) or a crash is a finding. The same functions run under libFuzzer
// (the *_fuzzer.cpp mains, clang) and replay the checked-in corpus and regressions in the normal builds
// (corpus_replay_test.cpp), so every finding stays a test under ASan/UBSan.
#include <string_view>

namespace lingua::fuzz {

// parse_session_message with the default limits; an accepted message re-serialises to bounded, parseable JSON.
void session_frame(std::string_view data);
// parse_node_message, same invariant.
void node_frame(std::string_view data);
// base64::decode: what decodes re-encodes to the same text (strict, canonical); what encodes decodes back.
void base64_text(std::string_view data);
// The configuration: `data` is TOML text, optionally followed by a line "--- flags" and one command-line argument
// per line. TOML that applies and validates prints (to_toml) to TOML that applies to the same configuration; flags
// (never --config: no file is read) give a result without throwing.
void config_text(std::string_view data);

// Aborts with `what` on stderr (the fuzzer and the test both report it).
[[noreturn]] void broken(std::string_view what);

}  // namespace lingua::fuzz
