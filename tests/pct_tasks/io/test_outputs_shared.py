"""Two producers sharing one output folder keep their own manifests."""

import json

from pct_tasks.io.outputs import MANIFEST, TROPES_MANIFEST, OutputDir


def test_report_and_tropes_manifests_do_not_overwrite_each_other(tmp_path):
    report = OutputDir(tmp_path, {"produced_by": "pct report"}, "fp-report")
    report.json("report.json", {"a": 1})
    report.finish()
    tropes = OutputDir(tmp_path, {"produced_by": "pct tropes"}, "fp-tropes", manifest=TROPES_MANIFEST)
    tropes.json("summary.json", {"b": 2})
    tropes.finish()
    mine = json.loads((tmp_path / MANIFEST).read_text())
    theirs = json.loads((tmp_path / TROPES_MANIFEST).read_text())
    assert (mine["complete"], list(mine["files"]), mine["fingerprint"]) == (True, ["report.json"], "fp-report")
    assert (theirs["complete"], list(theirs["files"]), theirs["fingerprint"]) == (True, ["summary.json"], "fp-tropes")
    again = OutputDir(tmp_path, {"produced_by": "pct report"}, "fp-report")
    assert again.previously_complete and again.has("report.json")
