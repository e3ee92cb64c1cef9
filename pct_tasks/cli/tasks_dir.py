"""``pct tasks-dir``: print the task folder, for ``lm_eval --include_path "$(pct tasks-dir)"``."""

from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser(
        "tasks-dir",
        help="print the lm-eval task folder (for lm_eval --include_path)",
        description='Print the folder of the PCT task YAMLs. Example: '
        'lm_eval --include_path "$(pct tasks-dir)" --tasks pct --model hf ...',
    )
    p.set_defaults(handler=run)


def run(args) -> int:
    from pct_tasks.io.paths import task_dir

    print(task_dir())
    return 0
