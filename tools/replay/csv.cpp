// The shared CSV reader of the trace readers (see csv.hpp).
#include "tools/replay/csv.hpp"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>

namespace suanwang::replay {
namespace {

std::vector<std::string> split_commas(std::string_view line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    out.emplace_back(
        line.substr(start, comma == std::string_view::npos ? line.npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

Result<std::size_t> CsvTable::column(std::string_view name) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return i;
  }
  return fail(
      Error::invalid(what, what + " line 1: the header has no column '" + std::string(name) + "'"));
}

Error CsvTable::error(const CsvRow& row, std::size_t col, const std::string& message) const {
  return Error::invalid(what, what + " line " + std::to_string(row.line) + ", column '" +
                                  (col < columns.size() ? columns[col] : std::string("?")) +
                                  "': " + message);
}

Result<double> CsvTable::number(const CsvRow& row, std::size_t col, bool empty_ok,
                                double empty_value) const {
  const std::string& s = row.fields.at(col);
  if (s.empty()) {
    if (empty_ok) return empty_value;
    return fail(error(row, col, "is empty"));
  }
  double x = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(x)) {
    return fail(error(row, col, "'" + s + "' is not a number"));
  }
  return x;
}

Result<CsvTable> parse_csv(std::string_view text, std::string what, std::size_t max_rows) {
  CsvTable t;
  t.what = std::move(what);
  std::size_t line_no = 0;
  bool header = true;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.find('"') != std::string_view::npos) {
      return fail(Error::invalid(t.what, t.what + " line " + std::to_string(line_no) +
                                             ": quoted fields are not supported"));
    }
    auto fields = split_commas(line);
    if (header) {
      t.columns = std::move(fields);
      header = false;
      continue;
    }
    if (fields.size() != t.columns.size()) {
      return fail(Error::invalid(t.what, t.what + " line " + std::to_string(line_no) + ": has " +
                                             std::to_string(fields.size()) +
                                             " fields; the header has " +
                                             std::to_string(t.columns.size())));
    }
    if (t.rows.size() == max_rows) {
      return fail(Error::invalid(t.what, t.what + " line " + std::to_string(line_no) +
                                             ": more than " + std::to_string(max_rows) + " rows"));
    }
    t.rows.push_back({line_no, std::move(fields)});
  }
  if (header) return fail(Error::invalid(t.what, t.what + ": empty (no header line)"));
  return t;
}

Result<std::string> read_text_file(const std::string& path, const std::string& what,
                                   std::size_t max_bytes) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec)
    return fail(Error::invalid(what, "cannot read " + what + " " + path + ": " + ec.message()));
  if (size > max_bytes) {
    return fail(Error::invalid(
        what, what + " " + path + " is larger than " + std::to_string(max_bytes) + " bytes"));
  }
  std::ifstream in(path, std::ios::binary);
  std::string text(size, '\0');
  if (!in || !in.read(text.data(), static_cast<std::streamsize>(size))) {
    return fail(Error::invalid(what, "cannot read " + what + " " + path));
  }
  return text;
}

Result<int64_t> parse_civil_time(std::string_view s) {
  // YYYY-MM-DD HH:MM:SS
  auto bad = [&] {
    return fail(Error::invalid(
        "time", "'" + std::string(s) + "' is not a time of the form YYYY-MM-DD HH:MM:SS"));
  };
  if (s.size() != 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' ||
      s[16] != ':') {
    return bad();
  }
  auto num = [&](std::size_t pos, std::size_t len, int& out) {
    auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, out);
    return ec == std::errc() && p == s.data() + pos + len;
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!num(0, 4, y) || !num(5, 2, mo) || !num(8, 2, d) || !num(11, 2, h) || !num(14, 2, mi) ||
      !num(17, 2, se) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) {
    return bad();
  }
  return days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
         h * 3600 + mi * 60 + se;
}

int weekday_of(int64_t civil_s) {
  // 1970-01-01 was a Thursday (3 with Monday = 0).
  const int64_t days = civil_s >= 0 ? civil_s / 86400 : (civil_s - 86399) / 86400;
  return static_cast<int>(((days + 3) % 7 + 7) % 7);
}

}  // namespace suanwang::replay
