"""The ``pct`` command: one module per subcommand, each with ``add_parser`` and ``run``.

Heavy imports happen inside each ``run`` so that ``pct --help`` stays instant. Known user
errors become one line naming the input and the fix; ``PCT_DEBUG=1`` shows the traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys

#: subcommand name -> module (each defines add_parser(subparsers) and run(args) -> int).
SUBCOMMANDS: dict[str, str] = {
    "run": "pct_tasks.cli.run",
    "compass": "pct_tasks.cli.compass",
    "tasks-dir": "pct_tasks.cli.tasks_dir",
    "report": "pct_tasks.cli.report",
    "leaderboard": "pct_tasks.cli.leaderboard",
    "compare": "pct_tasks.cli.compare",
    "baseline": "pct_tasks.cli.baseline",
    "judge": "pct_tasks.cli.judge",
    "judge-eval": "pct_tasks.cli.judge_eval",
    "tropes": "pct_tasks.cli.tropes",
    "tropes-eval": "pct_tasks.cli.tropes_eval",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pct",
        description="The Political Compass Test under persona/instruction variants, on lm-eval.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in SUBCOMMANDS.values():
        importlib.import_module(module).add_parser(sub)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pct-tropes")
    except PackageNotFoundError:  # a checkout on PYTHONPATH without an install
        return "unknown (not installed)"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `pct run` reads its own flags and hands the rest to lm-eval's parser (see cli/run.py).
    if argv and argv[0] == "run":
        from pct_tasks.cli import run as run_cmd

        return _guarded(lambda: run_cmd.main(argv[1:]))
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    return _guarded(lambda: args.handler(args))


def _guarded(fn) -> int:
    from pct_tasks.errors import PctInputError

    try:
        return int(fn() or 0)
    except (PctInputError, FileNotFoundError, json.JSONDecodeError, NotADirectoryError) as exc:
        if os.environ.get("PCT_DEBUG"):
            raise
        print(f"pct: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pct: interrupted; what was written so far is kept, re-run to resume", file=sys.stderr)
        return 130


__all__ = ["SUBCOMMANDS", "build_parser", "main"]
