"""``pct report``: every coarse-grained output of one analysis, and one self-contained HTML page.

:func:`build_report` reads the runs, computes the tables, fits the models, draws the figures,
writes them through :class:`pct_tasks.io.outputs.OutputDir` (atomic files, escaped text,
neutralised CSV, provenance everywhere, a manifest), and writes ``report.html`` last. The
manifest says ``"complete": true`` only after that, so an interrupted or failed run never
leaves a report that looks finished; re-running with the same inputs and options resumes
(files already written are kept) and, once complete, returns at once.

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
    tables/closed_open_tvd.*          mean TVD per persona value
    tables/stance_shares.*            the five-class shares behind the stacked bars
    tables/examples.*                 a few answers per run, as the model wrote them
    figures/*.png, figures/*.svg      compass plots, effect heatmaps, stance bars, TVD
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pct_tasks import __version__
from pct_tasks.errors import PctInputError
from pct_tasks.io.outputs import OutputDir, escape_html, figure_bytes, html_table, to_json
from pct_tasks.io.paths import slug
from pct_tasks.io.provenance import provenance, summary_line
from pct_tasks.tasks.scoring import BOOTSTRAP_ITERS, BOOTSTRAP_SEED

REPORT_FILE = "report.html"
TROPE_DIR_NAMES = ("tropes",)


@dataclass(frozen=True)
class ReportOptions:
    """Everything that can change a report's content (recorded in its provenance).

    Attributes:
        correction: multiple-testing correction of the effect p-values, "none" or "bh".
        alpha: significance level of the heatmaps and tables.
        n_boot: bootstrap resamples for the intervals.
        seed: bootstrap seed.
        mixed: fit the mixed models (a few seconds per run and setting).
        judge: use judge labels for open answers where present.
        judge_id: which judge, if several judged a run.
        trope_dir: the trope stage's output folder for the trope section (default: a
            ``tropes`` folder inside the report folder, if present).
        examples: answers shown per run in the examples table.
        svg: also write SVG versions of the figures (for papers).
    """

    correction: str = "bh"
    alpha: float = 0.05
    n_boot: int = BOOTSTRAP_ITERS
    seed: int = BOOTSTRAP_SEED
    mixed: bool = True
    judge: bool = True
    judge_id: str | None = None
    trope_dir: str | None = None
    examples: int = 8
    svg: bool = True


@dataclass
class ReportResult:
    out_dir: Path
    html: Path
    files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    up_to_date: bool = False


def _fingerprint(data: Any, options: ReportOptions) -> str:
    """Inputs (files by path, size and mtime; run ids) and options, hashed."""
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
    return h.hexdigest()


class _Page:
    """Collects the HTML sections; every string that reaches it is escaped by the caller."""

    def __init__(self) -> None:
        self.sections: list[tuple[str, str, str, bool]] = []

    def add(self, anchor: str, title: str, body: str, raw: bool = False) -> None:
        """Add a section; ``raw`` bodies bring their own heading (e.g. the trope fragment)."""
        self.sections.append((anchor, title, body, raw))

    def render(self) -> str:
        out = []
        for anchor, title, body, raw in self.sections:
            if raw:
                out.append(f'<div id="{escape_html(anchor)}">{body}</div>')
            else:
                out.append(f'<section id="{escape_html(anchor)}"><h2>{escape_html(title)}</h2>\n{body}\n</section>')
        return "\n".join(out)


def _img(data: bytes, alt: str) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return f'<img alt="{escape_html(alt)}" src="data:image/png;base64,{encoded}">'


def _examples(data: Any, per_run: int) -> Any:
    """A few answers per run, base case first, as the model wrote them (for reading)."""
    import pandas as pd

    s = data.samples
    frames = []
    for run_id in data.runs:
        mine = s[s["run_id"] == run_id]
        mine = mine.assign(_base=(mine["category"].astype(str) != "base"))
        mine = mine.sort_values(["_base", "setting", "template_id", "proposition_id"])
        frames.append(mine.head(per_run))
    if not frames:
        return pd.DataFrame()
    ex = pd.concat(frames)
    out = pd.DataFrame({
        "model": ex["run_id"].astype(str).map({r: data.label(r) for r in data.runs}),
        "variant": ex["variant"].astype(str),
        "proposition": ex["proposition"].astype(str),
        "stance": ex["stance"].astype(str),
        "justification": ex["justification"].astype(str),
        "source": ex["source"].astype(str) + ":" + ex["line"].astype(str),
    })
    return out.reset_index(drop=True)


def _trope_section(trope_dir: Path | None, explicit: bool) -> tuple[str | None, str | None]:
    """The trope stage's HTML section, or a note saying why there is none.

    The trope package is imported only here, only when there is a trope folder. A folder
    the user named must be readable (its errors propagate); one merely found inside the
    report folder that cannot be read becomes a note.
    """
    if trope_dir is None:
        return None, None
    try:
        from trope_analysis.report import trope_report_section
    except ImportError as exc:
        return None, f"trope outputs found in {trope_dir}, but the trope report is unavailable ({exc})"
    try:
        return trope_report_section(trope_dir), None
    except PctInputError as exc:
        if explicit:
            raise
        return None, f"trope folder {trope_dir} skipped: {exc}"


def build_report(
    paths: Iterable[str | os.PathLike],
    out_dir: str | os.PathLike,
    *,
    options: ReportOptions | None = None,
    force: bool = False,
    show_progress_bar: bool | None = None,
    records: Iterable[Any] | None = None,
) -> ReportResult:
    """Produce every output of the analysis of ``paths`` in ``out_dir``.

    Args:
        paths: run folders or samples files (one or many runs).
        out_dir: the output folder (created).
        options: see :class:`ReportOptions`.
        force: recompute and rewrite everything even if an up-to-date report exists.
        show_progress_bar: a tqdm bar on stderr; None shows it when stderr is a terminal.
        records: already-read sample records instead of reading ``paths`` (tests).

    Returns:
        A :class:`ReportResult`.

    Raises:
        PctInputError: unreadable or malformed inputs (naming the file and line); nothing
            is presented as complete in that case.
    """
    import sys

    from tqdm.auto import tqdm

    from pct_tasks.analysis import agreement, compass, effects
    from pct_tasks.analysis.frame import load_runs
    from pct_tasks.analysis.leaderboard import leaderboard, to_markdown
    from pct_tasks.analysis.plots import plot_compass, plot_effect_heatmap, plot_stance_bars, plot_tvd

    options = options or ReportOptions()
    if options.correction not in effects.CORRECTIONS:
        raise PctInputError(f"unknown correction {options.correction!r}",
                            hint=f"choose one of {', '.join(effects.CORRECTIONS)}")
    out_path = Path(out_dir)
    if show_progress_bar is None:
        show_progress_bar = sys.stderr.isatty()
    paths = [os.fspath(p) for p in paths]

    # Read everything first: a malformed input fails here, before any output is touched.
    data = load_runs(paths, judge=options.judge, judge_id=options.judge_id, records=records)
    trope_dir = Path(options.trope_dir) if options.trope_dir else None
    if trope_dir is not None and not trope_dir.is_dir():
        raise PctInputError(f"{trope_dir}: no such trope output folder",
                            hint="pass the --out folder of `pct tropes`, or leave out --tropes")
    if trope_dir is None and any((out_path / n).is_dir() for n in TROPE_DIR_NAMES):
        trope_dir = next(out_path / n for n in TROPE_DIR_NAMES if (out_path / n).is_dir())

    prov = provenance(
        "pct report", runs=data.runs.values(),
        seeds={"bootstrap": options.seed},
        settings={k: v for k, v in asdict(options).items() if k != "seed"},
        inputs=paths,
    )
    fingerprint = _fingerprint(data, options)
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
    out = OutputDir(out_path, prov, fingerprint)
    page = _Page()
    labels = {r: data.label(r) for r in data.runs}
    notes = list(data.notes)

    steps: list[tuple[str, Callable[[], None]]] = []
    state: dict[str, Any] = {}

    def table(stem: str, frame: Any, what: str) -> None:
        if not (out.has(f"tables/{stem}.csv") and out.has(f"tables/{stem}.parquet")):
            out.table(f"tables/{stem}", frame, what)

    def figure(stem: str, make: Callable[[], Any], what: str) -> bytes:
        """Write PNG (+SVG) unless present; return the PNG bytes for inlining."""
        png = f"figures/{stem}.png"
        if out.has(png) and (not options.svg or out.has(f"figures/{stem}.svg")):
            return (out_path / png).read_bytes()
        fig = make()
        data_png = figure_bytes(fig, "png", prov)
        out.raw(png, data_png, what)
        if options.svg:
            out.figure(f"figures/{stem}.svg", fig, what)
        return data_png

    def do_tables() -> None:
        vt = compass.variant_table(data)
        state["variants"] = vt
        state["personas"] = compass.persona_table(vt, n_boot=options.n_boot, seed=options.seed)
        state["runs"] = compass.run_table(vt, n_boot=options.n_boot, seed=options.seed)
        state["rates"] = compass.rate_table(data)
        table("variants", vt, "coordinates per run x setting x persona x template")
        table("personas", state["personas"], "coordinates per persona value, bootstrap CI over templates")
        table("runs", state["runs"], "coordinates per run and setting")
        table("stances", compass.stance_table(data), "stance counts and shares per proposition")
        table("rates", state["rates"], "answer, refusal, invalid, none and judged rates")

    def do_leaderboard() -> None:
        lb = leaderboard(data, variants=state["variants"], n_boot=options.n_boot, seed=options.seed)
        state["leaderboard"] = lb
        if not out.has("leaderboard.csv"):
            out.csv("leaderboard.csv", lb, "leaderboard (one row per run)")
        if not out.has("leaderboard.md"):
            out.markdown("leaderboard.md", to_markdown(lb, notes=data.notes), "leaderboard (markdown)")
        shown = lb.drop(columns=["model_args", "run_id"])
        page.add("leaderboard", "Leaderboard",
                 html_table(shown) + '<p class="caption">Closed setting; intervals are 95% '
                 "bootstrap intervals over prompt variants. Sorted by economic coordinate.</p>")

    def do_compass() -> None:
        blocks = []
        vt = state["variants"]
        for run_id in data.runs:
            for setting in ("closed", "open"):
                rows = vt[(vt["run_id"] == run_id) & (vt["setting"] == setting)]
                if rows.empty:
                    if setting == "open" and (data.samples["run_id"] == run_id).any():
                        blocks.append(f'<p class="note">{escape_html(labels[run_id])}, open: '
                                      "no judged answers, so no open coordinates.</p>")
                    continue
                title = f"{labels[run_id]}, {setting}"
                png = figure(f"compass_{slug(labels[run_id], 60)}_{run_id[:8]}_{setting}",
                             lambda rows=rows, title=title: plot_compass(rows, title=title),
                             f"compass plot: {title}")
                blocks.append(f'<figure>{_img(png, "compass plot " + title)}'
                              f"<figcaption>{escape_html(title)}</figcaption></figure>")
        pers = state["personas"]
        cols = ["model", "setting", "category", "persona", "econ_mean", "econ_ci_low", "econ_ci_high",
                "social_mean", "social_ci_low", "social_ci_high", "n_templates"]
        page.add("compass", "Compass positions",
                 '<div class="figs">' + "".join(blocks) + "</div>"
                 + "<h3>Per persona value (95% bootstrap interval over templates)</h3>"
                 + html_table(pers[cols] if len(pers) else pers, max_rows=200)
                 + "<h3>Answer, refusal and invalid rates</h3>" + html_table(state["rates"], floatfmt=".3f"))

    def do_effects() -> None:
        ols = effects.ols_effects(state["variants"], correction=options.correction, alpha=options.alpha)
        table("effects_ols", ols, "OLS persona effects vs the base case")
        state["ols"] = ols
        blocks = []
        for setting in ("closed", "open"):
            for axis in ("econ", "social"):
                sub = ols[(ols["setting"] == setting) & (ols["axis"] == axis)]
                if sub.empty:
                    continue
                title = f"{axis} effects, {setting} (blank: not significant)"
                png = figure(f"effects_{setting}_{axis}",
                             lambda axis=axis, setting=setting, title=title: plot_effect_heatmap(
                                 ols, axis=axis, setting=setting, title=title),
                             f"coefficient heatmap: {title}")
                blocks.append(f'<figure>{_img(png, title)}<figcaption>{escape_html(title)}'
                              "</figcaption></figure>")
        body = "".join(blocks) or '<p class="note">No base-case variants: no reference level, no effects.</p>'
        corr = "Benjamini-Hochberg corrected" if options.correction == "bh" else "uncorrected"
        cols = ["model", "setting", "category", "persona", "axis", "coef", "ci_low", "ci_high", "p_adj",
                "significant"]
        side = html_table(ols[cols], floatfmt=".3g", max_rows=300)
        if options.mixed:
            mixed = effects.mixed_effects(data, correction=options.correction, alpha=options.alpha)
            table("effects_mixed", mixed, "mixed model per axis: fixed persona, random template and proposition")
            mixed_html = html_table(mixed[cols + ["var_template", "var_proposition", "converged"]],
                                    floatfmt=".3g", max_rows=300)
            side = (f'<div class="pair"><div><h3>OLS (per variant)</h3>{side}</div>'
                    f"<div><h3>Mixed model (per answer)</h3>{mixed_html}</div></div>")
        page.add("effects", "Demographic effects",
                 body + f'<p class="caption">Shift of each persona value against the no-persona '
                 f"base case, in compass units; p-values {corr}, alpha {options.alpha:g}.</p>" + side)

    def do_agreement() -> None:
        shares = agreement.stance_shares(data)
        table("stance_shares", shares, "five-class stance shares per proposition")
        tvd = agreement.closed_open_tvd(data)
        table("closed_open_tvd", tvd, "mean closed-vs-open TVD per persona value")
        blocks = []
        for run_id in data.runs:
            if not data.open_judged(run_id):
                blocks.append(f'<p class="note">{escape_html(labels[run_id])}: open answers are not '
                              "judged, so closed and open cannot be compared.</p>")
                continue
            mine = shares[shares["run_id"] == run_id]
            if set(mine["setting"]) != {"closed", "open"}:
                continue
            title = f"{labels[run_id]}: stance shares, closed (top) vs open (bottom)"
            png = figure(f"stances_{slug(labels[run_id], 60)}_{run_id[:8]}",
                         lambda mine=mine, title=title: plot_stance_bars(mine, title=title),
                         f"stacked stance bars: {title}")
            blocks.append(f"<figure>{_img(png, title)}<figcaption>{escape_html(title)}</figcaption></figure>")
        if len(tvd):
            png = figure("closed_open_tvd", lambda: plot_tvd(tvd, title="closed vs open: mean TVD"),
                         "mean TVD per persona value")
            blocks.append(f"<figure>{_img(png, 'mean TVD per persona value')}</figure>")
            blocks.append(html_table(tvd.drop(columns=["run_id"]), floatfmt=".3f", max_rows=200))
        page.add("agreement", "Closed vs open", "".join(blocks))

    def do_examples() -> None:
        ex = _examples(data, options.examples)
        table("examples", ex, "example answers as written by the models")
        page.add("examples", "Example answers",
                 '<p class="caption">Model text, shown as data (escaped).</p>'
                 + html_table(ex, css_class="data text"))

    def do_tropes() -> None:
        section, note = _trope_section(trope_dir, explicit=bool(options.trope_dir))
        if note:
            notes.append(note)
        if section is not None:
            # The trope stage's fragment is a whole <section> with its own heading; it escapes
            # its own model text (with the same outputs.escape_html).
            page.add("tropes", "Tropes", section, raw=True)
        else:
            page.add("tropes", "Tropes", '<p class="note">No trope analysis for these runs '
                     "(run <code>pct tropes</code>, then pass <code>--tropes DIR</code>).</p>")

    def do_html() -> None:
        html = render_page(page, data, prov, notes)
        out.text(REPORT_FILE, html, "the HTML report (self-contained)")

    steps = [
        ("tables", do_tables), ("leaderboard", do_leaderboard), ("compass plots", do_compass),
        ("effects", do_effects), ("closed vs open", do_agreement), ("examples", do_examples),
        ("tropes", do_tropes), ("html", do_html),
    ]
    with tqdm(total=len(steps), desc="pct report", unit="step", disable=not show_progress_bar,
              file=sys.stderr) as bar:
        for name, step in steps:
            bar.set_postfix_str(name)
            step()
            bar.update(1)
    out.finish()
    return ReportResult(out_path, out_path / REPORT_FILE, sorted(out.files), notes)


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1200px;
padding:1em 2em;color:#222;line-height:1.4}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table.data{border-collapse:collapse;font-size:.8em;margin:.5em 0}
table.data th,table.data td{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
table.data td.num{text-align:right;font-variant-numeric:tabular-nums}
table.data thead th{background:#f3f3f3;position:sticky;top:0}
table.text td{max-width:40em;white-space:pre-wrap;word-break:break-word}
section{overflow-x:auto}
.figs{display:flex;flex-wrap:wrap;gap:1em}.figs figure img{max-width:560px}
figure{margin:.5em 0}figure img{max-width:100%;height:auto}
figcaption,.caption{font-size:.85em;color:#555}
.note{background:#fff6d6;border-left:4px solid #e0b000;padding:.4em .8em}
.pair{display:flex;gap:2em;flex-wrap:wrap}.pair>div{flex:1;min-width:30em;overflow-x:auto}
nav a{margin-right:1em}pre{background:#f6f6f6;padding:.6em;overflow-x:auto;font-size:.75em}
footer{margin-top:3em;font-size:.8em;color:#666}
"""


