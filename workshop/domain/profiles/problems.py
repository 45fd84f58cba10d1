"""Problems found in a file, and the error that carries them."""

from __future__ import annotations

from workshop.domain.profiles.shapes import Problem

# A report of thousands of problems helps nobody; stopping also bounds the work on bad input.
MAX_PROBLEMS = 100


def problem(code: str, reason: str, *, row: int | None = None,
            column: str | None = None) -> Problem:
    """One problem: row is the file's line number (the header is line 1), None for the file."""
    return {"row": row, "column": column, "code": code, "reason": reason}


class ProfileDataError(ValueError):
    """The file or request cannot be used; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems[:MAX_PROBLEMS]
        first = problems[0]["reason"] if problems else "bad data"
        super().__init__(first if len(problems) <= 1 else f"{first} (and {len(problems) - 1} more)")

    def __reduce__(self):
        """Pickle with the problems (a job's error crosses the worker-process boundary)."""
        return ProfileDataError, (self.problems,)
