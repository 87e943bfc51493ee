"""Settings: defaults, [tool.netdoctor] in the nearest pyproject.toml, flags on top; selection."""

from __future__ import annotations

import pytest

from netdoctor.config import ConfigError, Settings, find_config, load_settings, split_selectors
from netdoctor.judge import selected


def write_pyproject(folder, body: str):
    path = folder / "pyproject.toml"
    path.write_text(body)
    return path


def test_defaults_without_a_config(tmp_path):
    settings = load_settings(tmp_path)
    assert (settings.steps, settings.batch_size, settings.data, settings.seed) == (1000, 50, "mnist", 0)
    assert settings.source("steps") == "default" and settings.config_file is None


def test_nearest_pyproject_with_a_netdoctor_table_wins(tmp_path):
    write_pyproject(tmp_path, "[tool.netdoctor]\nsteps = 300\n")
    inner = tmp_path / "models"
    inner.mkdir()
    write_pyproject(inner, "[project]\nname = 'x'\n")  # no [tool.netdoctor]: skipped
    target = inner / "model.py"
    target.write_text("")
    assert find_config(target) == tmp_path / "pyproject.toml"
    settings = load_settings(target)
    assert settings.steps == 300 and settings.source("steps").endswith("pyproject.toml")


def test_verification_and_time_limit_settings(tmp_path):
    write_pyproject(tmp_path, "[tool.netdoctor]\nverify = true\nverify-steps = 100\ntimeout = 90\n")
    settings = load_settings(tmp_path)
    assert (settings.verify, settings.verify_steps, settings.timeout) == (True, 100, 90.0)
    assert settings.as_dict()["values"]["verify"] is True
    assert settings.source("verify").endswith("pyproject.toml")
    assert (load_settings(tmp_path / "elsewhere").verify, Settings().timeout) == (True, 3600.0)


def test_file_values_and_rule_options(tmp_path):
    write_pyproject(
        tmp_path,
        """
[tool.netdoctor]
batch-size = 32
fail-on = "warning"
select = ["nd1", "ND4"]
ignore = ["ND102"]

[tool.netdoctor.rules.symmetric-neurons]
min-fraction = 0.25
""",
    )
    settings = load_settings(tmp_path)
    assert settings.batch_size == 32 and settings.fail_on == "warning"
    assert settings.select == ["ND1", "ND4"] and settings.ignore == ["ND102"]
    assert settings.rule_options == {"ND102": {"min_fraction": 0.25}}


def test_flags_override_the_file(tmp_path):
    write_pyproject(tmp_path, "[tool.netdoctor]\nsteps = 300\n")
    settings = load_settings(tmp_path)
    settings.set("steps", 20, "command line")
    assert settings.steps == 20 and settings.source("steps") == "command line"
    assert settings.as_dict()["sources"]["steps"] == "command line"


def test_isolated_ignores_the_file(tmp_path):
    write_pyproject(tmp_path, "[tool.netdoctor]\nsteps = 300\n")
    assert load_settings(tmp_path, isolated=True).steps == 1000


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[tool.netdoctor]\nsteps = 'many'\n", "steps must be an integer"),
        ("[tool.netdoctor]\nsteps = 0\n", "steps must be at least 1"),
        ("[tool.netdoctor]\nfail-on = 'panic'\n", "fail-on must be one of"),
        ("[tool.netdoctor]\nverify = 'yes'\n", "verify must be true or false"),
        ("[tool.netdoctor]\ntimeout = 'long'\n", "timeout must be a number of seconds"),
        ("[tool.netdoctor]\ntimeout = -5\n", "or more seconds"),
        ("[tool.netdoctor]\ncolour = 'red'\n", "unknown setting `colour`"),
        ("[tool.netdoctor.rules.ND999]\nx = 1\n", "is no rule code"),
        ("[tool.netdoctor.rules.ND102]\nthreshold = 1\n", "has no option 'threshold'"),
        ("[tool.netdoctor\n", "cannot read it as TOML"),
    ],
)
def test_bad_configuration_is_one_clear_error(tmp_path, body, message):
    write_pyproject(tmp_path, body)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        load_settings(tmp_path, config=tmp_path / "pyproject.toml")


@pytest.mark.parametrize(
    ("code", "select", "ignore", "expected"),
    [
        ("ND101", None, None, True),
        ("ND101", ["ND1"], None, True),
        ("ND201", ["ND1"], None, False),
        ("ND101", None, ["ND1"], False),
        ("ND101", ["ND101"], ["ND1"], True),  # the more specific selector wins
        ("ND102", ["ND1"], ["ND102"], False),
        ("ND101", ["ND1"], ["ND1"], False),  # a tie: ignore wins
        ("ND301", ["ALL"], ["ND3"], False),
        ("ND301", ["ND3"], ["ALL"], True),
    ],
)
def test_prefix_selection(code, select, ignore, expected):
    assert selected(code, select, ignore) is expected


def test_split_selectors_accepts_commas_and_repeats():
    assert split_selectors(["nd1,ND3", " ND401 "]) == ["ND1", "ND3", "ND401"]
    assert split_selectors(None) is None
