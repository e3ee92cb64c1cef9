"""pct_tasks.io.outputs and pct_tasks.io.provenance: the safe writers every output goes through."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow.parquet as pq

from pct_tasks.io import outputs
from pct_tasks.io.provenance import describe_run, provenance, summary_line


def test_csv_cells_are_neutralised():
    frame = pd.DataFrame({"text": ["=HYPERLINK(\"x\")", "+1", "-cmd", "@SUM", "plain"], "x": [-1.5, 2, 3, 4, 5]})
    text = outputs.csv_text(frame)
    lines = text.splitlines()
    assert lines[1] == "\"'=HYPERLINK(\"\"x\"\")\",-1.5"  # numbers stay numbers
    assert lines[2] == "'+1,2.0"
    assert lines[3].startswith("'-cmd") and lines[4].startswith("'@SUM") and lines[5] == "plain,5.0"


def test_html_escaping():
    assert outputs.escape_html('<script>alert("x")</script>') == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    table = outputs.html_table([{"a": "<b>x</b>", "n": 1.234}])
    assert "<b>x</b>" not in table and "&lt;b&gt;" in table and ">1.23<" in table
    assert "\\|" in outputs.markdown_table([{"a": "x|y"}])


def test_output_dir_manifest_and_resume(tmp_path):
    prov = provenance("test", runs=[{"run_id": "abc", "model": "m"}], seeds={"bootstrap": 3})
    out = outputs.OutputDir(tmp_path, prov, "fp1")
    out.table("t", pd.DataFrame({"a": [1, 2]}), "a table")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["complete"] is False and set(manifest["files"]) == {"t.csv", "t.parquet"}
    out.finish()
    assert json.loads((tmp_path / "manifest.json").read_text())["complete"] is True
    meta = pq.read_schema(tmp_path / "t.parquet").metadata[b"pct_provenance"]
    assert json.loads(meta)["produced_by"] == "test"
    again = outputs.OutputDir(tmp_path, prov, "fp1")
    assert again.has("t.csv") and again.previously_complete
    assert json.loads((tmp_path / "manifest.json").read_text())["complete"] is False
    other = outputs.OutputDir(tmp_path, prov, "fp2")
    assert not other.has("t.csv")
    (tmp_path / "t.csv").write_text("changed")
    assert not again.has("t.csv")  # a changed file is rewritten, not trusted


def test_atomic_write_leaves_no_temp_files(tmp_path):
    outputs.atomic_write_text(tmp_path / "a.txt", "x")
    outputs.atomic_write_text(tmp_path / "a.txt", "y")
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
    assert (tmp_path / "a.txt").read_text() == "y"
    assert (tmp_path / "a.txt").stat().st_mode & 0o644 == 0o644


def test_provenance_names_the_producer():
    class Info:
        run_id, model, model_args, backend = "r1", "m<1>", "a=1", "hf"

    prov = provenance("pct report", runs=[Info()], seeds={"bootstrap": 1234})
    assert prov["runs"][0]["model"] == "m<1>" and prov["runs"][0]["backend"] == "hf"
    assert prov["package"] == "pct-tropes" and prov["libraries"]["pandas"]
    line = summary_line(prov)
    assert "pct report" in line and "bootstrap=1234" in line and "[r1]" in line
    assert describe_run({"run_id": "x"})["model"] is None
