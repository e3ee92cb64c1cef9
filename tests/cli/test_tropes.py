import json
import shutil

import pytest

from pct_tasks.cli import main


@pytest.fixture(scope="module")
def embedding_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("embedding-cache")


@pytest.fixture(scope="module")
def small_run(_synthetic_full_run, tmp_path_factory):
    """The first 240 base-case closed answers of the synthetic run, with their results file."""
    src = next(_synthetic_full_run.rglob("samples_pct_closed_base_*.jsonl"))
    dst = tmp_path_factory.mktemp("small-run") / src.parent.name
    dst.mkdir()
    stamp = src.name.split("_")[-1].removesuffix(".jsonl")
    shutil.copy(src.parent / f"results_{stamp}.json", dst)
    lines = src.read_text().splitlines()[:240]
    (dst / src.name).write_text("\n".join(lines) + "\n")
    return dst


def test_pct_tropes_runs_and_resumes(small_run, tmp_path, embedding_cache, capsys):
    argv = ["tropes", str(small_run), "--out", str(tmp_path / "out"), "--cache-dir", str(embedding_cache),
            "--permutations", "50", "--stability", "2", "--n-jobs", "1", "--quiet"]
    assert main(argv) == 0
    first = capsys.readouterr().out
    assert "justifications (1 model)" in first and "files written" in first
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    # 240 answers, of which 4 were unreadable (invalid): 236 justifications.
    assert summary["n_docs"] == 236 and summary["n_tropes"] > 0
    assert main(argv) == 0
    again = capsys.readouterr().out
    assert "(up to date: all" in again and "1 tropes" not in again


def test_malformed_samples_give_one_clear_line(small_run, tmp_path, capsys):
    broken = tmp_path / "broken"
    shutil.copytree(small_run, broken)
    samples = next(broken.glob("samples_*.jsonl"))
    samples.write_text(samples.read_text() + '{"doc": {"setting": "closed", \n')
    assert main(["tropes", str(broken), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert f"{samples}:241: not a JSON line" in err[0] and "fix:" in err[0]


def test_missing_input_is_named(tmp_path, capsys):
    assert main(["tropes", str(tmp_path / "nope"), "--out", str(tmp_path / "out")]) == 2
    assert "nope: no such file or folder" in capsys.readouterr().err
