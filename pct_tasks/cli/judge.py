"""``pct judge``: label the stance of the open answers of one or more runs (cached, resumable)."""

from __future__ import annotations

import argparse

EXAMPLES = """\
examples:
  pct judge out/ --judge offline
  pct judge out/ --judge "local-chat-completions:model=mistral,base_url=http://localhost:8000/v1/chat/completions,num_concurrent=8"
  pct judge out/ --judge "hf:pretrained=mistralai/Mistral-7B-Instruct-v0.3" --model-batch-size 16

Labels go to <folder of samples_*.jsonl>/judgements/<judge id>.jsonl; a re-run judges only
what is missing. Read them back with pct_tasks.judge.load_judgements (docs/judge.md).
"""


def add_parser(sub) -> None:
    p = sub.add_parser("judge", help="judge the stance of open answers (offline or any lm-eval backend)",
                       description="Label the stance of every open answer in the runs (agree, "
                       "disagree, strongly..., none, refusal) with the offline classifier or any "
                       "lm-eval model; labels are cached beside the samples and reused.",
                       epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs", nargs="+", help="lm-eval output folders or samples_*.jsonl files")
    p.add_argument("--judge", default="offline",
                   help='"offline" (default) or MODEL:MODEL_ARGS for an lm-eval backend')
    p.add_argument("--batch-size", type=int, default=256, help="answers per judge call (each is saved before the next)")
    p.add_argument("--model-batch-size", default=1, help="lm-eval batch size of the judge model")
    p.add_argument("--no-chat-template", action="store_true",
                   help="send plain text instead of system/user messages (base models)")
    p.add_argument("--judge-id", default=None, help="override the judge identity (cache key)")
    p.add_argument("--retry-failed", action="store_true", help="ask again where the judge's reply was unreadable")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.set_defaults(handler=run)


def run(args) -> int:
    import json

    from pct_tasks.io.records import find_sample_files
    from pct_tasks.judge.stage import make_judge, run_judge

    find_sample_files(args.runs)  # fail on a bad path before loading a judge model
    kwargs = {}
    if args.judge.strip() != "offline":
        kwargs = {"batch_size": args.model_batch_size, "apply_chat_template": not args.no_chat_template,
                  "judge_id": args.judge_id}
    judge = make_judge(args.judge, **kwargs)
    summary = run_judge(args.runs, judge, batch_size=args.batch_size, retry_failed=args.retry_failed)
    if args.json:
        print(json.dumps({**summary.__dict__, "labels": dict(summary.labels)}))
        return 0
    print(f"judge {summary.judge_id}: {summary.n_answers} open answers, {summary.n_unique} distinct; "
          f"{summary.n_cached} cached, {summary.n_judged} judged now; {summary.n_failed_replies} unreadable "
          f"replies, affecting {summary.n_failed} answers")
    print("labels: " + ", ".join(f"{k} {v}" for k, v in summary.labels.most_common()))
    for path in summary.files:
        print(f"wrote {path}")
    return 0
