"""`pct run` and `pct tasks-dir` as a user calls them: from any folder, editable or wheel."""

import argparse
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _pct(args, cwd, env=None):
    return subprocess.run([str(BIN / "pct"), *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def test_pct_run_from_another_folder(tmp_path):
    res = _pct(["run", "--model", "pct-synthetic", "--tasks", "pct_closed_base", "pct_open_base",
                "--metadata", json.dumps({"templates": [0]}), "--log_samples", "--output_path", "out"],
               cwd=tmp_path)
    assert res.returncode == 0, res.stderr[-2000:]
    (results,) = (tmp_path / "out" / "pct-synthetic").glob("results_*.json")
    data = json.loads(results.read_text())
    assert data["n-samples"]["pct_closed_base"]["effective"] == 62
    assert data["config"]["model_args"]["model"] == "pct-synthetic"
    assert "pct_econ,none" in data["results"]["pct_closed_base"]
    # Issue 14.6: no per-task "Custom kwargs" note, and no blank stance row for the open task
    # (its stance comes from the judge).
    assert "Custom kwargs" not in res.stdout + res.stderr
    open_metrics = {k for k in data["results"]["pct_open_base"] if k.endswith(",none")}
    assert open_metrics == {"invalid_rate,none", "invalid_rate_stderr,none", "refusal_rate,none",
                            "refusal_rate_stderr,none"}
    assert re.search(r"\|stance\s+\|[^|]*\|\s*\d", res.stdout)  # the closed task's row has a value
    assert not re.search(r"\|stance\s+\|[^|]*\|\s+\|", res.stdout)  # no blank one


@pytest.mark.slow  # lm-eval indexes all of its own ~15k tasks first
def test_tasks_dir_feeds_stock_lm_eval(tmp_path):
    res = _pct(["tasks-dir"], cwd=tmp_path)
    assert res.returncode == 0
    task_dir = Path(res.stdout.strip())
    assert (task_dir / "pct_closed.yaml").is_file()
    ls = subprocess.run([str(BIN / "lm_eval"), "ls", "tasks", "--include_path", str(task_dir)],
                        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    for task in ("pct_closed", "pct_open", "pct_closed_base", "pct_open_base", "pct_closed_user_turn"):
        assert task in ls.stdout


def test_user_errors_are_one_line(tmp_path, capsys, monkeypatch):
    """In-process (the installed `pct` script is exercised by test_pct_run_from_another_folder)."""
    from pct_tasks.cli import main

    monkeypatch.chdir(tmp_path)
    rc = main(["run", "--model", "pct-synthetic", "--tasks", "pct_closed",
               "--metadata", json.dumps({"categories": ["religion"]})])
    out = capsys.readouterr()
    assert rc == 2
    assert "unknown persona categories ['religion']" in out.out + out.err
    assert main(["run", "--model", "no-such-model", "--tasks", "pct_closed"]) == 2
    err = capsys.readouterr().err
    assert "pct: error: Attempted to load model 'no-such-model'" in err
    assert "choose --model from:" in err and "Traceback" not in err
    assert len([line for line in err.splitlines() if "error" in line.lower()]) == 1  # lm-eval's INFO lines aside


@pytest.fixture(scope="module")
def wheel_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out), str(REPO)], check=True, capture_output=True, timeout=300)
    (wheel,) = out.glob("pct_tropes-*.whl")
    site = out / "site"
    zipfile.ZipFile(wheel).extractall(site)
    return site


@pytest.mark.slow  # builds the wheel
def test_wheel_carries_tasks_and_data(wheel_dir, tmp_path):
    assert (wheel_dir / "pct_tasks" / "task_configs" / "pct_closed.yaml").is_file()
    assert (wheel_dir / "pct_tasks" / "tasks" / "resources" / "propositions.json").is_file()
    code = ("import pct_tasks.io.paths as p, pct_tasks.tasks.data as d; "
            "print(p.task_dir()); print(len(d.propositions()))")
    res = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(wheel_dir)})
    assert res.returncode == 0, res.stderr
    where, n = res.stdout.split()
    assert Path(where) == wheel_dir / "pct_tasks" / "task_configs" and n == "62"
    entry = (next(wheel_dir.glob("pct_tropes-*.dist-info")) / "entry_points.txt").read_text()
    assert "[lm_eval.tasks]" in entry and "pct = pct_tasks.cli:main" in entry


def test_synthetic_model_gets_a_name():
    from pct_tasks.cli.run import name_synthetic_model

    assert name_synthetic_model("pct-synthetic", None) == {"model": "pct-synthetic"}
    assert name_synthetic_model("pct-synthetic", {"seed": 3}) == {"model": "pct-synthetic", "seed": 3}
    assert name_synthetic_model("pct-synthetic", {"model": "mine"}) == {"model": "mine"}
    assert name_synthetic_model("hf", {"pretrained": "x"}) == {"pretrained": "x"}


def test_our_flags_and_lm_evals_parse_in_both_forms():
    from pct_tasks.cli.run import _lm_eval_run_parser, _own_parser, _prepare
    from pct_tasks.io.paths import task_dir

    ours, rest = _own_parser().parse_known_args(
        ["--model=pct-synthetic", "--no-persona-check", "--model_args=seed=3", "--tasks", "pct",
         "--include_path", "mine"])
    assert ours.no_persona_check and not ours.help
    args = _lm_eval_run_parser().parse_args(rest)
    _prepare(args)
    assert args.model == "pct-synthetic" and args.tasks == ["pct"]
    assert args.model_args == {"model": "pct-synthetic", "seed": 3}
    assert args.include_path == ["mine", str(task_dir())]
    assert callable(args.func)  # lm-eval's own `run` executes it


