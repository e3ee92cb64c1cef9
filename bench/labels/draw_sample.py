"""Draw the seeded, model-stratified samples of real closed answers that were labelled by hand.

Run from the repository root: ``python bench/labels/draw_sample.py`` prints the drawn ids
(file, row) of the first sample (dev + heldout); ``--sample second`` those of the second, blind
sample (``heldout2``: 24 answers per model, none of the first sample's). The labels themselves
were written by reading each answer (see README.md).
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
#: The external data (not shipped): $PCT_LLM_VALUES_PCT, else ../shared beside the checkout.
DATA = Path(os.environ.get("PCT_LLM_VALUES_PCT") or next(
    (p for p in (ROOT.parent / "shared", ROOT.parents[1] / "shared") if (p / "external_data").is_dir()),
    ROOT.parent / "shared") / "external_data" / "llm-values-pct") / "data"
FOLDERS = ("explicit_jailbreak_experiments_230124", "explicit_paraphrase_experiments_240124")
PER_MODEL = 40
SEED = 20240601
#: The second sample: drawn after the parser was final, scored once, never tuned on.
SECOND_PER_MODEL = 24
SECOND_SEED = 2030


def split_of(file: str, row: int) -> str:
    """dev (~60%) or heldout (~40%), from a seeded hash of the id."""
    h = hashlib.sha256(f"{SEED}:{file}:{row}".encode()).hexdigest()
    return "dev" if int(h[:8], 16) % 100 < 60 else "heldout"


def _pool(data: Path) -> pd.DataFrame:
    frames = []
    for folder in FOLDERS:
        for path in sorted((data / "completions" / folder).glob("*.csv")):
            df = pd.read_csv(path)
            df["file"] = f"{folder}/{path.name}"
            df["row"] = range(len(df))
            df["model_file"] = path.stem
            frames.append(df)
    return pd.concat(frames, ignore_index=True)


def _per_model(rows: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """``n`` rows per model, seeded, in (model, file, row) order."""
    picked = pd.concat([rows[rows["model_file"] == m].sample(n=n, random_state=seed)
                        for m in sorted(set(rows["model_file"]))])
    return picked.sort_values(["model_file", "file", "row"]).reset_index(drop=True)


def draw(data: Path = DATA, allrows: pd.DataFrame | None = None) -> pd.DataFrame:
    """The first sample: 40 answers per model, split into dev and heldout by a hash of the id."""
    picked = _per_model(_pool(data) if allrows is None else allrows, PER_MODEL, SEED)
    picked["split"] = [split_of(f, r) for f, r in zip(picked["file"], picked["row"], strict=True)]
    return picked


def draw_second(data: Path = DATA) -> pd.DataFrame:
    """24 answers per model from the rows the first sample left, all in split ``heldout2``."""
    allrows = _pool(data)
    first = draw(data, allrows)
    first_ids = set(zip(first["file"], first["row"], strict=True))
    rest = allrows[[(f, r) not in first_ids for f, r in zip(allrows["file"], allrows["row"], strict=True)]]
    picked = _per_model(rest, SECOND_PER_MODEL, SECOND_SEED)
    picked["split"] = "heldout2"
    return picked


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sample", choices=("first", "second"), default="first")
    out = draw_second() if ap.parse_args().sample == "second" else draw()
    out[["file", "row", "model_file", "templ_id", "pct_id", "jail_id", "split"]].to_csv(sys.stdout, index=False)
