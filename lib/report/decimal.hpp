// Exact decimal numbers for report money: a signed 128-bit count of millionths.
// Amounts in the files have at most 4 decimals and probabilities are whole
// percents, so sums and weighted sums (amount x probability / 100) are exact;
// only a currency conversion or a division rounds, half to even, like
// Python's decimal module. No binary floating point is involved.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace crm {

__extension__ typedef __int128 Int128;

class Decimal {
 public:
  static constexpr int kPlaces = 6;

  Decimal() = default;
  static Decimal whole(long long n);
  // "12000.50", "3", "-0.25": digits, at most one dot, at most 6 decimals. nullopt otherwise.
  static std::optional<Decimal> parse(std::string_view text);

  Decimal& operator+=(const Decimal& o);
  Decimal operator+(const Decimal& o) const { return Decimal(*this) += o; }
  Decimal operator-(const Decimal& o) const;
  auto operator<=>(const Decimal&) const = default;
  bool zero() const { return units_ == 0; }

  // x percent / 100 (rounds only past 6 decimals).
  Decimal percent_of(long long percent) const;
  // x * factor, rounded to 6 decimals.
  Decimal times(const Decimal& factor) const;
  // x / d, rounded to 6 decimals; Error(Runtime) when d is zero.
  Decimal divided_by(const Decimal& d) const;
  // part / whole x 100, rounded to `places` decimals ("66.7"); "0" style text when whole is zero.
  static std::string percent(const Decimal& part, const Decimal& whole, int places);
  // n / d rounded to `places` decimals, for averages of whole numbers ("12.5").
  static std::string ratio(long long n, long long d, int places);

  // Exact, with at least `min_places` decimals and no trailing zeros past them: "12000.50", "0.125".
  std::string str(int min_places = 2) const;
  // Rounded half to even to `places` decimals, with thousands separated by `sep` when not 0: "12,000.50".
  std::string fixed(int places, char sep = 0) const;
  // For drawing only: bar lengths and chart coordinates.
  double approx() const;

 private:
  explicit Decimal(Int128 units) : units_(units) {}
  Int128 units_ = 0;
};

}  // namespace crm
