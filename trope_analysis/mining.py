"""``mine_tropes``: the whole job behind ``pct tropes``, resumable and deterministic.

Reads the samples of one or many runs, fits a ``TropePipeline``, computes the statistics and
writes every output through ``pct_tasks.io.outputs.OutputDir`` (atomic files, a manifest with
provenance and an input fingerprint). What survives an interruption: the embedding cache
(per chunk), each group's clusters (``.work/groups``), and every finished output file; a
re-run with the same inputs and settings reuses all of them.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from trope_analysis.arguments import KINDS, ArgumentFilter, rules_digest
from trope_analysis.inputs import UNKNOWN, justification_table, read_records
from trope_analysis.options import TropeOptions, as_options
from trope_analysis.pipeline import TropePipeline, make_pipeline, persona_values

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
    options: TropeOptions | str | None = None,
    *,
    records: Iterable[Any] | None = None,
    pipeline: TropePipeline | None = None,
    labels: Mapping[Any, str] | None = None,
    judge_id: str | None = None,
    refiner=None,
) -> MiningResult:
    """Mine tropes from the samples under ``paths`` (or given ``records``) into ``out_dir``.

    Args:
        paths: run folders or samples files (found by content).
        out_dir: output folder (created; resumed when it holds a run with the same fingerprint).
        options: a ``TropeOptions`` (or a preset name); see ``make_pipeline``.
        records: SampleRecords to use instead of reading ``paths``.
        pipeline: a ready ``TropePipeline`` (its own settings win over ``options``).
        labels: open-answer stance labels keyed by ``(run_id, doc_key)`` or ``doc_key``.
        judge_id: which judge's labels to read from beside the runs (None = the only one).
        refiner: an optional ``TropeRefiner`` (LLM argument filter / paraphrases).
    """
    from pct_tasks.io.outputs import TROPES_MANIFEST, OutputDir

    o = as_options(options)
    out = Path(out_dir)
    records = list(read_records(list(paths or []), judge_id=judge_id) if records is None else records)
    docs = justification_table(records, labels, o.stance_level)
    if docs.empty:
        from pct_tasks.errors import PctInputError

        raise PctInputError(f"no justifications found in {', '.join(map(str, paths or []))}",
                            hint="pass runs logged with --log_samples whose answers carry text")
    if pipeline is None:
        pipeline = make_pipeline(o, group_cache_dir=out / ".work" / "groups", refiner=refiner)
    settings = {"preset": o.preset, "pipeline": repr(_public_params(pipeline)), "n_permutations": o.n_permutations,
                "top_n": o.top_n, "random_state": o.random_state}
    if isinstance(pipeline.argument_filter, ArgumentFilter):  # its rules live in code, not in parameters
        settings["argument_rules"] = rules_digest()
    runs = run_identities(records)
    outdir = OutputDir(out, _provenance(records, runs, settings, o.random_state), _fingerprint(docs, settings),
                       manifest=TROPES_MANIFEST)
    expected = _expected_files(docs)
    if outdir.previously_complete and all(outdir.has(name) for name in expected):
        logger.info("%s is up to date", out)
        outdir.finish()  # opening the folder marked it incomplete; nothing changed
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        return MiningResult(out, None, summary, skipped=sorted(expected), up_to_date=True)
    pipeline.fit(docs)
    summary = _summary(o.preset, docs, pipeline, runs)
    written, skipped = _write_outputs(outdir, pipeline, summary, o)
    outdir.finish()
    return MiningResult(out, pipeline, summary, written=written, skipped=skipped)


def run_identities(records: Iterable[Any]) -> list[dict[str, Any]]:
    """One dict per run (``provenance.describe_run``), read from the runs' results files.

    Backend, task versions and lm-eval version come from the results file beside each
    samples file; a run without one keeps what its records say.
    """
    from pct_tasks.io.provenance import describe_run
    from pct_tasks.io.records import read_run_info

    sources: dict[str, Any] = {}
    for r in records:
        sources.setdefault(r.run_id, (r, str(r.source)))
    out = []
    for run_id in sorted(sources):
        record, source = sources[run_id]
        info = None
        if Path(source).is_file():
            try:
                info = describe_run(read_run_info(source))
            except Exception:  # noqa: BLE001 - an unreadable results file is reported by the reader
                info = None
        if info is None or info.get("backend") in (None, "unknown"):
            info = {**(info or {}), "model": record.model, "model_args": record.model_args}
        info["run_id"] = run_id
        out.append(describe_run(info))
    return out


def _provenance(records, runs, settings, random_state) -> dict[str, Any]:
    from pct_tasks.io.provenance import provenance

    prov = provenance("pct tropes", runs=runs, seeds={"random_state": random_state},
                      settings={k: v for k, v in settings.items() if k != "pipeline"},
                      inputs=sorted({str(r.source) for r in records}))
    prov["created_utc"] = None  # the same input must give byte-identical outputs
    prov["settings"]["pipeline"] = settings["pipeline"]
    return prov


def _summary(preset: str, docs: pd.DataFrame, pipeline: TropePipeline, runs: list[dict[str, Any]]) -> dict[str, Any]:
    n_open = int((docs["setting"] == "open").sum())
    n_unknown = int((docs["stance"] == UNKNOWN).sum())
    unknown_note = (
        f"{n_unknown} of {n_open} open answers have no stance label (no judge has labelled them): their "
        f"tropes are grouped under side '{UNKNOWN}'. Run `pct judge` (or pass --labels) to split them by stance."
        if n_unknown else ""
    )
    sentences = pipeline.sentences_
    kinds = sentences["kind"].value_counts()
    models = sorted(docs["model"].astype(str).unique())
    return {
        "preset": preset, "n_docs": len(docs), "n_sentences": len(sentences), "n_tropes": len(pipeline.tropes_),
        "n_models": len(models), "models": models, "n_open": n_open, "n_unknown_stance": n_unknown,
        "unknown_note": unknown_note, "n_sentences_in_tropes": int((sentences["trope_id"] >= 0).sum()),
        "n_sentences_by_kind": {k: int(kinds.get(k, 0)) for k in KINDS},
        "n_texts_capped": int(docs.attrs.get("n_capped", 0)), "groups": int(sentences["group"].nunique()),
        "runs": runs,
    }


def _write_outputs(outdir, pipeline: TropePipeline, summary: dict[str, Any], o: TropeOptions) -> tuple[list, list]:
    """Write every output not already intact on disk; return (written, kept) file names."""
    from tqdm.auto import tqdm

    from trope_analysis import sharing
    from trope_analysis.embed import show_progress
    from trope_analysis.plots import trope_figures
    from trope_analysis.report import model_report, slug

    written, skipped = [], []

    def emit(name: str, make, kind: str, what: str) -> None:
        if outdir.has(name):
            skipped.append(name)
            return
        getattr(outdir, kind)(name, make(), what)
        written.append(name)

    def emit_table(stem: str, frame_fn, what: str) -> None:
        frame = functools.lru_cache(maxsize=1)(frame_fn)
        emit(f"{stem}.parquet", frame, "parquet", what)
        emit(f"{stem}.csv", frame, "csv", what)

    tropes, members = pipeline.tropes_, members_table(pipeline)
    over = functools.lru_cache(maxsize=1)(lambda: pd.concat(
        [sharing.overrepresentation(pipeline, a, o.n_permutations, o.random_state) for a in sharing.ATTRIBUTES],
        ignore_index=True))
    models, note = summary["models"], summary["unknown_note"]
    steps = [
        lambda: emit_table("tropes", lambda: tropes, "one row per trope"),
        lambda: emit_table("membership", lambda: members, "sentence -> trope, with sample identity"),
        lambda: emit_table("model_tropes", lambda: sharing.model_summary(pipeline), "tropes per model"),
        *[lambda a=a: emit_table(f"jaccard_{a}s", lambda: sharing.jaccard(pipeline, a).reset_index(),
                                 f"Jaccard overlap between {a}s") for a in sharing.ATTRIBUTES],
        lambda: emit_table("overrepresentation", over,
                           "over-representation per trope and model/persona (permutation p, BH q)"),
        lambda: emit_table("both_sides", lambda: sharing.both_sides(pipeline),
                           "tropes used on both sides of a proposition"),
        *[lambda m=m: emit(f"reports/{slug(m)}.md", lambda: model_report(m, tropes, members, note), "markdown",
                           f"trope report of {m}") for m in models],
        *[lambda name=name, make=make, what=what: emit(name, make, "figure", what)
          for name, make, what in trope_figures(pipeline, members, over, o.top_n)],
        lambda: emit("summary.json", lambda: summary, "json", "counts and notes"),
    ]
    for step in tqdm(steps, desc="write", unit="file", disable=not show_progress(o.show_progress_bar)):
        step()
    return written, skipped


def _expected_files(docs: pd.DataFrame) -> list[str]:
    from trope_analysis.plots import figure_names
    from trope_analysis.report import slug
    from trope_analysis.sharing import ATTRIBUTES

    stems = ["tropes", "membership", "model_tropes", *[f"jaccard_{a}s" for a in ATTRIBUTES], "overrepresentation",
             "both_sides"]
    files = [f"{s}.{ext}" for s in stems for ext in ("parquet", "csv")]
    models = sorted(docs["model"].astype(str).unique())
    n_personas = persona_values(docs).nunique()
    files += [f"reports/{slug(m)}.md" for m in models] + figure_names(models, n_personas) + ["summary.json"]
    return files


def _public_params(pipeline: TropePipeline) -> dict[str, Any]:
    """The pipeline's settings that change results (not caches, progress bars or job counts)."""
    ignore = ("cache_dir", "show_progress_bar", "n_jobs", "device", "batch_size", "chunk_size")
    return {k: v for k, v in sorted(pipeline.get_params(deep=True).items())
            if not hasattr(v, "get_params") and not any(k.endswith(i) for i in ignore)}


__all__ = ["MEMBER_COLUMNS", "MiningResult", "members_table", "mine_tropes", "run_identities"]
