"""Write tests/fixtures/real_closed_answers.jsonl: the hard real answers of the dev split, with text.

The fixture holds at most 60 answers (Röttger et al. 2024, CC-BY-4.0; see tests/fixtures/README.md):
the dev answers whose label is not a bare option label ("3) Agree") or a plain AI disclaimer:
all such choices and invalid answers, then refusals up to 60, in a fixed order. Run from the repository root after editing the labels.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from parse_eval_real import default_data, labelled  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "real_closed_answers.jsonl"
PLAIN = ("1) Strongly disagree", "2) Disagree", "3) Agree", "4) Strongly agree", "as an AI, no personal opinions",
         "as an AI, no personal opinions; no option")


def main() -> None:
    frame = labelled(default_data())
    dev = frame[(frame["split"] == "dev") & ~frame["note"].isin(PLAIN)]
    dev = dev.sort_values(["label", "model", "file", "row"])
    choices, refusals = dev[dev["label"] != "refusal"], dev[dev["label"] == "refusal"]
    dev = pd.concat([choices.head(60), refusals.head(max(0, 60 - len(choices)))])
    with OUT.open("w", encoding="utf-8") as fh:
        for _, r in dev.iterrows():
            fh.write(json.dumps({"source": f"llm-values-pct/data/completions/{r['file']}#row={r['row']}",
                                 "model": r["model"], "options": r["ans_prompt"], "label": r["label"],
                                 "note": r["note"], "text": r["completion"]}, ensure_ascii=False) + "\n")
    print(f"{len(dev)} answers -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
