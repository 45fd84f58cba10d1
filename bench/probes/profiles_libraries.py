"""DuckDB, Polars and pandas/NumPy on the profiles' work: which one the analysis uses.

    python bench/probes/profiles_libraries.py [--runs 5] [--rows 100000] [--only polars,duckdb]

Run it with a Python that has all three installed (the app's venv has only Polars), e.g. a
scratch venv: `python -m venv /tmp/libs && /tmp/libs/bin/pip install duckdb polars pandas
numpy pyarrow`, then run this file with `/tmp/libs/bin/python` from the repo root.

The data is tests/profiles_data.py's export (100,000 rows × 20 columns, ~19 MB). Each task,
per library, in a fresh process per run (so no run reads a warm cache of the one before):

- read: the CSV into a frame with every column as text (as inspection needs it);
- types: decide each column's kind by trying to parse it as a number and as a date, and
  count distinct values (what `columns.classify_column` does);
- segment: one segment's profile: filter on `segment`, median and quartiles of three
  numbers, top values of three categories against the population;
- claims: 100 typical-range claims (median and share in range of a random column and
  range) on random segments.

It prints, per library and task, the median in ms and the range over the runs, and each
library's peak memory (ru_maxrss) and import time. The last lines check the library in a
`fork`ed child and a `spawn`ed one (workshop/offload.py spawns): each must finish a
group-by in its own thread pool without hanging.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIBRARIES = ("polars", "duckdb", "pandas")
NUMBERS = ("revenue", "orders", "nps")
CATEGORIES = ("city", "channel", "loyalty_tier")
DATES = ("birth_date", "signup_date", "last_order_date")
SEGMENT = "Established households"


def _claims(rng: random.Random, segments: list[str]) -> list[tuple[str, str, float, float]]:
    claims = []
    for _ in range(100):
        column = rng.choice(NUMBERS)
        low = rng.choice((0, 1, 2, 5, 100, 500))
        claims.append((rng.choice(segments), column, low, low * 3 + 10))
    return claims


def run_polars(path: str) -> dict[str, float]:
    import polars as pl

    times = {}
    start = time.perf_counter()
    frame = pl.read_csv(path, infer_schema=False)
    times["read"] = time.perf_counter() - start

    start = time.perf_counter()
    for name in frame.columns:
        column = frame[name].str.strip_chars()
        filled = column.filter(column != "")
        filled.cast(pl.Float64, strict=False).null_count()
        filled.str.to_date("%Y-%m-%d", strict=False).null_count()
        filled.n_unique()
    frame = frame.with_columns([pl.col(n).cast(pl.Float64, strict=False) for n in NUMBERS])
    times["types"] = time.perf_counter() - start

    start = time.perf_counter()
    segment = frame.filter(pl.col("segment") == SEGMENT)
    for name in NUMBERS:
        segment[name].median(), segment[name].quantile(0.25), segment[name].quantile(0.75)
    for name in CATEGORIES:
        seg = segment[name].value_counts(sort=True).head(5)
        frame[name].value_counts(sort=True)
        del seg
    times["segment"] = time.perf_counter() - start

    start = time.perf_counter()
    segments = frame["segment"].unique().to_list()
    for seg_name, column, low, high in _claims(random.Random(1), segments):
        values = frame.filter(pl.col("segment") == seg_name)[column].drop_nulls()
        values.median()
        ((values >= low) & (values <= high)).mean()
    times["claims"] = time.perf_counter() - start
    return times


def run_duckdb(path: str) -> dict[str, float]:
    import duckdb

    con = duckdb.connect()
    times = {}
    start = time.perf_counter()
    con.execute(f"CREATE TABLE raw AS SELECT * FROM read_csv('{path}', all_varchar=true)")
    times["read"] = time.perf_counter() - start

    start = time.perf_counter()
    columns = [row[0] for row in con.execute("DESCRIBE raw").fetchall()]
    for name in columns:
        con.execute(
            f'SELECT count(*) FILTER (WHERE trim("{name}") <> \'\' AND '
            f'try_cast(trim("{name}") AS DOUBLE) IS NULL), '
            f'count(*) FILTER (WHERE trim("{name}") <> \'\' AND '
            f'try_strptime(trim("{name}"), \'%Y-%m-%d\') IS NULL), '
            f'count(DISTINCT "{name}") FROM raw').fetchall()
    casts = ", ".join(f'try_cast("{n}" AS DOUBLE) AS "{n}"' for n in NUMBERS)
    others = ", ".join(f'"{n}"' for n in columns if n not in NUMBERS)
    con.execute(f"CREATE TABLE t AS SELECT {others}, {casts} FROM raw")
    times["types"] = time.perf_counter() - start

    start = time.perf_counter()
    for name in NUMBERS:
        con.execute(f'SELECT median("{name}"), quantile_cont("{name}", [0.25, 0.75]) FROM t '
                    f"WHERE segment = ?", [SEGMENT]).fetchall()
    for name in CATEGORIES:
        con.execute(f'SELECT "{name}", count(*) c FROM t WHERE segment = ? GROUP BY 1 '
                    f"ORDER BY c DESC LIMIT 5", [SEGMENT]).fetchall()
        con.execute(f'SELECT "{name}", count(*) c FROM t GROUP BY 1 ORDER BY c DESC').fetchall()
    times["segment"] = time.perf_counter() - start

    start = time.perf_counter()
    segments = [row[0] for row in con.execute("SELECT DISTINCT segment FROM t").fetchall()]
    for seg_name, column, low, high in _claims(random.Random(1), segments):
        con.execute(f'SELECT median("{column}"), avg(CASE WHEN "{column}" BETWEEN ? AND ? '
                    f'THEN 1 ELSE 0 END) FROM t WHERE segment IS NOT DISTINCT FROM ? '
                    f'AND "{column}" IS NOT NULL', [low, high, seg_name]).fetchall()
    times["claims"] = time.perf_counter() - start
    return times


def run_pandas(path: str) -> dict[str, float]:
    import pandas as pd

    times = {}
    start = time.perf_counter()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, engine="pyarrow")
    times["read"] = time.perf_counter() - start

    start = time.perf_counter()
    for name in frame.columns:
        column = frame[name].str.strip()
        filled = column[column != ""]
        pd.to_numeric(filled, errors="coerce").isna().sum()
        pd.to_datetime(filled, format="%Y-%m-%d", errors="coerce").isna().sum()
        filled.nunique()
    for name in NUMBERS:
        frame[name] = pd.to_numeric(frame[name], errors="coerce")
    times["types"] = time.perf_counter() - start

    start = time.perf_counter()
    segment = frame[frame["segment"] == SEGMENT]
    for name in NUMBERS:
        segment[name].median(), segment[name].quantile([0.25, 0.75])
    for name in CATEGORIES:
        segment[name].value_counts().head(5)
        frame[name].value_counts()
    times["segment"] = time.perf_counter() - start

    start = time.perf_counter()
    segments = list(frame["segment"].unique())
    for seg_name, column, low, high in _claims(random.Random(1), segments):
        values = frame.loc[frame["segment"] == seg_name, column].dropna()
        values.median()
        values.between(low, high).mean()
    times["claims"] = time.perf_counter() - start
    return times


def one_run(library: str, path: str) -> None:
    """In a fresh process: import time, the tasks' seconds and peak memory, as JSON."""
    start = time.perf_counter()
    __import__(library)
    imported = time.perf_counter() - start
    times = globals()[f"run_{library}"](path)
    times["import"] = imported
    times["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(times))


def _groupby(library: str) -> int:
    if library == "polars":
        import polars as pl

        frame = pl.DataFrame({"a": list(range(100000)), "b": [i % 7 for i in range(100000)]})
        return frame.group_by("b").agg(pl.col("a").sum()).height
    if library == "duckdb":
        import duckdb

        return len(duckdb.sql("SELECT i % 7, sum(i) FROM range(100000) t(i) GROUP BY 1").fetchall())
    import pandas as pd

    frame = pd.DataFrame({"a": range(100000), "b": [i % 7 for i in range(100000)]})
    return len(frame.groupby("b")["a"].sum())


def after_fork(library: str) -> str:
    """Use the library in the parent, then in a forked and a spawned child (20 s each)."""
    _groupby(library)
    answers = []
    for method in ("fork", "spawn"):
        context = multiprocessing.get_context(method)
        with context.Pool(1) as pool:
            result = pool.apply_async(_groupby, (library,))
            try:
                answers.append(f"{method}: {result.get(20)} groups")
            except multiprocessing.TimeoutError:
                answers.append(f"{method}: HUNG")
    return "; ".join(answers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--only", default=",".join(LIBRARIES))
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--fork", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        return one_run(*args.one)
    if args.fork:
        return print(after_fork(args.fork))
    sys.path.insert(0, str(ROOT))
    from tests.profiles_data import customer_csv

    path = Path(tempfile.mkdtemp(prefix="profiles-libs-")) / "customers.csv"
    path.write_bytes(customer_csv(args.rows))
    print(f"{args.rows:,} rows × 20 columns, {path.stat().st_size / 1e6:.1f} MB, "
          f"{args.runs} runs each, a fresh process per run")
    libraries = args.only.split(",")
    results: dict[str, list[dict]] = {library: [] for library in libraries}
    for _ in range(args.runs):  # alternate libraries, so a noisy moment hits each alike
        for library in libraries:
            out = subprocess.run([sys.executable, __file__, "--one", library, str(path)],
                                 capture_output=True, text=True, check=True).stdout
            results[library].append(json.loads(out.strip().splitlines()[-1]))
    tasks = ("read", "types", "segment", "claims", "import")
    print(f"| library | {' | '.join(tasks)} | total | peak MB |")
    print(f"|---|{'---|' * (len(tasks) + 2)}")
    for library, runs in results.items():
        cells = []
        for task in (*tasks, "total"):
            values = [1000 * (sum(r[t] for t in tasks[:4]) if task == "total" else r[task])
                      for r in runs]
            cells.append(f"{statistics.median(values):.0f} ({min(values):.0f}–{max(values):.0f})")
        peak = statistics.median(r["peak_mb"] for r in runs)
        print(f"| {library} | {' | '.join(cells)} | {peak:.0f} |")
    for library in libraries:
        out = subprocess.run([sys.executable, __file__, "--fork", library],
                             capture_output=True, text=True, timeout=120).stdout.strip()
        print(f"{library} after fork/spawn: {out}")


if __name__ == "__main__":
    main()
