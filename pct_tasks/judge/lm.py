"""An LLM judge on any lm-eval backend: runs the ``pct_open_judge`` task programmatically.

``LMJudge.judge(pairs)`` writes the pairs to a temporary ``judge_input`` file, runs
``lm_eval.simple_evaluate`` on the ``pct_open_judge`` task with that file in the task
metadata, and reads each reply from the logged samples. The lm-eval model is built once and
reused for every batch, so a local hf/vllm judge loads its weights once.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pct_tasks.errors import PctInputError
from pct_tasks.io.paths import slug
from pct_tasks.judge.hooks import make_doc
from pct_tasks.judge.prompt import PROMPT_VERSION, JudgeReply, parse_reply

TASK = "pct_open_judge"

#: model_args that change how requests travel, not what the judge answers: left out of
#: the judge identity so that, e.g., moving a server or raising concurrency keeps the cache.
TRANSPORT_ARGS = frozenset({
    "base_url", "num_concurrent", "max_retries", "timeout", "batch_size", "max_batch_size",
    "tokenizer_backend", "verify_certificate", "ca_cert_path", "auth_token", "header",
    "device", "parallelize", "trust_remote_code", "tokenized_requests",
})


def _parse_model_args(args: str) -> dict[str, Any]:
    """lm-eval's own parser (``provenance.parse_model_args``), after checking each part is key=value."""
    from pct_tasks.io.provenance import parse_model_args

    for part in filter(None, (p.strip() for p in args.split(","))):
        if "=" not in part:
            raise PctInputError(f"judge model args: {part!r} is not key=value",
                                hint="write model args as key=value,key=value (lm-eval's --model_args)")
    return parse_model_args(args)


class LMJudge:
    """A judge that asks an LLM through an lm-eval backend.

    Args:
        model: an lm-eval model name (``hf``, ``vllm``, ``local-chat-completions``,
            ``openai-chat-completions``, ``anthropic-chat``, ...).
        model_args: lm-eval ``--model_args`` text, e.g. ``"pretrained=mistralai/Mistral-7B-Instruct-v0.3"``.
        batch_size: lm-eval batch size.
        apply_chat_template: send system + user messages (needed by chat-completions backends).
        device: torch device for local backends (None: lm-eval's default).
        judge_id: override the derived identity (e.g. to share a cache across servers).
        lm: an already built ``lm_eval.api.model.LM`` (skips building from ``model_args``).
    """

    def __init__(self, model: str, model_args: str = "", batch_size: int | str = 1,
                 apply_chat_template: bool = True, device: str | None = None,
                 judge_id: str | None = None, lm: Any = None):
        self.model = model
        self.model_args = model_args
        self.batch_size = batch_size
        self.apply_chat_template = apply_chat_template
        self.device = device
        self._judge_id = judge_id
        self._lm = lm
        self.last_raw: list[str] = []

    @property
    def judge_id(self) -> str:
        """``<model>-<pretrained or model name>-<hash>``: the hash covers the backend, the
        label-relevant model args, the prompt version and the chat-template switch."""
        if self._judge_id:
            return self._judge_id
        args = _parse_model_args(self.model_args)
        kept = {k: v for k, v in sorted(args.items()) if k not in TRANSPORT_ARGS}
        ident = [self.model, kept, PROMPT_VERSION, bool(self.apply_chat_template)]
        digest = hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest()[:10]
        name = kept.get("pretrained") or kept.get("model") or ""
        return f"{slug(f'{self.model}-{name}'.strip('-'), 60, tail=True)}-{digest}"

    def _model(self):
        if self._lm is None:
            from pct_tasks.models.lmeval import build_lm

            # batch_size / device written in the model args win over the judge's options.
            self._lm = build_lm(self.model, self.model_args, {"batch_size": self.batch_size, "device": self.device},
                                what="judge model")
        return self._lm

    @staticmethod
    def _tasks(metadata: dict[str, Any]):
        # A fresh manager per call: lm-eval binds task metadata when the manager is built.
        from lm_eval.tasks import TaskManager

        from pct_tasks.io.paths import task_dir

        return TaskManager(include_path=str(task_dir()), include_defaults=False, metadata=metadata)

    def judge(self, pairs: Sequence[tuple[str, str]], proposition_ids: Sequence[int] | None = None) -> list[JudgeReply]:
        """Label (proposition, answer) pairs through the backend; unreadable replies come back
        as failures (``stance=None``), never as guesses."""
        if not pairs:
            return []
        import lm_eval

        ids = list(proposition_ids) if proposition_ids is not None else [-1] * len(pairs)
        docs = [make_doc(pid, prop, ans) for pid, (prop, ans) in zip(ids, pairs, strict=False)]
        with tempfile.TemporaryDirectory(prefix="pct-judge-") as tmp:
            path = Path(tmp) / "judge_input.jsonl"
            path.write_text("".join(json.dumps({k: d[k] for k in ("proposition_id", "proposition", "answer")},
                                               ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
            tm = self._tasks({"judge_input": str(path)})
            results = lm_eval.simple_evaluate(
                model=self._model(), tasks=[TASK], task_manager=tm, log_samples=True,
                apply_chat_template=self.apply_chat_template, bootstrap_iters=0,
                verbosity="WARNING",
            )
        replies: dict[str, str] = {}
        for sample in (results or {}).get("samples", {}).get(TASK, []):
            resp = sample.get("filtered_resps") or sample.get("resps") or [""]
            while isinstance(resp, list):
                resp = resp[0] if resp else ""
            replies[sample["doc"]["judge_key"]] = resp if isinstance(resp, str) else ""
        self.last_raw = [replies.get(d["judge_key"], "") for d in docs]
        return [parse_reply(replies[d["judge_key"]]) if d["judge_key"] in replies
                else JudgeReply(None, "", "no reply logged by lm-eval") for d in docs]


__all__ = ["TASK", "TRANSPORT_ARGS", "LMJudge"]
