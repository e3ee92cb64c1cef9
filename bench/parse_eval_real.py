"""Benchmark: the closed-answer parser on real model answers, against hand labels.

Data: ../shared/external_data/llm-values-pct (Röttger et al. 2024, CC-BY-4.0; not committed).
Labels: bench/labels/closed_answers.csv (ids and labels only; see bench/labels/README.md). The
text is joined in at run time, written to a temporary CSV and scored with ``pct parse-eval``,
for the ``dev`` split (tuned on), the ``heldout`` split (never tuned on) and ``heldout2`` (a second
sample, scored blind once, then read: now tuning data too).

Also measured: the parser's throughput over all 15,500 completions of the data (the 8,060
forced-choice answers read as closed, the 7,440 open ones as open), and the refusal rate the
parser reports for every model's forced-choice answers beside the share of refusals in the
labelled sample.

Usage:
  .venv/bin/python bench/parse_eval_real.py [--data DIR] [--splits dev,heldout,heldout2] [--errors dev] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
LABELS = ROOT / "bench" / "labels" / "closed_answers.csv"


def default_data() -> Path:
    env = os.environ.get("PCT_LLM_VALUES_PCT")
    if env:
        return Path(env)
    for base in (ROOT.parent, ROOT.parents[1]):  # a checkout beside shared/, or a worktree below it
        if (base / "shared" / "external_data" / "llm-values-pct").is_dir():
            return base / "shared" / "external_data" / "llm-values-pct"
    return ROOT.parent / "shared" / "external_data" / "llm-values-pct"


def load_all(data: Path):
    import pandas as pd

    frames = []
    for path in sorted((data / "data" / "completions").glob("*/*.csv")):
        df = pd.read_csv(path)
        df["file"] = f"{path.parent.name}/{path.name}"
        df["row"] = range(len(df))
        df["model_file"] = path.stem
        frames.append(df)
    if not frames:
        raise SystemExit(f"no completions under {data}/data/completions (set --data or PCT_LLM_VALUES_PCT)")
    out = pd.concat(frames, ignore_index=True)
    out["completion"] = out["completion"].fillna("").astype(str)
    return out


def labelled(data: Path, all_rows=None):
    import pandas as pd

    labels = pd.read_csv(LABELS)
    rows = all_rows if all_rows is not None else load_all(data)
    merged = labels.merge(rows[["file", "row", "completion", "ans_prompt"]], on=["file", "row"], how="left")
    missing = merged["completion"].isna().sum()
    if missing:
        raise SystemExit(f"{missing} labelled ids are not in {data}")
    return merged


def run_parse_eval(frame, n_boot: int) -> dict:
    from pct_tasks.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "answers.csv"
        frame[["completion", "label", "ans_prompt"]].to_csv(path, index=False)
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            rc = main(["parse-eval", str(path), "--text-column", "completion", "--label-column", "label",
                       "--options-column", "ans_prompt", "--n-boot", str(n_boot), "--json"])
        if rc:
            raise SystemExit(f"pct parse-eval exited {rc}")
    return json.loads(buf.getvalue().strip().splitlines()[-1])


def throughput(all_rows) -> dict:
    from pct_tasks.tasks.parsing import parse_answer

    closed = all_rows["file"].str.startswith("explicit")
    texts = list(all_rows["completion"])
    settings = ["closed" if c else "open" for c in closed]
    start = time.perf_counter()
    stances = [parse_answer(t, s).stance for t, s in zip(texts, settings, strict=True)]
    elapsed = time.perf_counter() - start
    return {"answers": len(texts), "seconds": round(elapsed, 3), "answers_per_second": round(len(texts) / elapsed),
            "chars": int(sum(map(len, texts))), "stances": stances}


def refusal_rates(all_rows, stances, labels) -> dict:
    closed = all_rows["file"].str.startswith("explicit").to_numpy()
    out = {}
    for model in sorted(set(all_rows["model_file"])):
        mask = (all_rows["model_file"] == model).to_numpy() & closed
        parsed = [stances[i].value for i in mask.nonzero()[0]]
        sample = labels[labels["model"] == model]
        out[model] = {"answers": len(parsed),
                      "parser_refusal_rate": round(parsed.count("refusal") / len(parsed), 3),
                      "parser_invalid_rate": round(parsed.count("invalid") / len(parsed), 3),
                      "labelled": len(sample),
                      "labelled_refusals": int((sample["label"] == "refusal").sum()),
                      "labelled_refusal_rate": round(float((sample["label"] == "refusal").mean()), 3)}
    return out


def show_errors(frame) -> None:
    from pct_tasks.tasks.parse_eval import read_options
    from pct_tasks.tasks.parsing import parse_answer

    for _, r in frame.iterrows():
        got = parse_answer(r["completion"], "closed", read_options(r["ans_prompt"])).stance.value
        if got != r["label"]:
            text = " ".join(r["completion"].split())
            print(f"--- {r['file']}:{r['row']} gold={r['label']} got={got}\n{text[:700]}\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=default_data())
    ap.add_argument("--splits", default="dev,heldout,heldout2", help="comma-separated splits to score")
    ap.add_argument("--errors", default=None, help="print the misparsed answers of this split (tuning aid)")
    ap.add_argument("--n-boot", type=int, default=1000)
    ap.add_argument("--no-throughput", action="store_true")
    ap.add_argument("--json", action="store_true", help="print one JSON object last")
    args = ap.parse_args(argv)

    all_rows = load_all(args.data)
    frame = labelled(args.data, all_rows)
    result: dict = {"labels": str(LABELS.relative_to(ROOT)), "splits": {}}
    for split in [s for s in args.splits.split(",") if s]:
        part = frame[frame["split"] == split]
        ev = run_parse_eval(part, args.n_boot)
        result["splits"][split] = {k: ev[k] for k in ("n", "accuracy", "macro_f1", "refusal_f1", "kappa", "ci",
                                                       "confusion", "f1_per_label")}
        print(f"{split:8} n={ev['n']:4}  accuracy {ev['accuracy']:.3f} {ev['ci']['accuracy']}  "
              f"macro-F1 {ev['macro_f1']:.3f}  refusal F1 {ev['refusal_f1']:.3f} {ev['ci']['refusal_f1']}")
    if args.errors:
        show_errors(frame[frame["split"] == args.errors])
    if not args.no_throughput:
        tp = throughput(all_rows)
        stances = tp.pop("stances")
        result["throughput"] = tp
        result["refusal_rates"] = refusal_rates(all_rows, stances, frame)
        print(f"throughput: {tp['answers']} answers ({tp['chars'] / 1e6:.1f} M chars) in {tp['seconds']} s = "
              f"{tp['answers_per_second']} answers/s")
        print("refusal rate of forced-choice answers (parser over all / hand labels in the sample):")
        for model, r in result["refusal_rates"].items():
            print(f"  {model:26} {r['parser_refusal_rate']:.3f} of {r['answers']}   "
                  f"{r['labelled_refusals']}/{r['labelled']} = {r['labelled_refusal_rate']:.3f}")
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
