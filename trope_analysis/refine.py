"""TropeRefiner: optional LLM pass over trope names, through any lm-eval backend.

Two jobs, both off by default: drop trope names that are not arguments (the paper's filter:
"As an AI, I have no opinions" recurs but argues nothing), and write a short paraphrase of each
name. Requests go through lm-eval's model API (``generate_until``), so any backend works:
hf, vllm, local-chat-completions, openai, ... Replies are cached on disk, keyed by model,
arguments and prompt, so a re-run asks nothing twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator

from trope_analysis.embed import show_progress

ARGUMENT_PROMPT = (
    "Does the following sentence state an argument, i.e. a reason for or against a position "
    "(not a disclaimer, a greeting or a bare statement of agreement)? Answer with one word, "
    "yes or no.\n\nSentence: {sentence}\n\nAnswer:"
)
PARAPHRASE_PROMPT = (
    "Rewrite the following argument as a short phrase of at most ten words. Reply with the "
    "phrase only.\n\nArgument: {sentence}\n\nPhrase:"
)
_YES = re.compile(r"^\W*(yes|y|true)\b", re.I)
# A label some models put before the phrase, echoing the prompt's cue ("Phrase:") or its task
# (SmolLM2-135M: "Rewrite: ...", "The Argument: ..."); left out of the paraphrase.
_ECHO = re.compile(r"^(?:the\s+)?(?:short\s+)?(?:phrase|argument|rewrite|rewritten|paraphrase)\s*:\s*", re.I)
#: Fewest names over which one verdict for all of them is worth a warning.
_CONSTANT_WARN_MIN = 10

logger = logging.getLogger(__name__)


class TropeRefiner(BaseEstimator):
    """Filter and paraphrase trope names with a language model.

    Args:
        model: an lm-eval model name (``"hf"``, ``"vllm"``, ``"local-chat-completions"``, ...)
            or an already built ``lm_eval.api.model.LM`` instance (any object with
            ``generate_until(requests)``).
        model_args: lm-eval's model argument string (``"pretrained=...,max_length=..."``).
        filter_arguments: ask whether each name is an argument.
        paraphrase: ask for a short paraphrase of each name.
        max_gen_toks: generation budget per reply.
        chat: wrap prompts with the model's chat template when it has one.
        batch_size: lm-eval batch size when ``model`` is a name (``batch_size=...`` in
            ``model_args`` wins). Not ``"auto"``: lm-eval's hf backend then probes batches of
            the model's full context (8,192 tokens for SmolLM2, 64 rows first), which on a CPU
            runs for many minutes or exhausts memory, for replies of a few words.
        cache_dir: folder for the reply cache (None = no cache).
        show_progress_bar: None follows the log level.

    Attributes (after fit):
        is_argument_: bool per name (all True when ``filter_arguments`` is off);
        paraphrases_: str per name ("" when ``paraphrase`` is off); n_requests_: prompts sent.
    """

    def __init__(
        self,
        model=None,
        model_args: str = "",
        filter_arguments: bool = True,
        paraphrase: bool = False,
        max_gen_toks: int = 32,
        chat: bool = True,
        batch_size: int | str = 16,
        cache_dir: str | os.PathLike | None = None,
        show_progress_bar: bool | None = None,
    ):
        self.model = model
        self.model_args = model_args
        self.filter_arguments = filter_arguments
        self.paraphrase = paraphrase
        self.max_gen_toks = max_gen_toks
        self.chat = chat
        self.batch_size = batch_size
        self.cache_dir = cache_dir
        self.show_progress_bar = show_progress_bar

    def _lm_id(self) -> str:
        """The model's part of the cache key, known without loading the model."""
        if self.model is None:
            raise ValueError("TropeRefiner: model is None; name an lm-eval model (e.g. 'hf') or pass an LM")
        if not isinstance(self.model, str):
            return getattr(self.model, "refiner_id", type(self.model).__name__)
        return f"{self.model}:{self.model_args}"

    def _lm(self):
        if not isinstance(self.model, str):
            return self.model
        from pct_tasks.models.lmeval import build_lm

        return build_lm(self.model, self.model_args, {"batch_size": self.batch_size}, what="refiner model")

    def _context(self, lm, prompt: str) -> str:
        if self.chat:
            try:
                return lm.apply_chat_template([{"role": "user", "content": prompt}])
            except (NotImplementedError, AttributeError, TypeError):
                pass
        return prompt

    def fit(self, names: Sequence[str], y=None) -> TropeRefiner:
        names = [str(n) for n in names]
        self.is_argument_ = np.ones(len(names), dtype=bool)
        self.paraphrases_ = [""] * len(names)
        self.n_requests_ = 0
        jobs = []
        if self.filter_arguments:
            jobs.append(("argument", ARGUMENT_PROMPT))
        if self.paraphrase:
            jobs.append(("paraphrase", PARAPHRASE_PROMPT))
        if not jobs or not names:
            return self
        lm_id = self._lm_id()
        cache_file = Path(self.cache_dir) / "refiner.jsonl" if self.cache_dir is not None else None
        cache = _read_cache(cache_file)
        prompts = {kind: [template.format(sentence=n) for n in names] for kind, template in jobs}
        keys = {kind: [_key(lm_id, self.max_gen_toks, bool(self.chat), p) for p in ps] for kind, ps in prompts.items()}
        todo = sorted({(k, p) for kind in prompts for k, p in zip(keys[kind], prompts[kind], strict=True) if k not in cache})
        if todo:
            from lm_eval.api.instance import Instance

            lm = self._lm()  # only now: a re-run whose replies are all cached loads no model

            requests = [
                Instance("generate_until", {}, (self._context(lm, p), {"until": ["\n\n"], "max_gen_toks": self.max_gen_toks,
                                                                     "do_sample": False}), i)
                for i, (_, p) in enumerate(todo)
            ]
            replies = lm.generate_until(requests, disable_tqdm=not show_progress(self.show_progress_bar))
            new = {k: str(r) for (k, _), r in zip(todo, replies, strict=True)}
            cache.update(new)
            _append_cache(cache_file, new)
            self.n_requests_ = len(todo)
        if self.filter_arguments:
            self.is_argument_ = np.array([bool(_YES.match(cache[k])) for k in keys["argument"]], dtype=bool)
            _warn_if_constant(self.is_argument_, lm_id)
        if self.paraphrase:
            self.paraphrases_ = [_first_line(cache[k]) for k in keys["paraphrase"]]
        return self


