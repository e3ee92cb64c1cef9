"""EmbeddingCache: a persistent, content-addressed store of sentence embeddings.

Layout: ``<directory>/<namespace>/shard-<digest>.npz``, each shard holding ``keys`` (16-byte
BLAKE2b digests of the sentence text, sorted) and ``vectors`` (float32). The namespace is a
digest of the model id and the embedding settings, so two models never share vectors. A shard
is written once, atomically (tmp + ``os.replace``), and named by the digest of its keys, so an
interrupted run loses at most the batch in flight and concurrent writers cannot corrupt
each other. Many small shards are merged into one by ``compact``; a reader that finds a listed
shard gone (merged meanwhile by another process) lists again and reads the merged one.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from pct_tasks.io.outputs import atomic_write_bytes
from pct_tasks.io.paths import slug

logger = logging.getLogger(__name__)

KEY_DTYPE = np.dtype("S16")


def sentence_key(text: str) -> bytes:
    """The cache key of one sentence: a 16-byte BLAKE2b digest of its UTF-8 text."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def sentence_keys(texts: Sequence[str]) -> np.ndarray:
    return np.array([sentence_key(t) for t in texts], dtype=KEY_DTYPE)


def default_cache_dir() -> Path:
    """``$PCT_TROPES_CACHE``, else ``$XDG_CACHE_HOME/pct-tropes/embeddings`` (~/.cache)."""
    if os.environ.get("PCT_TROPES_CACHE"):
        return Path(os.environ["PCT_TROPES_CACHE"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "pct-tropes" / "embeddings"


class EmbeddingCache:
    """Read and append sentence vectors for one model namespace.

    Args:
        directory: the cache root (shared by all models).
        model_id: the embedding model's identity plus any setting that changes its vectors.
    """

    def __init__(self, directory: str | os.PathLike, model_id: str):
        self.directory = Path(directory)
        self.model_id = model_id
        name = slug(model_id.split("/")[-1], 40, default="model")
        digest = hashlib.blake2b(model_id.encode(), digest_size=8).hexdigest()
        self.path = self.directory / f"{name}-{digest}"
        self._keys = np.empty(0, dtype=KEY_DTYPE)
        self._vectors: np.ndarray | None = None
        self._loaded_shards: tuple[str, ...] = ()

    def _shards(self) -> list[Path]:
        return sorted(self.path.glob("shard-*.npz")) if self.path.is_dir() else []

    def _load(self) -> None:
        # Another process's compact() may remove shards between our listing and our reading
        # them; their vectors are then in its merged shard, which a fresh listing finds.
        for _ in range(3):
            if self._load_listed():
                return
        logger.warning("%s: embedding cache shards kept vanishing while read; some sentences may be embedded again",
                       self.path)

    def _load_listed(self) -> bool:
        """Load the shards listed now; False when one vanished before it was read."""
        shards = self._shards()
        names = tuple(p.name for p in shards)
        if names == self._loaded_shards:
            return True
        keys, vectors = [], []
        for shard in shards:
            try:
                with np.load(shard) as data:
                    k, v = data["keys"], data["vectors"]
                # A shard is named by the digest of its keys; the zip's CRCs cover the vectors.
                if shard.name != _shard_name(k) or len(k) != len(v):
                    raise ValueError("checksum mismatch")
            except FileNotFoundError:
                return False
            except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
                logger.warning("%s: damaged embedding cache shard (%s); discarded, its sentences "
                               "will be embedded again", shard, exc)
                shard.unlink(missing_ok=True)
                continue
            keys.append(k)
            vectors.append(v)
        if keys:
            all_keys = np.concatenate(keys)
            all_vectors = np.concatenate(vectors)
            all_keys, first = np.unique(all_keys, return_index=True)
            self._keys, self._vectors = all_keys, all_vectors[first]
        self._loaded_shards = names
        return True

    def __len__(self) -> int:
        self._load()
        return len(self._keys)

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Return (found mask, vectors of the found keys in the order of ``keys``)."""
        self._load()
        keys = np.asarray(keys, dtype=KEY_DTYPE)
        if not len(self._keys) or not len(keys):
            return np.zeros(len(keys), dtype=bool), None
        pos = np.searchsorted(self._keys, keys)
        pos_clipped = np.minimum(pos, len(self._keys) - 1)
        found = self._keys[pos_clipped] == keys
        return found, self._vectors[pos_clipped[found]]

    def add(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        """Persist a batch of vectors as one new shard (atomic)."""
        if not len(keys):
            return
        keys = np.asarray(keys, dtype=KEY_DTYPE)
        order = np.argsort(keys, kind="stable")
        keys, vectors = keys[order], np.ascontiguousarray(vectors[order], dtype=np.float32)
        _save_npz(self.path / _shard_name(keys), keys=keys, vectors=vectors)

    def compact(self, max_shards: int = 32) -> None:
        """Merge all shards into one when there are more than ``max_shards``."""
        shards = self._shards()
        if len(shards) <= max_shards:
            return
        self._loaded_shards = ()
        self._load()
        name = _shard_name(self._keys)
        _save_npz(self.path / name, keys=self._keys, vectors=self._vectors)
        for shard in shards:
            if shard.name != name:
                shard.unlink(missing_ok=True)
        self._loaded_shards = (name,)


def _shard_name(keys: np.ndarray) -> str:
    return f"shard-{hashlib.blake2b(np.asarray(keys, dtype=KEY_DTYPE).tobytes(), digest_size=12).hexdigest()}.npz"


def _save_npz(path: Path, **arrays: np.ndarray) -> None:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    atomic_write_bytes(path, buf.getvalue())


__all__ = ["EmbeddingCache", "default_cache_dir", "sentence_key", "sentence_keys"]
