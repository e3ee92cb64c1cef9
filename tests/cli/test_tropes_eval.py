import json
from pathlib import Path

import pytest

from pct_tasks.cli import main


@pytest.fixture(scope="module")
def embedding_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("embedding-cache")

DATA = Path(__file__).parents[1] / "trope_analysis" / "data"


def test_tropes_eval_json(embedding_cache, capsys):
    argv = ["tropes-eval", "argkp", "--arguments", str(DATA / "argkp_arguments.csv"),
            "--key-points", str(DATA / "argkp_key_points.csv"), "--labels", str(DATA / "argkp_labels.csv"),
            "--cache-dir", str(embedding_cache), "--json"]
    assert main(argv) == 0
    scores = json.loads(capsys.readouterr().out)
    assert {"ari", "v_measure", "coverage", "clustered", "n_clusters"} <= set(scores)
    assert scores["n_gold_arguments"] == 36 and scores["n_key_points"] == 6
    assert scores["preset"] == "default" and 0.0 <= scores["ari"] <= 1.0
    low, high = scores["v_measure_ci"]
    assert low <= high and len(scores["ari_ci"]) == 2
    assert main([*argv[:-1], "--bootstrap", "0"]) == 0 and "[" not in capsys.readouterr().out  # no intervals


def test_tropes_eval_missing_file(tmp_path, capsys):
    argv = ["tropes-eval", "argkp", "--arguments", str(tmp_path / "a.csv"), "--key-points", "k", "--labels", "l"]
    assert main(argv) == 2
    assert "a.csv: no such file" in capsys.readouterr().err
