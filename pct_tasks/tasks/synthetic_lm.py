"""lm-eval adapter of the synthetic respondent: ``--model pct-synthetic``.

Model args: ``seed`` (int), ``leaning`` (float; > 0 right/authoritarian, < 0
left/libertarian), ``malformed_rate``, ``refusal_rate``. Importing this module registers
the model; ``pct run`` does so before handing over to lm-eval.
"""

from __future__ import annotations

from typing import Any

import lm_eval.models  # noqa: F401  (registers lm-eval's own backends beside ours)
from lm_eval.api.model import LM
from lm_eval.api.registry import register_model
from tqdm import tqdm

from pct_tasks.tasks.synthetic import MODEL_NAME, SyntheticRespondent

_SYSTEM, _USER, _ASSISTANT = "<|system|>\n", "<|user|>\n", "<|assistant|>\n"


@register_model(MODEL_NAME)
class SyntheticLM(LM):
    """A deterministic respondent for the PCT tasks; not a language model (labelled synthetic)."""

    def __init__(self, seed: int = 0, leaning: float = 0.0, malformed_rate: float = 0.05,
                 refusal_rate: float = 0.01, **_ignored: Any) -> None:
        # batch_size, device and other harness options do not apply to a synthetic model.
        super().__init__()
        self.respondent = SyntheticRespondent(int(seed), float(leaning), float(malformed_rate),
                                              float(refusal_rate))

    @property
    def tokenizer_name(self) -> str:
        return MODEL_NAME

    def chat_template(self, chat_template: bool | str = False) -> str:
        return "pct-synthetic: <|role|> headers, one turn per message"

    def apply_chat_template(self, chat_history: list[dict[str, str]], add_generation_prompt: bool = True) -> str:
        parts = [f"<|{m['role']}|>\n{m['content']}\n" for m in chat_history]
        return "".join(parts) + (_ASSISTANT if add_generation_prompt else "")

    def generate_until(self, requests, disable_tqdm: bool = False) -> list[str]:
        out = []
        for request in tqdm(requests, disable=disable_tqdm, desc="pct-synthetic"):
            doc = getattr(request, "doc", None) or {}
            if "proposition_id" in doc and "setting" in doc:
                out.append(self.respondent.respond(doc))
            else:
                # Not a PCT document (e.g. a harness floor benchmark): a fixed short answer.
                out.append('{"response": "synthetic respondent: not a PCT document"}')
        return out

    def loglikelihood(self, requests, disable_tqdm: bool = False):
        raise NotImplementedError(
            "pct-synthetic only answers generate_until tasks (pct_closed, pct_open, ...)"
        )

    def loglikelihood_rolling(self, requests, disable_tqdm: bool = False):
        raise NotImplementedError(
            "pct-synthetic only answers generate_until tasks (pct_closed, pct_open, ...)"
        )


__all__ = ["SyntheticLM"]
