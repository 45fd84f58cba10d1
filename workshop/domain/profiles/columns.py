"""Column types and suggested roles: direct identifiers, sensitive columns, masking.

A column is a *direct identifier* when its header names one (English or Dutch: e-mail,
phone, name, address, postcode, customer or account number, IBAN, …) or when most of its
values look like one (e-mail addresses, phone numbers, IBANs, postcodes, street addresses,
personal names, IP addresses, or nearly every value different). Identifiers and free text
are dropped by default; sensitive columns (age, birth date, gender, health, religion, …)
are kept as *sensitive*: they may check claims, never suggest traits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import polars as pl

from workshop.domain.profiles.shapes import ColumnReport, Kind

KINDS: tuple[Kind, ...] = ("number", "date", "category", "boolean", "text", "identifier")
ROLES = ("attribute", "sensitive", "dropped")

# Values that mean "no value" in exports (compared lower case, trimmed).
MISSING = ("", "na", "n/a", "n.v.t.", "nvt", "null", "none", "-", "?", "nan", "#n/a", "onbekend",
           "unknown")
TRUE_WORDS = frozenset({"true", "yes", "y", "ja", "j", "1", "t", "waar", "x"})
FALSE_WORDS = frozenset({"false", "no", "n", "nee", "0", "f", "onwaar"})
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y", "%m/%d/%Y")
# A category has at most this many distinct values, or is repeated enough (distinct/filled).
CATEGORY_MAX_DISTINCT = 200
CATEGORY_MAX_RATIO = 0.05
DISTINCT_CAP = 10_000
# Share of sampled values that must match an identifier pattern to call the column one.
PATTERN_SHARE = 0.8
PATTERN_SAMPLE = 2000
# Nearly every value different (with at least this many values): a key, not an attribute.
KEY_RATIO = 0.95
KEY_MIN_VALUES = 50

# Headers, normalised by `_words`: lower case, accents off, non-letters to single spaces.
_IDENTIFIER_NAMES = [
    (re.compile(r"\b(e ?mail|email ?adres|mail ?address|e ?mailadres)\b"),
     "the header names an e-mail address"),
    (re.compile(r"\b(phone|telephone|tel|mobile|cell|cellphone|telefoon|telefoonnummer|mobiel"
                r"|mobiel nummer|gsm|fax)\b"), "the header names a phone number"),
    (re.compile(r"^((full|first|last|given|family|sur|middle|customer|client|contact|display"
                r"|maiden|user)\s?name|name|naam|voornaam|achternaam|voorletters|tussenvoegsel"
                r"|volledige naam|roepnaam|contactpersoon|contact person|klantnaam)$"),
     "the header names a person's name"),
    (re.compile(r"\b(address|street|house ?number|adres|straat|straatnaam|huisnummer"
                r"|huisnr|woonadres|address line \d)\b"), "the header names an address"),
    (re.compile(r"\b(postcode|post code|postal ?code|zip|zip ?code|postalcode)\b"),
     "the header names a postcode, which points to a handful of addresses"),
    (re.compile(r"\b(iban|bic|bank ?account|rekening ?nummer|rekeningnummer|rekeningnr"
                r"|bankrekening|credit ?card|card ?number|creditcard)\b"),
     "the header names a bank account or card number"),
    (re.compile(r"\b(bsn|ssn|social security|burgerservicenummer|passport|paspoort"
                r"|id ?card|identiteitskaart|driver s? licen[cs]e|rijbewijs|kenteken"
                r"|license plate|licence plate)\b"), "the header names a personal ID number"),
    (re.compile(r"\b(ip|ip ?address|ip ?adres|device ?id|cookie ?id|mac ?address|user ?agent)\b"),
     "the header names a device or network identifier"),
    (re.compile(r"^(customer|client|account|member|contract|klant|relatie|lid|user|order"
                r"|policy|polis|invoice|factuur|reference|ref|person|persoon)\s?(id|nr|no"
                r"|number|nummer|code)?$|(customer|client|account|member|klant|relatie|lid"
                r"|user|person|persoon)\s?(id|nr|no|number|nummer)|klantnummer|lidnummer"),
     "the header names a customer, account or record number"),
]
# "… id", "… number": a record number when nearly every value differs (order id), but an
# attribute when values repeat (product id, store number): so the values decide.
_RECORD_NUMBER_NAME = re.compile(r"(^|\s)(id|uuid|guid|key|nr|number|nummer)$|^id\b"
                                 r"|nummer$")
RECORD_NUMBER_RATIO = 0.5
_SENSITIVE_NAMES = re.compile(
    r"\b(age|ages|leeftijd|birth ?date|date of birth|dob|birthday|geboortedatum|geboortejaar"
    r"|birth ?year|year of birth|gender|sex|geslacht|health|gezondheid|medical|medisch"
    r"|diagnos[ie]s|disability|handicap|beperking|religion|religie|geloof|faith|ethnicity"
    r"|ethnic|etniciteit|race|afkomst|nationality|nationaliteit|sexual|seksuele|orientation"
    r"|geaardheid|political|politiek|vakbond|union member|pregnan\w*|zwanger\w*|criminal"
    r"|strafblad|income|inkomen|marital|burgerlijke staat)\b")
_BIRTH_DATE_NAMES = re.compile(
    r"\b(birth ?date|date of birth|dob|birthday|geboortedatum|geboren|born)\b")

_EMAIL = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"
_PHONE = r"^(\+|00|0)[\d\s\-().]{8,18}$"
_IBAN = r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$"
_POSTCODE = r"^\d{4}\s?[A-Z]{2}$"
_ADDRESS = r"^[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ .'\-]+\s\d{1,5}\s?[A-Za-z]?(-\d+)?$"
_PERSON = r"^[A-Z][a-zà-ÿ]+(\s[a-z]{1,4}){0,2}(\s[A-Z][a-zà-ÿ'\-]+)+$"
_IP = r"^\d{1,3}(\.\d{1,3}){3}$"
_UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_CARD = r"^\d{4}([\s\-]?\d{4}){2,3}$"
# (pattern, reason, how distinct the values must be): names and addresses also need many
# distinct values, or "Den Haag" and "Tier 2" would look like them.
_VALUE_PATTERNS = [
    (_EMAIL, "most values are e-mail addresses", 0.0),
    (_IBAN, "most values are IBANs", 0.0),
    (_UUID, "most values are unique IDs (UUIDs)", 0.0),
    (_IP, "most values are IP addresses", 0.0),
    (_CARD, "most values look like card numbers", 0.0),
    (_PHONE, "most values are phone numbers", 0.2),
    (_POSTCODE, "most values are postcodes", 0.05),
    (_ADDRESS, "most values are street addresses", 0.3),
    (_PERSON, "most values are personal names", 0.2),
]


def _words(header: str) -> str:
    """A header in a comparable form: lower case, no accents, words separated by a space."""
    text = unicodedata.normalize("NFKD", header.replace("\ufeff", "")).encode("ascii", "ignore")
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", text.decode())  # customerId → customer Id
    return re.sub(r"[^a-z0-9]+", " ", spaced.lower()).strip()


def identifier_by_name(header: str, distinct_ratio: float = 1.0) -> str | None:
    """Why a header names a direct identifier (English or Dutch), or None; a header like
    "… id" or "… number" counts only when most values differ (distinct/filled ≥ 0.5)."""
    words = _words(header)
    for pattern, reason in _IDENTIFIER_NAMES:
        if pattern.search(words):
            return reason
    if _RECORD_NUMBER_NAME.search(words) and distinct_ratio >= RECORD_NUMBER_RATIO:
        return "the header names a record number and most values differ"
    return None


def sensitive_by_name(header: str) -> str | None:
    """Why a header names a sensitive attribute (age, gender, health, …), or None."""
    match = _SENSITIVE_NAMES.search(_words(header))
    return f"the header names a sensitive attribute ({match.group(1)})" if match else None


def is_birth_date_name(header: str) -> bool:
    """Whether a header names a birth date (from which an age is derived)."""
    return bool(_BIRTH_DATE_NAMES.search(_words(header)))


def as_series(values: Sequence[str] | pl.Series) -> pl.Series:
    """Values as a Polars string Series, trimmed, with the "no value" words as null."""
    series = values if isinstance(values, pl.Series) else pl.Series(list(values), dtype=pl.String)
    series = series.cast(pl.String).str.strip_chars()
    return series.set(series.str.to_lowercase().is_in(MISSING).fill_null(True), None)


def cleaned(name: str) -> pl.Expr:
    """A text column trimmed, with the "no value" words as null (as_series as an expression)."""
    text = pl.col(name).str.strip_chars()
    return pl.when(text.str.to_lowercase().is_in(MISSING)).then(None).otherwise(text).alias(name)


def identifier_by_values(values: Sequence[str] | pl.Series) -> str | None:
    """Why a column's values look like direct identifiers (e-mail, phone, IBAN, …), or None."""
    return _identifier_in(as_series(values).drop_nulls())