def _warn_if_constant(is_argument: np.ndarray, lm_id: str) -> None:
    """One verdict for every name usually means the model answers by rote, not by reading
    (SmolLM2-135M said "No" to all 120 trope names of real answers); say so."""
    if len(is_argument) >= _CONSTANT_WARN_MIN and len(set(is_argument.tolist())) == 1:
        logger.warning("trope refiner: %s answered %r for all %d trope names; its argument filter tells "
                       "nothing here (use a stronger model, or --no-argument-filter)",
                       lm_id, "yes" if is_argument[0] else "no", len(is_argument))


def _first_line(reply: str) -> str:
    lines = [line.strip() for line in reply.strip().splitlines() if line.strip()]
    return _ECHO.sub("", lines[0].strip("\"'").strip()).strip("\"'").strip() if lines else ""


def _key(lm_id: str, max_gen_toks: int, chat: bool, prompt: str) -> str:
    # The chat template changes what the model reads, so it is part of what a reply answers.
    return hashlib.blake2b(f"{lm_id}|{max_gen_toks}|chat={chat}|{prompt}".encode(), digest_size=16).hexdigest()


def _read_cache(path: Path | None) -> dict[str, str]:
    out: dict[str, str] = {}
    if path is None or not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
            out[row["key"]] = row["reply"]
        except (ValueError, KeyError, TypeError):
            continue  # a line cut by an interrupted write: ask again
    return out


def _append_cache(path: Path | None, rows: dict[str, str]) -> None:
    if path is None or not rows:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        for key in sorted(rows):
            fh.write(json.dumps({"key": key, "reply": rows[key]}) + "\n")


__all__ = ["ARGUMENT_PROMPT", "PARAPHRASE_PROMPT", "TropeRefiner"]
