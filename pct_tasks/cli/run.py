"""``pct run``: lm-eval's own CLI with the PCT task folder added and ``pct-synthetic`` registered.

Every flag is lm-eval's (``pct run --help`` shows them). Differences from a bare
``lm_eval run``: the task folder is added to ``--include_path`` (beside any folders you give, joined
with ``os.pathsep``),
the synthetic respondent is available as ``--model pct-synthetic``, and after a run with
``--log_samples`` the logged prompts are checked for the persona (see ``persona_check``).
"""

from __future__ import annotations

import os
import sys
import time


def add_parser(sub) -> None:
    # Listed for `pct --help`; `pct_tasks.cli.main` hands `pct run ...` straight to lm-eval.
    p = sub.add_parser("run", help="run lm-eval with the PCT tasks (all lm-eval flags)", add_help=False)
    p.set_defaults(handler=lambda args: run_lm_eval(["--help"]))


def _with_task_dir(argv: list[str], task_dir: str) -> list[str]:
    argv = list(argv)
    for i, arg in enumerate(argv):
        if arg == "--include_path" and i + 1 < len(argv):
            argv[i + 1] = f"{argv[i + 1]}{os.pathsep}{task_dir}"
            return argv
        if arg.startswith("--include_path="):
            argv[i] = f"{arg}{os.pathsep}{task_dir}"
            return argv
    return [*argv, "--include_path", task_dir]


def _name_synthetic_model(argv: list[str]) -> list[str]:
    """Give ``pct-synthetic`` a ``model=`` arg, which lm-eval uses to name the output folder
    (otherwise a random id) and which marks every results file as synthetic."""
    from pct_tasks.tasks.persona_check import flag_value
    from pct_tasks.tasks.synthetic import MODEL_NAME

    if flag_value(argv, "--model") != MODEL_NAME:
        return list(argv)
    args = flag_value(argv, "--model_args") or ""
    if "model" in {kv.split("=", 1)[0].strip() for kv in args.split(",") if "=" in kv}:
        return list(argv)
    named = f"model={MODEL_NAME},{args}".rstrip(",")
    rest = [a for i, a in enumerate(argv)
            if not a.startswith("--model_args") and not (i and argv[i - 1] == "--model_args")]
    return [*rest, "--model_args", named]


def run_lm_eval(argv: list[str]) -> int:
    """Run lm-eval's CLI on ``argv`` (the flags after ``pct run``)."""
    from lm_eval.__main__ import cli_evaluate

    import pct_tasks.tasks.synthetic_lm  # noqa: F401  (registers --model pct-synthetic)
    from pct_tasks.io.paths import task_dir
    from pct_tasks.tasks.persona_check import check_run_arguments, warn_if_persona_dropped

    _accept_several_include_paths()
    started = time.time()
    if argv[:1] != ["--help"] and argv[:1] != ["-h"]:
        argv = _with_task_dir(argv, str(task_dir()))
        argv = _name_synthetic_model(argv)
        check_run_arguments(argv)
    saved = sys.argv
    sys.argv = ["lm-eval", "run", *argv]
    try:
        cli_evaluate()
    except SystemExit as exc:  # argparse --help / errors
        return int(exc.code or 0)
    except ValueError as exc:
        # lm-eval reports an unknown model with a traceback; make it one line with the fix.
        if "no model for this name" not in str(exc):
            raise
        from pct_tasks.errors import PctInputError

        model, _, known = str(exc).partition("Supported model names: ")
        raise PctInputError(model.strip(), hint=f"choose --model from: {known}") from exc
    finally:
        sys.argv = saved
    warn_if_persona_dropped(argv, since=started)
    return 0


def _accept_several_include_paths() -> None:
    """Let lm-eval's ``--include_path`` take several folders joined by ``os.pathsep``.

    Its CLI passes the flag through as one string, while its TaskManager accepts a list;
    this is what lets ``pct run --include_path mine`` keep the user's folder beside ours.
    """
    import lm_eval.tasks as tasks_module

    base = tasks_module.TaskManager
    if getattr(base, "_pct_multi_path", False):
        return

    class TaskManager(base):  # type: ignore[misc, valid-type]
        _pct_multi_path = True

        def __init__(self, *args, include_path=None, **kwargs):
            if isinstance(include_path, str) and os.pathsep in include_path:
                include_path = [p for p in include_path.split(os.pathsep) if p]
            super().__init__(*args, include_path=include_path, **kwargs)

    tasks_module.TaskManager = TaskManager
