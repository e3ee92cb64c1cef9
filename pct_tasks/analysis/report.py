"""``pct report``: every coarse-grained output of one analysis, and one self-contained HTML page.

:func:`build_report` reads the runs, computes the tables, fits the models, draws the figures,
writes them through :class:`pct_tasks.io.outputs.OutputDir` (atomic files, neutralised CSV,
provenance everywhere, a manifest), and writes ``report.html`` last from the Jinja2 templates
in ``templates/`` (autoescaped: model text can never become markup). The manifest says
``"complete": true`` only after that, so an interrupted or failed run never leaves a report
that looks finished; re-running with the same inputs and options resumes (files already
written are kept) and, once complete, returns at once.

The trope section is not computed here: the caller passes it in (``trope_html``, a safe HTML
fragment made by ``trope_analysis.report.html_section``), so analysis never imports tropes.

Outputs (in ``OUT``)::

    report.html                       the page: opens offline, images inlined, text escaped
    manifest.json                     what produced every file, and whether the set is complete
    leaderboard.md / leaderboard.csv  one row per run
    tables/variants.*                 coordinates per run x setting x persona x template
    tables/personas.*                 per persona value, bootstrap interval over templates
    tables/runs.*                     per run x setting
    tables/stances.*                  stance counts and shares per proposition
    tables/rates.*                    answer, refusal, invalid, none, judged rates
    tables/effects_ols.*              OLS persona effects (base case as reference)
    tables/effects_mixed.*            mixed model per axis (random template and proposition)
    tables/closed_open_tvd.*          mean TVD per persona value, with a bootstrap interval
    tables/stance_shares.*            the five-class shares behind the stacked bars
    tables/examples.*                 answers across templates, settings and personas
    figures/*.png, figures/*.svg      compass plots, effect heatmaps, stance bars, TVD
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pct_tasks import __version__
from pct_tasks.analysis.report_sections import ReportBuild, Section
from pct_tasks.errors import PctInputError
from pct_tasks.io.outputs import OutputDir, html_table, to_json
from pct_tasks.io.provenance import provenance, summary_line
from pct_tasks.tasks.scoring import BOOTSTRAP_ITERS, BOOTSTRAP_SEED

REPORT_FILE = "report.html"


@dataclass(frozen=True)
class ReportOptions:
    """Everything that can change a report's content (recorded in its provenance).

    Attributes:
        correction: multiple-testing correction of the effect p-values, "none" or "bh".
        alpha: significance level of the heatmaps and tables.
        n_boot: bootstrap resamples for the intervals.
        seed: bootstrap seed (also picks the example answers).
        mixed: fit the mixed models (a few seconds per run and setting).
        judge: use judge labels for open answers where present.
        judge_id: which judge, if several judged a run.
        examples: answers shown per run and setting in the examples table.
        svg: also write SVG versions of the figures (for papers).
    """

    correction: str = "bh"
    alpha: float = 0.05
    n_boot: int = BOOTSTRAP_ITERS
    seed: int = BOOTSTRAP_SEED
    mixed: bool = True
    judge: bool = True
    judge_id: str | None = None
    examples: int = 6
    svg: bool = True


@dataclass
class ReportResult:
    out_dir: Path
    html: Path
    files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    up_to_date: bool = False


def _fingerprint(data: Any, options: ReportOptions, trope_html: str | None) -> str:
    """Inputs (files by path, size and mtime; run ids), options and the trope section, hashed."""
    h = hashlib.sha256()
    h.update(f"pct-tropes {__version__}\n".encode())
    for src in sorted({str(s) for s in data.samples["source"].unique()}):
        try:
            st = os.stat(src)
            h.update(f"{src}\t{st.st_size}\t{st.st_mtime_ns}\n".encode())
        except OSError:
            h.update(f"{src}\n".encode())
    h.update(json.dumps(sorted(data.runs), sort_keys=True).encode())
    h.update(json.dumps(data.judge_status, sort_keys=True, default=str).encode())
    h.update(json.dumps(asdict(options), sort_keys=True, default=str).encode())
    h.update((trope_html or "").encode())
    return h.hexdigest()


def build_report(
    paths: Iterable[str | os.PathLike],
    out_dir: str | os.PathLike,
    *,
    options: ReportOptions | None = None,
    force: bool = False,
    show_progress_bar: bool | None = None,
    records: Iterable[Any] | None = None,
    trope_html: str | None = None,
    trope_note: str | None = None,
) -> ReportResult:
    """Produce every output of the analysis of ``paths`` in ``out_dir``.

    Args:
        paths: run folders or samples files (one or many runs).
        out_dir: the output folder (created).
        options: see :class:`ReportOptions`.
        force: recompute and rewrite everything even if an up-to-date report exists.
        show_progress_bar: a tqdm bar on stderr; None shows it when stderr is a terminal.
        records: already-read sample records instead of reading ``paths`` (tests).
        trope_html: the trope section, a safe HTML fragment made by the trope stage.
        trope_note: why there is no trope section (shown instead of it).

    Raises:
        PctInputError: unreadable or malformed inputs (naming the file and line); nothing
            is presented as complete in that case.
    """
    from pct_tasks.analysis import effects
    from pct_tasks.analysis.frame import load_runs

    options = options or ReportOptions()
    if options.correction not in effects.CORRECTIONS:
        raise PctInputError(f"unknown correction {options.correction!r}",
                            hint=f"choose one of {', '.join(effects.CORRECTIONS)}")
    out_path = Path(out_dir)
    paths = [os.fspath(p) for p in paths]
    # Read everything first: a malformed input fails here, before any output is touched.
    data = load_runs(paths, judge=options.judge, judge_id=options.judge_id, records=records)
    prov = provenance("pct report", runs=data.runs.values(), seeds={"bootstrap": options.seed},
                      settings={k: v for k, v in asdict(options).items() if k != "seed"},
                      inputs=paths)
    fingerprint = _fingerprint(data, options, trope_html)
    old = OutputDir.read_manifest(out_path)
    if (not force and old and old.get("complete") and old.get("fingerprint") == fingerprint
            and (out_path / REPORT_FILE).is_file()):
        return ReportResult(out_path, out_path / REPORT_FILE, sorted(old.get("files") or {}),
                            data.notes, up_to_date=True)
    if force or not old or old.get("fingerprint") != fingerprint:
        # A report of other inputs must not sit here looking finished while we work.
        (out_path / REPORT_FILE).unlink(missing_ok=True)
        if old:
            (out_path / "manifest.json").unlink(missing_ok=True)
    build = ReportBuild(data, OutputDir(out_path, prov, fingerprint), options, prov)
    notes = list(data.notes) + ([trope_note] if trope_note else [])
    sections = _run_steps(build, trope_html, show_progress_bar)
    build.out.text(REPORT_FILE, render_page(build, sections, notes), "the HTML report (self-contained)")
    build.out.finish()
    return ReportResult(out_path, out_path / REPORT_FILE, sorted(build.out.files), notes)


def _run_steps(build: ReportBuild, trope_html: str | None, show_progress_bar: bool | None) -> list[Section]:
    from tqdm.auto import tqdm

    from pct_tasks.analysis import report_sections as s

    steps: list[tuple[str, Callable[[], Any]]] = [
        ("tables", lambda: s.compute_tables(build)),
        ("leaderboard", lambda: s.leaderboard_section(build)),
        ("compass plots", lambda: s.compass_section(build)),
        ("effects", lambda: s.effects_section(build)),
        ("closed vs open", lambda: s.agreement_section(build)),
        ("examples", lambda: s.examples_section(build)),
        ("tropes", lambda: s.trope_section(trope_html)),
    ]
    if show_progress_bar is None:
        show_progress_bar = sys.stderr.isatty()
    sections = []
    with tqdm(total=len(steps), desc="pct report", unit="step", disable=not show_progress_bar,
              file=sys.stderr) as bar:
        for name, step in steps:
            bar.set_postfix_str(name)
            result = step()
            if isinstance(result, Section):
                sections.append(result)
            bar.update(1)
    return sections


def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("pct_tasks.analysis", "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
    )


def render_page(build: ReportBuild, sections: list[Section], notes: list[str]) -> str:
    """The whole HTML document (no external assets, no scripts), from ``templates/``."""
    from markupsafe import Markup

    data = build.data
    for section in sections:  # tables come escaped from outputs.html_table
        section.tables = [(h, Markup(t), c) for h, t, c in section.tables]  # noqa: S704
        if section.raw_html is not None:
            section.raw_html = Markup(section.raw_html)  # noqa: S704  (the trope stage escapes)
    env = _environment()
    return env.get_template("report.html.j2").render(
        models=[data.label(r) for r in data.runs],
        notes=notes,
        synthetic=any(str(i.get("backend")) == "pct-synthetic" for i in data.runs.values()),
        summary=Markup(html_table(build.tables.get("summary", [])))  # noqa: S704
        if "summary" in build.tables else "",
        sections=sections,
        provenance_line=summary_line(build.prov),
        provenance_json=to_json(build.prov),
        css=Markup(env.loader.get_source(env, "report.css")[0]),  # noqa: S704  (our file)
    )


__all__ = ["REPORT_FILE", "ReportOptions", "ReportResult", "build_report", "render_page"]
