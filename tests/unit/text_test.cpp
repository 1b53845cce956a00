// Unicode text helpers: folding for matching, words, UTF-8 checks, terminal width.
#include <catch2/catch.hpp>
#include <utf8proc.h>

#include <string>
#include <vector>

#include "model/text.hpp"

using Words = std::vector<std::string>;

TEST_CASE("fold lowercases and removes accents", "[text]") {
  CHECK(crm::fold("García") == "garcia");
  CHECK(crm::fold("ÅNGSTRÖM") == "angstrom");
  CHECK(crm::fold("Straße") == "strasse");
  CHECK(crm::fold("STRASSE") == "strasse");
  CHECK(crm::fold("Crème Brûlée") == "creme brulee");
  CHECK(crm::fold("Nguyễn Văn") == "nguyen van");
  CHECK(crm::fold("ÇA VA") == "ca va");
  CHECK(crm::fold("Ελλάδα") == "ελλαδα");
  CHECK(crm::fold("Москва") == "москва");
  CHECK(crm::fold("plain ascii 123") == "plain ascii 123");
  CHECK(crm::fold("") == "");
}

TEST_CASE("fold unifies precomposed and decomposed forms", "[text]") {
  // "é" as one code point and as e + combining acute.
  CHECK(crm::fold("Jos\xc3\xa9") == crm::fold("Jose\xcc\x81"));
  CHECK(crm::fold("Jose\xcc\x81") == "jose");
}

TEST_CASE("fold unifies compatibility forms", "[text]") {
  CHECK(crm::fold("\xef\xac\x81nance") == "finance");   // "ﬁ" ligature
  CHECK(crm::fold("ＡＣＭＥ") == "acme");                  // full-width letters
  CHECK(crm::fold("\xe2\x85\xa0") == "i");               // Roman numeral one
  CHECK(crm::fold("soft\xc2\xadhyphen") == "softhyphen");  // default-ignorable code point dropped
}

TEST_CASE("fold of invalid UTF-8 still lowercases the ASCII", "[text]") {
  CHECK(crm::fold("ABC\xff") == "abc\xff");
}

TEST_CASE("words splits folded text into runs of letters and digits", "[text]") {
  CHECK(crm::words("Acme Iberia S.L.") == Words{"acme", "iberia", "s", "l"});
  CHECK(crm::words("Nguyễn Văn") == Words{"nguyen", "van"});
  CHECK(crm::words("García-López, Ana") == Words{"garcia", "lopez", "ana"});
  CHECK(crm::words("O'Brien & Sons (UK) Ltd.") == Words{"o", "brien", "sons", "uk", "ltd"});
  CHECK(crm::words("ana@x.example") == Words{"ana", "x", "example"});
  CHECK(crm::words("Room 101, 2nd floor") == Words{"room", "101", "2nd", "floor"});
  CHECK(crm::words("東京 タワー") == Words{"東京", "タワー"});
  CHECK(crm::words("  \t ") == Words{});
  CHECK(crm::words("") == Words{});
  CHECK(crm::words("---") == Words{});
  CHECK(crm::words("ＡＣＭＥ　ＩＢＥＲＩＡ") == Words{"acme", "iberia"});  // ideographic space splits
}

TEST_CASE("valid_utf8 accepts UTF-8 and refuses malformed bytes", "[text]") {
  CHECK(crm::valid_utf8(""));
  CHECK(crm::valid_utf8("plain"));
  CHECK(crm::valid_utf8("García 日本 😀"));
  CHECK(crm::valid_utf8(std::string("a\0b", 3)));
  CHECK_FALSE(crm::valid_utf8("\xff"));
  CHECK_FALSE(crm::valid_utf8("abc\xfe"));
  CHECK_FALSE(crm::valid_utf8("\xc3\x28"));          // bad continuation
  CHECK_FALSE(crm::valid_utf8("\xc3"));              // truncated 2-byte
  CHECK_FALSE(crm::valid_utf8("\xe2\x82"));          // truncated 3-byte
  CHECK_FALSE(crm::valid_utf8("\xf0\x9f\x98"));      // truncated 4-byte
  CHECK_FALSE(crm::valid_utf8("\x80"));              // lone continuation
  CHECK_FALSE(crm::valid_utf8("\xc0\xaf"));          // overlong "/"
  CHECK_FALSE(crm::valid_utf8("\xe0\x80\xaf"));      // overlong "/"
  CHECK_FALSE(crm::valid_utf8("\xed\xa0\x80"));      // UTF-16 surrogate
  CHECK_FALSE(crm::valid_utf8("\xf4\x90\x80\x80"));  // beyond U+10FFFF
  CHECK_FALSE(crm::valid_utf8("Garc\xed" "a"));         // Latin-1 í
}

