"""When a persona needs a review: its review-by date and how fresh each trait's evidence is.

Plain Python. Dates are ISO `YYYY-MM-DD` strings or `datetime.date`.

- **Review by**: the day a version is agreed plus the review interval (the
  `WORKSHOP_REVIEW_AFTER_DAYS` setting, 180 days). A version is *due* from that day on.
- **Freshness of a trait**: the date of the newest evidence behind it. Evidence comes from
  *sources*, each a function `item -> dates`; `SOURCES` holds the two the app knows:
  research notes linked to the trait (their `date`) and data checks (their dataset's
  `as_of`, where the profiles capability records them on the trait as
  `provenance.data_checks`). A new kind of evidence is one more function in `SOURCES`.
- **Stale**: a trait whose freshness is older than the stale threshold (the
  `WORKSHOP_STALE_AFTER_MONTHS` setting, 18 months) before today. A trait with no dated
  evidence is *untested*, not stale: the backlog (domain/backlog.py) deals with it.

Worked example (today 2026-12-07, 18 months): the threshold day is 2025-06-07. A trait with
notes of 2024-03-01 and 2025-09-15 is fresh (2025-09-15); one with only 2025-06-06 is stale;
one with 2025-06-07 is not (the threshold day itself still counts as fresh).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from workshop.domain.evidence import board_items, links_by_item

REVIEW_AFTER_DAYS = 180
STALE_AFTER_MONTHS = 18


@dataclass(frozen=True)
class ReviewSettings:
    """The operator's review interval and stale threshold (README, Configuration)."""

    after_days: int = REVIEW_AFTER_DAYS
    stale_months: int = STALE_AFTER_MONTHS

EvidenceSource = Callable[[dict], Iterable[str]]


def as_date(value: str | date | datetime | None) -> date | None:
    """A day from an ISO string (a time part is ignored), a date or a datetime; None stays."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None  # an undated or badly dated note is no evidence of freshness


def research_note_dates(item: dict) -> list[str]:
    """The dates of the research notes linked to a trait (as frozen in its provenance)."""
    return [e.get("date") for e in item["provenance"].get("evidence") or []]


def data_check_dates(item: dict) -> list[str]:
    """The `as_of` dates of the datasets behind a trait's data checks, where it has any."""
    return [c.get("as_of") for c in item["provenance"].get("data_checks") or []]


SOURCES: tuple[EvidenceSource, ...] = (research_note_dates, data_check_dates)


def freshness(item: dict, sources: Iterable[EvidenceSource] = SOURCES) -> date | None:
    """The date of the newest evidence behind a trait, from every source; None when undated."""
    days = [as_date(value) for source in sources for value in source(item)]
    return max((day for day in days if day is not None), default=None)


def review_by(agreed_at: str | date | datetime, days: int = REVIEW_AFTER_DAYS) -> date:
    """The day a version agreed at `agreed_at` is due for review."""
    return as_date(agreed_at) + timedelta(days=days)


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day when shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def stale_items(items: Iterable[dict], today: date, months: int = STALE_AFTER_MONTHS,
                sources: Iterable[EvidenceSource] = SOURCES) -> list[dict]:
    """The traits whose newest evidence is older than `months` before today, in order."""
    threshold = months_before(today, months)
    sources = tuple(sources)
    out = []
    for item in items:
        newest = freshness(item, sources)
        if newest is not None and newest < threshold:
            out.append(item)
    return out


def status(items: list[dict], review_on: str | date | None, today: date,
           months: int = STALE_AFTER_MONTHS,
           sources: Iterable[EvidenceSource] = SOURCES) -> dict:
    """A persona version's review status: `{review_by, due, stale: [item ids], stale_months,
    notices: [English sentences]}`; `review_by` is None for a draft."""
    due_day = as_date(review_on)
    due = due_day is not None and today >= due_day
    stale = [item["id"] for item in stale_items(items, today, months, sources)]
    return {"review_by": due_day.isoformat() if due_day else None, "due": due,
            "stale": stale, "stale_months": months, "notices": notices(due, due_day, stale,
                                                                        months)}


def notices(due: bool, review_on: date | None, stale: list[str], months: int) -> list[str]:
    """What a reader is told: 'Review due since …' and 'N traits rest on evidence older …'."""
    out = []
    if due:
        out.append(f"Review due (review by {review_on.isoformat()})")
    if stale:
        noun = "trait rests" if len(stale) == 1 else "traits rest"
        out.append(f"{len(stale)} {noun} on evidence older than {months} months")
    return out


# ---- what a review session looks at ---------------------------------------------------------

REASONS = ("untested", "contested", "stale", "newly_contradicted", "new_research")


def attention(items: list[dict], live: dict[str, list[dict]], note_dates: dict[str, str],
              agreed_seq: int, today: date, months: int = STALE_AFTER_MONTHS) -> dict:
    """Why each trait of an agreed version needs attention in a review: `{item id: [reason]}`,
    only traits with a reason, reasons in `REASONS` order.

    `live` holds each trait's evidence links as they are today (by document item id; a trait
    no longer on the board keeps what it carried), `note_dates` each research note's date.
    - untested: no evidence linked, then or now;
    - contested: the teams disagreed when it was agreed (`provenance.contested`);
    - stale: its newest evidence, then or now, is older than `months` (see `stale_items`);
    - newly_contradicted: research contradicts it now, and did not when it was agreed;
    - new_research: research linked to it after the agreement (`seq > agreed_seq`).
    """
    threshold = months_before(today, months)
    out = {}
    for item in items:
        prov = item["provenance"]
        links = live.get(item["id"])
        if links is None:
            links = prov.get("evidence") or []
        dated = {**item, "provenance": {**prov, "evidence": [
            *(prov.get("evidence") or []),
            *({"date": note_dates.get(link.get("note_id"))} for link in links)]}}
        newest = freshness(dated)
        reasons = []
        if not links and not prov.get("evidence"):
            reasons.append("untested")
        if prov.get("contested"):
            reasons.append("contested")
        if newest is not None and newest < threshold:
            reasons.append("stale")
        if any(link.get("relation") == "contradicts" for link in links) and \
                prov.get("evidence_state") != "contradicted":
            reasons.append("newly_contradicted")
        if any((link.get("seq") or 0) > agreed_seq for link in links):
            reasons.append("new_research")
        if reasons:
            out[item["id"]] = reasons
    return out


def live_links(snapshot: dict, links: list[dict]) -> dict[str, list[dict]]:
    """Each board item's evidence links today, by document item id (`a:<id>`, `g:<id>`)."""
    linked = links_by_item(board_items(snapshot), links)
    return {("g:" if kind == "group" else "a:") + item_id: found
            for (kind, item_id), found in linked.items()}
