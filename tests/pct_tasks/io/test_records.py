"""Reading samples: nothing dropped silently, strict identity fields, run identity."""

from __future__ import annotations

import json
import logging
import shutil

import pytest

from pct_tasks.errors import PctInputError
from pct_tasks.io.provenance import normalise_model_args
from pct_tasks.io.records import read_samples
from tests.tiny_run import write_tiny_run


@pytest.fixture(scope="module")
def _tiny(tmp_path_factory):
    return write_tiny_run(tmp_path_factory.mktemp("tiny") / "run")


@pytest.fixture
def run(_tiny, tmp_path):
    return shutil.copytree(_tiny, tmp_path / "run")


def _closed(run):
    return next(run.glob("samples_pct_closed_base_*.jsonl"))


@pytest.mark.parametrize("first, expected", [
    (b"garbage\n", ":1: not a JSON line"),
    (b"\x00\x01\x02PNG\x00\n", ":1: not a JSON line"),
    (b"\x00\x89PNG\n", ":1: not UTF-8 text (byte 0x89 at column 2)"),
    (b"\xff\xfe{}\n", ":1: not UTF-8 text (byte 0xff at column 1)"),
    (b'{"doc": {"x": 1}}\n', ":1: not a valid PCT sample: missing setting, category, persona, template_id"),
])
def test_a_damaged_first_line_is_an_error_not_a_skipped_task(run, first, expected):
    path = _closed(run)
    path.write_bytes(first + path.read_bytes())
    with pytest.raises(PctInputError) as exc:
        read_samples(run)
    assert f"{path}{expected}" in str(exc.value) and "(fix:" in str(exc.value)


def test_non_utf8_bytes_after_line_one_name_the_line(run):
    path = _closed(run)
    lines = path.read_bytes().splitlines(keepends=True)
    lines[99] = lines[99][:50] + b"\xc3\x28" + lines[99][50:]
    path.write_bytes(b"".join(lines))
    with pytest.raises(PctInputError, match=rf"{path.name}:100: not UTF-8 text \(byte 0xc3 at column 51\)"):
        read_samples(run)


def test_an_empty_samples_file_is_skipped_with_one_line(run, caplog):
    _closed(run).write_bytes(b"")
    with caplog.at_level(logging.INFO, logger="pct_tasks.io.records"):
        records = read_samples(run)
    assert {r.task for r in records} == {"pct_open_base"} and len(records) == 620
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [f"skipped {_closed(run)}: empty samples file (0 samples; an interrupted run?)"]
    info = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert info[-1].startswith("read 620 samples from 1 run\n  pct-synthetic [")
    assert info[-1].endswith("]: pct_open_base 620")


@pytest.mark.parametrize("field, value, message", [
    ("template_id", "abc", "template_id 'abc' is not an integer"),
    ("proposition_id", 62, "proposition_id 62 is not an integer in 0..61"),
    ("proposition_id", -1, "proposition_id -1 is not an integer in 0..61"),
    ("proposition_id", True, "proposition_id True is not an integer in 0..61"),
    ("setting", "half-open", "setting 'half-open' is not one of closed, open"),
    ("category", "zodiac", "category 'zodiac' is not one of base, "),
    ("persona", None, "missing persona"),
])
def test_identity_fields_are_checked_and_only_the_wrong_one_named(run, field, value, message):
    path = _closed(run)
    lines = path.read_text(encoding="utf-8").splitlines()
    sample = json.loads(lines[6])
    if value is None:
        del sample["doc"][field]
    else:
        sample["doc"][field] = value
    lines[6] = json.dumps(sample)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(PctInputError) as exc:
        read_samples(run)
    text = str(exc.value)
    assert f"{path}:7: not a valid PCT sample: {message}" in text
    others = {"setting", "category", "persona", "template_id", "proposition_id", "variant"} - {field}
    assert not any(f"missing {o}" in text or f"{o} " in text.split(": ", 2)[2].split(" (fix")[0]
                   for o in others if o != "proposition_id" or field != "proposition_id")


def test_model_args_normalised():
    a = normalise_model_args({"model": "pct-synthetic"}, "pct-synthetic")
    b = normalise_model_args("refusal_rate=0.01,seed=0,leaning=0", "pct-synthetic")
    c = normalise_model_args({"model": "pct-synthetic", "seed": "0", "leaning": 0.0}, "pct-synthetic")
    assert a == b == c == "leaning=0.0,malformed_rate=0.05,refusal_rate=0.01,seed=0"
    assert normalise_model_args("pretrained=x,dtype=bfloat16", "hf") == normalise_model_args(
        {"dtype": "bfloat16", "pretrained": "x", "model": "hf"}, "hf") == "dtype=bfloat16,pretrained=x"
    assert normalise_model_args("seed=1", "pct-synthetic") != a


def test_defaults_spelled_out_or_not_are_one_run(tmp_path):
    write_tiny_run(tmp_path / "a", model_args={"model": "pct-synthetic"})
    write_tiny_run(tmp_path / "b", model_args={"model": "pct-synthetic", "leaning": 0, "seed": "0"})
    assert len({r.run_id for r in read_samples(tmp_path)}) == 1


def test_synthetic_defaults_match_the_model():
    import inspect

    from pct_tasks.io.provenance import MODEL_ARG_DEFAULTS
    from pct_tasks.tasks.synthetic_lm import SyntheticLM

    params = inspect.signature(SyntheticLM.__init__).parameters
    assert {k: params[k].default for k in MODEL_ARG_DEFAULTS["pct-synthetic"]} == MODEL_ARG_DEFAULTS["pct-synthetic"]


def test_two_runs_sharing_a_results_file_are_refused_with_identities(tmp_path):
    write_tiny_run(tmp_path / "x", seed=0, stamp="2026-01-01T00-00-00.000000")
    write_tiny_run(tmp_path / "y", seed=5, stamp="2026-01-02T00-00-00.000000")
    folder = tmp_path / "shared"
    folder.mkdir()
    for p in (tmp_path / "x").iterdir():
        shutil.copy(p, folder / p.name)
    for p in (tmp_path / "y").glob("samples_*"):  # the second run's results file is lost
        shutil.copy(p, folder / p.name.replace("samples_pct_closed_base", "samples_pct_closed_base"))
    (folder / "results_2026-01-01T00-00-00.000000.json").rename(folder / "results_only.json")
    with pytest.raises(PctInputError) as exc:
        read_samples(folder)
    text = str(exc.value)
    assert "under one run identity pct-synthetic [" in text and "(620 samples)" in text
    assert "results: " in text and "results_only.json" in text


def test_a_huge_answer_is_cut_and_said(run, caplog):
    from pct_tasks.io.records import MAX_RESPONSE_CHARS

    path = next(run.glob("samples_pct_open_base_*.jsonl"))
    lines = path.read_text(encoding="utf-8").splitlines()
    sample = json.loads(lines[0])
    sample["resps"] = [["agree " * 2_000_000]]
    sample["filtered_resps"] = ["agree " * 2_000_000]
    lines[0] = json.dumps(sample)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="pct_tasks.io.records"):
        records = read_samples(run)
    assert max(len(r.response) for r in records) == MAX_RESPONSE_CHARS
    assert f"; 1 answers cut to the first {MAX_RESPONSE_CHARS:,} characters" in caplog.text
