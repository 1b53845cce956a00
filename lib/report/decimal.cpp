#include "report/decimal.hpp"

#include "model/error.hpp"

namespace crm {

namespace {

constexpr Int128 kScale = 1000000;  // 10^kPlaces

Int128 pow10(int n) {
  Int128 r = 1;
  while (n-- > 0) r *= 10;
  return r;
}

Int128 checked_mul(Int128 a, Int128 b) {
  Int128 r;
  if (__builtin_mul_overflow(a, b, &r)) fail(Failure::Runtime, "an amount is too large to compute with");
  return r;
}

Int128 checked_add(Int128 a, Int128 b) {
  Int128 r;
  if (__builtin_add_overflow(a, b, &r)) fail(Failure::Runtime, "a total is too large to compute with");
  return r;
}

// n / d rounded half to even.
Int128 div_round(Int128 n, Int128 d) {
  if (d == 0) fail(Failure::Runtime, "division by zero in a report");
  if (d < 0) {
    n = -n;
    d = -d;
  }
  Int128 q = n / d, r = n % d;
  if (r < 0) r = -r;
  Int128 twice = r * 2;
  if (twice > d || (twice == d && q % 2 != 0)) q += n < 0 ? -1 : 1;
  return q;
}

std::string digits(Int128 v) {
  if (v == 0) return "0";
  std::string s;
  while (v > 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  return s;
}

// A non-negative count of 10^-places units as "I.FFF" with thousands separated by `sep`.
std::string layout(Int128 v, int places, char sep) {
  bool negative = v < 0;
  if (negative) v = -v;
  Int128 p = pow10(places);
  std::string whole = digits(v / p);
  if (sep)
    for (int i = static_cast<int>(whole.size()) - 3; i > 0; i -= 3) whole.insert(static_cast<size_t>(i), 1, sep);
  std::string r = (negative ? "-" : "") + whole;
  if (places > 0) {
    std::string frac = digits(v % p);
    r += "." + std::string(static_cast<size_t>(places) - frac.size(), '0') + frac;
  }
  return r;
}

}  // namespace

Decimal Decimal::whole(long long n) { return Decimal(checked_mul(n, kScale)); }

std::optional<Decimal> Decimal::parse(std::string_view s) {
  bool negative = !s.empty() && s.front() == '-';
  if (negative) s.remove_prefix(1);
  size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  if (whole.empty() || whole.size() > 20 || (dot != std::string_view::npos && frac.empty()) ||
      frac.size() > static_cast<size_t>(kPlaces))
    return std::nullopt;
  Int128 v = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  for (char c : frac)
    if (c < '0' || c > '9') return std::nullopt;
  v *= kScale;
  Int128 f = 0;
  for (char c : frac) f = f * 10 + (c - '0');
  v += f * pow10(kPlaces - static_cast<int>(frac.size()));
  return Decimal(negative ? -v : v);
}

Decimal& Decimal::operator+=(const Decimal& o) {
  units_ = checked_add(units_, o.units_);
  return *this;
}

Decimal Decimal::operator-(const Decimal& o) const { return Decimal(checked_add(units_, -o.units_)); }

Decimal Decimal::percent_of(long long percent) const { return Decimal(div_round(checked_mul(units_, percent), 100)); }

Decimal Decimal::times(const Decimal& factor) const {
  return Decimal(div_round(checked_mul(units_, factor.units_), kScale));
}

Decimal Decimal::divided_by(const Decimal& d) const {
  return Decimal(div_round(checked_mul(units_, kScale), d.units_));
}

std::string Decimal::percent(const Decimal& part, const Decimal& whole, int places) {
  if (whole.units_ == 0) return layout(0, places, 0);
  return layout(div_round(checked_mul(part.units_, 100 * pow10(places)), whole.units_), places, 0);
}

std::string Decimal::ratio(long long n, long long d, int places) {
  if (d == 0) return layout(0, places, 0);
  return layout(div_round(checked_mul(n, pow10(places)), d), places, 0);
}

std::string Decimal::str(int min_places) const {
  std::string s = layout(units_, kPlaces, 0);
  size_t dot = s.find('.');
  size_t keep = dot + 1 + static_cast<size_t>(min_places);
  while (s.size() > keep && s.back() == '0') s.pop_back();
  if (min_places == 0 && s.back() == '.') s.pop_back();
  return s;
}

std::string Decimal::fixed(int places, char sep) const {
  return layout(div_round(units_, pow10(kPlaces - places)), places, sep);
}

double Decimal::approx() const { return static_cast<double>(units_) / static_cast<double>(kScale); }

}  // namespace crm
