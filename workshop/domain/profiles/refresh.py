"""What changed between two checks or two profile cards (after importing a newer export)."""

from __future__ import annotations

from workshop.domain.profiles.shapes import Change, Check

# A share that moves less than this is not worth a line.
SHARE_CHANGE = 0.05


def claim_key(check: Check) -> tuple:
    """What identifies a check across datasets: its segment and its claim."""
    claim = check["claim"]
    return (check["segment"], claim["kind"], claim["column"], claim.get("low"),
            claim.get("high"), claim.get("low_inclusive"), claim.get("high_inclusive"),
            str(claim.get("value", "")).lower())


def _label(check: Check) -> str:
    claim = check["claim"]
    return f"“{claim.get('text') or claim.get('value') or claim['kind']}” ({claim['column']})"


def _show(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return "suppressed" if value is None else str(value)


def compare_checks(old: list[Check], new: list[Check]) -> list[Change]:
    """Changes between two lists of checks matched by (segment, claim): status and figures."""
    before = {claim_key(check): check for check in old}
    after = {claim_key(check): check for check in new}
    changes: list[Change] = []
    for key, check in after.items():
        label = _label(check)
        previous = before.get(key)
        if previous is None:
            changes.append({"subject": label, "what": "new", "before": None,
                            "after": check["status"],
                            "sentence": f"{label}: now checked, {check['status']}"})
            continue
        if previous["status"] != check["status"]:
            newly = "newly " if check["status"] in ("contradicted", "consistent") else ""
            changes.append({"subject": label, "what": "status", "before": previous["status"],
                            "after": check["status"],
                            "sentence": f"{label}: {previous['status']} → "
                                        f"{newly}{check['status']}"})
        old_figures, new_figures = previous["figures"], check["figures"]
        if "median" in new_figures and old_figures.get("median") != new_figures["median"]:
            changes.append({"subject": label, "what": "median",
                            "before": old_figures.get("median"), "after": new_figures["median"],
                            "sentence": f"median {check['claim']['column']} "
                                        f"{_show(old_figures.get('median'))} → "
                                        f"{_show(new_figures['median'])}"})
        for field in ("share_in_range", "share"):
            was, now = old_figures.get(field), new_figures.get(field)
            if was is not None and now is not None and abs(now - was) >= SHARE_CHANGE:
                changes.append({"subject": label, "what": "share", "before": was, "after": now,
                                "sentence": f"{label}: {round(100 * was)}% → "
                                            f"{round(100 * now)}% of the segment"})
    for key, check in before.items():
        if key not in after:
            label = _label(check)
            changes.append({"subject": label, "what": "gone", "before": check["status"],
                            "after": None, "sentence": f"{label}: no longer checked"})
    return changes


def compare_cards(old: dict, new: dict) -> list[Change]:
    """Changes between two profile cards of one segment: size, medians, top values."""
    changes: list[Change] = []
    if old.get("n") != new.get("n"):
        changes.append({"subject": new["name"], "what": "size", "before": old.get("n"),
                        "after": new.get("n"),
                        "sentence": f"{new['name']}: {_show(old.get('n'))} → "
                                    f"{_show(new.get('n'))} people"})
    old_columns = {c["column"]: c for c in old.get("columns", [])}
    for column in new.get("columns", []):
        name, previous = column["column"], old_columns.get(column["column"])
        if previous is None:
            continue
        if "median" in column and previous.get("median") != column["median"]:
            changes.append({"subject": name, "what": "median", "before": previous.get("median"),
                            "after": column["median"],
                            "sentence": f"median {name} {_show(previous.get('median'))} → "
                                        f"{_show(column['median'])}"})
        old_top = (previous.get("top") or [{}])[0].get("value")
        new_top = (column.get("top") or [{}])[0].get("value")
        if "top" in column and old_top != new_top:
            changes.append({"subject": name, "what": "top_value", "before": old_top,
                            "after": new_top,
                            "sentence": f"most common {name} {_show(old_top)} → "
                                        f"{_show(new_top)}"})
    gained = [c for c in new.get("distinctive", []) if c not in old.get("distinctive", [])]
    for name in gained:
        changes.append({"subject": name, "what": "new", "before": None, "after": name,
                        "sentence": f"{name} now sets this segment apart"})
    return changes