def _identifier_in(filled: pl.Series) -> str | None:
    """identifier_by_values on values already trimmed, without the empty ones."""
    sample = filled.head(PATTERN_SAMPLE).to_list()
    if not sample:
        return None
    distinct_ratio = len(set(sample)) / len(sample)
    for pattern, reason, min_distinct in _VALUE_PATTERNS:
        if distinct_ratio < min_distinct:
            continue
        compiled = re.compile(pattern)
        if pattern == _IBAN:
            matches = sum(1 for v in sample if compiled.match(v.replace(" ", "").upper()))
        else:
            matches = sum(1 for v in sample if compiled.match(v))
        if matches >= PATTERN_SHARE * len(sample):
            return reason
    return None


def parse_numbers(values: pl.Series) -> pl.Series:
    """Trimmed text as Float64 (null where it is not a number): "1234.5", "1,234.5",
    "1.234,5", "1234,5", with €, $, £, % and spaces ignored; the reading that parses most."""
    text = values.str.replace_all(r"[€$£%\s]", "")
    plain = text.cast(pl.Float64, strict=False)
    filled = text.is_not_null().sum()
    if plain.is_not_null().sum() == filled:
        return plain
    # Dutch style only when values have a decimal comma (1.234,5 / 12,5), not "1,234".
    if text.str.contains(r"^[+-]?\d+(\.\d{3})*,\d{1,2}$|^[+-]?\d+,\d{4,}$").any():
        other = text.str.replace_all(".", "", literal=True).str.replace_all(",", ".", literal=True)
    else:
        other = text.str.replace_all(",", "", literal=True)
    other = other.cast(pl.Float64, strict=False)
    return other if other.is_not_null().sum() > plain.is_not_null().sum() else plain


