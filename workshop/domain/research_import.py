"""Planning an import of many research notes from files (nothing is stored here).

`plan_import` reads Markdown and CSV files into checked `NoteDraft`s and a list of problems,
each naming its file (and row or column), so a preview can show both. The caller imports
all notes or, when there is any problem, none.

- Markdown (`.md`, `.markdown`, `.txt`): one note per file, with optional YAML front matter.
- CSV, `csv_mode="rows"`: one note per row; `csv_mode="survey"`: one note per question column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import yaml

from workshop.domain.research import TITLE_MAX, NoteDraft, validate_draft

MAX_FILES = 200
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_NOTES = 500
# A preview of thousands of problems helps nobody, and stopping bounds the work on bad input.
MAX_PROBLEMS = 100

MARKDOWN_SUFFIXES = (".md", ".markdown", ".txt")
CSV_SUFFIXES = (".csv",)
CSV_MODES = ("rows", "survey")
CSV_DELIMITERS = (",", ";", "\t")  # Excel in Dutch (and other) locales writes semicolons
_SNIFF_CHARS = 64 * 1024

# Front matter holds a few short fields. PyYAML is pure Python (~100 KiB/s on hostile input),
# so these bounds keep any file's front matter cheap to read: a 1.9 MB list or 20,000 nested
# brackets once took seconds each. A title, a source type, a date, a count and tags need a
# fraction of 4 KiB, and a mapping holding a list of tags is two levels deep.
MAX_FRONT_MATTER_CHARS = 4096
MAX_FRONT_MATTER_DEPTH = 3

FRONT_MATTER_KEYS = ("title", "source_type", "source", "type", "date", "respondents", "tags")
_SOURCE_TYPE_KEYS = ("source_type", "source", "type")
# CSV header (compared with _column_form) → the field of a note it fills.
CSV_COLUMNS = {
    "title": "title", "source type": "source_type", "source": "source_type",
    "type": "source_type", "date": "date", "respondents": "respondents", "tags": "tags",
    "body": "body", "text": "body", "notes": "body",
}
_KNOWN_COLUMNS_TEXT = ("title, source_type (or source, type), date, respondents, tags, "
                       "body (or text, notes)")

# Survey columns that describe the respondent or the response rather than ask a question,
# compared with _column_form: "ID", "User ID", "UUID", "Respondent", "Respondent ID",
# "Response ID", "Timestamp", "Time stamp", "Tijdstempel", "Submitted at", "Start date",
# "End time", "Completed", "Date", "Datum", "Email", "E-mail address", "E-mailadres", "IP
# address", "Name", "Full name". Email, IP and name are personal data, not answers: a note
# listing them would put respondents' identities into the library.
SKIPPED_SURVEY_COLUMN = re.compile(r"""^(
    (\w+\s)?id | uuid | respondent(\s(id|number|nr|no))? | response\s(id|number|nr|no)
  | time\s?stamp | tijdstempel | date | datum
  | (submitted|submission|start|started|end|ended|completed|finished)(\s(at|date|time))?
  | e\s?mail(\s?address|adres)? | ip(\s address)? | (full\s|first\s|last\s)?name
)$""", re.X)

_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_ATX_HEADING = re.compile(r"^ {0,3}#(?!#)[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# What would make the start of a survey answer Markdown structure (a heading, quote, list,
# rule, reference definition, code) instead of text; a backslash makes it literal.
_ANSWER_START = re.compile(r"^([\\`*_{}\[\]()#+\-.!>])")
_ANSWER_NUMBERED = re.compile(r"^(\d+)\.")


@dataclass
class ImportProblem:
    """Something in the files that stops the import: where it is, and what is wrong."""

    source: str
    message: str


@dataclass
class ImportPlan:
    """The notes an import would add and the problems that stop it.

    `sources[i]` says where `notes[i]` came from (e.g. "survey.csv row 3").
    """

    notes: list[NoteDraft]
    problems: list[ImportProblem]
    sources: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the import may go ahead (no problems)."""
        return not self.problems

    def as_dict(self) -> dict:
        """The plan as JSON-ready data for a preview."""
        sources = self.sources if len(self.sources) == len(self.notes) else [""] * len(self.notes)
        return {"ok": self.ok,
                "notes": [{**note.as_dict(), "source": source}
                          for note, source in zip(self.notes, sources, strict=True)],
                "problems": [{"source": p.source, "message": p.message} for p in self.problems]}


