#!/usr/bin/env python3
"""Make a synthetic crm repository for benchmarks.

    bench/generate.py SCALE DIR

SCALE is XS (smoke test), S, M or L (see bench/README.md). The records are
written directly as files in exactly the form `crm` itself writes them
(field order from lib/model/schema.cpp, quoting rules from lib/model/yaml.cpp),
then `git init -b main`, `git add -A`, one commit, and `crm reindex`, which is
timed. The output is deterministic: the same SCALE always gives the same files
and the same commit id.

Notes (calls, emails, meetings) and follow-up tasks are records like the others:
crm indexes them, and git and rg see a realistic amount of text.

Facts about the generated data that run.sh needs (a contact id, a unique
full name, a company...) are written last, to DIR/.git/bench.json; its
presence marks a complete repository.
"""
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
import unicodedata
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
CRM = os.environ.get("CRM", os.path.join(os.path.dirname(HERE), "build", "crm"))

# contacts, companies, deals, notes
SCALES = {
    "XS": (100, 20, 50, 1000),
    "S": (1_000, 200, 500, 10_000),
    "M": (10_000, 2_000, 5_000, 100_000),
    "L": (100_000, 20_000, 50_000, 1_000_000),
}
SEED = {"XS": 20261100, "S": 20261101, "M": 20261102, "L": 20261103}
COMMIT_DATE = "2026-11-01T00:00:00+00:00"

# ---------------------------------------------------------------------------
# The YAML emitter: a port of lib/model/yaml.cpp (emit_yaml) and record_yaml's
# typed keys. Any difference here makes files that crm would rewrite.

RESERVED = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False",
            "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~"}
SAFE_PUNCT = set(b" ._-@/'()&,+;!?")
TYPED_KEYS = {"amount", "close", "birthday", "created", "at", "probability", "employees"}
TYPED_RE = re.compile(
    r"-?[0-9]+(\.[0-9]+)?|[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?")


def _alpha(c):
    return 65 <= c <= 90 or 97 <= c <= 122


def _alnum(c):
    return _alpha(c) or 48 <= c <= 57


def plain_safe(s):
    if not s or s in RESERVED:
        return False
    b = s.encode("utf-8")
    if not (_alpha(b[0]) or b[0] >= 0x80):
        return False
    if b[-1] == 0x20:
        return False
    for c in b:
        if c >= 0x80 or _alnum(c):
            continue
        if c not in SAFE_PUNCT:
            return False
    if "\x85" in s or "\u2028" in s or "\u2029" in s:
        return False
    return True


def double_quoted(s):
    r = bytearray(b'"')
    for c in s.encode("utf-8"):
        if c == 0x22:
            r += b'\\"'
        elif c == 0x5C:
            r += b"\\\\"
        elif c == 0x0A:
            r += b"\\n"
        elif c == 0x09:
            r += b"\\t"
        elif c == 0x0D:
            r += b"\\r"
        elif c < 0x20 or c == 0x7F:
            r += b"\\x%02x" % c
        else:
            r.append(c)
    r += b'"'
    return r.decode("utf-8")


def literal_ok(s):
    if "\n" not in s:
        return False
    for ch in s:
        c = ord(ch)
        if (c < 0x20 and ch not in "\n\t") or c == 0x7F:
            return False
    return "\r" not in s


def literal_block(s, indent):
    head = "|"
    if s and s[0] in " \n":
        head += "2"
    trailing = len(s) - len(s.rstrip("\n"))
    if trailing == 0:
        head += "-"
    elif trailing > 1:
        head += "+"
    body = s[: len(s) - trailing]
    pad = " " * indent
    r = [head, "\n"]
    for line in body.split("\n"):
        if line:
            r.append(pad)
        r.append(line)
        r.append("\n")
    r.append("\n" * max(0, trailing - 1))
    return "".join(r)


def scalar(v, typed, indent):
    """Returns (text, is_block)."""
    if v is None:
        return "null", False
    if v is True or v is False:
        return ("true" if v else "false"), False
    if isinstance(v, int):
        return str(v), False
    if typed and TYPED_RE.fullmatch(v):
        return v, False
    if plain_safe(v):
        return v, False
    if literal_ok(v):
        return literal_block(v, indent), True
    return double_quoted(v), False


def key_text(k):
    return k if plain_safe(k) else double_quoted(k)


def emit_map_body(out, m, indent, first_inline):
    pad = " " * indent
    first = True
    for k, v in m.items():
        if not (first and first_inline):
            out.append(pad)
        first = False
        out.append(key_text(k))
        out.append(":")
        typed = k in TYPED_KEYS
        if isinstance(v, dict) and v:
            out.append("\n")
            emit_map_body(out, v, indent + 2, False)
        elif isinstance(v, list) and v:
            out.append("\n")
            emit(out, v, indent + 2, typed)
        else:
            out.append(" ")
            emit(out, v, indent + 2, typed)


def emit(out, v, indent, typed):
    pad = " " * indent
    if isinstance(v, dict):
        if not v:
            out.append("{}\n")
            return
        emit_map_body(out, v, indent, False)
    elif isinstance(v, list):
        if not v:
            out.append("[]\n")
            return
        for item in v:
            out.append(pad + "- ")
            if isinstance(item, dict) and item:
                emit_map_body(out, item, indent + 2, True)
            elif isinstance(item, list) and item:
                out.append("\n")
                emit(out, item, indent + 2, typed)
            else:
                emit(out, item, indent + 2, typed)
    else:
        text, block = scalar(v, typed, indent)
        out.append(text)
        if not block:
            out.append("\n")