def parse_dates(values: pl.Series) -> tuple[pl.Series, str | None]:
    """Trimmed text as Date (null where it does not parse) and the format that parses most;
    a date-time keeps its date ("2026-10-01T12:00" → 2026-10-01)."""
    text = values.str.replace(r"^(\d{4}-\d{2}-\d{2})[T ]\d{1,2}:\d{2}.*$", "${1}")
    best, best_format, best_count = None, None, -1
    for format_ in DATE_FORMATS:
        parsed = text.str.to_date(format_, strict=False)
        count = parsed.is_not_null().sum()
        if count > best_count:
            best, best_format, best_count = parsed, format_, count
        if count == text.is_not_null().sum():
            break
    return best, best_format if best_count > 0 else None


def parse_booleans(values: pl.Series) -> pl.Series:
    """Trimmed text as Boolean: yes/no, true/false, ja/nee, 1/0, …; null otherwise."""
    lower = values.str.to_lowercase()
    return pl.select(
        pl.when(pl.lit(lower).is_in(TRUE_WORDS)).then(True)
        .when(pl.lit(lower).is_in(FALSE_WORDS)).then(False).otherwise(None)
    ).to_series().alias(values.name)


def _all_parse(values: pl.Series, parse) -> bool:
    """Whether every value parses, trying a small sample first (most columns fail there)."""
    sample = values.head(200)
    if parse(sample).is_not_null().sum() < sample.len():
        return False
    return values.len() <= sample.len() or parse(values).is_not_null().sum() == values.len()