class _Stop(Exception):
    """A limit of the whole import is reached: planning ends here."""


@dataclass(frozen=True)
class _Defaults:
    """Checked defaults for the fields a file leaves empty."""

    source_type: str = "other"
    tags: tuple[str, ...] = ()
    date: str | None = None


class _Planner:
    """Collects notes and problems, and enforces the limits of one import."""

    def __init__(self, defaults: _Defaults, today: dt.date | None) -> None:
        """Start an empty plan."""
        self.defaults = defaults
        self.today = today
        self.plan = ImportPlan(notes=[], problems=[], sources=[])

    def problem(self, source: str, message: str) -> None:
        """Note a problem (and stop once there are too many to be worth showing)."""
        if len(self.plan.problems) >= MAX_PROBLEMS:
            self.plan.problems.append(ImportProblem(
                "files", f"more than {MAX_PROBLEMS} problems; fix these first (the rest of the "
                         "files was not checked)"))
            raise _Stop
        self.plan.problems.append(ImportProblem(source, message))

    def note(self, source: str, *, title: object, body: object, source_type: object = None,
             tags: object = None, date: object = None, respondents: object = None) -> None:
        """Check a note (defaults fill what it leaves empty) and add it, or its problem."""
        if len(self.plan.notes) >= MAX_NOTES:
            self.plan.problems.append(ImportProblem(
                "files", f"more than {MAX_NOTES} notes in one import; split it into several"))
            raise _Stop
        try:
            draft = validate_draft(
                title, source_type if _given(source_type) else self.defaults.source_type,
                body, tags if _given(tags) else self.defaults.tags,
                date if _given(date) else self.defaults.date, respondents, today=self.today)
        except ValueError as error:
            self.problem(source, str(error))
            return
        self.plan.notes.append(draft)
        self.plan.sources.append(source)


def _given(value: object) -> bool:
    """Whether a field was filled in (empty text and empty lists count as not given)."""
    return value is not None and value != "" and value != [] and value != ()


# ---- the entry point ---------------------------------------------------------------------------

def plan_import(files: list[tuple[str, bytes]], *, csv_mode: str = "rows",
                defaults: dict | None = None, today: dt.date | None = None) -> ImportPlan:
    """The notes in these (name, content) files and every problem found, without storing any.

    `defaults` may give `source_type`, `date` and `tags` for notes that do not say otherwise
    (survey questions always have source type "survey"). `today` is for tests.
    """
    if csv_mode not in CSV_MODES:
        raise ValueError(f"csv_mode: must be one of {', '.join(CSV_MODES)}")
    checked, problem = _checked_defaults(defaults or {}, today)
    planner = _Planner(checked, today)
    try:
        if problem:
            planner.problem("defaults", problem)
        elif len(files) > MAX_FILES:
            planner.problem("files", f"{len(files)} files; at most {MAX_FILES} per import")
        else:
            for name, content in files:
                _plan_file(planner, name, content, csv_mode)
    except _Stop:
        pass
    return planner.plan


def _checked_defaults(defaults: dict, today: dt.date | None) -> tuple[_Defaults, str | None]:
    """The defaults, checked once (rather than failing every note the same way)."""
    try:
        # A draft with a stand-in title and body runs the same checks a note gets.
        checked = validate_draft("defaults", defaults.get("source_type") or "other", "",
                                 defaults.get("tags") or (), defaults.get("date"), today=today)
    except ValueError as error:
        return _Defaults(), str(error)
    return _Defaults(checked.source_type, checked.tags, checked.date), None