TEST_CASE("display_width counts terminal columns", "[text]") {
  CHECK(crm::display_width("") == 0u);
  CHECK(crm::display_width("abc") == 3u);
  CHECK(crm::display_width("García") == 6u);
  CHECK(crm::display_width("日本") == 4u);      // CJK: two columns each
  CHECK(crm::display_width("日本abc") == 7u);
  CHECK(crm::display_width("ｶﾀｶﾅ") == 4u);      // half-width katakana: one column
  CHECK(crm::display_width("한국어") == 6u);
  CHECK(crm::display_width("Jose\xcc\x81") == 4u);  // combining acute takes no column
  CHECK(crm::display_width("e\xcc\x81\xcc\x82") == 1u);
  CHECK(crm::display_width("😀") == 2u);
  CHECK(crm::display_width("a\xe2\x80\x8b" "b") == 2u);  // zero-width space
  CHECK(crm::display_width("…") == 1u);
  // ASCII is counted without utf8proc, and must agree with it: controls take no column.
  for (int c = 0; c < 0x80; ++c) {
    INFO("code point " << c);
    int w = utf8proc_charwidth(c);
    CHECK(crm::display_width(std::string(1, static_cast<char>(c))) == static_cast<size_t>(w < 0 ? 0 : w));
  }
}

TEST_CASE("truncate_to_width cuts to the width with an ellipsis", "[text]") {
  CHECK(crm::truncate_to_width("Hello world", 20) == "Hello world");
  CHECK(crm::truncate_to_width("Hello world", 11) == "Hello world");
  CHECK(crm::truncate_to_width("Hello world", 10) == "Hello wor…");
  CHECK(crm::truncate_to_width("Hello world", 5) == "Hell…");
  CHECK(crm::truncate_to_width("Hello world", 1) == "…");
  CHECK(crm::truncate_to_width("Hello world", 0) == "");
  CHECK(crm::truncate_to_width("", 0) == "");
  CHECK(crm::truncate_to_width("", 3) == "");
  // Wide characters are not split and the result never exceeds the width.
  CHECK(crm::truncate_to_width("日本語テキスト", 5) == "日本…");
  CHECK(crm::truncate_to_width("日本語テキスト", 4) == "日…");
  CHECK(crm::truncate_to_width("日本語テキスト", 2) == "…");
  CHECK(crm::truncate_to_width("日本語", 6) == "日本語");
  // Combining marks stay with their base letter.
  CHECK(crm::truncate_to_width("Jose\xcc\x81 Garci\xcc\x81" "a", 6) == "Jose\xcc\x81 …");
  CHECK(crm::truncate_to_width("e\xcc\x81" "e\xcc\x81" "e\xcc\x81", 2) == "e\xcc\x81…");
  // Multi-byte letters are never cut in the middle.
  CHECK(crm::truncate_to_width("ñññññ", 3) == "ññ…");
}

TEST_CASE("truncate_to_width: width and validity properties", "[text]") {
  const std::vector<std::string> samples = {"Ana García López",   "日本語のテキストです", "Nguyễn Văn An",
                                            "e\xcc\x81\xcc\x82xyz", "😀😀😀 smile",          "mixed 日本 text ñ"};
  for (const auto& s : samples) {
    for (size_t w = 0; w <= crm::display_width(s) + 1; ++w) {
      INFO("text: " << s << ", width: " << w);
      std::string t = crm::truncate_to_width(s, w);
      CHECK(crm::display_width(t) <= w);
      CHECK(crm::valid_utf8(t));
      if (crm::display_width(s) <= w) {
        CHECK(t == s);
      } else if (w > 0) {
        REQUIRE(t.size() >= 3u);
        CHECK(t.substr(t.size() - 3) == "…");
        CHECK(s.rfind(t.substr(0, t.size() - 3), 0) == 0);  // a prefix of the original
      }
    }
  }
}

TEST_CASE("trim, lower_ascii and split", "[text]") {
  CHECK(crm::trim("  a b \t\r\n") == "a b");
  CHECK(crm::trim("\n\t ") == "");
  CHECK(crm::trim("") == "");
  CHECK(crm::trim("x") == "x");
  CHECK(crm::lower_ascii("ÀBC Def") == "Àbc def");  // only ASCII changes
  CHECK(crm::split("a;b;;c", ';') == Words{"a", "b", "", "c"});
  CHECK(crm::split("", ';') == Words{""});
  CHECK(crm::split(";", ';') == Words{"", ""});
  CHECK(crm::split("abc", ';') == Words{"abc"});
}