def test_lm_eval_cli_is_the_one_we_wrote_for():
    """Fails when lm-eval changes the CLI internals `pct run` relies on (one guarded place)."""
    import lm_eval
    from lm_eval._cli.harness import HarnessCLI
    from lm_eval._cli.run import Run

    from pct_tasks.cli.run import LM_EVAL_CLI

    assert lm_eval.__version__.startswith(LM_EVAL_CLI)
    run = HarnessCLI()._subparsers.choices["run"]
    dests = {a.dest for a in run._actions}
    assert {"tasks", "model", "model_args", "include_path", "log_samples", "output_path",
            "apply_chat_template", "metadata"} <= dests
    assert run.get_default("func") == Run._execute


def test_only_our_folders_are_indexed_when_only_our_tasks_run():
    """Fails when lm-eval stops building its TaskManager the way the guarded swap relies on."""
    import lm_eval.tasks

    from pct_tasks.cli import run
    from pct_tasks.io.paths import task_dir

    assert run.can_skip_builtin_index()
    folders = [str(task_dir())]
    assert run.all_tasks_in(["pct_closed,pct_open_base"], folders)
    assert not run.all_tasks_in(["pct_closed", "hellaswag"], folders)
    original = lm_eval.tasks.TaskManager
    with run._index_given_folders_only(True):
        from lm_eval.config.evaluate_config import EvaluatorConfig

        cfg = EvaluatorConfig(tasks=["pct_closed_base"], include_path=folders, model="dummy")
        manager = cfg.process_tasks()
        assert set(manager.all_tasks) == run.task_names(tuple(folders))  # no built-in task
    assert lm_eval.tasks.TaskManager is original
    with run._index_given_folders_only(False):
        assert lm_eval.tasks.TaskManager is original


def _in_process(code, tmp_path):
    return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=300)


def test_run_without_arguments_is_one_line_before_lm_eval_loads(tmp_path):
    code = ("import sys; from pct_tasks.cli import main; rc = main(['run']); "
            "print(rc, 'lm_eval' in sys.modules)")
    res = _in_process(code, tmp_path)
    assert res.stdout.split() == ["2", "False"]
    assert res.stderr.strip().splitlines() == [
        "pct: error: pct run needs --model and --tasks (fix: e.g. pct run --model pct-synthetic "
        "--tasks pct (see pct run --help))"]


def test_unknown_task_names_the_closest(tmp_path, capsys):
    from pct_tasks.cli import main

    assert main(["run", "--model", "pct-synthetic", "--tasks", "pct_closd"]) == 2
    err = capsys.readouterr().err
    assert err == ("pct: error: unknown task 'pct_closd' (fix: did you mean pct_closed, "
                   "pct_closed_base, pct_closed_user_turn?)\n")
    assert main(["run", "--tasks", "pct_closed"]) == 2
    assert capsys.readouterr().err == ("pct: error: pct run needs --model (fix: e.g. --model "
                                       "pct-synthetic, or --model hf --model_args pretrained=NAME)\n")
    assert main(["run", "--model", "pct-synthetic", "--tasks", "pct_nothing_like_it"]) == 2
    assert "unknown task 'pct_nothing_like_it' (fix: pct tasks: pct, pct_closed," in capsys.readouterr().err


def test_run_help_shows_our_additions_first(capsys):
    from pct_tasks.cli import main

    assert main(["run", "--help"]) == 0
    out = capsys.readouterr().out
    ours, lm_eval = out.index("pct additions"), out.index("Evaluate language models")
    for word in ("pct-synthetic", "categories", "personas", "templates", "propositions", "shard",
                 "subset", "variants", "--no-persona-check"):
        assert ours < out.index(word) < lm_eval, word
    assert "--model_args" in out[lm_eval:]


def test_version_and_help_of_every_subcommand(capsys):
    from pct_tasks.cli import SUBCOMMANDS, build_parser

    parser = build_parser()
    with pytest.raises(SystemExit) as exc:
        parser.parse_args(["--version"])
    assert exc.value.code == 0 and capsys.readouterr().out.startswith("pct 0.")
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name in SUBCOMMANDS:
        p = sub.choices[name]
        assert p.description, f"pct {name} has no description"
        if name == "run":
            continue
        text = p.format_help()
        assert "%%" not in text and "%(" not in text, name
    assert "95%" in sub.choices["compass"].format_help()


def test_plain_text_persona_tasks_get_a_note(capsys):
    from pct_tasks.tasks.persona_check import PLAIN_TEXT_NOTE, check_run_arguments

    assert check_run_arguments("hf", {"pretrained": "x"}, chat=False, tasks=["pct"]) is False
    assert capsys.readouterr().out == f"pct: note: {PLAIN_TEXT_NOTE}\n"
    assert check_run_arguments("hf", {"pretrained": "x"}, chat=False, tasks=["pct_user_turn"])
    assert check_run_arguments("pct-synthetic", {}, chat=False, tasks=["pct"])
    assert check_run_arguments("local-chat-completions", {}, chat=True, tasks=["pct"])
    assert capsys.readouterr().out == ""
