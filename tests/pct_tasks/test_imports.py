"""The shared leaf modules stay cheap to import: nothing heavy, no trope_analysis."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["pct_tasks.labels", "pct_tasks.io.records", "pct_tasks.cli", "pct_tasks.judge"])
def test_leaf_modules_import_nothing_heavy(module):
    code = (f"import sys, {module}; "
            "print(','.join(m for m in ('lm_eval', 'torch', 'pandas', 'trope_analysis') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
