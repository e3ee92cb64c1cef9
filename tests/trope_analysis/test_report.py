"""Model text is data: escaped in HTML and markdown, neutralised in CSV; unknown stances said."""

from tests.trope_analysis.conftest import make_record
from trope_analysis import (
    GroupClusterer,
    TropeOptions,
    TropePipeline,
    justification_table,
    mine_tropes,
    read_labels,
)
from trope_analysis.report import html_section

EVIL = "<script>alert(1)</script> taxes are theft and must go."
FORMULA = "=HYPERLINK(\"http://x\") is what markets do best."


def _records():
    records = [make_record(i, EVIL, model="m1") for i in range(12)]
    records += [make_record(20 + i, FORMULA, model="m2", stance="disagree") for i in range(12)]
    records += [make_record(40 + i, f"Different sentence {i} about point {i * 11} here.", stance=s)
                for i in range(14) for s in ("agree", "disagree")]
    records += [make_record(90 + i, "An open answer that no judge has labelled yet.", setting="open", stance="unjudged")
                for i in range(3)]
    return records


def test_outputs_escape_model_text(tmp_path, hash_embedder):
    pipe = TropePipeline(embedder=hash_embedder, clusterer=GroupClusterer(n_resamples=0, distance_threshold=0.2))
    result = mine_tropes(None, tmp_path, TropeOptions(n_permutations=50, show_progress_bar=False), records=_records(),
                         pipeline=pipe)
    assert result.summary["n_unknown_stance"] == 3
    assert "3 of 3 open answers have no stance label" in result.summary["unknown_note"]
    html = html_section(tmp_path)
    assert html.startswith('<section class="pct-tropes">') and "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; taxes are theft" in html
    assert "3 of 3 open answers have no stance label" in html
    assert "data:image/png;base64," in html
    csv_text = (tmp_path / "tropes.csv").read_text()
    assert "'=HYPERLINK" in csv_text and ",=HYPERLINK" not in csv_text
    report = (tmp_path / "reports" / "m1.md").read_text()
    assert "\\<script\\>" in report and "<script>" not in report


def test_labels_file_sets_open_stances(tmp_path):
    records = _records()
    labels = tmp_path / "labels.csv"
    labels.write_text("run_id,doc_key,stance\n" + "".join(
        f"{r.run_id},{r.doc_key},agree\n" for r in records if r.setting == "open"))
    table = justification_table(records, read_labels(labels))
    open_rows = table[table["setting"] == "open"]
    assert open_rows["stance"].tolist() == ["agree"] * 3 and open_rows["side"].tolist() == ["agree"] * 3
    unlabelled = justification_table(records)
    assert unlabelled.loc[unlabelled["setting"] == "open", "side"].tolist() == ["unjudged"] * 3


def test_bad_labels_file(tmp_path):
    import pytest

    from pct_tasks.errors import PctInputError

    bad = tmp_path / "labels.csv"
    bad.write_text("doc_key,stance\nopen/a/t0/p1,maybe\n")
    with pytest.raises(PctInputError, match=r"labels.csv:2: unknown stance 'maybe'"):
        read_labels(bad)