def to_yaml(m):
    out = []
    emit_map_body(out, m, 0, False)
    return "".join(out)


# Canonical field order (lib/model/schema.cpp). Empty values are left out, as canonical() does.
PARTY_TAIL = ["emails", "phones", "addresses", "website", "owner", "lifecycle", "source", "tags", "keep_in_touch",
              "fields", "notes", "created", "conflicts"]
ORDER = {
    "contact": ["name", "title", "department", "company", "reports_to", "birthday"] + PARTY_TAIL,
    "company": ["name", "domains", "industry", "employees", "parent"] + PARTY_TAIL,
    "deal": ["title", "company", "contacts", "owner", "stage", "amount", "currency", "probability", "close", "source",
             "tags", "lost_reason", "stage_history", "fields", "notes", "created", "conflicts"],
    "note": ["kind", "at", "subject", "contacts", "company", "deal", "campaign", "direction", "duration", "outcome",
             "author", "tags", "body", "fields", "created", "conflicts"],
    "task": ["title", "due", "done", "every", "contacts", "company", "deal", "owner", "priority", "tags", "notes",
             "fields", "created", "conflicts"],
}


def canonical(kind, data):
    out = {}
    for k in ORDER[kind]:
        v = data.get(k)
        if v is None or v == "" or v == [] or v == {}:
            continue
        out[k] = v
    extra = set(data) - set(ORDER[kind])
    assert not extra, (kind, extra)
    return out


CRM_YAML = """# crm repository settings; see crm(5).
schema: 1
currency: EUR
language: english
stages:
  lead: 10
  qualified: 25
  proposal: 50
  negotiation: 75
  won: 100
  lost: 0
lifecycle:
  - subscriber
  - lead
  - qualified
  - opportunity
  - customer
  - evangelist
  - former
  - other
note_kinds:
  - call
  - email
  - meeting
  - note
fields: {}
"""

# ---------------------------------------------------------------------------
# Vocabulary