def _plan_file(planner: _Planner, name: str, content: bytes, csv_mode: str) -> None:
    """Read one file into the plan, by its extension."""
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    if suffix not in MARKDOWN_SUFFIXES + CSV_SUFFIXES:
        planner.problem(name, f"cannot import {suffix or 'files without an extension'}: "
                              "use .md, .markdown, .txt or .csv")
        return
    if len(content) > MAX_FILE_BYTES:
        planner.problem(name, f"{_size(len(content))} is more than the "
                              f"{_size(MAX_FILE_BYTES)} a file may have; it was not read")
        return
    text = _decoded(planner, name, content)
    if text is None:
        return
    if not text.strip():
        planner.problem(name, "the file is empty")
    elif suffix in CSV_SUFFIXES:
        _plan_csv(planner, name, text, csv_mode)
    else:
        _plan_markdown(planner, name, text)


def _size(count: int) -> str:
    """A byte count for people, rounded up so a file over a limit never looks equal to it.

    812 → "812 bytes", 2 MiB → "2 MiB", 2 MiB + 1 byte → "2.1 MiB".
    """
    if count < 1024:
        return f"{count} bytes"
    amount, unit = count / 1024, "KiB"
    if amount >= 1024:
        amount, unit = amount / 1024, "MiB"
    return f"{math.ceil(amount * 10) / 10:.1f}".removesuffix(".0") + f" {unit}"


def _decoded(planner: _Planner, name: str, content: bytes) -> str | None:
    """The file as text (UTF-8, a byte order mark tolerated), or None with a problem noted."""
    if content.startswith(_UTF16_BOMS):
        planner.problem(name, "is UTF-16 text; save it as UTF-8 (in Excel: CSV UTF-8)")
        return None
    try:
        return content.removeprefix(_BOM).decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start + (len(_BOM) if content.startswith(_BOM) else 0)
        planner.problem(name, f"is not UTF-8 text (byte {offset + 1} cannot be read); save it "
                              "as UTF-8 (in Excel: CSV UTF-8)")
        return None


# ---- Markdown ----------------------------------------------------------------------------------

def _plan_markdown(planner: _Planner, name: str, text: str) -> None:
    """One note from a Markdown file: front matter (optional), then the body."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    fields, body, problems = _front_matter(text)
    for message in problems:
        planner.problem(name, message)
    if problems:
        return
    title = fields.pop("title", None)
    if not _given(title):
        title = _first_heading(body) or _readable_stem(name)
    planner.note(name, title=title, body=body, **fields)


def _front_matter(text: str) -> tuple[dict, str, list[str]]:
    """The fields of the front matter, the body after it, and what is wrong with it."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return {}, text, []
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        return {}, text, ["front matter starts with --- on line 1 but has no closing --- line"]
    body = "\n".join(lines[end + 1:])
    source = "\n".join(lines[1:end])
    if len(source) > MAX_FRONT_MATTER_CHARS:
        return {}, body, [f"front matter is {len(source):,} characters long; at most "
                          f"{MAX_FRONT_MATTER_CHARS:,} (title, source_type, date, respondents "
                          "and tags): put longer text in the body"]
    try:
        if _flow_depth(source) > MAX_FRONT_MATTER_DEPTH:
            raise _TooDeep
        data = yaml.load(source, Loader=_FrontMatterLoader)  # noqa: S506 - a SafeLoader
    except _TooDeep:
        return {}, body, [f"front matter is nested more than {MAX_FRONT_MATTER_DEPTH} levels "
                          "deep; use 'key: value' lines (tags as one list)"]
    except yaml.YAMLError as error:
        return {}, body, [_yaml_problem(error)]
    except ValueError as error:  # a date YAML recognises but the calendar lacks: 2025-02-30
        return {}, body, [f"front matter has a date that does not exist: {error}"]
    if data is None:
        return {}, body, []
    if not isinstance(data, dict):
        return {}, body, [f"front matter must be 'key: value' lines, not a "
                          f"{_yaml_type(data)}"]
    return _front_matter_result(data, body)


