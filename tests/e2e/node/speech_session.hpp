#pragma once
// A session that speaks: real speech sent as the web client sends it.
#include "e2e/harness/fake_session.hpp"
#include "node/engines/engine.hpp"

namespace lingua::test {

// Sends `speech` as the web client does: Opus Plan A audio_chunks of 13 records (~256 ms), the last one is_final.
void speak(fake_session& session, const node::pcm16& speech);

}  // namespace lingua::test