LANGS = {
    # code: (first names, last names, country, phone format, cities, local sectors, legal suffixes)
    "es": ("Ana José María Lucía Álvaro Sofía Javier Inés Raúl Begoña Íñigo Martín Núria Ramón Adrián Elena Sergio "
           "Marta Andrés Rocío Pilar Ángel Héctor Mónica".split(),
           "García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz Hernández "
           "Díaz Muñoz Álvarez Romero Navarro Torres Domínguez Peña Ibáñez Castaño Núñez Calvo".split(),
           "ES", "+34 6## ### ###", "Madrid Barcelona Valencia Sevilla Bilbao Málaga Zaragoza A Coruña".split(" "),
           ["Consultores", "Logística", "Ingeniería", "Alimentación", "Construcciones", "Energía"], ["S.L.", "S.A."]),
    "de": ("Jürgen Günter Jörg Uwe Björn Käthe Lena Lukas Felix Sören Anja Maximilian Hannah Jonas Brigitte "
           "Matthias Sabine Tobias Ulrike Dörte Ralf Heike".split(),
           "Müller Schmidt Schneider Fischer Weiß Meyer Wagner Becker Schäfer Koch Bauer Richter Klein Wolf "
           "Schröder Neumann Schwarz Zimmermann Krüger Hoffmann Braun Groß Köhler Jäger Böhm Vogel".split(),
           "DE", "+49 ## #######", ["Berlin", "München", "Hamburg", "Köln", "Düsseldorf", "Stuttgart", "Nürnberg"],
           ["Logistik", "Maschinenbau", "Software", "Energie", "Bau", "Feinkost"], ["GmbH", "AG", "GmbH & Co. KG"]),
    "pl": ("Łukasz Paweł Małgorzata Agnieszka Krzysztof Michał Wojciech Katarzyna Żaneta Grzegorz Joanna Tomasz "
           "Zofia Jędrzej Bartłomiej Ewa Stanisław Jolanta".split(),
           "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak Dąbrowski "
           "Kozłowski Jankowski Mazur Krawczyk Piotrowski Grabowski Pawłowski Michalski Król Wróbel Wieczorek "
           "Jabłoński Sokołowski".split(),
           "PL", "+48 5## ### ###", ["Warszawa", "Kraków", "Łódź", "Wrocław", "Poznań", "Gdańsk", "Szczecin"],
           ["Systemy", "Budownictwo", "Logistyka", "Energetyka", "Meble"], ["Sp. z o.o.", "S.A."]),
    "no": ("Øyvind Bjørn Søren Åsa Ingrid Kjell Ragnhild Sigrid Torbjørn Mette Jørgen Solveig Håkon Linnéa Åke "
           "Maja Nils Astrid Frøydis Ståle".split(),
           "Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen Johnsen Pettersen "
           "Eriksen Berg Haugen Hagen Bakken Dahl Sørensen Lindqvist Åberg Ødegård Strøm Løvås Sjöberg "
           "Bäckström".split(),
           "NO", "+47 ### ## ###", ["Oslo", "Bergen", "Trondheim", "Stavanger", "Tromsø", "Ålesund"],
           ["Energi", "Shipping", "Bygg", "Sjømat", "Data"], ["AS", "ASA"]),
    "vi": ("Minh Thảo Hương Tuấn Linh Dũng Phương Quang Hạnh Bảo Thủy Long Trang Đức Anh Khánh Nhung Vy".split(),
           "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split(),
           "VN", "+84 9# ### ## ##", ["Hà Nội", "Hồ Chí Minh", "Đà Nẵng", "Hải Phòng", "Cần Thơ"],
           ["Công nghệ", "Thương mại", "Xây dựng", "Vận tải"], ["JSC", "Co., Ltd"]),
    "fr": ("Zoë Chloé Éloïse Amélie François Hélène Jérôme Céline Benoît Anaïs Théo Léa Noémie Raphaël Maël "
           "Gaëlle Loïc Aurélien Sébastien Mathilde".split(),
           "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèvre Michel "
           "Garnier Faure Rousseau Chevalier Lemaître Bérenger Gauthier Mercier".split(),
           "FR", "+33 6 ## ## ## ##", ["Paris", "Lyon", "Marseille", "Toulouse", "Nantes", "Lille", "Bordeaux"],
           ["Conseil", "Ingénierie", "Énergie", "Bâtiment", "Distribution"], ["SARL", "SAS", "SA"]),
    "pt": ("João Conceição Gonçalo Luís Inês Sebastião Leonor Antônio Lúcia Tomás Beatriz Vitória Fábio "
           "Rafaela".split(),
           "Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Gonçalves Gomes Lopes Marques Simões "
           "Magalhães Araújo Brandão Guimarães".split(),
           "PT", "+351 9## ### ###", ["Lisboa", "Porto", "Braga", "Coimbra", "Faro"],
           ["Engenharia", "Comércio", "Alimentos", "Construção"], ["Lda.", "S.A."]),
    "tr": ("Çağla Gökhan Şule Özge Ömer Ayşe Emre Büşra İsmail Barış Elif Mehmet Gülşen Tolga".split(),
           "Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç Aslan Çetin "
           "Kara Koç Kurt Özkan Şimşek".split(),
           "TR", "+90 5## ### ## ##", ["İstanbul", "Ankara", "İzmir", "Bursa", "Antalya"],
           ["İnşaat", "Tekstil", "Yazılım", "Gıda", "Lojistik"], ["A.Ş.", "Ltd. Şti."]),
    "cs": ("Jiří Tomáš Lucie Petra Zdeněk Radek Kateřina Věra Lukáš Ondřej Tereza Markéta Přemysl".split(),
           "Novák Svoboda Novotný Dvořák Černý Procházka Kučera Veselý Horák Němec Pokorný Marek Růžička Král "
           "Beneš Fiala".split(),
           "CZ", "+420 6## ### ###", ["Praha", "Brno", "Ostrava", "Plzeň", "Olomouc"],
           ["Stavby", "Strojírny", "Software", "Doprava"], ["s.r.o.", "a.s."]),
    "en": ("Oliver Emily Siobhán Seán Niamh James Charlotte Aoife Liam Harriet Michael Jessica Oisín Grace Daniel "
           "Sarah Chidi Priya".split(),
           "Smith Jones Williams Brown Taylor Davies Evans O'Brien O'Connor Murphy Walsh McCarthy Kelly Byrne Ryan "
           "Thompson Wright Walker Robinson Clarke".split(),
           "GB", "+44 20 7946 0###", ["London", "Manchester", "Dublin", "Leeds", "Bristol", "Edinburgh"],
           ["Analytics", "Logistics", "Systems", "Foods", "Energy", "Robotics", "Health", "Media"],
           ["Ltd", "plc", "Inc."]),
    "it": ("Niccolò Giulia Francesca Lorenzo Chiara Matteo Alessandro Martina Federica Andrea Giorgio Paola "
           "Nicolò Ludovica".split(),
           "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti De Luca "
           "Mancini Giordano Rizzo Lombardi Moretti Sanità".split(" "),
           "IT", "+39 3## ### ####", ["Milano", "Roma", "Torino", "Napoli", "Bologna", "Firenze"],
           ["Costruzioni", "Alimentari", "Meccanica", "Moda", "Servizi"], ["S.r.l.", "S.p.A."]),
    "hu": ("Zoltán Gábor Ágnes Éva László Katalin Péter Réka Bálint Zsófia Ödön Tünde".split(),
           "Nagy Kovács Tóth Szabó Horváth Varga Kiss Molnár Németh Farkas Balogh Papp Takács Juhász Lakatos "
           "Mészáros".split(),
           "HU", "+36 30 ### ####", ["Budapest", "Debrecen", "Szeged", "Pécs", "Győr"],
           ["Építő", "Informatika", "Szállítmányozás"], ["Kft.", "Zrt."]),
    "ja": ("Yūki Haruto Sōta Aoi Ren Hinata Kenta Yui Shōhei Mei Takumi Sakura".split(),
           "Satō Suzuki Takahashi Tanaka Itō Watanabe Yamamoto Nakamura Kobayashi Katō Ōno Saitō".split(),
           "JP", "+81 3 #### ####", ["Tōkyō", "Ōsaka", "Kyōto", "Yokohama", "Sapporo"],
           ["Shōji", "Denki", "Kōgyō", "Seiyaku"], ["K.K.", "Co., Ltd."]),
}
LANG_WEIGHTS = {"es": 12, "de": 12, "pl": 7, "no": 5, "vi": 5, "fr": 10, "pt": 6, "tr": 5, "cs": 4, "en": 18,
                "it": 8, "hu": 3, "ja": 5}
BRANDS = ("Acme Nimbus Vertex Orbit Helix Quantum Aurora Cobalt Lumen Pioneer Summit Atlas Nova Zenith Beacon Cedar "
          "Granite Harbor Juniper Keystone Meridian Northwind Polaris Redwood Sapphire Tundra Vanguard Willow "
          "Brightline Clearwater Evergreen Ironbridge Silverline Bluefin Fjord Lighthouse Moonstone Riverbend "
          "Stonegate Sunflower").split()
