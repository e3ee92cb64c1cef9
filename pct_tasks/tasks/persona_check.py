"""Detect a persona that never reached the model.

lm-eval renders the per-document description as a system message under
``--apply_chat_template``. A chat template without a system role either raises (lm-eval
then silently retries without the system turn) or drops the message itself; either way the
persona is lost and the run measures the base case under another name. Two checks:

* before a run, for local hf/vllm models, render a probe conversation with the tokenizer's
  chat template and look for the system text;
* after a run with ``--log_samples``, look for each document's persona in its logged prompt.

Both only warn (the run's outputs stay valid as what they are) and name the fix: the
``pct_closed_user_turn`` / ``pct_open_user_turn`` tasks (group ``pct_user_turn``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path

from pct_tasks.io.records import prompt_text

log = logging.getLogger("pct_tasks")

FIX = (
    "this model's chat template has no system role; use the tasks that put the persona in "
    "the user turn: --tasks pct_user_turn (pct_closed_user_turn, pct_open_user_turn)"
)
_PROBE = "PCT-PERSONA-PROBE: you are a person who is 48 years old."


def template_drops_system(tokenizer) -> bool:
    """Whether a tokenizer's chat template loses a system message."""
    messages = [{"role": "system", "content": _PROBE}, {"role": "user", "content": "Hello."}]
    try:
        rendered = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    except Exception:  # jinja raises for templates that reject a system role  # noqa: BLE001
        return True
    return _PROBE not in rendered


#: Printed when persona tasks run on a real model without a chat template.
PLAIN_TEXT_NOTE = (
    "without --apply_chat_template the persona (system turn) and the question are sent as one "
    "text with nothing between them; add --apply_chat_template, or use --tasks pct_user_turn "
    "for base models"
)
SYSTEM_TURN_TASKS = ("pct", "pct_closed", "pct_open")


def check_run_arguments(model: str | None, model_args: dict | None, chat: bool,
                        tasks: list[str] = ()) -> bool:
    """Preflight: a note for persona tasks without a chat template (real models), and for local
    hf/vllm models run with --apply_chat_template (``chat``), a probe of the template.

    ``model_args`` as lm-eval's parser returns them (a dict). Returns False on a warning.
    """
    from pct_tasks.tasks.synthetic import MODEL_NAME

    if not chat and model != MODEL_NAME and set(tasks) & set(SYSTEM_TURN_TASKS):
        print(f"pct: note: {PLAIN_TEXT_NOTE}")
        return False
    if model not in ("hf", "huggingface", "vllm") or not chat:
        return True
    args = model_args or {}
    name = args.get("tokenizer") or args.get("pretrained")
    if not name:
        return True
    try:
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(str(name), local_files_only=True)
    except Exception:  # not available locally; the post-run check still applies  # noqa: BLE001
        return True
    if tokenizer.chat_template and template_drops_system(tokenizer):
        log.warning("persona check: %s", FIX)
        print(f"pct: warning: {FIX}")
        return False
    return True


def samples_missing_persona(lines: Iterable[str]) -> tuple[int, int]:
    """(persona documents, those whose logged prompt lacks the persona text)."""
    total = missing = 0
    for line in lines:
        sample = json.loads(line)
        persona = (sample.get("doc") or {}).get("system_text")
        if not persona:
            continue
        total += 1
        if persona not in prompt_text(sample):
            missing += 1
    return total, missing


def warn_if_persona_dropped(output_path: str | Path, since: float = 0.0) -> bool:
    """Post-run check of the samples written under ``output_path`` since ``since`` (a time).

    Returns False on a warning.
    """
    root = Path(output_path)
    files = [p for p in root.rglob("samples_pct_*.jsonl") if p.stat().st_mtime >= since]
    ok = True
    for path in files:
        with path.open(encoding="utf-8") as fh:
            total, missing = samples_missing_persona(fh)
        if total and missing:
            ok = False
            msg = f"persona check: {missing} of {total} prompts in {path} lack their persona; {FIX}"
            log.warning(msg)
            print(f"pct: warning: {msg}")
    return ok


__all__ = [
    "FIX",
    "PLAIN_TEXT_NOTE",
    "check_run_arguments",
    "samples_missing_persona",
    "template_drops_system",
    "warn_if_persona_dropped",
]