def render_page(page: _Page, data: Any, prov: dict[str, Any], notes: list[str]) -> str:
    """The whole HTML document (no external assets, no scripts)."""
    models = ", ".join(escape_html(data.label(r)) for r in data.runs)
    nav = "".join(f'<a href="#{escape_html(a)}">{escape_html(t)}</a>' for a, t, _, _ in page.sections)
    note_html = "".join(f'<p class="note">{escape_html(n)}</p>' for n in notes)
    synthetic = any(str(info.get("backend")) == "pct-synthetic" for info in data.runs.values())
    if synthetic:
        note_html += ('<p class="note">Runs of <b>pct-synthetic</b> are a synthetic respondent '
                      "(a deterministic test model), not a language model.</p>")
    judge_rows = [{"model": data.label(r), "open answers judged":
                   "no open answers" if s is None else f"{s:.1%}"} for r, s in data.judge_status.items()]
    body = page.render()
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="{escape_html(summary_line(prov))}">
<title>PCT report: {models}</title>
<style>{_CSS}</style></head>
<body>
<h1>Political Compass Test report</h1>
<p>Runs: {models}.</p>
{note_html}
<h3>Judge labels</h3>{html_table(judge_rows)}
<nav>{nav}</nav>
{body}
<section id="provenance"><h2>Provenance</h2>
<p>{escape_html(summary_line(prov))}</p>
<pre>{escape_html(to_json(prov))}</pre></section>
<footer>{escape_html(summary_line(prov))}</footer>
</body></html>
"""


__all__ = ["REPORT_FILE", "ReportOptions", "ReportResult", "build_report", "render_page"]
