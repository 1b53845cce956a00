#!/usr/bin/env python3
"""Generate N synthetic vCard 3.0 files (one card each, CRLF, like a khard/vdirsyncer folder) for
`crm import vcard` timings. Seeded: the same N gives the same files.

    python3 bench/vcards.py 10000 /tmp/vcards
"""
import os
import random
import sys

FIRST = ["Ana", "Luis", "Marta", "José", "Zoë", "Jürgen", "Chidi", "Mei", "Søren", "Lucía", "Hank", "Priya"]
LAST = ["García", "Pérez", "Müller", "Okafor", "Dubois", "Þórsson", "López", "Tanaka", "Smith", "Ivanova"]
ORGS = ["Acme Iberia", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay Industries", "Stark Industries"]
WORDS = "budget proposal demo renewal contract pricing follow-up intro meeting expo referral".split()


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    random.seed(42)
    os.makedirs(out, exist_ok=True)
    for i in range(n):
        first, last = random.choice(FIRST), random.choice(LAST)
        org = random.choice(ORGS)
        lines = [
            "BEGIN:VCARD", "VERSION:3.0", f"UID:bench-{i:06d}@vcards.example",
            f"FN:{first} {last} {i}", f"N:{last};{first};;;", f"ORG:{org};Sales", "TITLE:Account Manager",
            f"EMAIL;TYPE=INTERNET;TYPE=WORK:{first.lower()}.{i}@example.com",
            f"TEL;TYPE=CELL:+34 6{i:08d}",
            f"ADR;TYPE=WORK:;;Calle {random.randint(1, 200)};Madrid;;280{i % 100:02d};Spain",
            "CATEGORIES:bench," + random.choice(WORDS),
            "NOTE:" + " ".join(random.choice(WORDS) for _ in range(25)),
            "END:VCARD",
        ]
        with open(os.path.join(out, f"bench-{i:06d}.vcf"), "w", encoding="utf-8", newline="") as f:
            f.write("\r\n".join(lines) + "\r\n")


if __name__ == "__main__":
    main()