EN_SECTORS = ("Analytics Logistics Systems Foods Energy Robotics Health Media Software Textiles Capital Labs "
              "Consulting Design Pharma Motors Solar Retail Security Networks Biotech Marine Aerospace").split()
INDUSTRIES = ["Software", "Manufacturing", "Logistics", "Retail", "Healthcare", "Financial Services", "Energy",
              "Construction", "Food & Beverage", "Telecommunications", "Education", "Media", "Automotive",
              "Pharmaceuticals", "Consulting", "Hospitality", "Agriculture", "Public Sector", "Textiles", "Shipping"]
TITLES = ["CEO", "CTO", "CFO", "COO", "Head of Sales", "Head of Marketing", "VP Engineering", "VP, Sales & Marketing",
          "Procurement Manager", "Purchasing Lead", "Office Manager", "IT Manager", "Software Engineer",
          "Senior Software Engineer", "Data Analyst", "Product Manager", "Account Manager", "Operations Manager",
          "Finance Director", "Controller", "HR Business Partner", "Legal Counsel", "Project Manager",
          "Customer Success Manager", "Head of Ops", "Director of Logistics", "Plant Manager", "Buyer",
          "Marketing Specialist", "Chief Revenue Officer", "Founder", "Co-founder & CEO", "Assistant to the CEO"]
DEPARTMENTS = ["Engineering", "Sales", "Marketing", "Finance", "Accounts Payable", "Procurement", "Operations",
               "IT", "Human Resources", "Legal", "R&D", "Customer Success", "Executive", "Logistics", "Product"]
TAGS = ["vip", "newsletter", "partner", "prospect", "churn-risk", "decision-maker", "technical", "event-2025",
        "beta", "key account", "referral", "trade-fair", "budget-holder", "champion", "gdpr-consent"]
OWNERS = ["ana", "ben", "chloé", "dmitri", "eva", "farid", "greta", "hiro", "ines", "jonas"]
SOURCES = ["referral", "web", "event", "inbound", "outbound", "partner", "linkedin", "trade fair", "cold call"]
LIFECYCLE = ["subscriber", "lead", "qualified", "opportunity", "customer", "evangelist", "former", "other"]
PRODUCTS = ["CRM rollout", "Data platform", "Support contract", "Fleet telematics", "Website relaunch",
            "ERP integration", "Cloud migration", "Security audit", "Annual licence", "Training package",
            "Warehouse robots", "Solar installation", "Consulting retainer", "Analytics dashboard", "Mobile app",
            "Hardware refresh", "Managed services", "Pilot project", "Expansion seats", "Maintenance renewal"]
STAGES = ["lead", "qualified", "proposal", "negotiation", "won", "lost"]
STAGE_WEIGHTS = [20, 18, 17, 12, 20, 13]
LOST_REASONS = ["price too high", "chose a competitor", "no budget this year", "project cancelled",
                "went silent", "timing", "missing feature: SSO", "bought in-house"]
CURRENCIES = ["EUR"] * 14 + ["USD"] * 4 + ["GBP", "PLN", "NOK"]
NOTE_KINDS = ["call", "email", "meeting", "note"]

SUBJECTS = {
    "call": ["Intro call", "Follow-up call about {p}", "Quick call: pricing for {p}", "Call with {n} re. renewal",
             "Discovery call", "Check-in call", "Escalation call: delivery delay"],
    "email": ["Re: proposal for {p}", "Re: invoice {num}", "Fwd: contract draft v{v}", "Re: meeting next week",
              "Pricing question", "Re: onboarding plan", "Re: {p} timeline"],
    "meeting": ["Kick-off meeting", "Quarterly business review", "Workshop: requirements for {p}",
                "On-site visit in {c}", "Demo of {p}", "Steering committee", "Lunch with {n}"],
    "note": ["Internal note", "Account plan", "Notes from trade fair", "Org chart update", "Risk: {p}",
             "Budget cycle", "Competitor sighting"],
}
SENTENCES = [
    "{n} confirmed that the budget for {p} is approved for Q{q}.",
    "They are comparing us with two other vendors and expect a decision by {d}.",
    "Main concern is the migration effort; {n} wants a pilot with {k} users first.",
    "We agreed to send a revised quote of {a} {cur} including the training days.",
    "Procurement needs the security questionnaire and our ISO 27001 certificate.",
    "{n} mentioned that the current system is slow and nobody trusts the reports.",
    "Next step: technical workshop in {c} with their IT team.",
    "The contract renewal is due on {d}; they asked for a multi-year discount.",
    "Delivery of the second batch slipped by {k} days because of customs in {c}.",
    "Legal wants changes to the liability clause (section {k}) before signing.",
    "They liked the demo, especially the reporting and the mobile app.",
    "{n} will introduce us to the CFO, who signs anything above {a} {cur}.",
    "Invoice {num} is still unpaid; accounts payable says it is in the approval queue.",
    "Onboarding went well; {k} people were trained and the import of old data is done.",
    "Competitor offered a lower price but without on-site support.",
    "Asked for references from customers in the same industry.",
    "Decision postponed until after the reorganisation in {c} is complete.",
    "Good relationship; {n} is our champion but is not the decision maker.",
    "Sent the case study and the pricing sheet by email after the call.",
    "Action items: update the proposal, book the workshop room, confirm the attendees.",
    "They want the data to stay in the EU and asked where our servers are.",
    "Budget is frozen until {d}, then we can restart the discussion.",
    "The pilot showed a {k}% reduction in manual work, which impressed management.",
    "Need to follow up with {n} about the open support tickets before the review.",
    "Met at the trade fair in {c}; interested in {p} for their {k} sites.",
]


