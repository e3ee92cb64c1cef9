from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess

import pytest

from pct_tasks.cli import main
from tests.pct_tasks.analysis import runs

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def need_chromium() -> str:
    """Debian's chromium, or a skip; a failure where CI requires the browser (.ci/run)."""
    if CHROMIUM is None:
        message = "Debian chromium is not installed (apt-get install -y chromium)"
        if os.environ.get("PCT_REQUIRE_BROWSER") == "1":
            pytest.fail(message + "; PCT_REQUIRE_BROWSER=1 makes this a failure")
        pytest.skip(message)
    return CHROMIUM
PLANTED = '<script>alert("planted")</script>=1+1'


@pytest.fixture(scope="module")
def main_run(tmp_path_factory):
    return runs.get(tmp_path_factory, "main")


@pytest.fixture(scope="module")
def planted_run(main_run, tmp_path_factory):
    """The main run with a <script> planted in the justification of every base-case answer."""
    run = runs.copy(main_run, tmp_path_factory.mktemp("planted") / "run")
    for path in runs.samples_files(run, "pct_closed_base"):
        out = []
        for line in path.read_text(encoding="utf-8").splitlines():
            sample = json.loads(line)
            text = json.dumps({"selection": "Agree", "response": PLANTED})
            sample["resps"], sample["filtered_resps"] = [[text]], [text]
            sample["stance"] = "agree"
            out.append(json.dumps(sample))
        path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return run


@pytest.fixture(scope="module")
def report(planted_run, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    rc = main(["report", str(planted_run), "--out", str(out), "--quiet", "--no-svg", "--n-boot", "300"])
    assert rc == 0
    return out


def test_report_writes_everything(report):
    manifest = json.loads((report / "manifest.json").read_text())
    assert manifest["complete"] is True
    assert manifest["provenance"]["produced_by"] == "pct report"
    assert manifest["provenance"]["runs"][0]["backend"] == "pct-synthetic"
    for stem in ("variants", "personas", "runs", "stances", "rates", "effects_ols", "effects_mixed",
                 "stance_shares", "examples"):
        assert (report / "tables" / f"{stem}.csv").is_file(), stem
        assert (report / "tables" / f"{stem}.parquet").is_file(), stem
        assert f"tables/{stem}.csv" in manifest["files"]
    assert (report / "leaderboard.md").read_text().startswith("<!-- produced by pct report")
    assert (report / "figures" / next(f for f in manifest["files"] if f.startswith("figures/compass")).split("/")[1]).is_file()


def test_html_is_self_contained_and_escaped(report):
    html = (report / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html  # the planted script is text, and the page has none of its own
    assert "&lt;script&gt;alert(&quot;planted&quot;)&lt;/script&gt;" in html
    srcs = re.findall(r'(?:src|href)="([^"#][^"]*)"', html)
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs)
    png = base64.b64decode(srcs[0].split(",", 1)[1])
    assert png[:4] == b"\x89PNG"
    assert "open answers have no judge labels" in html
    assert "synthetic respondent" in html
    assert "Tropes" in html and "pct tropes" in html


def test_csv_neutralises_planted_text(report):
    examples = (report / "tables" / "examples.csv").read_text(encoding="utf-8")
    assert "<script>" in examples  # CSV keeps the text as data
    assert ",'=" not in examples and ',"=' not in examples


def test_rerun_is_up_to_date(planted_run, report, capsys):
    before = (report / "report.html").stat().st_mtime_ns
    assert main(["report", str(planted_run), "--out", str(report), "--quiet", "--no-svg",
                 "--n-boot", "300"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert (report / "report.html").stat().st_mtime_ns == before


def test_malformed_samples_never_give_a_complete_report(main_run, tmp_path, capsys):
    run = runs.copy(main_run, tmp_path / "run")
    target = runs.samples_files(run, "pct_closed")[0]
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    target.write_text("".join(lines[:10]) + lines[10][:40], encoding="utf-8")  # truncated mid-line
    out = tmp_path / "report"
    assert main(["report", str(run), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"{target}:11" in err and err.count("\n") == 1
    assert not (out / "report.html").exists()
    manifest = out / "manifest.json"
    assert not manifest.exists() or json.loads(manifest.read_text())["complete"] is False


def _chromium_console(url: str, tmp_path) -> tuple[list[str], str]:
    """Load ``url`` in headless Debian chromium; return its console lines and the DOM."""
    cmd = [need_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
           "--dump-dom", url]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    return console, proc.stdout


def test_console_check_catches_errors(tmp_path):
    need_chromium()
    # The check below is only meaningful if a page's errors do reach us.
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><p>x</p><script>console.error("boom"); nope();</script>')
    console, _ = _chromium_console(page.as_uri(), tmp_path)
    assert any("boom" in line for line in console)
    assert any("Uncaught ReferenceError" in line for line in console)


def test_report_loads_in_headless_chromium_without_console_errors(report, tmp_path):
    need_chromium()
    console, dom = _chromium_console((report / "report.html").as_uri(), tmp_path)
    assert console == []
    assert "Political Compass Test report" in dom
    assert "<script>alert" not in dom


def test_trope_section_is_included_lazily(main_run, tmp_path, monkeypatch, capsys):
    import sys
    import types

    seen = []
    fake = types.ModuleType("trope_analysis.report")

    def html_section(out_dir):
        seen.append(out_dir)
        return '<section class="pct-tropes"><h2>Tropes</h2><p>planted trope fragment</p></section>'

    fake.html_section = html_section
    monkeypatch.setitem(sys.modules, "trope_analysis.report", fake)
    tropes = tmp_path / "tropes_out"
    tropes.mkdir()
    out = tmp_path / "report"
    args = ["report", str(main_run), "--out", str(out), "--quiet", "--no-svg", "--no-mixed", "--n-boot", "100"]
    assert main([*args, "--tropes", str(tropes)]) == 0
    html = (out / "report.html").read_text()
    assert seen == [tropes] and "planted trope fragment" in html
    assert html.count("<h2>Tropes</h2>") == 1
    assert main([*args, "--force", "--tropes", str(tmp_path / "missing")]) == 2
    assert "no such trope output folder" in capsys.readouterr().err


def _body(report) -> str:
    html = (report / "report.html").read_text(encoding="utf-8")
    return html[: html.index('<section id="provenance">')]


def test_report_reads_like_a_paper(report):
    """Issue 12.4: natural order, human labels, consistent figures, examples across the design."""
    import pandas as pd

    body = _body(report)
    for raw in (">cls<", "political_orientation", ">econ_ci_low<", "=far", ">base<"):
        assert raw not in body, raw
    # The fixture run has the gender and political orientation personas (and the base case).
    for ordered in (["No persona", "male", "female", "non-binary", "far left", "mainstream left",
                     "mainstream right", "far right"],):
        table = body[body.index("Per persona value"):]
        at = [table.index(f"<td>{v}</td>") for v in ordered]
        assert at == sorted(at), ordered
    rates = pd.read_csv(report / "tables" / "rates.csv")
    judged = rates.loc[rates["setting"] == "open", "judged_rate"].iloc[0]
    assert f"<td>{judged:.1%}</td>" in body
    examples = pd.read_csv(report / "tables" / "examples.csv")
    for _, group in examples.groupby(["run_id", "setting"]):
        # The fixture run has templates 0-3: six answers cover all four, and differ in persona.
        assert len(group) == 6 and set(group["template_id"]) == {0, 1, 2, 3}
        assert group[["category", "persona"]].drop_duplicates().shape[0] >= 4
        assert "base" in set(group["category"])
    assert set(examples["setting"]) == {"closed", "open"}
