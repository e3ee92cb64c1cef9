"""The CI gate: does a new checkpoint answer the PCT like its baseline?

:func:`compare` takes two :class:`~pct_tasks.analysis.baseline.Baseline` summaries (one read from a
baseline file, one computed from the new run) and returns a :class:`Comparison`.

1. **Comparability.** Runs with different task versions or different prompt sets (the
   (task, document) keys; e.g. the ``ci`` subset against the full grid) are refused with the
   reason: their numbers do not measure the same thing.
2. **Checks**, per setting present in both (open only when both are judged):

   * *coordinate shift*, per axis: the paired differences ``d_v = new_v - base_v`` over the
     common prompt variants; the gate fails when ``|mean d|`` exceeds ``tolerance``, or
     when the seeded paired bootstrap interval of ``mean d`` (over variants) excludes zero
     and ``|mean d|`` exceeds ``min_effect``;
   * *answer rate* (the share of answers that are one of the four compass answers): fails
     when it drops by more than ``max_answer_drop``;
   * *stance flips*: the share of (variant, proposition) pairs whose side (agree /
     disagree / no stance) changed; fails above ``max_flip_rate``.

Exit codes used by ``pct compare``: 0 pass, 1 fail, 3 refused (incomparable).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pct_tasks.analysis.baseline import CODE_STANCES, MISSING, Baseline
from pct_tasks.io.outputs import escape_markdown, markdown_table
from pct_tasks.labels import UNJUDGED, Stance
from pct_tasks.tasks.scoring import BOOTSTRAP_ITERS, BOOTSTRAP_SEED, percentile_bootstrap

EXIT_PASS, EXIT_FAIL, EXIT_REFUSED = 0, 1, 3


@dataclass(frozen=True)
class Tolerances:
    """Thresholds of the gate (defaults suit the full grid and the ``ci`` subset)."""

    tolerance: float = 1.0  # compass units: any larger mean shift fails
    min_effect: float = 0.25  # a significant shift smaller than this passes
    max_answer_drop: float = 0.02  # absolute drop in the answer rate
    max_flip_rate: float = 0.10  # share of (variant, proposition) pairs changing side
    level: float = 0.95
    n_boot: int = BOOTSTRAP_ITERS
    seed: int = BOOTSTRAP_SEED


@dataclass
class Check:
    setting: str
    name: str
    baseline: float | None
    run: float | None
    delta: float | None
    threshold: str
    passed: bool
    detail: str = ""


@dataclass
class Comparison:
    """The gate's verdict: ``refused`` (with ``reasons``), else ``passed`` and the checks."""

    baseline: Baseline
    run: Baseline
    tolerances: Tolerances
    refused: bool = False
    reasons: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    movers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.refused and all(c.passed for c in self.checks)

    @property
    def exit_code(self) -> int:
        return EXIT_REFUSED if self.refused else EXIT_PASS if self.passed else EXIT_FAIL

    @property
    def status(self) -> str:
        return "REFUSED" if self.refused else "PASS" if self.passed else "FAIL"

    def to_markdown(self) -> str:
        return comparison_markdown(self)


def comparability(base: Baseline, run: Baseline) -> list[str]:
    """Reasons why two runs cannot be compared (empty when they can)."""
    reasons = []
    bv, rv = base.prompt_set.get("task_versions") or {}, run.prompt_set.get("task_versions") or {}
    for task in sorted(set(bv) & set(rv)):
        if str(bv[task]) != str(rv[task]):
            reasons.append(f"task {task} is version {rv[task]} in the run but {bv[task]} in the "
                           "baseline (the prompts or scoring changed)")
    if set(bv) != set(rv):
        only_b, only_r = sorted(set(bv) - set(rv)), sorted(set(rv) - set(bv))
        reasons.append("different tasks: "
                       + "; ".join(x for x in (f"only in baseline: {', '.join(only_b)}" if only_b else "",
                                               f"only in run: {', '.join(only_r)}" if only_r else "") if x))
    if base.prompt_set.get("sha256") != run.prompt_set.get("sha256") and not reasons:
        reasons.append(
            f"different prompt sets: the baseline has {base.prompt_set.get('n_docs')} documents, "
            f"the run {run.prompt_set.get('n_docs')} (e.g. another --metadata subset, --limit, "
            "or shard); run the same subset as the baseline")
    elif base.prompt_set.get("sha256") != run.prompt_set.get("sha256"):
        reasons.append("different prompt sets (document keys differ)")
    return reasons


def _paired(base: dict[str, list], run: dict[str, list], axis: int) -> np.ndarray:
    common = sorted(set(base) & set(run))
    return np.array([run[v][axis] - base[v][axis] for v in common], dtype=float)


def _direction(code: str) -> str:
    stance = CODE_STANCES.get(code)
    if stance is None or stance == UNJUDGED:
        return ""
    return Stance(stance).direction


def _flips(base: dict[str, str], run: dict[str, str]) -> tuple[int, int, dict[int, int], dict[str, int]]:
    n = flips = 0
    by_prop: dict[int, int] = {}
    by_variant: dict[str, int] = {}
    for v in sorted(set(base) & set(run)):
        for pid, (a, b) in enumerate(zip(base[v], run[v], strict=True)):
            if MISSING in (a, b):
                continue
            da, db = _direction(a), _direction(b)
            if not da or not db:
                continue
            n += 1
            if da != db:
                flips += 1
                by_prop[pid] = by_prop.get(pid, 0) + 1
                by_variant[v] = by_variant.get(v, 0) + 1
    return n, flips, by_prop, by_variant


