#include "config/units.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace sniper::config_units;

TEST_CASE("durations parse every unit exactly", "[config][units]") {
    CHECK(parse_duration_ns("0s") == 0);
    CHECK(parse_duration_ns("7ns") == 7);
    CHECK(parse_duration_ns("3us") == 3'000);
    CHECK(parse_duration_ns("400ms") == 400'000'000);
    CHECK(parse_duration_ns("1s") == 1'000'000'000);
    CHECK(parse_duration_ns("1.5s") == 1'500'000'000);
    CHECK(parse_duration_ns("0.1s") == 100'000'000);
    CHECK(parse_duration_ns("10m") == 600'000'000'000);
    CHECK(parse_duration_ns("2h") == 7'200'000'000'000);
    CHECK(parse_duration_ns("6h") == 21'600'000'000'000);
    CHECK(parse_duration_ns("0.25h") == 900'000'000'000);
}

TEST_CASE("durations round sub-nanosecond remainders half away from zero", "[config][units]") {
    CHECK(parse_duration_ns("1.5ns") == 2);
    CHECK(parse_duration_ns("1.4ns") == 1);
    CHECK(parse_duration_ns("0.0005us") == 1);
    CHECK(parse_duration_ns("0.0004us") == 0);
}

TEST_CASE("malformed durations are rejected", "[config][units]") {
    for (const char* bad : {"", "s", "10", "-1s", "+1s", "1 s", " 1s", "1s ", "1.s", ".5s", "1e3ms",
                            "1sec", "1S", "1d", "1.5.5s", "ms100", "1,5s", "nan s", "infs"}) {
        INFO(bad);
        CHECK_FALSE(parse_duration_ns(bad).has_value());
    }
}

TEST_CASE("durations beyond int64 nanoseconds are rejected", "[config][units]") {
    CHECK(parse_duration_ns("9223372036854775807ns") == std::numeric_limits<int64_t>::max());
    CHECK_FALSE(parse_duration_ns("9223372036854775808ns").has_value());
    CHECK_FALSE(parse_duration_ns("2562048h").has_value()); // ~292 years
    CHECK_FALSE(parse_duration_ns("99999999999999999999999999h").has_value());
}

TEST_CASE("scale_decimal converts SOL to lamports exactly", "[config][units]") {
    CHECK(scale_decimal(0.1, 9) == 100'000'000);
    CHECK(scale_decimal(1.0, 9) == 1'000'000'000);
    CHECK(scale_decimal(0.000000001, 9) == 1);
    CHECK(scale_decimal(0.3, 9) == 300'000'000);
    CHECK(scale_decimal(0.7, 9) == 700'000'000);
    CHECK(scale_decimal(1.1, 9) == 1'100'000'000);
    CHECK(scale_decimal(80.0, 9) == 80'000'000'000);
    CHECK(scale_decimal(123.456789123, 9) == 123'456'789'123);
    CHECK(scale_decimal(1e9, 9) == 1'000'000'000'000'000'000ULL);
    CHECK(scale_decimal(0.0, 9) == 0);
}

TEST_CASE("scale_decimal rounds half away from zero past the last digit", "[config][units]") {
    CHECK(scale_decimal(0.0000000015, 9) == 2);
    CHECK(scale_decimal(0.0000000014, 9) == 1);
    CHECK(scale_decimal(0.0000000005, 9) == 1);
    CHECK(scale_decimal(0.00000000049, 9) == 0);
    CHECK(scale_decimal(0.00000000005, 9) == 0);
    CHECK(scale_decimal(2.0, 2) == 200);
    CHECK(scale_decimal(0.015, 2) == 2);
    CHECK(scale_decimal(33.333, 2) == 3333);
}

TEST_CASE("format_number writes what a human would", "[config][units]") {
    CHECK(format_number(6000.0) == "6000");
    CHECK(format_number(1e9) == "1000000000");
    CHECK(format_number(0.1) == "0.1");
    CHECK(format_number(-0.5) == "-0.5");
    CHECK(format_number(std::nan("")) == "nan");
    CHECK(format_number(std::numeric_limits<double>::infinity()) == "inf");
    CHECK(format_number(-std::numeric_limits<double>::infinity()) == "-inf");
}
