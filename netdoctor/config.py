"""Settings for a run, and where each value came from: default, ``[tool.netdoctor]``, or a flag."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomllib

from netdoctor.errors import NetdoctorError
from netdoctor.judge import selector_problem

FAIL_ON = ("error", "warning", "info", "never")
#: Seconds a target may run before it is stopped and reported incomplete (0: no limit).
DEFAULT_TIMEOUT = 3600.0


class ConfigError(NetdoctorError):
    """A configuration file or value is invalid."""


@dataclass
class Settings:
    """Everything that shapes a run; ``sources`` says where each value came from."""

    steps: int = 1000
    batch_size: int = 50
    data: str = "mnist"
    seed: int = 0
    fail_on: str = "error"
    verify: bool = False
    verify_steps: int = 300
    timeout: float = DEFAULT_TIMEOUT
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    config_file: Path | None = None

    def source(self, name: str) -> str:
        return self.sources.get(name, "default")

    def set(self, name: str, value: Any, source: str) -> None:
        if value is None:
            return
        setattr(self, name, value)
        self.sources[name] = source
        self.validate()

    def validate(self) -> None:
        if self.steps < 1:
            raise ConfigError(f"steps must be at least 1 (got {self.steps})")
        if self.verify_steps < 1:
            raise ConfigError(f"verify-steps must be at least 1 (got {self.verify_steps})")
        if self.batch_size < 1:
            raise ConfigError(f"batch size must be at least 1 (got {self.batch_size})")
        if self.fail_on not in FAIL_ON:
            raise ConfigError(f"fail-on must be one of {', '.join(FAIL_ON)} (got {self.fail_on!r})")
        if self.timeout < 0:
            raise ConfigError(f"timeout must be 0 (no limit) or more seconds (got {self.timeout})")
        for name in ("select", "ignore"):
            problem = next(filter(None, map(selector_problem, getattr(self, name))), None)
            if problem:
                raise ConfigError(f"{name}: {problem}")

    def as_dict(self) -> dict[str, Any]:
        """The values and their sources, for the report."""
        names = (
            "steps", "batch_size", "data", "seed", "fail_on", "verify", "verify_steps", "timeout", "select", "ignore",
        )  # fmt: skip
        return {
            "values": {name: getattr(self, name) for name in names},
            "sources": {name: self.source(name) for name in names},
            "config_file": str(self.config_file) if self.config_file else None,
        }


def find_config(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` with a ``[tool.netdoctor]`` table, searching upward."""
    folder = start if start.is_dir() else start.parent
    for candidate in [folder, *folder.resolve().parents]:
        path = candidate / "pyproject.toml"
        if path.is_file() and "netdoctor" in _read(path).get("tool", {}):
            return path
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it as TOML ({exc})") from None


def load_settings(start: Path, config: Path | None = None, isolated: bool = False) -> Settings:
    """Defaults, then the nearest ``[tool.netdoctor]`` (or ``config``) on top."""
    settings = Settings()
    if isolated:
        return settings
    path = config or find_config(start)
    if path is None:
        return settings
    table = _read(path).get("tool", {}).get("netdoctor", {})
    settings.config_file = path
    origin = str(path)
    for key, value in table.items():
        try:
            _apply(settings, key, value, origin)
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc}") from None
    return settings


def _apply(settings: Settings, key: str, value: Any, origin: str) -> None:
    """Set one ``[tool.netdoctor]`` entry, checking its type."""
    name = key.replace("-", "_")
    if name in ("steps", "batch_size", "seed", "verify_steps"):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ConfigError(f"{key} must be an integer (got {value!r})")
        settings.set(name, value, origin)
    elif name == "timeout":
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ConfigError(f"timeout must be a number of seconds (got {value!r})")
        settings.set(name, float(value), origin)
    elif name == "verify":
        if not isinstance(value, bool):
            raise ConfigError(f"verify must be true or false (got {value!r})")
        settings.set(name, value, origin)
    elif name in ("data", "fail_on"):
        settings.set(name, str(value), origin)
    elif name in ("select", "ignore"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{key} must be a list of rule codes or prefixes")
        settings.set(name, [v.upper() for v in value], origin)
    elif name == "rules":
        settings.rule_options = _rule_options(value)
        settings.sources["rule_options"] = origin
    else:
        raise ConfigError(f"unknown setting `{key}` in [tool.netdoctor]")


def _rule_options(tables: Any) -> dict[str, dict[str, Any]]:
    """``[tool.netdoctor.rules.<code or name>]`` tables, keyed by rule code, kebab keys snake-cased."""
    from netdoctor.rules import get_rule

    if not isinstance(tables, dict):
        raise ConfigError("[tool.netdoctor.rules] must hold one table per rule")
    options: dict[str, dict[str, Any]] = {}
    for key, table in tables.items():
        rule = get_rule(key)
        if rule is None:
            problem = selector_problem(key) or "names no single rule"
            raise ConfigError(f"[tool.netdoctor.rules.{key}]: {problem}")
        if not isinstance(table, dict):
            raise ConfigError(f"[tool.netdoctor.rules.{key}] must be a table")
        converted = {k.replace("-", "_"): v for k, v in table.items()}
        unknown = sorted(set(converted) - set(rule.options))
        if unknown:
            known = ", ".join(k.replace("_", "-") for k in rule.options) or "none"
            raise ConfigError(f"{rule.code} has no option {unknown[0]!r} (options: {known})")
        options[rule.code] = converted
    return options


def split_selectors(values: list[str] | None) -> list[str] | None:
    """``--select ND1,ND3 --select ND401`` -> ``["ND1", "ND3", "ND401"]``."""
    if not values:
        return None
    return [part.strip().upper() for value in values for part in value.split(",") if part.strip()]
