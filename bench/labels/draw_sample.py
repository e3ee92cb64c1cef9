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


def draw(data: Path = DATA) -> pd.DataFrame:
    allrows = _pool(data)
    picked = pd.concat([allrows[allrows["model_file"] == m].sample(n=PER_MODEL, random_state=SEED)
                        for m in sorted(set(allrows["model_file"]))])
    picked["split"] = [split_of(f, r) for f, r in zip(picked["file"], picked["row"], strict=True)]
    return picked.sort_values(["model_file", "file", "row"]).reset_index(drop=True)


def draw_second(data: Path = DATA) -> pd.DataFrame:
    """24 answers per model from the rows the first sample left, all in split ``heldout2``."""
    allrows = _pool(data)
    first = set(zip(draw(data)["file"], draw(data)["row"], strict=True))
    rest = allrows[[(f, r) not in first for f, r in zip(allrows["file"], allrows["row"], strict=True)]]
    picked = pd.concat([rest[rest["model_file"] == m].sample(n=SECOND_PER_MODEL, random_state=SECOND_SEED)
                        for m in sorted(set(rest["model_file"]))])
    picked["split"] = "heldout2"
    return picked.sort_values(["model_file", "file", "row"]).reset_index(drop=True)


if __name__ == "__main__":
    out = draw_second() if sys.argv[1:] == ["--sample", "second"] else draw()
    out[["file", "row", "model_file", "templ_id", "pct_id", "jail_id", "split"]].to_csv(sys.stdout, index=False)
