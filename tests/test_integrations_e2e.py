"""The pictures and CI outputs through the real command: ``--format junit``, ``--html`` and
``--tensorboard`` on one real run, and on several targets at once."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import EXAMPLES, netdoctor

SCHEMA = Path(__file__).parent / "schemas" / "junit.xsd"
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """`netdoctor check` of a sick and a healthy example, with every output asked for."""
    folder = tmp_path_factory.mktemp("outputs")
    run = netdoctor(
        "check", str(EXAMPLES / "zero_init.py"), str(EXAMPLES / "fixed.py"), "--steps", "120", "-f", "junit",
        "-o", str(folder / "junit.xml"), "--html", str(folder / "report.html"), "--tensorboard", str(folder / "logs"),
    )  # fmt: skip
    return run, folder


def test_junit_has_a_suite_per_target_and_fails_with_the_findings(outputs):
    run, folder = outputs
    assert run.returncode == 1, run.stderr
    document = (folder / "junit.xml").read_text()
    xmlschema = pytest.importorskip("xmlschema")
    xmlschema.XMLSchema(SCHEMA).validate(document)
    suites = ET.fromstring(document).findall("testsuite")
    assert [Path(suite.get("file")).name for suite in suites] == ["zero_init.py", "fixed.py"]
    sick, healthy = suites
    failed = {case.get("name").split()[0] for case in sick.iter("testcase") if case.find("failure") is not None}
    assert "ND101" in failed
    assert healthy.get("failures") == "0"


def test_html_page_per_target_is_self_contained(outputs):
    _, folder = outputs
    pages = sorted(path.name for path in folder.glob("report-*.html"))
    assert pages == ["report-fixed.html", "report-zero_init.html"]
    page = (folder / "report-zero_init.html").read_text()
    assert "ND101" in page and page.count("<svg") >= 4
    assert "http://" not in page and "https://" not in page


def test_tensorboard_events_read_back(outputs):
    tf = pytest.importorskip("tensorflow")
    _, folder = outputs
    tags: dict[str, int] = {}
    for path in (folder / "logs" / "zero_init" / "netdoctor").glob("events.out.tfevents.*"):
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            for value in event.summary.value:
                tags[value.tag] = tags.get(value.tag, 0) + 1
    assert tags["netdoctor/loss"] == 120
    assert tags["netdoctor/findings"] == 1
    assert any(tag.startswith("netdoctor/dense/") for tag in tags)
