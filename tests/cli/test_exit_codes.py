"""One test per exit code (README, "Exit codes"): 0 ok, 1 only "the model moved" in compare,
2 bad input or usage, 3 not comparable, 4 I/O or internal error; every error one line."""

from __future__ import annotations

import errno
import json

import pytest

from pct_tasks.cli import main
from tests.tiny_run import write_tiny_run


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("exit-codes")
    base, moved = write_tiny_run(root / "base"), write_tiny_run(root / "moved", leaning=2.0)
    assert main(["baseline", str(base), "--out", str(root / "base.json"), "--no-judge"]) == 0
    return base, moved, root / "base.json"


def _one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("pct: error:")]
    assert len(lines) == 1, err
    return lines[0]


def test_0_ok(runs, capsys):
    base, _, baseline = runs
    assert main(["compass", str(base)]) == 0
    assert main(["compare", "--baseline", str(baseline), str(base), "--no-judge"]) == 0
    assert "PASS" in capsys.readouterr().out


def test_1_only_when_the_model_moved(runs, capsys):
    _, moved, baseline = runs
    assert main(["compare", "--baseline", str(baseline), str(moved), "--no-judge"]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_2_bad_input_names_file_line_and_fix(runs, tmp_path, capsys):
    run = write_tiny_run(tmp_path / "run")
    samples = next(run.glob("samples_pct_closed_base_*.jsonl"))
    lines = samples.read_bytes().splitlines(keepends=True)
    lines[4] = b'{"doc": \xff\xfe broken\n'
    samples.write_bytes(b"".join(lines))
    for command in (["compass"], ["compare", "--baseline", str(runs[2])], ["judge"], ["leaderboard"]):
        capsys.readouterr()
        assert main([*command, str(run)]) == 2, command
        line = _one_error_line(capsys.readouterr().err)
        assert f"{samples}:5: not UTF-8 text" in line and "(fix:" in line


def test_2_usage(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["compass", "--no-such-flag"])
    assert exc.value.code == 2


def test_3_not_comparable(runs, tmp_path, capsys):
    base, _, baseline = runs
    other = json.loads(baseline.read_text())
    other["prompt_set"]["task_versions"] = {k: 99 for k in other["prompt_set"]["task_versions"]}
    (tmp_path / "other.json").write_text(json.dumps(other))
    assert main(["compare", "--baseline", str(tmp_path / "other.json"), str(base), "--no-judge"]) == 3
    assert "REFUSED" in capsys.readouterr().out


def test_4_read_only_output_is_never_a_verdict(runs, tmp_path, capsys, monkeypatch):
    import pct_tasks.io.outputs as outputs

    def read_only(path, data):
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(outputs, "atomic_write_bytes", read_only)
    base, _, baseline = runs
    assert main(["compare", "--baseline", str(baseline), str(base), "--no-judge",
                 "--markdown", str(tmp_path / "diff.md")]) == 4
    out, err = capsys.readouterr()
    assert "PASS" not in out
    line = _one_error_line(err)
    assert f"{tmp_path / 'diff.md'}: Read-only file system (fix:" in line


def test_4_internal_error_and_pct_debug(runs, capsys, monkeypatch):
    import pct_tasks.io.records as records

    def boom(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(records, "read_summary", boom)
    assert main(["compass", str(runs[0])]) == 4
    assert "internal error: RuntimeError: a bug (fix: re-run with PCT_DEBUG=1" in _one_error_line(capsys.readouterr().err)
    monkeypatch.setenv("PCT_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["compass", str(runs[0])])
