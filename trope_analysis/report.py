"""Human-readable outputs: per-model markdown reports and the HTML section of the analysis report."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pandas as pd

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
    table = tropes.join(uses, on="trope_id", how="inner").rename_axis(None).sort_values(["uses", "trope_id"], ascending=[False, True],
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
        if t.get("is_argument") is not None and pd.notna(t.get("is_argument")) and not bool(t["is_argument"]):
            lines.append("- flagged by the argument filter as not an argument")
        lines.append("")
        sentences = mine.loc[mine["trope_id"] == t["trope_id"], "sentence"]
        counts = sentences.value_counts(sort=False)
        counts = counts.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
        for sentence, n in counts.head(max_sentences).items():
            lines.append(f"  - {_md(sentence)}" + (f" (x{int(n)})" if n > 1 else ""))
        lines.append("")
    return "\n".join(lines) + "\n"


_SECTION = """<section class="pct-tropes">
<h2>Tropes</h2>
<p>{{ n_tropes }} from {{ n_sentences }} of {{ n_docs }} ({{ preset }} preset, {{ n_models }}).</p>
{% if dropped %}<p>Left out before clustering, as not arguments: {{ dropped }}.</p>{% endif %}
{% if unknown_note %}<p><em>{{ unknown_note }}</em></p>{% endif %}
<table><thead><tr><th>model</th><th>tropes</th><th>unique to it</th>{% if several %}<th>shared by all {{ n_models }}</th>{% endif %}</tr></thead><tbody>
{% for r in models %}<tr><td>{{ r.model }}</td><td>{{ r.n_tropes }}</td><td>{{ r.n_unique }}</td>{% if several %}<td>{{ r.n_shared_by_all }}</td>{% endif %}</tr>
{% endfor %}</tbody></table>
<h3>Largest tropes</h3>
<table><thead><tr><th>trope</th><th>proposition</th><th>side</th><th>sentences</th><th>answers</th>{% if several %}<th>models</th>{% endif %}<th>stability</th></tr></thead><tbody>
{% for t in top %}<tr><td>{{ t.name }}</td><td>{{ t.proposition_id }}</td><td>{{ t.side }}</td><td>{{ t.size }}</td><td>{{ t.n_docs }}</td>{% if several %}<td>{{ t.n_models }}</td>{% endif %}<td>{{ t.stability }}</td></tr>
{% endfor %}</tbody></table>
{% for f in figures %}<figure><img alt="{{ f.alt }}" src="data:image/png;base64,{{ f.data }}" style="max-width:100%"><figcaption>{{ f.alt }}</figcaption></figure>
{% endfor %}</section>
"""


def plural(n: int, word: str) -> str:
    """"1 model", "2 models", "1,634 sentences"."""
    return f"{int(n):,} {word}" + ("" if int(n) == 1 else "s")


def _figures(out: Path, models: list[str]) -> list[dict[str, str]]:
    wanted = [(f"plots/bubbles_{slug(m)}.png", f"Top tropes of {m}, by PCT section") for m in models]
    wanted += [("plots/persona_tropes.png", "Tropes over-used by a persona"),
               ("plots/model_tropes.png", "Tropes shared between models"),
               ("plots/jaccard_models.png", "Jaccard overlap between models"),
               ("plots/models_per_trope.png", "How many models use each trope")]
    return [{"alt": alt, "data": base64.b64encode((out / name).read_bytes()).decode("ascii")}
            for name, alt in wanted if (out / name).is_file()]


def html_section(tropes_dir) -> str:
    """A self-contained HTML fragment (``<section>``) summarising a ``pct tropes`` output folder.

    Built from a Jinja2 template with autoescape on (model text cannot inject markup);
    figures are embedded as data URIs, so the fragment can be pasted into any page.
    """
    from jinja2 import Environment

    out = Path(tropes_dir)
    summary_path = out / "summary.json"
    if not summary_path.is_file():
        from pct_tasks.errors import PctInputError

        raise PctInputError(f"{out}: no summary.json", hint="run `pct tropes RUNS --out DIR` first")
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    tropes = pd.read_parquet(out / "tropes.parquet")
    models = pd.read_csv(out / "model_tropes.csv")
    top = tropes.sort_values(["size", "trope_id"], ascending=[False, True], kind="stable").head(15)
    top = top.assign(stability=[("" if pd.isna(v) else f"{v:.2f}") for v in top["stability"]])
    kinds = {k: v for k, v in (summary.get("n_sentences_by_kind") or {}).items() if k != "argument" and v}
    env = Environment(autoescape=True)
    return env.from_string(_SECTION).render(
        n_tropes=plural(summary["n_tropes"], "trope"), n_sentences=plural(summary["n_sentences"], "sentence"),
        n_docs=plural(summary["n_docs"], "answer"), preset=summary["preset"],
        n_models=plural(summary["n_models"], "model"), several=summary["n_models"] > 1,
        dropped=", ".join(plural(v, f"{k} sentence") for k, v in kinds.items()),
        unknown_note=summary.get("unknown_note", ""), models=models.to_dict("records"),
        top=top.to_dict("records"), figures=_figures(out, list(summary.get("models", []))),
    )


#: The name ``pct_tasks.analysis.report`` used before ``html_section``.
trope_report_section = html_section


__all__ = ["html_section", "model_report", "plural", "slug", "trope_report_section"]
