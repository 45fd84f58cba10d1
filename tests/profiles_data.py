"""A realistic customer export for the profiles tests, browser test and bench (deterministic).

`customer_csv()` gives 100,000 rows × 20 columns (about 15 MB): direct identifiers (customer
number, name, e-mail, phone, street, postcode, IBAN), a birth date, gender, the CRM's own
`segment` field, revenue, orders, channel, dates, a yes/no newsletter flag and more. The
segment "Established households" has a median age of exactly 52 at `AS_OF`, so a persona
claiming "35–45" for it is contradicted; "Urban families" has a median age near 41.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

AS_OF = dt.date(2026, 10, 1)
ROWS = 100_000
SEED = 27
HEADERS = (
    "customer_id", "full_name", "email", "phone", "street", "postcode", "city", "birth_date",
    "gender", "segment", "revenue", "orders", "channel", "signup_date", "newsletter",
    "loyalty_tier", "last_order_date", "nps", "support_tickets", "iban",
)
# segment: (share of rows, mean age, sd of age, revenue scale, preferred channels)
SEGMENTS = {
    "Urban families": (0.22, 41, 6, 900, ("app", "app", "web", "store")),
    "Established households": (0.18, 52, 7, 1400, ("phone", "store", "web", "phone")),
    "Young professionals": (0.25, 31, 4, 650, ("app", "web", "web")),
    "Retirees": (0.15, 71, 6, 500, ("phone", "store", "letter")),
    "Students": (0.12, 21, 2, 180, ("app", "app", "web")),
    "": (0.08, 45, 15, 400, ("web", "store", "phone", "app")),  # no segment recorded
}
FIRST = ("Anouk", "Daan", "Sanne", "Bram", "Lotte", "Ruben", "Emma", "Lucas", "Fleur", "Sem",
         "Noor", "Milan", "Julia", "Thijs", "Eva", "Jesse", "Lieke", "Finn", "Iris", "Luuk")
LAST = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
        "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer")
STREETS = ("Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenweg", "Schoolstraat", "Julianalaan")
CITIES = (("Amsterdam", 0.2), ("Rotterdam", 0.15), ("Utrecht", 0.12), ("Den Haag", 0.12),
          ("Eindhoven", 0.08), ("Groningen", 0.07), ("Tilburg", 0.06), ("Almere", 0.06),
          ("Breda", 0.05), ("Nijmegen", 0.05), ("Zwolle", 0.04))
TIERS = ("bronze", "silver", "gold")


def _date(day: dt.date) -> str:
    return day.isoformat()


def customer_rows(rows: int = ROWS, seed: int = SEED):
    """The rows as lists of strings (header excluded), the same for the same arguments."""
    rng = random.Random(seed)
    names = list(SEGMENTS)
    weights = [SEGMENTS[name][0] for name in names]
    cities = [city for city, _ in CITIES]
    city_weights = [weight for _, weight in CITIES]
    for i in range(rows):
        segment = rng.choices(names, weights)[0]
        _, mean_age, sd_age, revenue_scale, channels = SEGMENTS[segment]
        age = min(95, max(18, round(rng.gauss(mean_age, sd_age))))
        # A birthday in the year before AS_OF's "age" anniversary: age at AS_OF is `age`.
        birth = AS_OF.replace(year=AS_OF.year - age - 1) + dt.timedelta(days=rng.randint(1, 364))
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = (f"{first}.{last.replace(' ', '')}{rng.randint(1, 999)}@"
                 f"{rng.choice(('example.com', 'mail.nl', 'post.example.org'))}").lower()
        signup = AS_OF - dt.timedelta(days=rng.randint(30, 3650))
        last_order = AS_OF - dt.timedelta(days=rng.randint(0, 720))
        orders = max(0, int(rng.expovariate(1 / (6 if segment != "Students" else 3))))
        revenue = round(rng.lognormvariate(0, 0.6) * revenue_scale * (0.3 + orders / 8), 2)
        yield [
            f"C{100000 + i:07d}",
            f"{first} {last}",
            email if rng.random() > 0.01 else "",
            f"06-{rng.randint(10000000, 99999999)}",
            f"{rng.choice(STREETS)} {rng.randint(1, 240)}",
            f"{rng.randint(1000, 9999)} {rng.choice('ABCDEGHJKLMNPRSTVWXZ')}"
            f"{rng.choice('ABCDEGHJKLMNPRSTVWXZ')}",
            rng.choices(cities, city_weights)[0],
            _date(birth),
            rng.choices(("female", "male", "non-binary", ""), (0.49, 0.48, 0.01, 0.02))[0],
            segment,
            f"{revenue:.2f}",
            str(orders),
            rng.choice(channels),
            _date(signup),
            rng.choice(("yes", "no", "no")),
            rng.choices(TIERS, (0.6, 0.3, 0.1))[0],
            _date(last_order),
            str(min(10, max(0, round(rng.gauss(7, 2))))),
            str(int(rng.expovariate(1.2))),
            f"NL{rng.randint(10, 99)}BANK0{rng.randint(100000000, 999999999)}",
        ]


def customer_csv(rows: int = ROWS, seed: int = SEED, delimiter: str = ",",
                 bom: bool = False) -> bytes:
    """The export as CSV bytes (UTF-8; with a BOM when asked, as Excel writes it)."""
    lines = [delimiter.join(HEADERS)]
    lines.extend(delimiter.join(row) for row in customer_rows(rows, seed))
    data = ("\n".join(lines) + "\n").encode()
    return b"\xef\xbb\xbf" + data if bom else data


def write_customer_csv(path: str | Path, rows: int = ROWS, seed: int = SEED) -> Path:
    """Write the export to `path` (for the browser test's file upload) and return the path."""
    path = Path(path)
    path.write_bytes(customer_csv(rows, seed))
    return path


if __name__ == "__main__":  # python -m tests.profiles_data FILE: write it for a manual try
    import sys

    print(write_customer_csv(sys.argv[1] if len(sys.argv) > 1 else "customers.csv"))
