// Table rendering (alignment, CJK width, no trailing spaces) and the figure formatters.
#include <catch2/catch.hpp>

#include "tools/cli/table.hpp"

namespace {
using namespace suanwang::cli;

TEST_CASE("a table pads columns to the widest cell, right-aligns where asked", "[cli][table]") {
  Table t({"NAME", "PRICE", "NOTE"}, {Align::left, Align::right});
  t.add_row({"a", "1.00", "x"});
  t.add_row({"longer name", "123.45", ""});
  CHECK(t.rows() == 2);
  CHECK(t.render() ==
        "NAME          PRICE  NOTE\n"
        "a              1.00  x\n"
        "longer name  123.45\n");
}

TEST_CASE("rows are padded or cut to the header count", "[cli][table]") {
  Table t({"A", "B"});
  t.add_row({"1"});
  t.add_row({"1", "2", "3"});
  CHECK(t.render() == "A  B\n1\n1  2\n");
}

TEST_CASE("wide characters count as two columns", "[cli][table]") {
  CHECK(display_width("abc") == 3);
  CHECK(display_width("贵安") == 4);
  CHECK(display_width("Gui'an 贵安") == 11);
  CHECK(display_width("\xff") == 1);  // invalid UTF-8 counts one per byte
  Table t({"SITE", "X"});
  t.add_row({"贵安", "1"});
  t.add_row({"abcdef", "2"});
  CHECK(t.render() == "SITE    X\n贵安    1\nabcdef  2\n");
}

TEST_CASE("money has two decimals", "[cli][table]") {
  CHECK(format_cny(12.3456) == "12.35");
  CHECK(format_cny(0) == "0.00");
  CHECK(format_cny(-0.001) == "0.00");
  CHECK(format_cny(1e6) == "1000000.00");
}

TEST_CASE("durations use at most two units", "[cli][table]") {
  CHECK(format_seconds(0) == "0s");
  CHECK(format_seconds(0.4) == "0s");
  CHECK(format_seconds(45) == "45s");
  CHECK(format_seconds(720) == "12m");
  CHECK(format_seconds(5400) == "1h30m");
  CHECK(format_seconds(3600) == "1h");
  CHECK(format_seconds(3 * 86400 + 7200 + 5) == "3d2h");
  CHECK(format_seconds(-1) == "-");
}

TEST_CASE("sizes use SI units", "[cli][table]") {
  CHECK(format_bytes(0) == "0 B");
  CHECK(format_bytes(512) == "512 B");
  CHECK(format_bytes(1500) == "1.5 kB");
  CHECK(format_bytes(2e9) == "2 GB");
  CHECK(format_bytes(2.34e12) == "2.3 TB");
}

TEST_CASE("numbers drop trailing zeros", "[cli][table]") {
  CHECK(format_number(2) == "2");
  CHECK(format_number(0.25) == "0.25");
  CHECK(format_number(1.5e-7) == "0");
  CHECK(format_number(-0.0001) == "0");
}

}  // namespace