def detect_kind(filled: pl.Series) -> tuple[Kind, str]:
    """The kind of a column's (trimmed, non-empty) values and why."""
    count = filled.len()
    if count == 0:
        return "text", "the column is empty"
    unique = filled.unique(maintain_order=True)  # every test below holds for all iff for these
    distinct = unique.len()
    if distinct <= 2 and unique.str.to_lowercase().is_in(TRUE_WORDS | FALSE_WORDS).all():
        return "boolean", "two values like yes/no"
    if _all_parse(unique, parse_numbers):
        if distinct / count >= KEY_RATIO and count >= KEY_MIN_VALUES and \
                unique.str.contains(r"^\d+$").all() and unique.str.len_chars().n_unique() == 1:
            return "identifier", "every value is a different whole number of one length: a key"
        return "number", "every value is a number"
    if _all_parse(unique, lambda s: parse_dates(s)[0]):
        return "date", "every value is a date"
    if distinct <= CATEGORY_MAX_DISTINCT or distinct / count <= CATEGORY_MAX_RATIO:
        return "category", f"{distinct:,} different values"
    if distinct / count >= KEY_RATIO and count >= KEY_MIN_VALUES and \
            unique.str.len_chars().mean() < 24 and not unique.str.contains(r"\s").any():
        return "identifier", "nearly every value is different: it looks like a key"
    return "text", "many different values: free text"


def classify_column(name: str, values: Sequence[str] | pl.Series, *,
                    cleaned: bool = False) -> ColumnReport:
    """The kind, suggested role and reason for one column from its header and values
    (`cleaned`: the values already went through as_series, as a RawFile's have)."""
    series = values if cleaned else as_series(values)
    filled = series.drop_nulls()
    kind, kind_reason = detect_kind(filled)
    by_name = identifier_by_name(name, filled.n_unique() / max(1, filled.len()))
    by_values = _identifier_in(filled) if kind in ("category", "text", "identifier",
                                                         "number") else None
    sensitive = sensitive_by_name(name)
    report: ColumnReport = {
        "name": name, "kind": kind, "suggested_role": "attribute", "reason": kind_reason,
        "identifier": False, "sensitive": sensitive is not None, "filled": filled.len(),
        "distinct": min(DISTINCT_CAP, filled.n_unique()),
    }
    if filled.len() == 0:
        report.update(suggested_role="dropped", reason="the column is empty")
    elif by_name or by_values:
        report.update(kind="identifier", suggested_role="dropped", identifier=True,
                      reason=by_name or by_values)
    elif kind == "date" and is_birth_date_name(name):
        report.update(suggested_role="dropped", sensitive=True,
                      reason="a birth date identifies people too precisely: keep the age "
                             "derived from it")
    elif kind == "identifier":
        report.update(suggested_role="dropped", identifier=True)
    elif sensitive:
        report.update(suggested_role="sensitive", reason=sensitive)
    elif kind == "text":
        report.update(suggested_role="dropped",
                      reason="free text may name people; keep it only if you need it")
    return report


def _mask_word(word: str) -> str:
    """First letter kept, other letters "*", digits "#"."""
    masked = re.sub(r"\d", "#", word)
    return masked[:1] + re.sub(r"[^\W\d_]", "*", masked[1:]) if masked[:1].isalpha() \
        else re.sub(r"[^\W\d_]", "*", masked)


def mask_value(value: str | None, report: ColumnReport) -> str:
    """A value as the preview shows it: identifiers and text masked, digits hidden."""
    if value is None:
        return ""
    value = str(value).strip()
    if report["kind"] == "identifier" or report["identifier"]:
        email = re.match(r"^([^@\s])[^@\s]*@([^@\s])[^@\s]*\.([A-Za-z]{2,})$", value)
        if email:
            return f"{email.group(1)}***@{email.group(2)}***.{email.group(3)}"
        return " ".join(_mask_word(word) for word in value.split())
    if report["suggested_role"] == "dropped" and report["kind"] == "date":  # a birth date
        return _mask_date(value)
    if report["kind"] == "text":
        return " ".join(_mask_word(word) for word in value.split()[:6]) + \
            (" …" if len(value.split()) > 6 else "")
    return value


def _mask_date(value: str) -> str:
    """A date with only its first two digits of the year shown: "1974-03-09" → "19**-**-**"."""
    digits = 0
    out = []
    for char in value:
        if char.isdigit():
            digits += 1
            out.append(char if digits <= 2 and re.match(r"^\d{4}", value) else "*")
        else:
            out.append(char)
    return "".join(out)
