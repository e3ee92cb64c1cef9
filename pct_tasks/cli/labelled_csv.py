"""What ``pct parse-eval`` and ``pct judge-eval`` share: a CSV of answers with gold labels.

Both score a reader of model text (the parser, a judge) against hand labels, so they take the
same file and column arguments and read the file the same way.
"""

from __future__ import annotations

import argparse


def add_labelled_csv_arguments(p: argparse.ArgumentParser, *, text_help: str, json_keys: str) -> None:
    """The CSV, its text and label columns, the bootstrap settings and ``--json``."""
    p.add_argument("csv", help="CSV file with one answer per row")
    p.add_argument("--text-column", required=True, help=text_help)
    p.add_argument("--label-column", required=True, help="column holding the gold label")
    p.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    p.add_argument("--json", action="store_true", help=f"print one JSON object ({json_keys})")


def read_labelled_csv(path: str, text_column: str, label_column: str, extra_column: str | None):
    """(texts, raw gold labels, the extra column's values or None) from a CSV; rows without a
    label are dropped. The extra column is the proposition (judge-eval) or the options shown
    (parse-eval)."""
    import csv
    from pathlib import Path

    from pct_tasks.errors import PctInputError

    p = Path(path)
    if not p.is_file():
        raise PctInputError(f"{path}: no such file", hint="pass the labelled CSV")
    with p.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        columns = reader.fieldnames or []
        wanted = [c for c in (text_column, label_column, extra_column) if c]
        missing = [c for c in wanted if c not in columns]
        if missing:
            raise PctInputError(f"{path}: no column {', '.join(map(repr, missing))}",
                                hint=f"the columns are: {', '.join(columns) or '(none)'}")
        texts, gold, props = [], [], []
        for row in reader:
            if not (row.get(label_column) or "").strip():
                continue
            texts.append(row.get(text_column) or "")
            gold.append(row[label_column].strip())
            props.append((row.get(extra_column) or "") if extra_column else "")
    return texts, gold, (props if extra_column else None)


__all__ = ["add_labelled_csv_arguments", "read_labelled_csv"]