def _flow_depth(source: str) -> int:
    """How deeply `[` and `{` nest in the text, outside quotes (an upper bound for YAML).

    Checked before parsing: PyYAML's scanner reads far ahead of its parser through open
    brackets (each could start a key), so 4,000 of them took ~0.1 s to reach the depth
    check even within the size cap.
    """
    depth = deepest = 0
    quote = None
    for char in source:
        if quote is not None:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
    return deepest


class _TooDeep(Exception):
    """Front matter nests collections deeper than MAX_FRONT_MATTER_DEPTH."""


class _FrontMatterLoader(yaml.SafeLoader):
    """PyYAML's safe loader that stops at the first collection nested too deeply.

    Composing is recursive: stopping early both bounds the work and avoids a RecursionError
    deep inside the parser.
    """

    _depth = 0

    def compose_node(self, parent, index):
        """Compose one node, counting how deeply collections are nested here."""
        collection = self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent)
        if collection:
            self._depth += 1
            if self._depth > MAX_FRONT_MATTER_DEPTH:
                raise _TooDeep
        try:
            return super().compose_node(parent, index)
        finally:
            if collection:
                self._depth -= 1


def _front_matter_result(data: dict, body: str) -> tuple[dict, str, list[str]]:
    """Front matter keys read into note fields, with every problem found on the way."""
    problems: list[str] = []
    unknown = [key for key in data if not (isinstance(key, str) and key in FRONT_MATTER_KEYS)]
    if unknown:
        problems.append(f"unknown front matter key{'s' if len(unknown) > 1 else ''} "
                        f"{', '.join(repr(str(k)) for k in unknown)}; allowed: "
                        f"{', '.join(FRONT_MATTER_KEYS)}")
    fields: dict[str, object] = {}
    given_types = [key for key in _SOURCE_TYPE_KEYS if _given(data.get(key))]
    if len(given_types) > 1:
        problems.append(f"give the source type once, not as {' and '.join(given_types)}")
    elif given_types:
        fields["source_type"] = data[given_types[0]]
    title = data.get("title")
    if isinstance(title, bool) or not isinstance(title, str | int | float | type(None)):
        problems.append(f"title: must be text, not a {_yaml_type(title)}")
    elif title is not None:
        fields["title"] = str(title)
    try:
        fields["tags"] = _tags_value(data.get("tags"))
    except ValueError as error:
        problems.append(str(error))
    fields["date"] = data.get("date")
    fields["respondents"] = data.get("respondents")
    return fields, body, problems


def _tags_value(value: object) -> list[str]:
    """Tags from a YAML list or from comma-separated text."""
    if value is None:
        return []
    if isinstance(value, str):
        return value.split(",")
    if isinstance(value, list) and all(
            isinstance(v, str | int | float) and not isinstance(v, bool) for v in value):
        return [str(v) for v in value]
    raise ValueError("tags: must be a list of words or comma-separated text")


def _yaml_problem(error: yaml.YAMLError) -> str:
    """What YAML says is wrong, with the line of the file it points at."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    if mark is None:
        return f"front matter is not valid YAML: {problem}"
    # YAML counts from 0 within the front matter; the file has the opening --- line before it.
    return f"front matter is not valid YAML (line {mark.line + 2} of the file): {problem}"


def _yaml_type(value: object) -> str:
    """The YAML name of a parsed value's type, for messages."""
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, bool):
        return "true/false value"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dt.date):
        return "date"
    return "single value"


def _first_heading(body: str) -> str | None:
    """The text of the first level-1 `# heading` outside code blocks, if any."""
    fence: str | None = None
    for line in body.split("\n"):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        heading = _ATX_HEADING.match(line)
        if heading:
            return heading.group(1).strip()
    return None


