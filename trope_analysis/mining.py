"""``mine_tropes``: the whole job behind ``pct tropes``, resumable and deterministic.

Reads the samples of one or many runs, fits a ``TropePipeline``, computes the statistics and
writes every output through ``pct_tasks.io.outputs.OutputDir`` (atomic files, a manifest with
provenance and an input fingerprint). What survives an interruption: the embedding cache
(per chunk), each group's clusters (``.work/groups``), and every finished output file; a
re-run with the same inputs and settings reuses all of them.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from trope_analysis.inputs import UNKNOWN, justification_table, read_records
from trope_analysis.pipeline import TropePipeline, make_pipeline

logger = logging.getLogger(__name__)

MEMBER_COLUMNS = ("trope_id", "sentence", "run_id", "model", "setting", "category", "persona", "template_id",
                  "proposition_id", "side", "stance", "doc_key", "source", "line")


@dataclass
class MiningResult:
    out_dir: Path
    pipeline: TropePipeline | None
    summary: dict[str, Any]
    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    up_to_date: bool = False


def _fingerprint(docs: pd.DataFrame, settings: Mapping[str, Any]) -> str:
    h = hashlib.sha256()
    h.update(pd.util.hash_pandas_object(docs, index=False).to_numpy().tobytes())
    h.update(repr(sorted(settings.items())).encode())
    return h.hexdigest()[:24]


def members_table(pipe: TropePipeline) -> pd.DataFrame:
    sent = pipe.sentences_[pipe.sentences_["trope_id"] >= 0]
    joined = sent.join(pipe.docs_, on="doc")
    return joined[list(MEMBER_COLUMNS)].reset_index(drop=True)


def mine_tropes(
    paths: Iterable[str | os.PathLike] | None,
    out_dir: str | os.PathLike,
    *,
    records: Iterable[Any] | None = None,
    preset: str = "default",
    pipeline: TropePipeline | None = None,
    cache_dir: str | os.PathLike | None = None,
    labels: Mapping[Any, str] | None = None,
    judge_id: str | None = None,
    model: str | None = None,
    device: str | None = None,
    precision: str = "auto",
    n_jobs: int | None = None,
    n_resamples: int = 5,
    n_permutations: int = 1000,
    top_n: int = 30,
    random_state: int = 0,
    min_cluster_size: int | None = None,
    refiner=None,
    stance_level: str = "direction",
    show_progress_bar: bool | None = None,
) -> MiningResult:
    """Mine tropes from the samples under ``paths`` (or given ``records``) into ``out_dir``.

    Args:
        paths: run folders or samples files (found by content).
        out_dir: output folder (created; resumed when it holds a run with the same fingerprint).
        records: SampleRecords to use instead of reading ``paths``.
        preset: "default" or "paper" (see ``make_pipeline``); ignored when ``pipeline`` is given.
        pipeline: a ready ``TropePipeline`` (its own settings win).
        cache_dir: embedding cache root (None = ``default_cache_dir()``).
        labels: open-answer stance labels keyed by ``(run_id, doc_key)`` or ``doc_key``.
        judge_id: which judge's labels to read from beside the runs (None = the only one).
        n_permutations: permutations per over-representation test.
        top_n: tropes per bubble chart.
    """
    from pct_tasks.io.outputs import TROPES_MANIFEST, OutputDir
    from pct_tasks.io.provenance import provenance

    from trope_analysis import sharing
    from trope_analysis.plots import visualize_bubbles, visualize_jaccard, visualize_models_per_trope
    from trope_analysis.report import model_report, slug

    out = Path(out_dir)
    work = out / ".work"
    if records is None:
        records = read_records(list(paths or []), judge_id=judge_id)
    records = list(records)
    docs = justification_table(records, labels, stance_level)
    if docs.empty:
        from pct_tasks.errors import PctInputError

        raise PctInputError(f"no justifications found in {', '.join(map(str, paths or []))}",
                            hint="pass runs logged with --log_samples whose answers carry text")
    if pipeline is None:
        pipeline = make_pipeline(preset, model=model, device=device, precision=precision, cache_dir=cache_dir,
                                 n_jobs=n_jobs,
                                 n_resamples=n_resamples, random_state=random_state, group_cache_dir=work / "groups",
                                 min_cluster_size=min_cluster_size, refiner=refiner, stance_level=stance_level,
                                 show_progress_bar=show_progress_bar)
    settings = {"preset": preset, "pipeline": repr(_public_params(pipeline)), "n_permutations": n_permutations,
                "top_n": top_n, "random_state": random_state}
    runs = {}
    for r in records:
        runs.setdefault(r.run_id, {"run_id": r.run_id, "model": r.model, "model_args": r.model_args})
    prov = provenance("pct tropes", runs=[runs[k] for k in sorted(runs)], seeds={"random_state": random_state},
                      settings={k: v for k, v in settings.items() if k != "pipeline"},
                      inputs=sorted({str(r.source) for r in records}))
    prov["created_utc"] = None  # the same input must give byte-identical outputs
    prov["settings"]["pipeline"] = settings["pipeline"]
    outdir = OutputDir(out, prov, _fingerprint(docs, settings), manifest=TROPES_MANIFEST)
    n_open = int((docs["setting"] == "open").sum())
    n_unknown = int((docs["stance"] == UNKNOWN).sum())
    unknown_note = (
        f"{n_unknown} of {n_open} open answers have no stance label (no judge has labelled them): their "
        "tropes are grouped under side 'unknown'. Run `pct judge` (or pass --labels) to split them by stance."
        if n_unknown else ""
    )
    expected = _expected_files(docs, top_n)
    if outdir.previously_complete and all(outdir.has(name) for name in expected):
        logger.info("%s is up to date", out)
        outdir.finish()  # opening the folder marked it incomplete; nothing changed
        import json

        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        return MiningResult(out, None, summary, skipped=sorted(expected), up_to_date=True)

    pipeline.fit(docs)
    members = members_table(pipeline)
    models = sorted(docs["model"].astype(str).unique())
    written, skipped = [], []

    def emit(name: str, make, kind: str, what: str) -> None:
        if outdir.has(name):
            skipped.append(name)
            return
        getattr(outdir, kind)(name, make(), what)
        written.append(name)

    def emit_table(stem: str, frame_fn, what: str) -> None:
        cached: dict[str, pd.DataFrame] = {}

        def frame():
            if "f" not in cached:
                cached["f"] = frame_fn()
            return cached["f"]

        emit(f"{stem}.parquet", frame, "parquet", what)
        emit(f"{stem}.csv", frame, "csv", what)

    from tqdm.auto import tqdm

    from trope_analysis.embed import show_progress

    tropes = pipeline.tropes_
    summary = {
        "preset": preset, "n_docs": len(docs), "n_sentences": len(pipeline.sentences_), "n_tropes": len(tropes),
        "n_models": len(models), "models": models, "n_open": n_open, "n_unknown_stance": n_unknown,
        "unknown_note": unknown_note, "n_sentences_in_tropes": len(members),
        "groups": int(pipeline.sentences_["group"].nunique()),
    }
    steps = [
        ("tropes", lambda: emit_table("tropes", lambda: tropes, "one row per trope")),
        ("membership", lambda: emit_table("membership", lambda: members, "sentence -> trope, with sample identity")),
        ("models", lambda: emit_table("model_tropes", lambda: sharing.model_summary(pipeline), "tropes per model")),
        ("jaccard", lambda: [emit_table(f"jaccard_{a}s", lambda a=a: sharing.jaccard(pipeline, a).reset_index(),
                                        f"Jaccard overlap between {a}s") for a in sharing.ATTRIBUTES]),
        ("overrepresentation", lambda: emit_table(
            "overrepresentation",
            lambda: pd.concat([sharing.overrepresentation(pipeline, a, n_permutations, random_state)
                               for a in sharing.ATTRIBUTES], ignore_index=True),
            "over-representation per trope and model/persona (permutation p, BH q)")),
        ("both sides", lambda: emit_table("both_sides", lambda: sharing.both_sides(pipeline),
                                          "tropes used on both sides of a proposition")),
        ("reports", lambda: [emit(f"reports/{slug(m)}.md", lambda m=m: model_report(m, tropes, members, unknown_note),
                                  "markdown", f"trope report of {m}") for m in models]),
        ("plots", lambda: _plots(emit, pipeline, tropes, members, models, top_n, visualize_bubbles,
                                 visualize_jaccard, visualize_models_per_trope, sharing, slug)),
        ("summary", lambda: emit("summary.json", lambda: summary, "json", "counts and notes")),
    ]
    for _name, step in tqdm(steps, desc="write", unit="step", disable=not show_progress(show_progress_bar)):
        step()
    outdir.finish()
    return MiningResult(out, pipeline, summary, written=written, skipped=skipped)


def _plots(emit, pipeline, tropes, members, models, top_n, bubbles, heat, per_trope, sharing, slug) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def fig(make):
        def inner():
            f = make()
            plt.close(f)
            return f
        return inner

    for m in models:
        def make(m=m):
            uses = members[members["model"].astype(str) == m].groupby("trope_id").size().rename("uses")
            mine = tropes.join(uses, on="trope_id", how="inner")
            return bubbles(mine, title=f"Top {top_n} tropes of {m}", top_n=top_n)
        emit(f"plots/bubbles_{slug(m)}.png", fig(make), "figure", f"top {top_n} tropes of {m}")
    for a in sharing.ATTRIBUTES:
        emit(f"plots/jaccard_{a}s.png", fig(lambda a=a: heat(sharing.jaccard(pipeline, a), title=f"Jaccard overlap between {a}s")),
             "figure", f"Jaccard heatmap between {a}s")
    emit("plots/models_per_trope.png", fig(lambda: per_trope(tropes, len(models))), "figure", "models per trope")


def _expected_files(docs: pd.DataFrame, top_n: int) -> list[str]:
    from trope_analysis.report import slug
    from trope_analysis.sharing import ATTRIBUTES

    stems = ["tropes", "membership", "model_tropes", *[f"jaccard_{a}s" for a in ATTRIBUTES], "overrepresentation",
             "both_sides"]
    files = [f"{s}.{ext}" for s in stems for ext in ("parquet", "csv")]
    models = sorted(docs["model"].astype(str).unique())
    files += [f"reports/{slug(m)}.md" for m in models] + [f"plots/bubbles_{slug(m)}.png" for m in models]
    files += [f"plots/jaccard_{a}s.png" for a in ATTRIBUTES] + ["plots/models_per_trope.png", "summary.json"]
    return files


def _public_params(pipeline: TropePipeline) -> dict[str, Any]:
    """The pipeline's settings that change results (not caches, progress bars or job counts)."""
    ignore = ("cache_dir", "show_progress_bar", "n_jobs", "device", "batch_size", "chunk_size")
    return {k: v for k, v in sorted(pipeline.get_params(deep=True).items())
            if not hasattr(v, "get_params") and not any(k.endswith(i) for i in ignore)}


__all__ = ["MEMBER_COLUMNS", "MiningResult", "members_table", "mine_tropes"]
