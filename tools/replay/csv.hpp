// Csv: the small reader the trace readers share (Alibaba PAI pods and nodes, Philly jobs, Helios
// counts) — comma-separated lines with a header naming the columns, no quoting (none of these
// files quotes a field), '\r' tolerated — plus bounded file reading and a civil date-time
// parser. A malformed line is an error naming the file kind, the line and the column.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/result.hpp"

namespace suanwang::replay {

struct CsvRow {
  std::size_t line = 0;             // 1-based line number in the file (the header is line 1)
  std::vector<std::string> fields;  // one per column of the header
};

struct CsvTable {
  std::string what;  // the kind of file, for errors ("PAI pod list")
  std::vector<std::string> columns;
  std::vector<CsvRow> rows;

  // The index of `name` in the header; an error naming the missing column.
  Result<std::size_t> column(std::string_view name) const;
  // A field as a number: empty is an error unless `empty_ok` (then returns `empty_value`).
  Result<double> number(const CsvRow& row, std::size_t col, bool empty_ok = false,
                        double empty_value = -1) const;
  // "<what> line N, column 'name': message"
  Error error(const CsvRow& row, std::size_t col, const std::string& message) const;
};

// Parses `text` (the header first; blank lines skipped); every row must have as many fields as
// the header. At most `max_rows` rows (more is an error: every read is bounded).
Result<CsvTable> parse_csv(std::string_view text, std::string what,
                           std::size_t max_rows = 1'000'000);

// Reads a whole file of at most `max_bytes`; `what` names it in errors.
Result<std::string> read_text_file(const std::string& path, const std::string& what,
                                   std::size_t max_bytes = 64ull << 20);

// "YYYY-MM-DD HH:MM:SS" (no zone) as seconds since 1970-01-01 00:00 of the same clock;
// nullopt-like error when malformed.
Result<int64_t> parse_civil_time(std::string_view text);
// Day of the week of a time from parse_civil_time: 0 = Monday .. 6 = Sunday.
int weekday_of(int64_t civil_s);

}  // namespace suanwang::replay
