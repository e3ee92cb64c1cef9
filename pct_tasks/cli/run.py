"""``pct run``: lm-eval's own ``run`` command, with the PCT tasks and the synthetic respondent.

A thin layer over lm-eval's CLI. ``pct run ARGS`` is ``lm-eval run ARGS`` with four additions:

1. the PCT task folder is added to ``--include_path`` (beside any folder you give);
2. ``--model pct-synthetic`` is registered (a deterministic respondent for demos and tests),
   and named in its model args so that its results folder is ``pct-synthetic/``;
3. task names are checked before anything loads: a misspelled PCT task is a one-line error
   naming the closest ones;
4. the persona checks of ``pct_tasks.tasks.persona_check`` run before and after the run;
5. when every task asked for is defined in the given folders (ours and ``--include_path``),
   lm-eval indexes only those folders, not its ~15,000 built-in task files (10 to 40 s per
   run on 2 cores; see :func:`_index_given_folders_only`).

Our own flags are read with argparse (``parse_known_args``); everything else is parsed by
lm-eval's own ``run`` parser and executed by lm-eval unchanged.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import functools
import os
import sys
import time
from pathlib import Path

USAGE = "pct run --model MODEL --tasks TASK [TASK ...] [lm-eval run flags]"

ADDITIONS = """\
pct additions (everything else below is lm-eval's `run`):
  tasks          pct (all four), pct_closed, pct_open, pct_closed_base, pct_open_base,
                 pct_user_turn (persona in the user turn), pct_open_judge (the judge task)
  --model pct-synthetic
                 a deterministic synthetic respondent (not a language model); model args:
                 seed, leaning (>0 right/authoritarian), malformed_rate, refusal_rate
  --metadata JSON
                 which documents to build:
                   categories    persona categories, e.g. ["age", "political_orientation"]
                   personas      persona values, e.g. ["far left", "far right"]
                   templates     template ids 0-9, e.g. [0, 5]
                   propositions  proposition ids 0-61
                   shard         "i/n": every n-th document from i (split a run over machines)
                   subset        a named selection: "ci" (templates 0 and 5), "quick"
                   variants      variant keys, as written in the samples' `variant` field
  --no-persona-check
                 skip the checks that the persona reached the model (before and after the run)
example:
  pct run --model pct-synthetic --model_args seed=0 --tasks pct_closed \\
      --metadata '{"subset": "quick"}' --log_samples --output_path runs/example
"""


def add_parser(sub) -> None:
    """Listed in ``pct --help``; ``pct_tasks.cli.main`` hands ``pct run ...`` to :func:`main`."""
    p = sub.add_parser("run", help="run lm-eval with the PCT tasks (lm-eval's flags, plus ours)",
                       description="Run lm-eval's `run` with the PCT tasks added.", add_help=False)
    p.set_defaults(handler=lambda args: main(["--help"]))


def _own_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pct run", usage=USAGE, add_help=False)
    p.add_argument("-h", "--help", action="store_true")
    p.add_argument("--no-persona-check", action="store_true")
    return p


def main(argv: list[str]) -> int:
    """``pct run ARGV``: our flags, then lm-eval's parser and its ``run`` command."""
    ours, rest = _own_parser().parse_known_args(argv)
    if ours.help:
        print(f"usage: {USAGE}\n\n{ADDITIONS}")
        sys.stdout.flush()
        _lm_eval_run_parser().print_help()
        return 0
    if not rest:
        from pct_tasks.errors import PctInputError

        raise PctInputError("pct run needs --model and --tasks",
                            hint="e.g. pct run --model pct-synthetic --tasks pct (see pct run --help)")
    parser = _lm_eval_run_parser()
    args = parser.parse_args(rest)
    _prepare(args)
    return _execute(args, persona_check=not ours.no_persona_check)


def _prepare(args: argparse.Namespace) -> None:
    """Our additions to lm-eval's parsed arguments (task folder, synthetic model, task names)."""
    from pct_tasks.errors import PctInputError
    from pct_tasks.io.paths import task_dir

    if not args.model:
        raise PctInputError("pct run needs --model",
                            hint="e.g. --model pct-synthetic, or --model hf --model_args pretrained=NAME")
    if not args.tasks:
        raise PctInputError("pct run needs --tasks", hint="e.g. --tasks pct (see pct run --help)")
    paths = [p for p in (args.include_path or "").split(os.pathsep) if p]
    # lm-eval's TaskManager takes a list of folders; its CLI passes the flag's string through.
    args.include_path = [*paths, str(task_dir())]
    args.model_args = name_synthetic_model(args.model, args.model_args)
    check_task_names(args.tasks, args.include_path)


def _execute(args: argparse.Namespace, persona_check: bool) -> int:
    import pct_tasks.tasks.synthetic_lm  # noqa: F401  (registers --model pct-synthetic)
    from pct_tasks.errors import PctInputError
    from pct_tasks.tasks import persona_check as check

    log_samples = bool(getattr(args, "log_samples", False))
    if persona_check:
        check.check_run_arguments(args.model, args.model_args,
                                  chat=bool(getattr(args, "apply_chat_template", False)),
                                  tasks=[t for task in args.tasks for t in task.split(",")])
    _quiet_lm_eval()
    started = time.time()
    own = all_tasks_in(args.tasks, args.include_path)
    try:
        with _index_given_folders_only(own):
            args.func(args)
    except ValueError as exc:
        # lm-eval raises these with a traceback; they are user errors with a fix.
        msg = str(exc)
        if "no model for this name" in msg:
            model, _, known = msg.partition("Supported model names: ")
            raise PctInputError(model.strip(), hint=f"choose --model from: {known}") from exc
        if msg.startswith("Tasks not found"):
            raise PctInputError(msg, hint="`lm-eval ls tasks` lists every task") from exc
        raise
    if persona_check and log_samples and args.output_path:
        check.warn_if_persona_dropped(args.output_path, since=started)
    return 0


def name_synthetic_model(model: str | None, model_args: dict | None) -> dict:
    """Give ``pct-synthetic`` a ``model=`` arg, which lm-eval uses to name the output folder
    (otherwise a random id) and which marks every results file as synthetic."""
    from pct_tasks.tasks.synthetic import MODEL_NAME

    model_args = dict(model_args or {})
    if model == MODEL_NAME and "model" not in model_args:
        model_args = {"model": MODEL_NAME, **model_args}
    return model_args


def check_task_names(tasks: list[str], include_path: list[str]) -> None:
    """A misspelled task is a one-line error naming the closest names, before lm-eval loads.

    Names are checked against the given folders only (fast); a name that is close to none of
    them may be one of lm-eval's own tasks and is left to lm-eval.
    """
    from pct_tasks.errors import PctInputError

    known = task_names(tuple(include_path))
    for name in (t for task in tasks for t in task.split(",")):
        if not name or name in known or name.endswith(".yaml") or Path(name).exists():
            continue
        close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
        if close or name.startswith("pct"):
            hint = f"did you mean {', '.join(close)}?" if close else "pct tasks: " + ", ".join(
                sorted(n for n in known if n.startswith("pct")))
            raise PctInputError(f"unknown task {name!r}", hint=hint)


def all_tasks_in(tasks: list[str], include_path: list[str]) -> bool:
    """True when every requested task name is defined in ``include_path`` (no lm-eval built-in)."""
    known = task_names(tuple(include_path))
    return all(name in known for task in tasks for name in task.split(",") if name)


@contextlib.contextmanager
def _index_given_folders_only(active: bool):
    """While active, lm-eval's ``TaskManager`` skips its built-in task folder.

    lm-eval's ``run`` builds ``TaskManager(include_path=...)`` inside
    ``EvaluatorConfig.process_tasks`` and offers no flag for ``include_defaults=False``, so
    indexing its ~15,000 YAMLs is paid on every run even when only our tasks are asked for.
    This is the one place where ``pct run`` replaces an lm-eval name, for the duration of the
    run only, and only when the installed lm-eval still builds it that way
    (:func:`can_skip_builtin_index`; ``tests/cli/test_run.py`` fails when that changes).
    """
    if not active or not can_skip_builtin_index():
        yield
        return
    import lm_eval.tasks

    original = lm_eval.tasks.TaskManager
    lm_eval.tasks.TaskManager = functools.partial(original, include_defaults=False)
    try:
        yield
    finally:
        lm_eval.tasks.TaskManager = original


@functools.cache
def can_skip_builtin_index() -> bool:
    """lm-eval's ``process_tasks`` imports ``TaskManager`` from ``lm_eval.tasks`` when called,
    and ``TaskManager`` takes ``include_defaults``: the two facts the guarded swap relies on."""
    import inspect

    from lm_eval.config.evaluate_config import EvaluatorConfig
    from lm_eval.tasks import TaskManager

    source = inspect.getsource(EvaluatorConfig.process_tasks)
    return ("from lm_eval.tasks import TaskManager" in source
            and "include_defaults" in inspect.signature(TaskManager).parameters)


@functools.cache
def task_names(folders: tuple[str, ...]) -> frozenset[str]:
    """The task, group and tag names defined in ``folders`` (lm-eval's index, no defaults)."""
    from lm_eval.tasks import TaskManager

    return frozenset(TaskManager(include_path=list(folders), include_defaults=False).all_tasks)


class _DropCustomKwargsNote:
    """lm-eval notes, once per task, that tasks built by a ``custom_dataset`` function (ours)
    take ``--metadata`` keys ("Custom kwargs can be passed ... max_seq_lengths"): that note is
    about RULER-style tasks and says nothing about ours, so ``pct run`` drops it."""

    def filter(self, record) -> bool:
        return "Custom kwargs can be passed" not in record.getMessage()


_DROP = _DropCustomKwargsNote()


def _quiet_lm_eval() -> None:
    import logging

    logger = logging.getLogger("lm_eval.api.task")
    if _DROP not in logger.filters:
        logger.addFilter(_DROP)


#: The lm-eval version whose CLI layout ``_lm_eval_run_parser`` relies on.
LM_EVAL_CLI = "0.4."


def _lm_eval_run_parser() -> argparse.ArgumentParser:
    """lm-eval's own ``run`` parser (its ``func`` default runs the evaluation).

    The one place that relies on lm-eval's CLI internals (``lm_eval._cli``); checked against
    the version here and by ``tests/cli/test_run.py``.
    """
    import lm_eval
    from lm_eval._cli.harness import HarnessCLI

    version = getattr(lm_eval, "__version__", "")
    if not version.startswith(LM_EVAL_CLI):
        raise RuntimeError(f"pct run was written for lm-eval {LM_EVAL_CLI}x; found {version}")
    from lm_eval.utils import setup_logging

    setup_logging()
    cli = HarnessCLI()
    parser = cli._subparsers.choices["run"]  # noqa: SLF001  (see the docstring)
    parser.prog = "pct run"
    return parser


__all__ = ["ADDITIONS", "all_tasks_in", "can_skip_builtin_index", "check_task_names", "main", "name_synthetic_model", "task_names"]
