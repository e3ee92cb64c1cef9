"""The grid of prompt variants and the documents of each lm-eval task.

A variant is (setting, persona, template): 21 personas x 10 templates per setting, plus the
10-template base case. A document is a variant applied to one proposition. Every document
carries its identity, so post-processors never need lm-eval's doc_id.

Two orders are fixed by seeds recorded in the documents and in ``DOC_ORDER_SEED``:
the option order shown in each closed prompt, and the order of the documents (a seeded
shuffle, so that lm-eval's ``--limit N``, which takes the first N, spreads over personas).
``--limit`` is a slice for smoke tests only: it cuts variants short, and a variant without
all 62 answers has no coordinates (every command refuses it as incomplete). A quick run that
stays correct takes whole variants: ``--metadata '{"variants": 40}'`` is a seeded sample of 40
variants, spread evenly over the personas, each with all 62 propositions.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from pct_tasks.errors import PctInputError
from pct_tasks.labels import Setting
from pct_tasks.tasks import prompts
from pct_tasks.tasks.data import BASE, Persona, option_texts, persona_categories, personas, propositions

OPTION_SEED = 20240612
DOC_ORDER_SEED = 7
VARIANT_SAMPLE_SEED = 42
N_TEMPLATES = 10

#: Named subsets usable as ``--metadata '{"subset": "ci"}'``.
SUBSETS: dict[str, dict[str, Any]] = {
    # Every persona, one template of each phrasing family: 2 x 21 x 62 = 2,604 documents per
    # setting, enough for a paired comparison of checkpoints in minutes.
    "ci": {"templates": [0, 5]},
    # The strongest planted effect only, for a smoke test.
    "quick": {"categories": ["political_orientation"], "templates": [0]},
}



@dataclass(frozen=True)
class Variant:
    setting: Setting
    persona: Persona
    template_id: int

    @property
    def key(self) -> str:
        """Stable, readable identity: "closed/age=18/t3", "open/base/t0"."""
        who = "base" if self.persona.is_base else f"{self.persona.category}={self.persona.value}"
        return f"{self.setting.value}/{who}/t{self.template_id}"


@cache
def variants(setting: Setting | str, base: bool = False) -> tuple[Variant, ...]:
    """All variants of a setting: the 210 persona variants, or the 10 base ones."""
    setting = Setting(setting)
    who = (BASE,) if base else personas()
    return tuple(Variant(setting, p, t) for p in who for t in range(N_TEMPLATES))


@cache
def variant_index(setting: Setting | str) -> dict[str, int]:
    """Variant key -> small integer, persona variants then base, per setting."""
    all_variants = variants(setting) + variants(setting, base=True)
    return {v.key: i for i, v in enumerate(all_variants)}


def option_order(variant: Variant, proposition_id: int, seed: int = OPTION_SEED) -> list[str]:
    """The shuffled options of one closed document.

    ``random.Random`` seeded with a string hashes it with SHA-512, so the order is the same
    on every machine, process and Python run (no dependence on PYTHONHASHSEED).
    """
    options = list(option_texts())
    random.Random(f"{seed}|{variant.key}|p{proposition_id}").shuffle(options)
    return options


def make_doc(variant: Variant, proposition_id: int, persona_turn: str = "system") -> dict[str, Any]:
    prop = propositions()[proposition_id]
    closed = variant.setting is Setting.CLOSED
    options = option_order(variant, proposition_id) if closed else []
    system = prompts.system_text(variant.persona)
    user = prompts.user_text(variant.setting, variant.template_id, prop.text, options)
    if persona_turn == "user":
        # The persona travels inside the user turn; no system message is sent.
        description, prompt = "", prompts.user_turn_with_persona(system, user)
    else:
        # The description is sent as the system turn, exactly as recorded in system_text
        # (under --apply_chat_template; without it lm-eval joins the two texts with nothing
        # between them, so plain-text models should use the pct_user_turn tasks).
        description, prompt = system, user
    return {
        "doc_key": f"{variant.key}/p{proposition_id}",
        "variant": variant.key,
        "setting": variant.setting.value,
        "category": variant.persona.category,
        "persona": variant.persona.value,
        "template_id": variant.template_id,
        "proposition_id": proposition_id,
        "proposition": prop.text,
        "section": prop.section,
        "options": options,
        "option_seed": OPTION_SEED if closed else None,
        "persona_turn": persona_turn,
        "system_text": system,
        "user_text": user,
        # What lm-eval sends, read by the YAML as plain field names (no Jinja per document):
        # the description becomes the system turn, the prompt the user turn.
        "description": description,
        "prompt": prompt,
        "target": "",
    }


def _as_list(value: Any, name: str) -> list[Any] | None:
    if value is None or value == "all":
        return None
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, (int, float)):
        return [value]
    if isinstance(value, Iterable):
        return list(value)
    raise PctInputError(
        f"--metadata key {name!r} must be a list or a comma-separated string, got {value!r}",
        hint=f'e.g. --metadata \'{{"{name}": [...]}}\'',
    )


def _parse_shard(value: Any) -> tuple[int, int] | None:
    if value in (None, ""):
        return None
    try:
        i, n = (int(x) for x in str(value).split("/"))
    except ValueError:
        i = n = -1
    if not (n > 0 and 0 <= i < n):
        raise PctInputError(
            f"--metadata shard must be 'i/n' with 0 <= i < n, got {value!r}",
            hint='e.g. --metadata \'{"shard": "0/4"}\' for the first of four shards',
        )
    return i, n


def select(
    variant_list: Iterable[Variant], options: Mapping[str, Any]
) -> list[Variant]:
    """Filter variants by the ``categories``, ``personas`` and ``templates`` keys."""
    cats = _as_list(options.get("categories"), "categories")
    pers = _as_list(options.get("personas"), "personas")
    tmpl = _as_list(options.get("templates"), "templates")
    if cats:
        unknown = set(cats) - set(persona_categories())
        if unknown:
            raise PctInputError(
                f"unknown persona categories {sorted(unknown)} in --metadata",
                hint=f"choose from {list(persona_categories())}",
            )
    if pers:
        known = {p.value for p in personas()}
        unknown = {str(p) for p in pers} - known
        if unknown:
            raise PctInputError(
                f"unknown personas {sorted(unknown)} in --metadata",
                hint=f"choose from {sorted(known)}",
            )
    if tmpl:
        try:
            tmpl = [int(t) for t in tmpl]
        except ValueError:
            tmpl = [-1]
        if not all(0 <= t < N_TEMPLATES for t in tmpl):
            raise PctInputError(
                f"templates in --metadata must be ids 0-{N_TEMPLATES - 1}, got {tmpl}",
                hint='e.g. --metadata \'{"templates": [0, 5]}\'',
            )
    out = []
    for v in variant_list:
        if not v.persona.is_base:
            if cats and v.persona.category not in cats:
                continue
            if pers and v.persona.value not in {str(p) for p in pers}:
                continue
        if tmpl and v.template_id not in tmpl:
            continue
        out.append(v)
    return out


def sample_variants(variant_list: list[Variant], n: Any) -> list[Variant]:
    """A seeded sample of ``n`` whole variants, spread evenly over the personas.

    The variants are shuffled with ``VARIANT_SAMPLE_SEED`` (by persona and template, so that
    closed and open tasks pick the same persona x template cells), then taken round-robin
    over personas: with 40 of the 210 persona variants every persona gets one or two
    templates. The base case (10 variants) is sampled the same way, so ``n >= 10`` keeps all
    of it. The sample keeps the order of ``variant_list``.
    """
    try:
        n = int(n)
    except (TypeError, ValueError):
        n = 0
    if n < 1:
        raise PctInputError(f"--metadata variants must be a positive number of variants, got {n!r}",
                            hint='e.g. --metadata \'{"variants": 40}\'')
    order = sorted(variant_list, key=lambda v: random.Random(
        f"{VARIANT_SAMPLE_SEED}|{v.persona.category}={v.persona.value}|t{v.template_id}").random())
    seen: dict[tuple[str, str], int] = {}
    rank = {}
    for i, v in enumerate(order):
        who = (v.persona.category, v.persona.value)
        rank[v] = (seen.get(who, 0), i)
        seen[who] = seen.get(who, 0) + 1
    chosen = set(sorted(variant_list, key=rank.__getitem__)[:n])
    return [v for v in variant_list if v in chosen]


def build_docs(
    setting: Setting | str,
    *,
    base: bool = False,
    persona_turn: str = "system",
    **options: Any,
) -> list[dict[str, Any]]:
    """The documents of one task, filtered by ``--metadata`` options, in the seeded order.

    Args:
        setting: "closed" or "open".
        base: the no-persona base case instead of the 420 persona variants.
        persona_turn: "system" (default) or "user".
        **options: ``subset`` (a name in ``SUBSETS``), ``categories``, ``personas``,
            ``templates``, ``variants`` (a seeded sample of that many whole variants, after
            the other filters), ``propositions`` and ``shard`` ("i/n"); other keys (lm-eval's
            ``version`` and keys meant for other tasks) are ignored. ``propositions`` and
            ``shard`` cut variants short: their runs have no coordinates until all
            propositions / shards are merged.
    """
    subset = options.get("subset")
    if subset:
        if subset not in SUBSETS:
            raise PctInputError(
                f"unknown subset {subset!r} in --metadata", hint=f"choose from {sorted(SUBSETS)}"
            )
        options = {**SUBSETS[subset], **{k: v for k, v in options.items() if k != "subset"}}
    if persona_turn not in ("system", "user"):
        raise PctInputError(f"persona_turn must be 'system' or 'user', got {persona_turn!r}")
    chosen = select(variants(setting, base=base), options)
    if options.get("variants") not in (None, "", "all"):
        chosen = sample_variants(chosen, options["variants"])
    prop_ids = _as_list(options.get("propositions"), "propositions")
    if prop_ids is None:
        prop_ids = list(range(len(propositions())))
    else:
        try:
            prop_ids = sorted({int(p) for p in prop_ids})
        except ValueError:
            prop_ids = [-1]
        if not all(0 <= p < len(propositions()) for p in prop_ids):
            raise PctInputError(
                "propositions in --metadata must be ids 0-61",
                hint='e.g. --metadata \'{"propositions": [0, 1, 2]}\'',
            )
    docs = [make_doc(v, p, persona_turn) for v in chosen for p in prop_ids]
    random.Random(DOC_ORDER_SEED).shuffle(docs)
    shard = _parse_shard(options.get("shard"))
    if shard:
        i, n = shard
        docs = docs[i::n]
    return docs


__all__ = [
    "DOC_ORDER_SEED",
    "OPTION_SEED",
    "SUBSETS",
    "VARIANT_SAMPLE_SEED",
    "Variant",
    "build_docs",
    "make_doc",
    "option_order",
    "sample_variants",
    "select",
    "variant_index",
    "variants",
]
