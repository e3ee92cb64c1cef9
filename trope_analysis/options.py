"""TropeOptions: every setting of a trope run in one object (``make_pipeline``, ``mine_tropes``)."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Any

PRESETS = ("default", "paper")


@dataclass(frozen=True)
class TropeOptions:
    """The settings of ``pct tropes`` / ``mine_tropes``.

    Args:
        preset: "default" (argument filter, average linkage) or "paper" (the paper's DBSCAN).
        cache_dir: embedding cache root (None = ``cache.default_cache_dir()``).
        model: sentence-transformers name or path (None = the bundled all-MiniLM-L6-v2).
        device: "cpu", "cuda", ... (None = CUDA when available).
        precision: embedding precision ("auto", "fp32", "bf16", "int8").
        batch_size: sentences per forward pass.
        n_jobs: groups clustered in parallel (None = 1, -1 = all cores).
        n_resamples: resamples per group for the stability score (0 = off).
        n_permutations: permutations per over-representation test.
        top_n: tropes per bubble chart.
        random_state: the one seed (resamples, samples, permutations).
        distance_threshold: the default preset's cut (None = ``cluster.DEFAULT_DISTANCE_THRESHOLD``).
        assign_threshold: the default preset's radius for sentences outside every trope core
            (None = ``cluster.DEFAULT_ASSIGN_THRESHOLD``; 0 = they stay noise).
        stance_level: "direction" (agree vs disagree, the paper) or "stance" (four answers).
        show_progress_bar: None follows the log level.
    """

    preset: str = "default"
    cache_dir: str | os.PathLike | None = None
    model: str | None = None
    device: str | None = None
    precision: str = "auto"
    batch_size: int = 64
    n_jobs: int | None = None
    n_resamples: int = 5
    n_permutations: int = 1000
    top_n: int = 30
    random_state: int = 0
    distance_threshold: float | None = None
    assign_threshold: float | None = None
    stance_level: str = "direction"
    show_progress_bar: bool | None = None

    def __post_init__(self) -> None:
        if self.preset not in PRESETS:
            from pct_tasks.errors import PctInputError

            raise PctInputError(f"unknown preset {self.preset!r}", hint=f"use one of {', '.join(PRESETS)}")

    def replace(self, **changes: Any) -> TropeOptions:
        return dataclasses.replace(self, **changes)


def as_options(options: TropeOptions | str | None = None, **changes: Any) -> TropeOptions:
    """``options`` (or a preset name) with ``changes`` applied."""
    if options is None or isinstance(options, str):
        options = TropeOptions(preset=options or "default")
    return options.replace(**changes) if changes else options


__all__ = ["PRESETS", "TropeOptions", "as_options"]