def _readable_stem(name: str) -> str:
    """A title from a file name: "interviews/anna-interview.md" → "Anna interview"."""
    stem = PurePosixPath(name.replace("\\", "/")).stem
    words = " ".join(re.sub(r"[-_.]+", " ", stem).split())
    return words[:1].upper() + words[1:] if words else "Untitled"


# ---- CSV ---------------------------------------------------------------------------------------

def _plan_csv(planner: _Planner, name: str, text: str, csv_mode: str) -> None:
    """Notes from a CSV file: one per row, or one per survey question."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    records = _records(planner, name, reader)
    known_problems = len(planner.plan.problems)
    header = _trimmed(next(records, []))
    if len(planner.plan.problems) > known_problems:
        return  # the header itself is broken CSV
    if not any(cell.strip() for cell in header):
        planner.problem(name, "the first row must name the columns")
        return
    # Rows are read lazily, so a huge file stops being read once the import is full.
    rows = _rows_of(planner, name, records, len(header))
    if csv_mode == "survey":
        _plan_survey(planner, name, header, list(rows))
    else:
        _plan_rows(planner, name, header, rows)


def _records(planner: _Planner, name: str, reader) -> Iterator[list[str]]:
    """The records of a CSV reader; broken CSV ends them with a problem naming the line."""
    try:
        yield from reader
    except csv.Error as error:
        planner.problem(name, f"is not valid CSV (line {reader.line_num}): {error}")


def _delimiter(text: str) -> str:
    """The delimiter that splits the start of the file into the most even, widest columns.

    A column count above one beats one column, even rows beat ragged ones, more columns beat
    fewer, and on a tie the comma wins.
    """
    sample = text[:_SNIFF_CHARS]
    if len(text) > _SNIFF_CHARS and "\n" in sample:
        sample = sample[:sample.rindex("\n")]  # a cut-off last line would look ragged

    def score(delimiter: str) -> tuple[bool, bool, int]:
        """How well this delimiter splits the sample (higher is better)."""
        try:
            rows = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
                    if r]
        except csv.Error:
            return False, False, 0
        width = len(rows[0]) if rows else 0
        even = all(len(_trimmed(row)) <= width for row in rows)
        return width > 1, even, width

    return max(CSV_DELIMITERS, key=score)


def _trimmed(record: list[str]) -> list[str]:
    """A record without its empty trailing cells (spreadsheets often add some)."""
    end = len(record)
    while end and not record[end - 1].strip():
        end -= 1
    return record[:end]


def _rows_of(planner: _Planner, name: str, records: Iterator[list[str]],
             width: int) -> Iterator[tuple[int, list[str]]]:
    """The (spreadsheet row number, cells) of the data rows; ragged rows become problems."""
    # Row 1 is the header; a record spanning lines (a quoted line break) is still one row.
    for number, record in enumerate(records, start=2):
        if not _trimmed(record):
            continue  # a blank line
        # Empty cells past the last column are spreadsheet padding; anything else in the
        # wrong place would put text into the wrong field.
        if len(record) != width and (len(record) < width or _trimmed(record[width:])):
            planner.problem(f"{name} row {number}", f"has {len(_trimmed(record))} cells, but "
                                                    f"the first row names {width} columns")
            continue
        yield number, record[:width]


def _column_form(header: str) -> str:
    """A column name reduced for comparison: casefolded, punctuation as spaces, collapsed."""
    return " ".join(re.sub(r"[\W_]+", " ", header.casefold()).split())


def _column_letter(index: int) -> str:
    """The spreadsheet letter of a column: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _plan_rows(planner: _Planner, name: str, header: list[str],
               rows: Iterable[tuple[int, list[str]]]) -> None:
    """One note per row; the header names which column fills which field."""
    columns: dict[str, int] = {}
    problems: list[str] = []
    unknown: list[str] = []
    for index, cell in enumerate(header):
        field_name = CSV_COLUMNS.get(_column_form(cell))
        if field_name is None:
            unknown.append(cell.strip() or f"(column {_column_letter(index)} has no name)")
        elif field_name in columns:
            problems.append(f"columns {header[columns[field_name]].strip()!r} and "
                            f"{cell.strip()!r} both give {field_name}; keep one")
        else:
            columns[field_name] = index
    if not columns:
        planner.problem(name, f"the first row must name the columns ({_KNOWN_COLUMNS_TEXT})")
        return
    if unknown:
        problems.append(f"unknown column{'s' if len(unknown) > 1 else ''} "
                        f"{', '.join(repr(u) for u in unknown)}; known columns: "
                        f"{_KNOWN_COLUMNS_TEXT}")
    if "body" not in columns:
        problems.append("no body column (body, text or notes): each row needs its text")
    for message in problems:
        planner.problem(name, message)
    if problems:
        return  # with the columns in doubt, the rows would only repeat the same problem
    for number, cells in rows:
        values = {field_name: cells[index] for field_name, index in columns.items()}
        source = f"{name} row {number}"
        body = values["body"]
        if not body.strip():
            planner.problem(source, "body: is empty (each row needs its text)")
            continue
        title = values.get("title", "")
        planner.note(source, title=title if title.strip() else _title_from_text(body),
                     body=body, source_type=values.get("source_type"),
                     tags=[t for t in values.get("tags", "").split(",") if t.strip()],
                     date=values.get("date"), respondents=values.get("respondents"))


