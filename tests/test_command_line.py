"""The command line as people expect it: several targets, a script's own arguments after ``--``,
unknown rule codes, outputs that never overwrite an input, every default shown in ``--help``."""

from __future__ import annotations

import json

import pytest

from conftest import EXAMPLES, TARGETS, netdoctor


def test_help_shows_every_default():
    run = netdoctor("check", "--help", env={"COLUMNS": "240"})
    assert run.returncode == 0
    for option, default in [
        ("--steps", "1000"),
        ("--batch-size", "50"),
        ("--data", "mnist"),
        ("--seed", "0"),
        ("--timeout", "3600"),
        ("--fail-on", "error"),
        ("--verify-steps", "300"),
        ("--format", "text"),
    ]:
        line = next(line for line in run.stdout.splitlines() if f" {option} " in line)
        assert f"[default: {default}]" in line, line


def test_one_flag_turns_the_progress_bar_off():
    assert "--no-progress" in netdoctor("check", "--help").stdout
    assert netdoctor("check", "--quiet", str(EXAMPLES / "zero_init.py")).returncode == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--select", "ND1O1"], "'ND1O1' is no rule code or prefix; did you mean ND101?"),
        (["--ignore", "ND7,XX1"], "'XX1' is no rule code or prefix"),
    ],
)
def test_an_unknown_rule_code_is_a_usage_error(args, message):
    run = netdoctor("check", str(EXAMPLES / "zero_init.py"), *args)
    assert run.returncode == 2 and message in run.stderr
    assert "Traceback" not in run.stderr


def test_an_unknown_rule_code_in_the_configuration(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.netdoctor]\nignore = ["ND3O1"]\n')
    (tmp_path / "model.py").write_text((EXAMPLES / "zero_init.py").read_text())
    run = netdoctor("check", "model.py", cwd=tmp_path)
    assert run.returncode == 2
    assert "pyproject.toml: ignore: 'ND3O1' is no rule code or prefix; did you mean ND301?" in run.stderr


@pytest.mark.parametrize("flag", ["--output", "--save-recording"])
def test_outputs_never_overwrite_the_target(tmp_path, flag):
    target = tmp_path / "model.py"
    source = (EXAMPLES / "zero_init.py").read_text()
    target.write_text(source)
    run = netdoctor("check", str(target), flag, str(target))
    assert run.returncode == 2 and "is the target" in run.stderr
    assert target.read_text() == source


def test_the_output_never_overwrites_the_data(tmp_path):
    data = tmp_path / "data.npz"
    data.write_bytes(b"not really data")
    run = netdoctor("check", str(EXAMPLES / "zero_init.py"), "--data", str(data), "-o", str(data))
    assert run.returncode == 2 and "is the data" in run.stderr
    assert data.read_bytes() == b"not really data"


def test_an_output_that_is_a_folder(tmp_path):
    run = netdoctor("check", str(EXAMPLES / "zero_init.py"), "-o", str(tmp_path))
    assert run.returncode == 2 and "is a folder" in run.stderr


def test_a_negative_timeout_is_a_usage_error():
    run = netdoctor("check", str(EXAMPLES / "zero_init.py"), "--timeout", "-1")
    assert run.returncode == 2 and "timeout must be 0 (no limit) or more seconds" in run.stderr


@pytest.mark.e2e
def test_several_targets_give_one_report_each_and_the_worst_exit_code(tmp_path):
    out = tmp_path / "reports.json"
    run = netdoctor(
        "check", str(EXAMPLES / "fixed.py"), str(EXAMPLES / "zero_init.py"), "--steps", "120", "-f", "json",
        "-o", str(out),
    )  # fmt: skip
    assert run.returncode == 1, run.stderr
    reports = json.loads(out.read_text())
    assert [r["verdict"] for r in reports] == ["healthy", "sick"]
    assert [r["target"].rsplit("/", 1)[-1] for r in reports] == ["fixed.py", "zero_init.py"]


@pytest.mark.e2e
def test_a_failing_target_does_not_stop_the_others(tmp_path):
    run = netdoctor(
        "check", str(TARGETS / "syntax_error.py"), str(EXAMPLES / "zero_init.py"), "--steps", "60", "-f", "sarif"
    )
    assert run.returncode == 2
    assert "syntax_error.py" in run.stderr and "Traceback" not in run.stderr
    log = json.loads(run.stdout)
    assert len(log["runs"]) == 1 and {r["ruleId"] for r in log["runs"][0]["results"]} >= {"ND101"}


@pytest.mark.e2e
def test_a_scripts_own_arguments_go_after_the_double_dash(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(
        "import sys\n"
        "import numpy as np\n"
        "import keras\n"
        "assert sys.argv[1:] == ['--epochs', '2', 'extra.py'], sys.argv\n"
        "x = np.random.default_rng(0).normal(size=(256, 8)).astype('float32')\n"
        "y = (x[:, 0] > 0).astype('int32')\n"
        "model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation='relu'),"
        " keras.layers.Dense(2)])\n"
        "model.compile('adam', keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=['accuracy'])\n"
        "model.fit(x, y, epochs=int(sys.argv[2]), batch_size=32, verbose=0)\n"
    )
    run = netdoctor("check", str(script), "-f", "json", "--", "--epochs", "2", "extra.py")
    assert run.returncode in (0, 1), run.stderr
    assert run.report["summary"]["steps"] == 16


@pytest.mark.e2e
def test_the_same_target_data_and_seed_give_the_same_report():
    def observed() -> dict:
        report = netdoctor("check", str(EXAMPLES / "zero_init.py"), "--steps", "80", "-f", "json").report
        return {key: report[key] for key in ("findings", "layers", "outcome", "references", "root_causes")} | {
            "loss": report["summary"]["final_loss"]
        }

    assert observed() == observed()
