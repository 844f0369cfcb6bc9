// Table: aligned plain-text tables for the CLI's human output, and the small formatters for the
// figures in them (money, durations, sizes). Pure: strings in, strings out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace suanwang::cli {

enum class Align { left, right };

// Columns are separated by two spaces and padded to their widest cell (by display width, so
// CJK names line up); the last column is not padded and no line has trailing spaces.
class Table {
 public:
  // `aligns` may be shorter than `headers`; missing columns align left.
  explicit Table(std::vector<std::string> headers, std::vector<Align> aligns = {});

  // A row with fewer cells than headers is padded with empty cells; extra cells are dropped.
  void add_row(std::vector<std::string> cells);
  std::size_t rows() const { return rows_.size(); }
  std::string render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<Align> aligns_;
  std::vector<std::vector<std::string>> rows_;
};

// Terminal columns taken by UTF-8 text: East Asian wide characters take two.
std::size_t display_width(std::string_view utf8);

// 12.3456 -> "12.35".
std::string format_cny(double cny);
// Seconds, rounded, in at most two units: "0s", "45s", "12m", "1h30m", "2d3h".
std::string format_seconds(double seconds);
// Bytes in SI units with up to one decimal: "0 B", "512 B", "1.5 GB".
std::string format_bytes(double bytes);
// A number without trailing zeros: 2 -> "2", 0.25 -> "0.25", 1.5e-7 -> "0".
std::string format_number(double v);

}  // namespace suanwang::cli
