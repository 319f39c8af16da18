// A speaking room member end to end: one job per listening language, each result to exactly that language's
// members, once; membership changes apply from the next utterance on.
#include <set>

#include "room_peers.hpp"

namespace lingua::test {
namespace {

class room_translation : public scheduler_e2e {
 protected:
  // A node for every language of these tests.
  static node_spec polyglot() {
    node_spec spec;
    spec.asr = {"en", "ja", "zh"};
    spec.tts = {"en", "ja", "zh"};
    spec.semantic = {"en", "ja", "zh"};
    return spec;
  }

  // Takes the jobs of one utterance, answers each with "<tgt_lang>:<text>", returns the target languages seen.
  static std::multiset<std::string> answer_jobs(fake_node& node, std::size_t count, const std::string& text) {
    std::multiset<std::string> langs;
    for (std::size_t i = 0; i < count; ++i) {
      auto job = node.next_job();
      if (!job) {
        ADD_FAILURE() << "job " << i + 1 << " of " << count << " never reached the node";
        break;
      }
      const std::string lang = (*job)["tgt_lang"].get<std::string>();
      langs.insert(lang);
      node.complete(*job, text, lang + ":" + text);
    }
    return langs;
  }
};

TEST_F(room_translation, each_listener_gets_its_languages_translation_exactly_once_and_the_speaker_none) {
  auto& scheduler = start_scheduler();
  fake_node node(polyglot());
  node.connect(scheduler.port());
  fake_session speaker, zh_listener, ja_listener;
  speaker.connect(scheduler.port(), "en", "zh");
  zh_listener.connect(scheduler.port(), "zh", "en");
  ja_listener.connect(scheduler.port(), "ja", "en");
  const std::string code = create_room(speaker, "Speaker");
  join_room(zh_listener, code, {speaker.id(), zh_listener.id()}, "zh");
  join_room(ja_listener, code, {speaker.id(), zh_listener.id(), ja_listener.id()}, "ja");

  speaker.send_audio(10);
  speaker.send_final();
  EXPECT_EQ(answer_jobs(node, 2, "hello"), (std::multiset<std::string>{"ja", "zh"}));
  EXPECT_FALSE(node.next_job(500ms)) << "one job per language, not per listener";

  auto zh = expect_message(zh_listener.socket(), "translation_result");
  EXPECT_EQ(zh["text_translated"], "zh:hello");
  EXPECT_EQ(zh["session_id"], speaker.id()) << "results name the speaker's session";
  EXPECT_EQ(zh["utterance_index"], 0);
  auto ja = expect_message(ja_listener.socket(), "translation_result");
  EXPECT_EQ(ja["text_translated"], "ja:hello");

  EXPECT_FALSE(zh_listener.next("translation_result", 700ms)) << "exactly once";
  EXPECT_FALSE(ja_listener.next("translation_result", 100ms)) << "exactly once";
  EXPECT_FALSE(speaker.next("translation_result", 100ms)) << "the speaker hears no translation by default";
}

TEST_F(room_translation, listeners_of_one_language_share_a_job_and_the_speaker_hears_its_own_target_when_configured) {
  auto& scheduler = start_scheduler({"--rooms.speaker_hears_own_target=true"});
  fake_node node(polyglot());
  node.connect(scheduler.port());
  fake_session speaker, first, second, other;
  speaker.connect(scheduler.port(), "en", "zh");
  first.connect(scheduler.port(), "zh", "en");
  second.connect(scheduler.port(), "zh", "en");
  other.connect(scheduler.port(), "ja", "en");
  const std::string code = create_room(speaker, "Speaker", "en");
  join_room(first, code, {speaker.id(), first.id()}, "zh");
  join_room(second, code, {speaker.id(), first.id(), second.id()}, "zh");
  join_room(other, code, {speaker.id(), first.id(), second.id(), other.id()}, "ja");

  speaker.send_audio(10, true);
  EXPECT_EQ(answer_jobs(node, 2, "hi"), (std::multiset<std::string>{"ja", "zh"}))
      << "the speaker's own target (zh) joins the zh listeners' job";
  EXPECT_FALSE(node.next_job(500ms));
  for (fake_session* s : {&speaker, &first, &second}) {
    EXPECT_EQ(expect_message(s->socket(), "translation_result")["text_translated"], "zh:hi");
    EXPECT_FALSE(s->next("translation_result", 300ms));
  }
  EXPECT_EQ(expect_message(other.socket(), "translation_result")["text_translated"], "ja:hi");
}

TEST_F(room_translation, a_speaker_alone_in_a_room_or_among_members_without_a_language_is_translated_as_usual) {
  auto& scheduler = start_scheduler();
  fake_node node(polyglot());
  node.connect(scheduler.port());
  fake_session speaker, silent;
  speaker.connect(scheduler.port(), "en", "zh");
  silent.connect(scheduler.port(), "zh", "en");
  const std::string code = create_room(speaker, "Speaker");
  join_room(silent, code, {speaker.id(), silent.id()});  // no preferred_lang

  speaker.send_audio(10, true);
  EXPECT_EQ(answer_jobs(node, 1, "hello"), (std::multiset<std::string>{"zh"}));
  EXPECT_EQ(expect_message(speaker.socket(), "translation_result")["text_translated"], "zh:hello");
  EXPECT_FALSE(silent.next("translation_result", 500ms));
}

TEST_F(room_translation, a_member_joining_or_leaving_mid_utterance_changes_only_the_next_utterances_fan_out) {
  auto& scheduler = start_scheduler();
  fake_node node(polyglot());
  node.connect(scheduler.port());
  fake_session speaker, zh_listener, ja_listener;
  speaker.connect(scheduler.port(), "en", "zh");
  zh_listener.connect(scheduler.port(), "zh", "en");
  ja_listener.connect(scheduler.port(), "ja", "en");
  const std::string code = create_room(speaker, "Speaker");
  join_room(zh_listener, code, {speaker.id(), zh_listener.id()}, "zh");

  speaker.send_audio(10, true);
  auto job = node.next_job();
  ASSERT_TRUE(job);
  EXPECT_EQ((*job)["tgt_lang"], "zh");
  // While utterance 0 is being translated, a ja listener joins.
  join_room(ja_listener, code, {speaker.id(), zh_listener.id(), ja_listener.id()}, "ja");
  node.complete(*job, "one", "zh:one");
  EXPECT_EQ(expect_message(zh_listener.socket(), "translation_result")["text_translated"], "zh:one");
  EXPECT_FALSE(node.next_job(300ms)) << "the current utterance's fan-out is not changed by the joiner";
  EXPECT_FALSE(ja_listener.next("translation_result", 300ms));

  speaker.send_audio(10, true);
  EXPECT_EQ(answer_jobs(node, 2, "two"), (std::multiset<std::string>{"ja", "zh"}));
  auto ja = expect_message(ja_listener.socket(), "translation_result");
  EXPECT_EQ(ja["text_translated"], "ja:two");
  EXPECT_EQ(ja["utterance_index"], 1);
  EXPECT_EQ(expect_message(zh_listener.socket(), "translation_result")["text_translated"], "zh:two");

  // Utterance 2 is dispatched, then the zh listener leaves before its result: it still gets that result (the
  // fan-out was fixed at dispatch), and nothing of utterance 3.
  speaker.send_audio(10, true);
  auto third_a = node.next_job();
  auto third_b = node.next_job();
  ASSERT_TRUE(third_a && third_b);
  zh_listener.send({{"type", "room_leave"}, {"room_code", code}});
  expect_members(ja_listener, {speaker.id(), ja_listener.id()});
  for (auto* j : {&*third_a, &*third_b}) node.complete(*j, "three", (*j)["tgt_lang"].get<std::string>() + ":three");
  EXPECT_EQ(expect_message(zh_listener.socket(), "translation_result")["text_translated"], "zh:three");
  EXPECT_EQ(expect_message(ja_listener.socket(), "translation_result")["text_translated"], "ja:three");

  speaker.send_audio(10, true);
  EXPECT_EQ(answer_jobs(node, 1, "four"), (std::multiset<std::string>{"ja"}));
  EXPECT_EQ(expect_message(ja_listener.socket(), "translation_result")["text_translated"], "ja:four");
  EXPECT_FALSE(zh_listener.next("translation_result", 500ms)) << "a member who left hears nothing more";
}

}  // namespace
}  // namespace lingua::test
