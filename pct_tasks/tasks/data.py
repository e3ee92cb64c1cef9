"""Typed, cached access to the benchmark content in ``pct_tasks/resources``.

Everything is read through the package (importlib.resources), never the working directory,
so an installed wheel behaves like a source checkout.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from pct_tasks.labels import Setting

N_PROPOSITIONS = 62


@dataclass(frozen=True)
class Proposition:
    id: int  # 0-61, politicalcompass.org order
    text: str
    section: str
    econ_weights: tuple[int, int, int, int]
    social_weights: tuple[int, int, int, int]


@dataclass(frozen=True)
class Persona:
    category: str  # age, gender, cls, nation, political_orientation; "base" for none
    value: str  # "" for the base case
    sentence: str  # the system text; "" for the base case

    @property
    def is_base(self) -> bool:
        return self.category == "base"


BASE = Persona(category="base", value="", sentence="")


@dataclass(frozen=True)
class ScoringConstants:
    e0: float
    s0: float
    econ_divisor: float
    social_divisor: float


def _load(name: str) -> dict[str, Any]:
    path = resources.files("pct_tasks.tasks.resources").joinpath(name)
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def propositions() -> tuple[Proposition, ...]:
    rows = _load("propositions.json")["propositions"]
    return tuple(
        Proposition(
            id=r["id"],
            text=r["text"],
            section=r["section"],
            econ_weights=tuple(r["econ_weights"]),
            social_weights=tuple(r["social_weights"]),
        )
        for r in rows
    )


@cache
def sections() -> tuple[str, ...]:
    return tuple(_load("propositions.json")["sections"])


@cache
def scoring_constants() -> ScoringConstants:
    return ScoringConstants(**_load("propositions.json")["scoring"])


@cache
def persona_categories() -> tuple[str, ...]:
    return tuple(c["name"] for c in _load("personas.json")["categories"])


@cache
def category_labels() -> dict[str, str]:
    """Display names of the categories ("cls" -> "Class")."""
    labels = {c["name"]: c["label"] for c in _load("personas.json")["categories"]}
    return {**labels, "base": "No persona"}


@cache
def personas() -> tuple[Persona, ...]:
    """The 21 persona values, category by category, in the paper's order."""
    out = []
    for cat in _load("personas.json")["categories"]:
        for value in cat["values"]:
            out.append(Persona(cat["name"], value, cat["sentence"].format(value=value)))
    return tuple(out)


@cache
def templates(setting: Setting | str) -> tuple[str, ...]:
    """The 10 instruction templates of a setting; ids are positions 0..9."""
    return tuple(_load("templates.json")[Setting(setting).value])


@cache
def answer_format(setting: Setting | str) -> str:
    return _load("templates.json")["answer_format"][Setting(setting).value]


@cache
def option_texts() -> tuple[str, ...]:
    """The four answer options, index 0..3 = strongly disagree .. strongly agree."""
    return tuple(_load("templates.json")["options"])


__all__ = [
    "BASE",
    "N_PROPOSITIONS",
    "Persona",
    "Proposition",
    "ScoringConstants",
    "answer_format",
    "category_labels",
    "option_texts",
    "persona_categories",
    "personas",
    "propositions",
    "scoring_constants",
    "sections",
    "templates",
]
