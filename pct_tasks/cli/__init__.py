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
    "parse-eval": "pct_tasks.cli.parse_eval",
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


class _Stderr:
    """Print our warnings and the per-task read summary as ``pct: ...`` lines on stderr while
    a command runs (then the logging set-up is restored, for callers that embed ``main``)."""

    def __enter__(self):
        import logging

        class Handler(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                print(f"pct: {record.getMessage()}", file=sys.stderr)

        self.log = logging.getLogger("pct_tasks")
        self.records = logging.getLogger("pct_tasks.io.records")
        self.saved = (self.log.level, self.log.propagate, self.records.level)
        self.handler = Handler()
        self.log.addHandler(self.handler)
        self.log.propagate = False
        if self.log.getEffectiveLevel() > logging.WARNING:
            self.log.setLevel(logging.WARNING)
        self.records.setLevel(logging.INFO)
        return self

    def __exit__(self, *exc) -> None:
        self.log.removeHandler(self.handler)
        self.log.setLevel(self.saved[0])
        self.log.propagate = self.saved[1]
        self.records.setLevel(self.saved[2])


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
    with _Stderr():
        return _guarded(lambda: args.handler(args))


def _guarded(fn) -> int:
    """Run a command and map every failure to one line on stderr and an exit code.

    0 ok; 1 only for "the model moved" (``pct compare``'s own verdict, returned, never raised);
    2 bad input or usage; 3 not comparable; 4 I/O or internal error. ``PCT_DEBUG=1`` re-raises.
    """
    try:
        return int(fn() or 0)
    except KeyboardInterrupt:
        print("pct: interrupted; what was written so far is kept, re-run to resume", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001  (every error becomes one line and a known code)
        if os.environ.get("PCT_DEBUG"):
            raise
        code, line = error_line(exc)
        print(f"pct: error: {line}", file=sys.stderr)
        return code


def error_line(exc: BaseException) -> tuple[int, str]:
    """The exit code and the one-line message for an exception (see :func:`_guarded`)."""
    from pct_tasks.errors import EXIT_INPUT, EXIT_IO, PctInputError

    if isinstance(exc, PctInputError):
        return exc.exit_code, _one_line(str(exc))
    name = getattr(exc, "filename", None)
    where = f"{name}: " if name else ""
    if isinstance(exc, (FileNotFoundError, NotADirectoryError, IsADirectoryError)):
        return EXIT_INPUT, _one_line(f"{where}{exc.strerror or exc} (fix: check the path)")
    if isinstance(exc, UnicodeDecodeError):
        return EXIT_INPUT, _one_line(f"an input is not UTF-8 text ({exc}) "
                                     "(fix: pass the files lm-eval wrote, unmodified)")
    if isinstance(exc, json.JSONDecodeError):
        return EXIT_INPUT, _one_line(f"an input is not valid JSON ({exc}) "
                                     "(fix: re-create the file, or remove the broken one)")
    if isinstance(exc, OSError):
        what = exc.strerror or str(exc)
        return EXIT_IO, _one_line(f"{where}{what} (fix: check that the location exists, is writable "
                                  "and has free space, then re-run; finished work is kept)")
    return EXIT_IO, _one_line(f"internal error: {type(exc).__name__}: {exc} "
                              "(fix: re-run with PCT_DEBUG=1 for the traceback and report it)")


def _one_line(text: str, limit: int = 600) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


__all__ = ["SUBCOMMANDS", "build_parser", "error_line", "main"]