def ascii_fold(s):
    s = (s.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O").replace("đ", "d")
         .replace("Đ", "D").replace("ß", "ss").replace("æ", "ae").replace("Æ", "AE").replace("ı", "i"))
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if not unicodedata.combining(ch))


def slug(s, sep="-"):
    s = ascii_fold(s).lower()
    s = re.sub(r"[^a-z0-9]+", sep, s).strip(sep)
    return s


ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


class Gen:
    def __init__(self, scale, root):
        self.scale = scale
        self.root = root
        self.rng = random.Random(SEED[scale])
        self.ids = set()
        self.langs = list(LANG_WEIGHTS)
        self.lang_w = [LANG_WEIGHTS[k] for k in self.langs]
        self.files = 0
        self.bytes = 0
        self.dirs = set()

    def new_id(self):
        r = self.rng
        while True:
            i = "".join(r.choice(ALPHABET) for _ in range(10))
            if i not in self.ids:
                self.ids.add(i)
                return i

    def write(self, folder, rid, kind, data):
        text = to_yaml(canonical(kind, data))
        shard = os.path.join(self.root, folder, rid[:2])
        if shard not in self.dirs:  # only the shards in use, as crm makes them
            os.makedirs(shard, exist_ok=True)
            self.dirs.add(shard)
        path = os.path.join(shard, rid + ".yaml")
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        self.files += 1
        self.bytes += len(text.encode("utf-8"))

    def moment(self, start, end):
        """ISO datetime with Z between two datetimes."""
        span = int((end - start).total_seconds())
        t = start + timedelta(seconds=self.rng.randrange(span))
        return t

    @staticmethod
    def iso(t):
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")

    def phone(self, lang):
        fmt = LANGS[lang][3]
        return "".join(str(self.rng.randrange(10)) if ch == "#" else ch for ch in fmt)

    def lang(self):
        return self.rng.choices(self.langs, self.lang_w)[0]

    def person_name(self, lang):
        first, last = LANGS[lang][0], LANGS[lang][1]
        r = self.rng
        f = r.choice(first)
        l = r.choice(last)
        if lang in ("es", "pt") and r.random() < 0.35:
            l2 = r.choice(last)
            if l2 != l:
                l = l + " " + l2
        elif lang in ("de", "pl", "cs", "en", "fr") and r.random() < 0.06:
            l2 = r.choice(last)
            if l2 != l:
                l = l + "-" + l2
        if lang == "vi" and r.random() < 0.5:
            f = r.choice(["Văn", "Thị", "Minh", "Ngọc", "Hữu"]) + " " + f
        return f, l

    # -- companies ----------------------------------------------------------

    def company_name(self, lang):
        r = self.rng
        sectors, suffixes = LANGS[lang][5], LANGS[lang][6]
        p = r.random()
        if p < 0.3:
            base = r.choice(LANGS[lang][1]) + " " + r.choice(sectors)
        elif p < 0.45:
            a, b = r.sample(LANGS[lang][1], 2)
            base = a + " & " + b
        elif p < 0.75:
            base = r.choice(BRANDS) + " " + r.choice(EN_SECTORS)
        else:
            base = r.choice(BRANDS) + r.choice(["", "", " "]) + r.choice(BRANDS).lower() + " " + r.choice(sectors)
        if r.random() < 0.85:
            base += " " + r.choice(suffixes)
        return base

    def address(self, lang):
        r = self.rng
        city = r.choice(LANGS[lang][4])
        street = r.choice(["Calle Mayor", "Hauptstraße", "ul. Długa", "Storgata", "Rue de la Paix", "Via Roma",
                           "High Street", "Rua Augusta", "Václavské náměstí", "Andrássy út", "Đường Lê Lợi",
                           "İstiklal Caddesi", "Chūō-dōri"]) + " " + str(r.randrange(1, 200))
        return {"label": r.choice(["billing", "office", "shipping", "hq"]), "street": street, "city": city,
                "postal_code": "%05d" % r.randrange(1000, 99999), "country": LANGS[lang][2]}

    def companies(self, n):
        r = self.rng
        out = []
        domains = set()
        start, end = datetime(2019, 1, 1, tzinfo=timezone.utc), datetime(2026, 10, 31, tzinfo=timezone.utc)
        for i in range(n):
            lang = self.lang()
            name = self.company_name(lang)
            base = slug(re.sub(r"\b(GmbH & Co\. KG|GmbH|AG|S\.L\.|S\.A\.|Sp\. z o\.o\.|ASA|AS|JSC|Co\., Ltd\.?|SARL|"
                               r"SAS|SA|Lda\.|A\.Ş\.|Ltd\. Şti\.|s\.r\.o\.|a\.s\.|Ltd|plc|Inc\.|S\.r\.l\.|S\.p\.A\.|"
                               r"Kft\.|Zrt\.|K\.K\.)$", "", name).strip())
            dom = base + ".example"
            k = 2
            while dom in domains:
                dom = "%s-%d.example" % (base, k)
                k += 1
            domains.add(dom)
            cid = self.new_id()
            created = self.moment(start, end)
            data = {
                "name": name,
                "domains": [dom] + ([base + "-" + LANGS[lang][2].lower() + ".example"] if r.random() < 0.05 else []),
                "industry": r.choice(INDUSTRIES) if r.random() < 0.8 else None,
                "employees": int(10 ** r.uniform(0.7, 4.7)) if r.random() < 0.7 else None,
                "parent": out[r.randrange(len(out))]["id"] if out and r.random() < 0.05 else None,
                "phones": [self.phone(lang)] if r.random() < 0.8 else [],
                "addresses": [self.address(lang)] if r.random() < 0.6 else [],
                "website": "https://www." + dom if r.random() < 0.7 else None,
                "owner": r.choice(OWNERS) if r.random() < 0.9 else None,
                "lifecycle": r.choice(["lead", "opportunity", "customer", "customer", "former"]) if r.random() < 0.7 else None,
                "source": r.choice(SOURCES) if r.random() < 0.4 else None,
                "tags": r.sample(TAGS, r.choice([0, 0, 1, 1, 2])),
                "notes": self.paragraphs(r.randint(1, 2), {"c": r.choice(LANGS[lang][4])}) if r.random() < 0.1 else None,
                "created": self.iso(created),
            }
            self.write("companies", cid, "company", data)
            out.append({"id": cid, "name": name, "domain": dom, "lang": lang, "created": created,
                        "contacts": [], "deals": [], "emails": set()})
        return out

    # -- contacts -----------------------------------------------------------

    def contacts(self, n, companies):
        r = self.rng
        out = []
        names = {}
        end = datetime(2026, 10, 31, tzinfo=timezone.utc)
        # Company sizes are skewed: a few big accounts, many small ones.
        weights = [r.paretovariate(1.3) for _ in companies]
        for i in range(n):
            co = r.choices(companies, weights)[0] if r.random() < 0.96 else None
            lang = co["lang"] if co and r.random() < 0.7 else self.lang()
            first, last = self.person_name(lang)
            full = first + " " + last
            cid = self.new_id()
            if co:
                domain = co["domain"]
                used = co["emails"]
            else:
                domain = r.choice(["mail.example", "post.example", "inbox.example"])
                used = self.free_mail = getattr(self, "free_mail", set())
            local = slug(first, ".") + "." + slug(last, ".")
            cand = [local, slug(first, ".")[0] + "." + slug(last, "."), slug(first, ".") + slug(last, "")[:1]]
            email = None
            for c in cand:
                if c not in used:
                    email = c
                    break
            k = 2
            while email is None:
                if local + str(k) not in used:
                    email = local + str(k)
                k += 1
            used.add(email)
            email = email + "@" + domain
            created = self.moment(co["created"] if co else datetime(2019, 1, 1, tzinfo=timezone.utc), end)
            emails = [email] if r.random() < 0.8 else [{"work": email}]
            if r.random() < 0.1:
                emails.append({"home": slug(first, ".") + "." + str(r.randrange(10, 99)) + "@mail.example"})
            phones = []
            if r.random() < 0.7:
                phones.append(self.phone(lang) if r.random() < 0.6 else {r.choice(["mobile", "work"]): self.phone(lang)})
            if r.random() < 0.15:
                phones.append({"mobile": self.phone(lang)})
            reports_to = None
            if co and co["contacts"] and r.random() < 0.6:
                # Managers come earlier in the company's list: a tree, never a cycle.
                reports_to = r.choice(co["contacts"][: max(1, len(co["contacts"]) // 3)])["id"]
            data = {
                "name": full,
                "title": r.choice(TITLES) if r.random() < 0.8 else None,
                "department": r.choice(DEPARTMENTS) if r.random() < 0.6 else None,
                "company": co["id"] if co else None,
                "reports_to": reports_to,
                "birthday": "%04d-%02d-%02d" % (r.randrange(1955, 2003), r.randrange(1, 13), r.randrange(1, 29))
                if r.random() < 0.15 else None,
                "emails": emails,
                "phones": phones,
                "addresses": [self.address(lang)] if r.random() < 0.05 else [],
                "website": "linkedin.example/in/" + slug(full) if r.random() < 0.1 else None,
                "owner": r.choice(OWNERS) if r.random() < 0.9 else None,
                "lifecycle": r.choice(LIFECYCLE) if r.random() < 0.6 else None,
                "source": r.choice(SOURCES) if r.random() < 0.4 else None,
                "tags": r.sample(TAGS, r.choice([0, 0, 0, 1, 1, 2, 3])),
                "keep_in_touch": r.choice(["30d", "2w", "3m", "6m", "1y"]) if r.random() < 0.1 else None,
                "notes": (self.paragraphs(r.randint(1, 2), {"n": first, "c": r.choice(LANGS[lang][4])})
                          if r.random() < 0.5 else r.choice(["Prefers email.", "Speaks " + lang + ".",
                                                            "Met at the conference: very interested."]))
                if r.random() < 0.1 else None,
                "created": self.iso(created),
            }
            self.write("contacts", cid, "contact", data)
            rec = {"id": cid, "name": full, "first": first, "email": email, "company": co}
            out.append(rec)
            if co:
                co["contacts"].append(rec)
            key = ascii_fold(full).casefold()
            names[key] = names.get(key, 0) + 1
        return out, names

    # -- deals --------------------------------------------------------------

    def deals(self, n, companies):
        r = self.rng
        out = []
        with_contacts = [c for c in companies if c["contacts"]]
        for i in range(n):
            co = r.choice(with_contacts) if with_contacts and r.random() < 0.9 else r.choice(companies)
            did = self.new_id()
            stage = r.choices(STAGES, STAGE_WEIGHTS)[0]
            created = self.moment(datetime(2024, 1, 1, tzinfo=timezone.utc), datetime(2026, 10, 1, tzinfo=timezone.utc))
            # Path through the pipeline up to the current stage.
            if stage in ("won", "lost"):
                path = STAGES[: r.randint(1, 4)] + [stage]
            else:
                path = STAGES[: STAGES.index(stage) + 1]
                path = path[r.randint(0, len(path) - 1):] if r.random() < 0.3 else path
            history, t = [], created
            for s in path:
                history.append({"stage": s, "at": self.iso(t)})
                t = t + timedelta(days=r.randint(2, 45), seconds=r.randrange(86400))
            close = datetime(2025, 1, 1) + timedelta(days=r.randrange(3 * 365))
            cents = r.random() < 0.4
            amount = r.choice([500, 1000, 2500, 5000, 10000, 25000, 50000, 120000]) * r.uniform(0.5, 3)
            amount = ("%.2f" % amount) if cents else str(int(amount // 100 * 100))
            people = r.sample(co["contacts"], min(len(co["contacts"]), r.choice([1, 1, 2, 3]))) if co["contacts"] else []
            product = r.choice(PRODUCTS)
            title = r.choice([product, product + " " + str(close.year), co["name"].split(" ")[0] + ": " + product,
                              product + " (phase " + str(r.randint(2, 4)) + ")"])
            data = {
                "title": title,
                "company": co["id"],
                "contacts": [p["id"] for p in people],
                "owner": r.choice(OWNERS) if r.random() < 0.95 else None,
                "stage": stage,
                "amount": amount if r.random() < 0.95 else None,
                "currency": r.choice(CURRENCIES),
                "probability": r.choice([5, 15, 30, 40, 60, 80, 90]) if stage not in ("won", "lost") and r.random() < 0.25 else None,
                "close": close.strftime("%Y-%m-%d"),
                "source": r.choice(SOURCES) if r.random() < 0.5 else None,
                "tags": r.sample(["q1", "q2", "q3", "q4", "upsell", "new-logo", "renewal", "strategic"], r.choice([0, 1, 1, 2])),
                "lost_reason": r.choice(LOST_REASONS) if stage == "lost" and r.random() < 0.9 else None,
                "stage_history": history,
                "notes": self.paragraphs(1, {"p": product}) if r.random() < 0.15 else None,
                "created": history[0]["at"],
            }
            if data["amount"] is None:
                data["currency"] = None
            self.write("deals", did, "deal", data)
            rec = {"id": did, "title": title, "company": co}
            co["deals"].append(rec)
            out.append(rec)
        return out

    # -- notes --------------------------------------------------------------

    def sentence(self, ctx):
        r = self.rng
        s = r.choice(SENTENCES)
        return s.format(n=ctx.get("n") or r.choice(["Marta", "Jörg", "Øyvind", "Thảo", "Łukasz", "Zoë"]),
                        p=ctx.get("p") or r.choice(PRODUCTS).lower(),
                        c=ctx.get("c") or "Madrid", q=r.randint(1, 4), k=r.randint(2, 40),
                        a=r.choice(["4,800", "12,500", "23,000", "87,999.99", "150,000"]),
                        cur=ctx.get("cur", "EUR"), num="INV-%06d" % r.randrange(1000000),
                        d=(datetime(2025, 1, 1) + timedelta(days=r.randrange(1000))).strftime("%d %B %Y"))

    def paragraphs(self, count, ctx):
        r = self.rng
        paras = []
        for _ in range(count):
            paras.append(" ".join(self.sentence(ctx) for _ in range(r.randint(2, 5))))
        return "\n\n".join(paras) + "\n"

    def wrap(self, text, width=78):
        lines = []
        for para in text.split("\n"):
            line = ""
            for w in para.split(" "):
                if line and len(line) + 1 + len(w) > width:
                    lines.append(line)
                    line = w
                else:
                    line = (line + " " + w) if line else w
            lines.append(line)
        return "\n".join(lines)

    def notes(self, n, companies, contacts):
        r = self.rng
        with_contacts = [c for c in companies if c["contacts"]]
        weights = [len(c["contacts"]) + 2 * len(c["deals"]) for c in with_contacts]
        start, end = datetime(2023, 1, 1, tzinfo=timezone.utc), datetime(2026, 11, 20, tzinfo=timezone.utc)
        for i in range(n):
            co = r.choices(with_contacts, weights)[0]
            people = r.sample(co["contacts"], min(len(co["contacts"]), r.choice([1, 1, 1, 2, 3])))
            deal = r.choice(co["deals"]) if co["deals"] and r.random() < 0.4 else None
            kind = r.choices(NOTE_KINDS, [30, 35, 20, 15])[0]
            at = self.moment(start, end)
            ctx = {"n": people[0]["first"], "p": (deal["title"] if deal else r.choice(PRODUCTS)).lower(),
                   "c": r.choice(LANGS[co["lang"]][4])}
            subject = r.choice(SUBJECTS[kind]).format(p=ctx["p"], n=ctx["n"], c=ctx["c"],
                                                      num="INV-%06d" % r.randrange(1000000), v=r.randint(2, 9))
            body = self.paragraphs(r.choice([1, 2, 2, 3, 3, 4]), ctx)
            if kind == "email":
                body = "Hi " + ctx["n"] + ",\n\n" + body + "\nBest regards,\n" + r.choice(OWNERS).capitalize() + "\n"
            body = self.wrap(body.rstrip("\n")) + "\n"
            nid = self.new_id()
            data = {
                "kind": kind,
                "at": self.iso(at),
                "contacts": [p["id"] for p in people],
                "company": co["id"],
                "deal": deal["id"] if deal else None,
                "subject": subject,
                "duration": "%dm" % r.choice([15, 30, 45, 60]) if kind in ("call", "meeting") else None,
                "author": r.choice(OWNERS).capitalize(),
                "body": body,
                "created": self.iso(at + timedelta(minutes=r.randint(0, 240))),
            }
            self.write("notes", nid, "note", data)
            if (i + 1) % 100000 == 0:
                print("  notes: %d/%d" % (i + 1, n), flush=True)


    # -- tasks --------------------------------------------------------------

    def tasks(self, n, companies):
        """Follow-ups due from two months before the bench's "today" to two months after; older ones done."""
        r = self.rng
        with_contacts = [c for c in companies if c["contacts"]]
        today = datetime(2026, 11, 23, tzinfo=timezone.utc)
        for i in range(n):
            co = r.choice(with_contacts)
            person = r.choice(co["contacts"])
            due = today + timedelta(days=r.randint(-60, 60))
            timed = r.random() < 0.2
            data = {
                "title": r.choice(["Call back", "Send proposal", "Follow up on invoice", "Book demo",
                                   "Quarterly check-in", "Send contract"]) + " (" + person["first"] + ")",
                "due": due.strftime("%Y-%m-%dT10:00:00Z") if timed else due.strftime("%Y-%m-%d"),
                "done": self.iso(due - timedelta(hours=r.randint(1, 48))) if due < today and r.random() < 0.8 else None,
                "every": r.choice(["2w", "1m", "3m"]) if r.random() < 0.05 else None,
                "contacts": [person["id"]],
                "company": co["id"],
                "owner": r.choice(OWNERS),
                "priority": r.choice(["low", "high"]) if r.random() < 0.2 else None,
                "created": self.iso(due - timedelta(days=r.randint(1, 30))),
            }
            self.write("tasks", self.new_id(), "task", data)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in SCALES:
        sys.exit("usage: generate.py {%s} DIR" % "|".join(SCALES))
    scale, root = sys.argv[1], os.path.abspath(sys.argv[2])
    if os.path.exists(root) and os.listdir(root):
        sys.exit("generate.py: %s exists and is not empty; remove it first" % root)
    n_contacts, n_companies, n_deals, n_notes = SCALES[scale]
    os.makedirs(root, exist_ok=True)
    t0 = time.monotonic()
    with open(os.path.join(root, "crm.yaml"), "w", encoding="utf-8") as f:
        f.write(CRM_YAML)
    g = Gen(scale, root)
    companies = g.companies(n_companies)
    contacts, names = g.contacts(n_contacts, companies)
    deals = g.deals(n_deals, companies)
    print("generate: %d companies, %d contacts, %d deals written" % (n_companies, n_contacts, n_deals), flush=True)
    g.notes(n_notes, companies, contacts)
    n_tasks = n_contacts // 2
    g.tasks(n_tasks, companies)
    t1 = time.monotonic()
    print("generate: %d files, %.1f MB of YAML in %.1f s" % (g.files + 1, g.bytes / 1e6, t1 - t0), flush=True)

    env = dict(os.environ, GIT_AUTHOR_NAME="crm bench", GIT_AUTHOR_EMAIL="bench@crm.example",
               GIT_COMMITTER_NAME="crm bench", GIT_COMMITTER_EMAIL="bench@crm.example",
               GIT_AUTHOR_DATE=COMMIT_DATE, GIT_COMMITTER_DATE=COMMIT_DATE)
    run(["git", "init", "-q", "-b", "main", root], env=env)
    run(["git", "-C", root, "config", "user.name", "crm bench"], env=env)
    run(["git", "-C", root, "config", "user.email", "bench@crm.example"], env=env)
    run(["git", "-C", root, "add", "-A"], env=env)
    run(["git", "-C", root, "commit", "-q", "-m", "bench: generated %s data set" % scale], env=env)
    head = subprocess.run(["git", "-C", root, "rev-parse", "HEAD"], check=True, capture_output=True,
                          text=True).stdout.strip()
    t2 = time.monotonic()
    print("git: init + add + commit in %.1f s (HEAD %s)" % (t2 - t1, head), flush=True)

    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t3 = time.monotonic()
    run([CRM, "-C", root, "-q", "reindex"], env=env)
    t4 = time.monotonic()
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print("crm reindex: %.2f s (%d records; peak RSS of the children so far %d MB%s)" % (
        t4 - t3, n_contacts + n_companies + n_deals + n_notes + n_tasks, rss // 1024,
        "" if rss > before else ", may be git's"), flush=True)

    # Facts for run.sh: a contact with a unique full name (folded as crm folds it) and a
    # unique 6-character id prefix, and a company to add contacts to.
    prefixes = {}
    for i in g.ids:
        prefixes[i[:6]] = prefixes.get(i[:6], 0) + 1
    pick = None
    for c in contacts[len(contacts) // 2:] + contacts:
        if c["company"] and names[ascii_fold(c["name"]).casefold()] == 1 and prefixes[c["id"][:6]] == 1:
            pick = c
            break
    big = max(companies, key=lambda c: len(c["contacts"]))
    meta = {
        "scale": scale, "contacts": n_contacts, "companies": n_companies, "deals": n_deals, "notes": n_notes, "tasks": n_tasks,
        "files": g.files + 1, "yaml_bytes": g.bytes, "head": head,
        "contact_id": pick["id"], "contact_prefix": pick["id"][:6], "contact_name": pick["name"],
        "contact_email": pick["email"],
        "company_id": big["id"], "company_name": big["name"], "company_domain": big["domain"],
        "generate_s": round(t1 - t0, 2), "git_s": round(t2 - t1, 2), "reindex_s": round(t4 - t3, 2),
    }
    with open(os.path.join(root, ".git", "bench.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, ensure_ascii=False, indent=1)
    print("generate: done in %.1f s; facts in %s" % (time.monotonic() - t0, os.path.join(root, ".git", "bench.json")))


if __name__ == "__main__":
    main()