def _title_from_text(body: str, limit: int = 80) -> str:
    """A title for a row without one: its first heading, else its first line, shortened."""
    text = _first_heading(body) or next(line for line in body.split("\n") if line.strip())
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"


def _plan_survey(planner: _Planner, name: str, header: list[str],
                 rows: list[tuple[int, list[str]]]) -> None:
    """One note per question column, its answers as a list (respondent columns skipped)."""
    questions = []
    for index, cell in enumerate(header):
        question = " ".join(cell.split())
        if not question:
            planner.problem(f"{name} column {_column_letter(index)}",
                            "has no question in the first row")
        elif not SKIPPED_SURVEY_COLUMN.match(_column_form(question)):
            questions.append((index, question))
    if not questions:
        planner.problem(name, "no question columns: every column names the respondent or "
                              "the response (id, timestamp, email, …)")
        return
    for index, question in questions:
        answers = [" ".join(cells[index].split()) for _, cells in rows]
        answers = [answer for answer in answers if answer]
        if not answers:
            continue  # nobody answered: nothing to learn from this question
        title = question
        intro = ""
        if len(question) > TITLE_MAX:
            title = question[:TITLE_MAX - 1] + "…"
            intro = f"{_escaped_answer(question)}\n\n"
        planner.note(f"{name} column {_column_letter(index)}", title=title,
                     body=intro + _answer_list(answers), source_type="survey",
                     respondents=len(answers))


def _answer_list(answers: list[str]) -> str:
    """Answers as a Markdown list: the most frequent first, repeats (in any case) counted."""
    counts = Counter(answer.casefold() for answer in answers)
    spelling: dict[str, str] = {}
    for answer in answers:
        spelling.setdefault(answer.casefold(), answer)  # the first spelling given
    # Counter keeps first-seen order and sorted() is stable, so ties stay in answer order.
    ordered = sorted(counts.items(), key=lambda item: -item[1])
    return "\n".join(f"- {_escaped_answer(spelling[key])}" + (f" (×{n})" if n > 1 else "")
                     for key, n in ordered)


def _escaped_answer(answer: str) -> str:
    """An answer (one line) whose start cannot turn into Markdown structure."""
    answer = _ANSWER_NUMBERED.sub(r"\1\\.", answer, count=1)
    return _ANSWER_START.sub(r"\\\1", answer, count=1)
