"""Human-readable outputs: per-model markdown reports and the HTML section of the analysis report."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pandas as pd

from pct_tasks.io.outputs import escape_html
from pct_tasks.io.paths import slug as paths_slug


def slug(value: str) -> str:
    """A file-name-safe form of a model name (``pct_tasks.io.paths.slug``)."""
    return paths_slug(value, default="model")


def _md(text: str) -> str:
    """Model text inside markdown: escape what would render as markup or HTML."""
    text = str(text).replace("\n", " ")
    text = re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)
    return text


def model_report(model: str, tropes: pd.DataFrame, members: pd.DataFrame, unknown_note: str = "",
                 max_sentences: int = 10) -> str:
    """The paper-style report of one model: each trope, its size, its supporting sentences.

    Args:
        model: the model name.
        tropes: the tropes table.
        members: the membership table (sentence -> trope, with identity).
        unknown_note: a line about open answers without a stance label.
        max_sentences: distinct supporting sentences listed per trope.
    """
    mine = members[members["model"].astype(str) == str(model)]
    uses = mine.groupby("trope_id").size().rename("uses")
    table = tropes.join(uses, on="trope_id", how="inner").sort_values(["uses", "trope_id"], ascending=[False, True],
                                                                      kind="stable")
    lines = [f"# Tropes of {_md(model)}", ""]
    lines.append(f"{len(table)} tropes used by this model; sentences in them: {int(table['uses'].sum()) if len(table) else 0}.")
    if unknown_note:
        lines += ["", f"> {unknown_note}"]
    lines.append("")
    for _, t in table.iterrows():
        stability = "n/a" if pd.isna(t["stability"]) else f"{t['stability']:.2f}"
        lines.append(f"## Trope {int(t['trope_id'])}: {_md(t['name'])}")
        lines.append("")
        lines.append(f"- proposition {int(t['proposition_id'])} ({_md(t['section'])}), side **{t['side']}**")
        lines.append(f"- size: {int(t['uses'])} sentences from this model, {int(t['size'])} in all; "
                     f"models {int(t['n_models'])}, stability {stability}")
        if t.get("paraphrase"):
            lines.append(f"- paraphrase: {_md(t['paraphrase'])}")
        if not bool(t.get("is_argument", True)):
            lines.append("- flagged by the argument filter as not an argument")
        lines.append("")
        sentences = mine.loc[mine["trope_id"] == t["trope_id"], "sentence"]
        counts = sentences.value_counts(sort=False)
        counts = counts.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
        for sentence, n in counts.head(max_sentences).items():
            lines.append(f"  - {_md(sentence)}" + (f" (x{int(n)})" if n > 1 else ""))
        lines.append("")
    return "\n".join(lines) + "\n"


def _img(path: Path, alt: str) -> str:
    if not path.is_file():
        return ""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{escape_html(alt)}" src="data:image/png;base64,{data}" style="max-width:100%">'


def trope_report_section(out_dir) -> str:
    """A self-contained HTML fragment (``<section>``) summarising a ``pct tropes`` output folder.

    Text from models is escaped; figures are embedded as data URIs, so the fragment can be
    pasted into any page.
    """
    out = Path(out_dir)
    summary_path = out / "summary.json"
    if not summary_path.is_file():
        from pct_tasks.errors import PctInputError

        raise PctInputError(f"{out}: no summary.json", hint="run `pct tropes RUNS --out DIR` first")
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    tropes = pd.read_parquet(out / "tropes.parquet")
    models = pd.read_csv(out / "model_tropes.csv")
    parts = ['<section class="pct-tropes">', "<h2>Tropes</h2>"]
    parts.append(
        "<p>" + escape_html(
            f"{summary['n_tropes']} tropes from {summary['n_sentences']} sentences of {summary['n_docs']} "
            f"justifications ({summary['preset']} preset, {summary['n_models']} models)."
        ) + "</p>"
    )
    if summary.get("unknown_note"):
        parts.append(f"<p><em>{escape_html(summary['unknown_note'])}</em></p>")
    parts.append("<table><thead><tr><th>model</th><th>tropes</th><th>unique</th><th>shared by all</th></tr></thead><tbody>")
    for _, r in models.iterrows():
        parts.append(f"<tr><td>{escape_html(r['model'])}</td><td>{int(r['n_tropes'])}</td><td>{int(r['n_unique'])}</td>"
                     f"<td>{int(r['n_shared_by_all'])}</td></tr>")
    parts.append("</tbody></table>")
    top = tropes.sort_values(["size", "trope_id"], ascending=[False, True], kind="stable").head(15)
    parts.append("<h3>Largest tropes</h3><table><thead><tr><th>trope</th><th>proposition</th><th>side</th>"
                 "<th>size</th><th>models</th><th>stability</th></tr></thead><tbody>")
    for _, t in top.iterrows():
        stab = "" if pd.isna(t["stability"]) else f"{t['stability']:.2f}"
        parts.append(f"<tr><td>{escape_html(t['name'])}</td><td>{int(t['proposition_id'])}</td><td>{escape_html(t['side'])}</td>"
                     f"<td>{int(t['size'])}</td><td>{int(t['n_models'])}</td><td>{stab}</td></tr>")
    parts.append("</tbody></table>")
    for name, alt in (("plots/models_per_trope.png", "models per trope"), ("plots/jaccard_models.png", "Jaccard overlap between models")):
        img = _img(out / name, alt)
        if img:
            parts.append(f"<figure>{img}<figcaption>{escape_html(alt)}</figcaption></figure>")
    parts.append("</section>")
    return "\n".join(parts) + "\n"


#: The name ``pct report`` calls (pct_tasks/cli/report.py): the section as safe HTML.
html_section = trope_report_section

__all__ = ["html_section", "model_report", "slug", "trope_report_section"]
