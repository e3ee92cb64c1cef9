"""The sections of ``pct report``: each takes the build (data, output folder, options) and
returns a :class:`~pct_tasks.analysis.report.Section` for the page template.

Tables a reader sees go through :mod:`pct_tasks.analysis.display` (natural persona order,
human labels); the files keep raw keys for code.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pct_tasks.analysis import display
from pct_tasks.io.outputs import OutputDir, figure_bytes, html_table
from pct_tasks.io.paths import slug

SETTINGS = ("closed", "open")


@dataclass
class Figure:
    """One inlined figure of the page."""

    src: str  # a data: URI
    alt: str
    caption: str = ""
    wide: bool = False  # a page-width figure (heatmaps, bars), shown across the page


@dataclass
class Section:
    """One section of the page; ``tables`` hold (heading, safe HTML, caption) triples."""

    anchor: str
    title: str
    intro: str = ""
    figures: list[Figure] = field(default_factory=list)
    tables: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    raw_html: str | None = None  # a caller's safe fragment (the trope section)


@dataclass
class ReportBuild:
    """What every section needs: the data, the output folder and the options."""

    data: Any
    out: OutputDir
    options: Any  # pct_tasks.analysis.report.ReportOptions
    prov: dict[str, Any]
    tables: dict[str, Any] = field(default_factory=dict)

    def label(self, run_id: str) -> str:
        return self.data.label(run_id)

    def table(self, stem: str, frame: Any, what: str) -> None:
        if not (self.out.has(f"tables/{stem}.csv") and self.out.has(f"tables/{stem}.parquet")):
            self.out.table(f"tables/{stem}", frame, what)

    def figure(self, stem: str, make: Callable[[], Any], what: str, caption: str = "",
               wide: bool = False) -> Figure:
        """Write PNG (+SVG) unless present; return it for inlining."""
        png = f"figures/{stem}.png"
        if self.out.has(png) and (not self.options.svg or self.out.has(f"figures/{stem}.svg")):
            data = (self.out.path / png).read_bytes()
        else:
            fig = make()
            data = figure_bytes(fig, "png", self.prov)
            self.out.raw(png, data, what)
            if self.options.svg:
                self.out.figure(f"figures/{stem}.svg", fig, what)
        src = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
        return Figure(src=src, alt=what, caption=caption, wide=wide)


def compute_tables(build: ReportBuild) -> None:
    """The shared tables (variants, personas, runs, rates, stances), written and kept."""
    from pct_tasks.analysis import compass

    data, opt = build.data, build.options
    vt = compass.variant_table(data)
    if vt.empty:
        from pct_tasks.errors import PctInputError

        raise PctInputError(
            f"nothing to score in {', '.join(data.inputs)}: no complete closed variant (62 answers) "
            "and no judged open answers",
            hint="include the closed tasks' samples, or run `pct judge` on the open answers first",
        )
    t = build.tables
    t["variants"] = vt
    t["personas"] = compass.persona_table(vt, n_boot=opt.n_boot, seed=opt.seed)
    t["runs"] = compass.run_table(vt, n_boot=opt.n_boot, seed=opt.seed)
    t["rates"] = compass.rate_table(data)
    build.table("variants", vt, "coordinates per run x setting x persona x template")
    build.table("personas", t["personas"], "coordinates per persona value, bootstrap CI over templates")
    build.table("runs", t["runs"], "coordinates per run and setting")
    build.table("stances", compass.stance_table(data), "stance counts and shares per proposition")
    build.table("rates", t["rates"], "answer, refusal, invalid, none and judged rates")
    t["summary"] = summary_rows(build)


def summary_rows(build: ReportBuild) -> list[dict[str, Any]]:
    """One line per run for the top of the page, from the rates table (same figures)."""
    rates = build.tables["rates"]
    rows = []
    for run_id in build.data.runs:
        mine = rates[rates["run_id"] == run_id].set_index("setting")
        row = {"Model": build.label(run_id)}
        for setting in SETTINGS:
            row[f"{setting.capitalize()} answers"] = int(mine.at[setting, "n"]) if setting in mine.index else 0
        if "open" in mine.index:
            row["Open answers labelled (judge, refusal or unreadable)"] = f"{mine.at['open', 'judged_rate']:.1%}"
        rows.append(row)
    return rows


def leaderboard_section(build: ReportBuild) -> Section:
    from pct_tasks.analysis.leaderboard import leaderboard, to_markdown

    data, opt = build.data, build.options
    lb = leaderboard(data, variants=build.tables["variants"], n_boot=opt.n_boot, seed=opt.seed)
    if not build.out.has("leaderboard.csv"):
        build.out.csv("leaderboard.csv", lb, "leaderboard (one row per run)")
    if not build.out.has("leaderboard.md"):
        build.out.markdown("leaderboard.md", to_markdown(lb, notes=data.notes), "leaderboard (markdown)")
    shown = lb.drop(columns=[c for c in ("model_args", "run_id") if c in lb])
    for axis in ("econ", "social"):
        shown = display.fold_interval(shown, axis, f"{axis}_ci_low", f"{axis}_ci_high", f"{axis}_ci")
    caption = ("Closed setting; intervals are 95% bootstrap intervals over prompt variants. "
               "Sorted by economic coordinate. The CSV file has every column unrounded.")
    return Section("leaderboard", "Leaderboard",
                   tables=[("", html_table(display.for_reader(shown), floatfmt=".3g"), caption)])


def compass_section(build: ReportBuild) -> Section:
    from pct_tasks.analysis.plots import plot_compass

    vt, pers = build.tables["variants"], build.tables["personas"]
    section = Section("compass", "Compass positions",
                      intro="One plot per model and setting. Each persona value is a labelled "
                      "point (mean over templates, 95% bootstrap interval as bars); the faint "
                      "points are its single templates. The base case (no persona) is the star.")
    for run_id in build.data.runs:
        for setting in SETTINGS:
            rows = vt[(vt["run_id"] == run_id) & (vt["setting"] == setting)]
            if rows.empty:
                if setting == "open" and (build.data.samples["run_id"] == run_id).any():
                    section.notes.append(f"{build.label(run_id)}, open: no judged answers, "
                                         "so no open coordinates.")
                continue
            means = pers[(pers["run_id"] == run_id) & (pers["setting"] == setting)]
            title = f"{build.label(run_id)}, {setting}"
            section.figures.append(build.figure(
                f"compass_{slug(build.label(run_id), 60)}_{run_id[:8]}_{setting}",
                lambda rows=rows, means=means, title=title: plot_compass(rows, personas=means, title=title),
                f"compass plot: {title}"))
    shown = display.sort_personas(pers)
    for axis in ("econ", "social"):
        shown = display.fold_interval(shown, f"{axis}_mean", f"{axis}_ci_low", f"{axis}_ci_high",
                                      f"{axis}_ci")
    cols = ["model", "setting", "category", "persona", "econ_ci", "social_ci", "n_templates"]
    rates = build.tables["rates"].drop(columns=["run_id"])
    section.tables += [
        ("Per persona value (mean over templates, 95% bootstrap interval)",
         html_table(display.for_reader(shown, cols)), ""),
        ("Answer rates", html_table(display.for_reader(rates), floatfmt=".3f"),
         "Shares of all answers per run and setting. An open answer is labelled by the judge, "
         "or by the parser when it is a refusal or unreadable."),
    ]
    return section


def effects_section(build: ReportBuild) -> Section:
    from pct_tasks.analysis import effects
    from pct_tasks.analysis.plots import plot_effect_heatmap

    opt = build.options
    ols = effects.ols_effects(build.tables["variants"], correction=opt.correction, alpha=opt.alpha)
    build.table("effects_ols", ols, "OLS persona effects vs the base case")
    corr = "Benjamini-Hochberg corrected" if opt.correction == "bh" else "uncorrected"
    section = Section("effects", "Demographic effects",
                      intro=f"Shift of each persona value against the no-persona base case, in "
                      f"compass units; p-values {corr}, alpha {opt.alpha:g}. Blank heatmap "
                      "cells are not significant.")
    for setting in SETTINGS:
        for axis in ("econ", "social"):
            if ols[(ols["setting"] == setting) & (ols["axis"] == axis)].empty:
                continue
            title = f"{display.AXIS_LABELS[axis]} effects, {setting}"
            section.figures.append(build.figure(
                f"effects_{setting}_{axis}",
                lambda axis=axis, setting=setting, title=title: plot_effect_heatmap(
                    ols, axis=axis, setting=setting, title=title),
                f"coefficient heatmap: {title}", wide=True))
    if not section.figures:
        section.notes.append("No base-case variants: no reference level, no effects.")
    section.tables.append(("OLS (one observation per prompt variant)", _effects_html(ols), ""))
    if opt.mixed:
        mixed = effects.mixed_effects(build.data, correction=opt.correction, alpha=opt.alpha)
        build.table("effects_mixed", mixed, "mixed model per axis: fixed persona, random template and proposition")
        section.tables.append(("Mixed model (one observation per answer; random template and "
                               "proposition intercepts)", _effects_html(mixed, mixed=True), ""))
    return section


def _effects_html(frame: pd.DataFrame, mixed: bool = False) -> str:
    shown = display.sort_personas(frame, before=("model", "setting", "axis"))
    shown = display.fold_interval(shown, "coef", "ci_low", "ci_high", "coef_ci")
    cols = ["model", "setting", "axis", "category", "persona", "coef_ci", "p_adj", "significant"]
    if mixed:
        cols += ["var_template", "var_proposition", "converged"]
    return html_table(display.for_reader(shown, cols), floatfmt=".3g")


def agreement_section(build: ReportBuild) -> Section:
    from pct_tasks.analysis import agreement
    from pct_tasks.analysis.plots import plot_stance_bars, plot_tvd

    data, opt = build.data, build.options
    shares = agreement.stance_shares(data)
    build.table("stance_shares", shares, "five-class stance shares per proposition")
    tvd = agreement.closed_open_tvd(data, n_boot=opt.n_boot, seed=opt.seed)
    build.table("closed_open_tvd", tvd, "mean closed-vs-open TVD per persona value")
    section = Section("agreement", "Closed vs open",
                      intro="How far a model's open answers (judged) move from its forced "
                      "choices: total variation distance (TVD) between the agree / disagree / "
                      "no-stance shares of the two settings, per proposition, averaged.")
    for run_id in data.runs:
        if not data.open_judged(run_id):
            section.notes.append(f"{build.label(run_id)}: open answers are not judged, so closed "
                                 "and open cannot be compared.")
            continue
        mine = shares[shares["run_id"] == run_id]
        if set(mine["setting"]) != set(SETTINGS):
            continue
        title = f"{build.label(run_id)}: stance shares, closed (top) vs open (bottom)"
        section.figures.append(build.figure(
            f"stances_{slug(build.label(run_id), 60)}_{run_id[:8]}",
            lambda mine=mine, title=title: plot_stance_bars(mine, title=title),
            f"stacked stance bars: {title}", wide=True))
    if len(tvd):
        section.figures.append(build.figure(
            "closed_open_tvd", lambda: plot_tvd(tvd, title="Closed vs open: mean TVD per persona value"),
            "mean TVD per persona value with 95% intervals",
            caption="Bars: mean TVD over propositions; whiskers: 95% bootstrap interval.", wide=True))
        shown = display.fold_interval(display.sort_personas(tvd), "tvd", "tvd_ci_low", "tvd_ci_high",
                                      "tvd_ci", fmt=".3f")
        section.tables.append(("Mean TVD per persona value", html_table(display.for_reader(
            shown, ["model", "category", "persona", "tvd_ci", "n_propositions"])), ""))
    return section


def examples_section(build: ReportBuild) -> Section:
    ex = example_answers(build.data, build.options.examples, build.options.seed)
    build.table("examples", ex, "example answers as written by the models")
    shown = ex.drop(columns=["run_id"])
    shown.insert(0, "model", ex["run_id"].map(build.label))
    shown["stance"] = shown["stance"].str.replace("_", " ")
    return Section("examples", "Example answers",
                   intro="Drawn across settings, templates and persona values (a different "
                   "template and persona for each answer of a model), shown as the model wrote "
                   "them (escaped).",
                   tables=[("", html_table(display.for_reader(shown), css_class="data text"), "")])


def example_answers(data: Any, per_setting: int, seed: int) -> pd.DataFrame:
    """Up to ``per_setting`` answers per run and setting, each from another template and
    persona value where the run has them (seeded choice; a base-case answer first)."""
    s = data.samples
    frames = []
    for run_id in data.runs:
        for setting in SETTINGS:
            mine = s[(s["run_id"] == run_id) & (s["setting"] == setting)]
            if mine.empty:
                continue
            mine = mine.sample(frac=1.0, random_state=seed)
            # The no-persona base case first (the reference every persona is read against).
            mine = pd.concat([mine[mine["category"] == "base"], mine[mine["category"] != "base"]])
            picked = _spread(mine, per_setting)
            frames.append(display.sort_personas(picked, before=(), after=("template_id",)))
    if not frames:
        return pd.DataFrame(columns=["run_id", "setting", "category", "persona", "template_id",
                                     "proposition", "stance", "justification", "source"])
    ex = pd.concat(frames, ignore_index=True)
    return pd.DataFrame({
        "run_id": ex["run_id"].astype(str), "setting": ex["setting"].astype(str),
        "category": ex["category"].astype(str), "persona": ex["persona"].astype(str),
        "template_id": ex["template_id"].astype(int), "proposition": ex["proposition"].astype(str),
        "stance": ex["stance"].astype(str), "justification": ex["justification"].astype(str),
        "source": ex["source"].astype(str) + ":" + ex["line"].astype(str),
    })


def _spread(rows: pd.DataFrame, n: int) -> pd.DataFrame:
    """``n`` rows, greedily choosing a template and persona not yet shown (then any)."""
    chosen, templates, personas = [], set(), set()
    for idx, rec in zip(rows.index, rows.itertuples(index=False), strict=True):
        key = (rec.category, rec.persona)
        if rec.template_id in templates or key in personas:
            continue
        chosen.append(idx)
        templates.add(rec.template_id)
        personas.add(key)
        if len(chosen) == n:
            break
    if len(chosen) < n:
        chosen += [i for i in rows.index if i not in set(chosen)][: n - len(chosen)]
    return rows.loc[chosen]


def trope_section(trope_html: str | None) -> Section:
    if trope_html is not None:
        return Section("tropes", "Tropes", raw_html=trope_html)
    return Section("tropes", "Tropes", notes=[
        "No trope analysis for these runs (run `pct tropes`, then pass --tropes DIR)."])


__all__ = ["Figure", "ReportBuild", "Section", "agreement_section", "compass_section", "compute_tables", "effects_section",
           "example_answers", "examples_section", "leaderboard_section", "summary_rows",
           "trope_section"]
