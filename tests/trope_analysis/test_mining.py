"""mine_tropes: run identities and provenance, counts that read well, bounds on input text."""

from __future__ import annotations

import json
from dataclasses import replace

from tests.trope_analysis.conftest import make_record
from trope_analysis import GroupClusterer, TropeOptions, TropePipeline, justification_table, mine_tropes
from trope_analysis.inputs import MAX_TEXT_CHARS
from trope_analysis.report import html_section

OPTIONS = TropeOptions(n_permutations=20, n_resamples=0, show_progress_bar=False)
TAX = "Taxes pay for the schools of every child in our town."


def _records(model="m1", run_id=None):
    records = [make_record(i, f"{TAX} Other words number {i} about item {i * 13}.", model=model) for i in range(12)]
    return [replace(r, run_id=run_id or r.run_id) for r in records]


def _pipe(hash_embedder):
    return TropePipeline(embedder=hash_embedder, clusterer=GroupClusterer(n_resamples=0, distance_threshold=0.2))


def test_summary_carries_the_runs_provenance_from_results_files(tmp_path, hash_embedder):
    run = tmp_path / "run"
    run.mkdir()
    samples = run / "samples_pct_closed_2026-01-01T00-00-00.jsonl"
    samples.write_text("{}\n")
    (run / "results_2026-01-01T00-00-00.json").write_text(json.dumps({
        "config": {"model": "vllm", "model_args": "pretrained=m1"}, "model_name": "m1",
        "versions": {"pct_closed": 2.0}, "lm_eval_version": "0.4.13"}))
    records = [replace(r, source=str(samples)) for r in _records()]
    result = mine_tropes(None, tmp_path / "out", OPTIONS, records=records, pipeline=_pipe(hash_embedder))
    (run_info,) = result.summary["runs"]
    assert run_info["backend"] == "vllm" and run_info["lm_eval_version"] == "0.4.13"
    assert run_info["task_versions"] == {"pct_closed": 2.0} and run_info["run_id"] == records[0].run_id
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["runs"][0]["backend"] == "vllm"


def test_two_runs_of_one_model_stay_apart(hash_embedder, tmp_path):
    records = _records(run_id="run-aaaaaaaaaaaa") + _records(run_id="run-bbbbbbbbbbbb")
    records = [replace(r, doc_key=f"{r.doc_key}/{k}") for k, r in enumerate(records)]
    table = justification_table(records)
    assert sorted(table["model"].unique()) == ["m1 [run-aaaa]", "m1 [run-bbbb]"]
    result = mine_tropes(None, tmp_path, OPTIONS, records=records, pipeline=_pipe(hash_embedder))
    assert result.summary["n_models"] == 2
    html = html_section(tmp_path)
    assert "2 models" in html and "shared by all 2" in html


def test_counts_read_well_for_one_model(hash_embedder, tmp_path):
    mine_tropes(None, tmp_path, OPTIONS, records=_records(), pipeline=_pipe(hash_embedder))
    html = html_section(tmp_path)
    assert "(default preset, 1 model)" in html and "1 models" not in html and "shared by all" not in html
    files = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.png")}
    assert files == {"plots/bubbles_m1.png"}  # one model, one persona: no empty sharing or persona figures
    assert "<img" in html


def test_state_line_explains_written_and_reused_files(hash_embedder, tmp_path):
    from pct_tasks.cli.tropes import state_line

    first = mine_tropes(None, tmp_path, OPTIONS, records=_records(), pipeline=_pipe(hash_embedder))
    assert state_line(first) == f"{len(first.written)} files written" and not first.skipped
    (tmp_path / "summary.json").unlink()
    resumed = mine_tropes(None, tmp_path, OPTIONS, records=_records(), pipeline=_pipe(hash_embedder))
    assert resumed.written == ["summary.json"]
    assert state_line(resumed) == (f"1 file written, {len(resumed.skipped)} reused from an interrupted run with the "
                                   "same inputs and settings")
    again = mine_tropes(None, tmp_path, OPTIONS, records=_records(), pipeline=_pipe(hash_embedder))
    assert again.up_to_date and state_line(again).startswith("up to date: all ")


def test_a_folder_mined_under_other_filter_rules_is_mined_again(hash_embedder, tmp_path, monkeypatch):
    from trope_analysis import ArgumentFilter, arguments

    def pipe():
        return TropePipeline(embedder=hash_embedder, argument_filter=ArgumentFilter(),
                             clusterer=GroupClusterer(n_resamples=0, distance_threshold=0.2))

    mine_tropes(None, tmp_path, OPTIONS, records=_records(), pipeline=pipe())
    assert mine_tropes(None, tmp_path, OPTIONS, records=_records(), pipeline=pipe()).up_to_date
    # The rules live in code, not in parameters: a new release's rules change the folder's identity.
    monkeypatch.setattr(arguments, "STANCE_FRAME", arguments.STANCE_FRAME + "|never-seen")
    again = mine_tropes(None, tmp_path, OPTIONS, records=_records(), pipeline=pipe())
    assert not again.up_to_date and again.written


def test_a_huge_answer_is_capped(hash_embedder):
    huge = make_record(99, "Taxes pay for schools. " * (MAX_TEXT_CHARS // 10))
    table = justification_table(_records() + [huge])
    assert table["text"].str.len().max() <= MAX_TEXT_CHARS and table.attrs["n_capped"] == 1
