#include "protocol/error_code.hpp"

#include "protocol/enum_names.hpp"

namespace lingua::protocol {

std::string_view to_string(error_code v) { return detail::enum_to_string(v); }
std::string_view to_string(ui_event_type v) { return detail::enum_to_string(v); }
std::string_view to_string(ui_event_status v) { return detail::enum_to_string(v); }

bool from_string(std::string_view text, error_code& out) { return detail::enum_from_string(text, out); }
bool from_string(std::string_view text, ui_event_type& out) { return detail::enum_from_string(text, out); }
bool from_string(std::string_view text, ui_event_status& out) { return detail::enum_from_string(text, out); }

std::string_view hint(error_code code) {
  switch (code) {
    case error_code::no_available_node:
      return "暂无可用的翻译节点，请稍后重试。";
    case error_code::model_not_available:
      return "翻译节点缺少所需模型，正在等待模型就绪，请稍后重试。";
    case error_code::ws_disconnected:
      return "与服务器的连接已断开，请检查网络后重新连接。";
    case error_code::nmt_timeout:
      return "翻译超时，请尝试说短一些的句子后重试。";
    case error_code::tts_timeout:
      return "语音合成超时，请稍后重试。";
    case error_code::job_timeout:
      return "处理超时，请稍后重试。";
    case error_code::model_verify_failed:
      return "模型校验未通过，请在节点上重新下载模型。";
    case error_code::model_corrupted:
      return "模型文件已损坏，请在节点上重新下载模型。";
    case error_code::no_gpu_available:
      return "节点没有可用的 GPU，无法提供算力。";
    case error_code::node_id_conflict:
      return "节点 ID 冲突，请清除节点本地保存的 ID 后重新注册。";
    case error_code::invalid_capability_schema:
      return "节点能力描述的版本不受支持，请升级节点客户端。";
    case error_code::scheduler_dependency_down:
      return "调度服务的依赖暂时不可用，请稍后重试。";
    default:
      return generic_hint;
  }
}

std::optional<error_code> ui_error_code_for_node_code(std::string_view node_code) {
  error_code code{};
  if (!from_string(node_code, code)) return std::nullopt;
  switch (code) {
    case error_code::no_available_node:
    case error_code::model_not_available:
    case error_code::ws_disconnected:
    case error_code::nmt_timeout:
    case error_code::tts_timeout:
    case error_code::model_verify_failed:
    case error_code::model_corrupted:
      return code;
    default:
      return std::nullopt;
  }
}

}  // namespace lingua::protocol
