#include "session/result_order.hpp"

namespace lingua::session {

// The actor orders serialized translation_result messages; instantiated once here.
template class result_order<std::string>;

}  // namespace lingua::session
