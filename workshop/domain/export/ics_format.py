"""The review reminder as iCalendar (RFC 5545): one all-day event on the review-by date.

Made with the `icalendar` library rather than by hand: it folds long lines at 75 octets,
escapes commas, semicolons and newlines in text, and writes CRLF line ends, which
hand-written calendars tend to get wrong. The event's UID names the persona and version, so
importing a newer reminder for the same version replaces the older one in a calendar.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Alarm, Calendar, Event

PRODID = "-//Persona Workshop//Review reminder//EN"
# A week's notice before the review date (a reminder on the day leaves no time to plan).
NOTICE = timedelta(days=7)


def _stamp(meta: dict) -> datetime:
    exported = meta.get("exported_at")
    if exported:
        return datetime.fromisoformat(exported.replace("Z", "+00:00")).astimezone(UTC)
    return datetime.now(UTC)


def review_reminder(document: dict, meta: dict) -> bytes:
    """A VCALENDAR with one VEVENT (all day, on `meta.review.review_by`) and a VALARM a week
    before; ValueError when the persona has no review date (no agreed version)."""
    review = meta.get("review") or {}
    if not review.get("review_by"):
        raise ValueError("this persona has no review date yet: agree a version first")
    day = date.fromisoformat(review["review_by"])
    name = document["identity"]["name"] or meta["persona_name"]
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"review-{document['persona_id']}-v{meta['version']}@persona-workshop")
    event.add("dtstamp", _stamp(meta))
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", f"Review persona {name} ({meta['workshop_title']})")
    lines = [f"Version {meta['version']} of {name} is due for review on {day.isoformat()}.",
             *review.get("notices", [])]
    usages = meta.get("usages") or []
    if usages:
        lines.append(f"Used in {len(usages)} decision{'s' if len(usages) != 1 else ''}.")
    event.add("description", "\n".join(lines))
    event.add("transp", "TRANSPARENT")  # a reminder, not a meeting: the day stays free
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Review persona {name} in a week")
    alarm.add("trigger", -NOTICE)
    event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()
