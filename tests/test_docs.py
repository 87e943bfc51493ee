"""The README's rule table is the catalog: one row per registered rule, with its name and summary."""

from __future__ import annotations

import re

from netdoctor.rules import all_rules

from conftest import ROOT


def test_readme_rule_table_matches_the_registry():
    rows = re.findall(r"^\| (ND\d{3}) \| ([a-z0-9-]+) \| (.+?) \|$", (ROOT / "README.md").read_text(), re.M)
    assert rows == [(rule.code, rule.name, rule.summary) for rule in all_rules()]
