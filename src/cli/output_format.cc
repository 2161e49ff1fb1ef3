#include "cli/output_format.h"

#include <unistd.h>

#include <algorithm>
#include <iostream>

namespace xronox::cli {

namespace {

// Counts UTF-8 code points, so that columns of non-ASCII text stay aligned.
size_t DisplayWidth(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// Cuts at a code-point boundary; control bytes become spaces so a row stays one line.
std::string Fit(std::string text) {
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  if (DisplayWidth(text) <= kMaxCellChars) return text;
  size_t seen = 0, at = 0;
  for (; at < text.size(); ++at) {
    if ((static_cast<unsigned char>(text[at]) & 0xC0) != 0x80 && ++seen > kMaxCellChars - 3) break;
  }
  return text.substr(0, at) + "...";
}

}  // namespace

void AddFormatOption(CLI::App& command, std::string& format) {
  command.add_option("--format", format, "json or table (default: table on a terminal, else json)")
      ->check(CLI::IsMember({"json", "table"}));
}

OutputFormat ResolveFormat(const std::string& format) {
  if (format == "json") return OutputFormat::kJson;
  if (format == "table") return OutputFormat::kTable;
  return isatty(STDOUT_FILENO) ? OutputFormat::kTable : OutputFormat::kJson;
}

std::string RenderTable(const std::vector<std::string>& columns,
                        const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const std::string& column : columns) widths.push_back(DisplayWidth(column));
  std::vector<std::vector<std::string>> fitted;
  for (const auto& row : rows) {
    std::vector<std::string> cells;
    for (size_t i = 0; i < columns.size(); ++i) {
      cells.push_back(Fit(i < row.size() ? row[i] : ""));
      widths[i] = std::max(widths[i], DisplayWidth(cells.back()));
    }
    fitted.push_back(std::move(cells));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size(); ++i) {
      out += cells[i];
      if (i + 1 < cells.size()) out += std::string(widths[i] - DisplayWidth(cells[i]) + 2, ' ');
    }
    return out + "\n";
  };
  std::string out = line(columns);
  for (const auto& cells : fitted) out += line(cells);
  return out;
}

std::string Cell(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

std::string RenderObjects(const std::vector<std::string>& columns, const Json& objects) {
  std::vector<std::vector<std::string>> rows;
  for (const Json& object : objects) {
    std::vector<std::string> row;
    for (const std::string& column : columns) {
      auto it = object.find(column);
      row.push_back(it == object.end() ? "" : Cell(*it));
    }
    rows.push_back(std::move(row));
  }
  return RenderTable(columns, rows);
}

std::string RenderFields(const Json& object) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& [key, value] : object.items()) rows.push_back({key, Cell(value)});
  return RenderTable({"field", "value"}, rows);
}

void PrintAs(OutputFormat format, const Json& json, const std::string& table) {
  if (format == OutputFormat::kJson) {
    std::cout << json.dump(2) << "\n";
  } else {
    std::cout << table;
  }
}

}  // namespace xronox::cli
