// `unitag bench`'s answers to the research questions, computed from the suites' rows.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace unitag::bench {

// A Markdown section: one paragraph per research question, with the figures this run measured
// (results.json's "suites"), or why it measured none.
std::string research_answers(const nlohmann::json& suites);

}  // namespace unitag::bench
