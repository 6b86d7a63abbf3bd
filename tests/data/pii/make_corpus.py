"""Write planted_pii.csv: personal details of 36 kinds planted in interview-like sentences.

Run from the repository root: python tests/data/pii/make_corpus.py (seeded; the CSV is
committed). Every value is invented; names mix English, accented and lower-case spellings.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

rng = random.Random(20261205)
FIRST = [
    "Tobias",
    "Helen",
    "Priya",
    "Zoë",
    "José",
    "Chloé",
    "Søren",
    "Łukasz",
    "Renée",
    "Iñaki",
    "Aoife",
    "Dmitri",
    "Mariana",
    "Kwame",
    "Ingrid",
    "Yusuf",
    "Beatriz",
    "Niamh",
]
LAST = [
    "Green",
    "Carter",
    "Patel",
    "Müller",
    "García",
    "Lefèvre",
    "Nørgaard",
    "Wiśniewski",
    "O'Brien",
    "Okonkwo",
    "Haverford",
    "Castellanos",
    "Brennan",
    "Szabó",
    "Achterberg",
]
STREETS = [
    "Acacia Avenue",
    "Baker Street",
    "Mill Lane",
    "Station Road",
    "Kingfisher Close",
    "Elm Grove",
    "Harbour View Terrace",
    "Chapel Row",
    "Queen's Drive",
]
DOMAINS = ["gmail.com", "outlook.com", "example.org", "mail.example.co.uk"]
MONTHS = ["January", "March", "May", "July", "September", "November", "Feb", "Oct"]


def digits(n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def person() -> tuple[str, str]:
    return rng.choice(FIRST), rng.choice(LAST)


def card() -> str:
    body = [rng.randint(0, 9) for _ in range(15)]
    body[0] = rng.choice([4, 5])
    total = 0
    for i, d in enumerate(reversed(body)):  # Luhn check digit
        d = d * 2 if i % 2 == 0 else d
        total += d - 9 if d > 9 else d
    return "".join(map(str, body)) + str((10 - total % 10) % 10)


KINDS = {
    "email": lambda: (
        f"{person()[0].lower()}.{digits(2)}@{rng.choice(DOMAINS)}",
        "You can email me at {} if you need more.",
    ),
    "email_plus": lambda: (
        f"{rng.choice(['tobias', 'helen', 'kwame'])}+shop{digits(3)}@gmail.com",
        "I use {} for the shopping sites.",
    ),
    "email_spelt": lambda: (
        (lambda first, last: f"{first.lower()} dot {last.lower()} at gmail dot com")(
            rng.choice(["tobias", "helen", "kwame", "ingrid"]),
            rng.choice(["green", "carter", "brennan"]),
        ),
        "Write to {} and I'll answer.",
    ),
    "url_name": lambda: (
        f"https://www.facebook.com/{rng.choice(['tobias', 'helen', 'kwame'])}.{rng.choice(['green', 'carter'])}{digits(2)}",
        "My page is {} if you want to see my outfits.",
    ),
    "ipv4": lambda: (
        f"{rng.randint(11, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        "The error page said my address was {} or something.",
    ),
    "ipv6": lambda: (
        f"2001:db8:{rng.randint(1, 9999):x}::{rng.randint(1, 9999):x}",
        "It showed {} on the screen.",
    ),
    "uk_mobile": lambda: (f"07{digits(3)} {digits(6)}", "Ring me on {} after six."),
    "uk_landline": lambda: (f"0161 {digits(3)} {digits(4)}", "The home number is {}."),
    "us_phone": lambda: (
        f"({rng.randint(201, 989)}) {rng.randint(201, 989)}-{digits(4)}",
        "My cell is {} in case.",
    ),
    "intl_phone": lambda: (
        f"+{rng.choice(['33', '49', '353', '34'])} {digits(3)} {digits(3)} {digits(3)}",
        "Call {} when I'm abroad.",
    ),
    "card_spaced": lambda: (
        (lambda c: " ".join(c[i : i + 4] for i in range(0, 16, 4)))(card()),
        "I paid with the card {} and it was declined.",
    ),
    "card_plain": lambda: (card(), "The card number was {} on the receipt."),
    "amex": lambda: (f"37{digits(2)} {digits(6)} {digits(5)}", "My Amex is {}."),
    "iban": lambda: (
        f"GB{digits(2)} NWBK {digits(4)} {digits(4)} {digits(4)} {digits(2)}",
        "Refunds go to {} normally.",
    ),
    "us_ssn": lambda: (
        f"{rng.randint(100, 665)}-{digits(2)}-{digits(4)}",
        "They asked for my SSN, {}, which felt wrong.",
    ),
    "uk_ni": lambda: (
        f"{rng.choice(['QQ', 'AB', 'JT', 'NP'])} {digits(2)} {digits(2)} {digits(2)} {rng.choice('ABCD')}",
        "My National Insurance is {} I think.",
    ),
    "nhs": lambda: (f"{digits(3)} {digits(3)} {digits(4)}", "My NHS number is {} if that helps."),
    "passport": lambda: (digits(9), "My passport number is {} and it expires soon."),
    "dob_long": lambda: (
        f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(1950, 2005)}",
        "I was born on {} in Leeds.",
    ),
    "dob_iso": lambda: (
        f"{rng.randint(1950, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "My date of birth, {}, is on the account.",
    ),
    "dob_numeric": lambda: (
        f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1950, 2005)}",
        "DOB {} if you need it.",
    ),
    "street": lambda: (
        f"{rng.randint(1, 240)} {rng.choice(STREETS)}",
        "Send it to {} and leave it by the door.",
    ),
    "street_lower": lambda: (
        f"flat {rng.randint(1, 9)}, {rng.randint(1, 99)} {rng.choice(['high road', 'mill lane', 'park avenue'])}",
        "we moved to {} last year.",
    ),
    "postcode": lambda: (
        rng.choice(["SW1A 1AA", "M1 1AE", "LS6 2QE", "EH1 3YT", "CF10 1EP", "B33 8TH"]),
        "The postcode is {}.",
    ),
    "postcode_compact": lambda: (
        rng.choice(["sw1a2aa", "m11ae", "ls62qe", "eh13yt", "cf101ep"]),
        "typed {} into the form.",
    ),
    "zip4": lambda: (f"{digits(5)}-{digits(4)}", "My ZIP is {} in Ohio."),
    "handle": lambda: (
        f"@{rng.choice(['tobias_g', 'helen.carter', 'thrift_queen', 'kwame99', 'soren_n'])}{digits(2)}",
        "Follow me on Instagram, I'm {} there.",
    ),
    "my_name_is": lambda: (" ".join(person()), "Hi, my name is {} and I shop every week."),
    "my_name_is_lower": lambda: (" ".join(person()).lower(), "my name is {}, i buy mostly coats."),
    "im_name": lambda: (person()[0], "Hello, I'm {}, nice to meet you."),
    "this_is": lambda: (" ".join(person()), "Hi, this is {} from the panel."),
    "titled": lambda: (
        f"{rng.choice(['Dr.', 'Mrs', 'Mr', 'Ms', 'Prof.'])} {' '.join(person())}",
        "My GP, {}, told me to walk more.",
    ),
    "relation": lambda: (person()[0], "My sister {} buys everything second-hand."),
    "gps": lambda: (
        f"{rng.uniform(50, 58):.5f}, -{rng.uniform(0.1, 5):.5f}",
        "The app logged {} as my location.",
    ),
    "mac": lambda: (
        ":".join(f"{rng.randint(0, 255):02x}" for _ in range(6)),
        "My laptop's MAC is {} apparently.",
    ),
    "plate": lambda: (
        f"{rng.choice(['AB', 'LK', 'YT', 'WR'])}{digits(2)} {''.join(rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ') for _ in range(3))}",
        "The courier van was {} I noted it.",
    ),
}


def main() -> None:
    rows = []
    for kind, make in KINDS.items():
        for _ in range(7):
            value, template = make()
            rows.append({"type": kind, "value": value, "text": template.format(value)})
    out = Path(__file__).with_name("planted_pii.csv")
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["type", "value", "text"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} instances of {len(KINDS)} types -> {out}")


if __name__ == "__main__":
    main()
