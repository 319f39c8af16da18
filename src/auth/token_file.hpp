#pragma once
// The operator's token files: one "<first> <second>" pair per line — "node_id token" (node_tokens_file) or
// "key tenant_id" (session_tokens_file). Blank lines and lines starting with '#' (after spaces) are ignored;
// fields are separated by spaces or tabs; a line with another number of fields is an error. Pure: no I/O here
// except read_token_file.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lingua::auth {

struct token_file {
  std::vector<std::pair<std::string, std::string>> entries;  // in file order
  std::string problem;                                       // empty when the text is valid
};

token_file parse_token_file(std::string_view text);
// Reads and parses `path`; a missing or unreadable file is a problem ("cannot read ...").
token_file read_token_file(const std::string& path);

// A single-token file (node_token_file, admin_token_file): its first line, trimmed. The token, or "" with
// `problem` set ("cannot read ...", "...: the first line holds no token").
std::string read_first_line_token(const std::string& path, std::string& problem);

}  // namespace lingua::auth
