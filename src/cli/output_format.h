// How read commands print: JSON (for scripts, the default when stdout is not a terminal) or a
// table (for people, the default on a terminal); --format json|table chooses.
// Thread-safety: single-threaded (one command per process).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "xronox/status.h"
#include "xronox/types.h"

namespace xronox::cli {

enum class OutputFormat { kJson, kTable };

/// Add --format json|table to a read command.
void AddFormatOption(CLI::App& command, std::string& format);
/// The format --format names; without one, a table when stdout is a terminal, else JSON.
OutputFormat ResolveFormat(const std::string& format);

/// Longest cell a table shows; a longer value is cut there and ends in "..." (--format json
/// prints everything).
inline constexpr size_t kMaxCellChars = 72;

/// Rows of cells under column names, aligned, as text ending in a newline.
std::string RenderTable(const std::vector<std::string>& columns,
                        const std::vector<std::vector<std::string>>& rows);
/// A JSON value as a table cell: strings without quotes, anything else compact JSON.
std::string Cell(const Json& value);
/// Objects as table rows under `columns` (a missing key is an empty cell).
std::string RenderObjects(const std::vector<std::string>& columns, const Json& objects);
/// One object as "field value" rows.
std::string RenderFields(const Json& object);

/// Print `json` (indented) or `table` (already rendered) on stdout, as `format` says.
void PrintAs(OutputFormat format, const Json& json, const std::string& table);

}  // namespace xronox::cli
