"""The rules/rule commands and the CLI's own behaviour, without TensorFlow."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from netdoctor.cli import app
from netdoctor.rules import all_rules

runner = CliRunner()


def test_rules_lists_every_rule():
    result = runner.invoke(app, ["rules"], env={"NO_COLOR": "1", "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for rule in all_rules():
        assert rule.code in result.stdout and rule.name in result.stdout


def test_rules_as_json():
    result = runner.invoke(app, ["rules", "--format", "json"])
    listed = json.loads(result.stdout)
    assert [r["code"] for r in listed] == [r.code for r in all_rules()]
    assert all({"code", "name", "severity", "summary", "explanation", "options"} <= set(r) for r in listed)


def test_rule_prints_its_documentation():
    result = runner.invoke(app, ["rule", "ND101"], env={"NO_COLOR": "1", "COLUMNS": "120"})
    assert result.exit_code == 0
    assert "constant-weights (ND101)" in result.stdout
    assert "Why it matters" in result.stdout and "he_normal" in result.stdout


def test_rule_by_name_and_its_options():
    result = runner.invoke(app, ["rule", "symmetric-neurons", "--format", "json"])
    explained = json.loads(result.stdout)
    assert explained["code"] == "ND102" and explained["options"] == {"min_fraction": 0.5}


def test_unknown_rule_suggests_a_close_one():
    result = runner.invoke(app, ["rule", "ND10"])
    assert result.exit_code == 2
    assert "no rule 'ND10'" in result.stderr and "did you mean" in result.stderr


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("netdoctor ")


def test_bad_format_is_a_usage_error():
    result = runner.invoke(app, ["rules", "--format", "xml"])
    assert result.exit_code == 2


def test_listing_rules_does_not_import_tensorflow():
    script = (
        "import sys\nfrom netdoctor.cli import app\n"
        "try: app(['rules'])\nexcept SystemExit: pass\n"
        "try: app(['rule', 'ND301'])\nexcept SystemExit: pass\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_judge_rejects_a_file_that_is_not_a_recording(tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_text("hello\nworld\n")
    result = runner.invoke(app, ["judge", str(path)])
    assert result.exit_code == 2
    assert "cannot read the recording" in result.stderr