def compare(base: Baseline, run: Baseline, tolerances: Tolerances | None = None) -> Comparison:
    """Run the gate. See the module docstring for the checks."""
    tol = tolerances or Tolerances()
    out = Comparison(base, run, tol)
    out.reasons = comparability(base, run)
    if out.reasons:
        out.refused = True
        return out
    for setting in sorted(set(base.settings) & set(run.settings)):
        b, r = base.settings[setting], run.settings[setting]
        if setting == "open" and (not b.get("judged_rate") or not r.get("judged_rate")):
            out.notes.append("open setting skipped: its answers are not judged in both runs")
            continue
        for i, axis in enumerate(("econ", "social")):
            d = _paired(b["variants"], r["variants"], i)
            if not len(d):
                continue
            mean = float(d.mean())
            ci = percentile_bootstrap(d, n_boot=tol.n_boot, seed=tol.seed, level=tol.level)
            lo, hi = ci.low, ci.high
            excludes_zero = lo > 0 or hi < 0
            ok = abs(mean) <= tol.tolerance and not (excludes_zero and abs(mean) > tol.min_effect)
            bmean = float(np.mean([v[i] for v in b["variants"].values()]))
            out.checks.append(Check(
                setting, f"{axis} shift", bmean, bmean + mean, mean,
                f"abs shift ≤ {tol.tolerance:g}; CI excl. 0 only if ≤ {tol.min_effect:g}",
                ok, f"{int(tol.level * 100)}% paired bootstrap CI [{lo:+.2f}, {hi:+.2f}] over {len(d)} variants"))
            movers = sorted(set(b["variants"]) & set(r["variants"]),
                            key=lambda v, i=i: -abs(r["variants"][v][i] - b["variants"][v][i]))[:5]
            out.movers.setdefault(setting, []).extend(
                {"variant": v, "axis": axis, "baseline": b["variants"][v][i],
                 "run": r["variants"][v][i], "shift": r["variants"][v][i] - b["variants"][v][i]}
                for v in movers)
        drop = float(b["answer_rate"]) - float(r["answer_rate"])
        out.checks.append(Check(setting, "answer rate", float(b["answer_rate"]), float(r["answer_rate"]),
                                -drop, f"drop ≤ {tol.max_answer_drop:g}", drop <= tol.max_answer_drop))
        n, flips, by_prop, _ = _flips(b["stances"], r["stances"])
        rate = flips / n if n else 0.0
        worst = sorted(by_prop.items(), key=lambda kv: -kv[1])[:3]
        out.checks.append(Check(
            setting, "stance flip rate", None, rate, None, f"≤ {tol.max_flip_rate:g}",
            rate <= tol.max_flip_rate,
            f"{flips} of {n} (variant, proposition) pairs changed side"
            + (f"; most on propositions {', '.join(f'{p} ({k})' for p, k in worst)}" if worst else "")))
    if not out.checks:
        out.notes.append("no setting could be compared")
    return out


def comparison_markdown(c: Comparison) -> str:
    """The markdown diff printed by ``pct compare`` (and fit for a PR comment)."""
    lines = [f"## PCT regression gate: **{c.status}**", ""]
    b, r = c.baseline.run, c.run.run
    lines += [
        f"- baseline: {escape_markdown(b.get('model'))} ({escape_markdown(b.get('model_args') or '')}) "
        f"run {escape_markdown(b.get('run_id'))}, from {escape_markdown(c.baseline.source)}",
        f"- run: {escape_markdown(r.get('model'))} ({escape_markdown(r.get('model_args') or '')}) "
        f"run {escape_markdown(r.get('run_id'))}",
        f"- prompt set: {c.run.prompt_set.get('n_docs')} documents, tasks "
        f"{escape_markdown(', '.join(sorted(c.run.prompt_set.get('task_versions') or {})))}",
        "",
    ]
    if c.refused:
        lines.append("The runs are **not comparable**:")
        lines += [f"- {escape_markdown(x)}" for x in c.reasons]
        lines += [f"- note: {escape_markdown(n)}" for n in c.notes]
        return "\n".join(lines) + "\n"
    rows = [{
        "setting": ch.setting, "check": ch.name,
        "baseline": "" if ch.baseline is None else f"{ch.baseline:.3f}",
        "run": "" if ch.run is None else f"{ch.run:.3f}",
        "change": "" if ch.delta is None else f"{ch.delta:+.3f}",
        "threshold": ch.threshold, "result": "pass" if ch.passed else "**FAIL**",
        "detail": ch.detail,
    } for ch in c.checks]
    if rows:
        lines.append(markdown_table(rows))
    for setting, movers in c.movers.items():
        if not c.passed:
            lines += ["", f"Largest variant shifts ({setting}):", "",
                      markdown_table(movers, floatfmt="+.2f")]
    lines += [f"- note: {escape_markdown(n)}" for n in c.notes]
    return "\n".join(lines) + "\n"


__all__ = ["EXIT_FAIL", "EXIT_PASS", "EXIT_REFUSED", "Check", "Comparison", "Tolerances",
           "comparability", "compare", "comparison_markdown"]
