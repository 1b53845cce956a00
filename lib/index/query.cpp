#include "index/query.hpp"

#include <cctype>

#include "model/error.hpp"
#include "model/text.hpp"

namespace crm {

namespace {

enum class Lex { Field, Term, Presence, EditDistance, Boost, Phrase };

struct Lexeme {
  Lex type;
  std::string text;
  size_t column;  // 1-based
};

[[noreturn]] void bad(size_t column, const std::string& what) {
  fail(Failure::Usage, "query: " + what + " at column " + std::to_string(column),
       "see `man crm-search`: word, field:word, +must, -mustnot, wild*, word~1, word^10, \"a phrase\"");
}

// Lunr's lexer: terms end at white space or '-', fields at ':', '~' and '^' start modifiers,
// '+'/'-' at the start of a term are presence, '\' escapes. crm adds quoted phrases, and keeps
// '-' inside range values (dates, -7d).
std::vector<Lexeme> lex(std::string_view q) {
  std::vector<Lexeme> out;
  size_t i = 0;
  const size_t n = q.size();
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (i < n) {
    if (is_space(q[i])) {
      ++i;
      continue;
    }
    if (q[i] == '+' || q[i] == '-') {
      out.push_back({Lex::Presence, std::string(1, q[i]), i + 1});
      ++i;
      if (i >= n || is_space(q[i])) continue;
    }
    if (i < n && q[i] == '"') {
      size_t start = i;
      size_t close = q.find('"', i + 1);
      if (close == std::string_view::npos) bad(start + 1, "unbalanced quote");
      out.push_back({Lex::Phrase, std::string(q.substr(i + 1, close - i - 1)), start + 1});
      i = close + 1;
      // Modifiers may follow a phrase (^boost).
    } else {
      // A term, possibly preceded by FIELD:
      std::string text;
      size_t start = i;
      bool range_value = false;
      while (i < n) {
        char c = q[i];
        if (c == '\\' && i + 1 < n) {
          text += q[i + 1];
          i += 2;
          continue;
        }
        if (is_space(c)) break;
        if (c == '-' && !text.empty() && !range_value) break;
        if (c == ':' && !text.empty()) {
          out.push_back({Lex::Field, text, start + 1});
          text.clear();
          ++i;
          start = i;
          // A value that starts with a comparison or a digit may hold hyphens (dates, -7d).
          if (i < n && (q[i] == '<' || q[i] == '>' || q[i] == '=' || q[i] == '.' ||
                        std::isdigit(static_cast<unsigned char>(q[i]))))
            range_value = true;
          if (i < n && q[i] == '"') {  // field:"a phrase"
            size_t close = q.find('"', i + 1);
            if (close == std::string_view::npos) bad(i + 1, "unbalanced quote");
            out.push_back({Lex::Phrase, std::string(q.substr(i + 1, close - i - 1)), i + 1});
            i = close + 1;
            start = std::string_view::npos;
            break;
          }
          continue;
        }
        if (c == '~' || c == '^') break;
        if (range_value && c == '-' && text.empty()) {
          text += c;
          ++i;
          continue;
        }
        text += c;
        ++i;
      }
      if (!text.empty() && start != std::string_view::npos) out.push_back({Lex::Term, text, start + 1});
    }
    // Modifiers: ~N and ^N, in any order.
    while (i < n && (q[i] == '~' || q[i] == '^')) {
      Lex type = q[i] == '~' ? Lex::EditDistance : Lex::Boost;
      size_t start = i;
      ++i;
      std::string digits;
      while (i < n && !is_space(q[i]) && q[i] != '~' && q[i] != '^') digits += q[i++];
      out.push_back({type, digits, start + 1});
    }
    // A '-' right after a term separates terms (Lunr), it is not presence.
    while (i < n && q[i] == '-' && !out.empty() && out.back().type != Lex::Presence) {
      ++i;
      while (i < n && q[i] == '-') ++i;
    }
  }
  return out;
}

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

void read_range(Clause& c) {
  std::string t = c.term;
  auto take = [&](std::string_view op, Clause::Range r) {
    if (t.rfind(op, 0) != 0) return false;
    c.range = r;
    c.low = t.substr(op.size());
    if (c.low.empty()) bad(c.column, "expecting a value after '" + std::string(op) + "'");
    return true;
  };
  if (take(">=", Clause::Range::GreaterEqual) || take("<=", Clause::Range::LessEqual) ||
      take(">", Clause::Range::Greater) || take("<", Clause::Range::Less))
    return;
  size_t dots = t.find("..");
  if (dots != std::string::npos) {
    c.range = Clause::Range::Between;
    c.low = t.substr(0, dots);
    c.high = t.substr(dots + 2);
    if (c.low.empty() && c.high.empty()) bad(c.column, "a range needs at least one bound");
  }
}

}  // namespace

std::vector<Clause> parse_query(std::string_view query, bool (*known_field)(std::string_view)) {
  if (query.size() > kMaxQueryLength)
    fail(Failure::Usage, "query: longer than " + std::to_string(kMaxQueryLength) + " characters",
         "split it, or search for fewer words");
  if (!valid_utf8(query)) fail(Failure::Usage, "query: not valid UTF-8");
  std::vector<Lexeme> lexemes = lex(query);
  std::vector<Clause> out;
  size_t i = 0;
  while (i < lexemes.size()) {
    Clause c;
    c.column = lexemes[i].column;
    if (lexemes[i].type == Lex::Presence) {
      c.presence = lexemes[i].text == "+" ? Clause::Presence::Required : Clause::Presence::Prohibited;
      ++i;
      if (i >= lexemes.size()) bad(c.column, "expecting a term or field after '" + lexemes[i - 1].text + "', found nothing");
    }
    if (lexemes[i].type == Lex::Field) {
      c.field = lexemes[i].text;
      if (!known_field(c.field)) bad(lexemes[i].column, "unknown field '" + c.field + "'");
      ++i;
      if (i >= lexemes.size() || (lexemes[i].type != Lex::Term && lexemes[i].type != Lex::Phrase))
        bad(lexemes[i - 1].column + lexemes[i - 1].text.size() + 1, "expecting a term after '" + c.field + ":', found nothing");
    }
    const Lexeme& t = lexemes[i];
    if (t.type == Lex::EditDistance || t.type == Lex::Boost)
      bad(t.column, std::string("expecting a field or a term, found '") + (t.type == Lex::Boost ? "^" : "~") + t.text + "'");
    if (t.type == Lex::Presence) bad(t.column, "expecting a term after '" + t.text + "'");
    if (t.type == Lex::Field) bad(t.column, "expecting a term, found the field '" + t.text + ":'");
    c.phrase = t.type == Lex::Phrase;
    c.term = lower_ascii(t.text);
    if (c.phrase && trim(c.term).empty()) bad(t.column, "empty phrase");
    ++i;
    while (i < lexemes.size() && (lexemes[i].type == Lex::EditDistance || lexemes[i].type == Lex::Boost)) {
      const Lexeme& m = lexemes[i];
      if (!all_digits(m.text) || m.text.size() > 4)
        bad(m.column, m.type == Lex::Boost ? "boost must be a number (^10)" : "edit distance must be a number (~1)");
      if (m.type == Lex::Boost) {
        c.boost = std::stoi(m.text);
        c.boosted = true;
      } else {
        c.edit_distance = std::stoi(m.text);
      }
      ++i;
    }
    if (!c.phrase && !c.field.empty()) read_range(c);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace crm
