"""Judge-stage overhead per answer on a loopback mock server, beside the raw request time.

    .venv/bin/python bench/judge_overhead.py [--answers 620]

Raw: the same chat-completions requests POSTed one by one with urllib. Stage: ``run_judge``
with ``LMJudge`` (local-chat-completions, num_concurrent=1) on a fresh synthetic run, which
adds lm-eval's task building, request bookkeeping, reply parsing and the fsynced cache.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.pct_tasks.judge.mock_openai import MockChatServer  # noqa: E402
from tests.pct_tasks.judge.synthetic_run import write_run  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--templates", type=int, default=1, help="templates of 21 personas x 62 propositions")
    ap.add_argument("--batch-size", type=int, default=256)
    args = ap.parse_args()

    from pct_tasks.judge import make_judge, run_judge

    def reply(messages):
        return '{"label": "agree", "rationale": "mock"}'

    with tempfile.TemporaryDirectory() as tmp, MockChatServer(reply) as server:
        run = write_run(Path(tmp) / "m", templates=tuple(range(args.templates)), closed=False)
        judge = make_judge(f"local-chat-completions:model=mock,base_url={server.url},num_concurrent=1")
        t0 = time.perf_counter()
        summary = run_judge(run, judge, batch_size=args.batch_size, show_progress_bar=False)
        stage = time.perf_counter() - t0
        bodies = list(server.requests)
        t0 = time.perf_counter()
        for body in bodies:
            req = urllib.request.Request(server.url, data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
            urllib.request.urlopen(req).read()
        raw = time.perf_counter() - t0
        t0 = time.perf_counter()
        run_judge(run, judge, show_progress_bar=False)
        cached = time.perf_counter() - t0
    n = summary.n_judged
    print(json.dumps({
        "answers": n,
        "raw_request_ms_per_answer": round(1000 * raw / n, 3),
        "stage_ms_per_answer": round(1000 * stage / n, 3),
        "overhead_ms_per_answer": round(1000 * (stage - raw) / n, 3),
        "cached_rerun_ms_per_answer": round(1000 * cached / n, 3),
        "batch_size": args.batch_size,
    }))


if __name__ == "__main__":
    main()
