"""The HTML report: self-contained, verdict first, one chart per series, user text escaped, and
charts that a real browser renders (skipped where no headless Chromium is installed)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from netdoctor import __version__
from netdoctor import metrics as m
from netdoctor.errors import NetdoctorError
from netdoctor.findings import Evidence, Finding, Report, Severity
from netdoctor.judge import diagnose
from netdoctor.output.html import render_html
from netdoctor.verification import Verification

from synthetic import dense, healthy_mlp, make_recording, zero_init_mlp

VERSION = "1.2.3"
#: Every series the report charts, when the run recorded it.
SERIES = {m.LOSS, m.ACCURACY, m.GRAD_NORM, m.KERNEL_STD, m.UPDATE_RATIO, m.DEAD_FRACTION}
#: Where the references put a linear model and the trivial predictor on the held-out data.
REFERENCES = {"held_out": {"trivial_accuracy": 0.1124, "linear_accuracy": 0.801}}
#: A layer name and a message a careless reporter would turn into markup or mathtext.
HOSTILE_LAYER = '<b>&"$x$"</b>'
HOSTILE_MESSAGE = "the kernel of <script>alert(1)</script> is 0 & so on."
BROWSERS = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome")


def zero_init_report() -> Report:
    return diagnose(zero_init_mlp(meta={m.REFERENCES: REFERENCES}))


def charts(page: str) -> dict[str, str]:
    """Each chart's SVG, by the series it plots."""
    found = re.findall(r'<figure class="chart" data-series="([^"]+)">(.*?)</figure>', page, re.S)
    return dict(found)


def hostile_report() -> Report:
    layers = [dense(HOSTILE_LAYER, 784, 16), dense("out", 16, 10, "softmax", is_output=True)]
    finding = Finding(
        code="ND101",
        name="constant-weights",
        severity=Severity.ERROR,
        message=HOSTILE_MESSAGE,
        fix="use kernel_initializer='he_normal' <now>",
        layer=HOSTILE_LAYER,
        step=0,
        evidence=(Evidence(m.KERNEL_STD, 0.0, "> 0 <always>", HOSTILE_LAYER, 0),),
    )
    return Report(make_recording(layers), [finding])


def test_page_is_self_contained():
    page = render_html(zero_init_report(), VERSION)
    assert page.startswith("<!DOCTYPE html>")
    for external in ("http://", "https://", "//cdn", "<script", "<link", "<img", "@import"):
        assert external not in page
    assert all(target.startswith("#") for target in re.findall(r'(?:src|href)="([^"]*)"', page))
    assert not re.search(r"url\((?!#)", page)


def test_verdict_and_root_causes_come_first():
    page = render_html(zero_init_report(), VERSION)
    verdict, diagnosis, training = (page.index(text) for text in ("SICK", "<h2>Diagnosis", "<h2>Training"))
    assert verdict < diagnosis < training
    causes = page[diagnosis:training]
    assert "ND101 constant-weights" in causes and "Fix:" in causes and "kernel_initializer" in causes
    assert "explains: ND102 symmetric-neurons" in causes
    assert "fails to learn: held-out accuracy 0.114" in causes
    assert re.search(r"linear model</th><td>0\.801<", causes)
    assert f"netdoctor {VERSION}" in page


def test_one_chart_per_series_each_one_svg():
    found = charts(render_html(diagnose(healthy_mlp()), VERSION))
    assert set(found) == SERIES
    assert all(svg.count("<svg") == 1 for svg in found.values())


def test_each_layer_has_a_line_and_the_references_are_drawn():
    found = charts(render_html(zero_init_report(), VERSION))
    for metric in (m.GRAD_NORM, m.KERNEL_STD, m.UPDATE_RATIO):
        assert all(f">{name}<" in found[metric] for name in ("dense", "dense_1", "dense_2"))
    assert ">dense_2<" not in found[m.DEAD_FRACTION]  # the softmax layer has no dead fraction
    assert "trivial reference (held-out): 0.112" in found[m.ACCURACY]
    assert "linear reference (held-out): 0.801" in found[m.ACCURACY]
    assert "held-out" in found[m.LOSS]


def test_detection_steps_are_marked_where_the_evidence_is():
    found = charts(render_html(zero_init_report(), VERSION))
    assert ">ND101<" in found[m.LOSS] and ">ND101<" in found[m.ACCURACY]
    assert ">ND101<" in found[m.KERNEL_STD]  # ND101's evidence is the weight std
    assert ">ND301<" in found[m.DEAD_FRACTION] and "ND301" not in found[m.KERNEL_STD]


def test_user_text_is_escaped_in_text_and_charts():
    page = render_html(hostile_report(), VERSION)
    assert "<script>" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; is 0 &amp; so on." in page
    assert "&lt;b&gt;&amp;&quot;$x$&quot;&lt;/b&gt;" in page  # tables and headers
    assert "&lt;now&gt;" in page and "&lt;always&gt;" in page
    legend = charts(page)[m.GRAD_NORM]
    assert '&lt;b&gt;&amp;"$x$"&lt;/b&gt;' in legend  # drawn literally, not as mathtext


def test_verification_and_an_incomplete_run():
    verified = Verification(
        verdict="confirmed", intervention="he_normal", description="he_normal init", reason="accuracy 0.1 -> 0.9",
        diff="-    Dense(16, kernel_initializer='zeros')\n+    Dense(16, kernel_initializer='he_normal')  # <fix>",
    )  # fmt: skip
    rec = zero_init_mlp()
    rec.add({"type": "error", "message": "ValueError: shapes <32, 10> and <32, 1>"})
    finding = replace(diagnose(zero_init_mlp()).findings[0], verification=verified)
    page = render_html(Report(rec, [finding]), VERSION)
    assert "INCOMPLETE" in page and "shapes &lt;32, 10&gt; and &lt;32, 1&gt;" in page
    assert "Verified:</strong> confirmed: accuracy 0.1 -&gt; 0.9" in page
    assert "kernel_initializer=&#x27;he_normal&#x27;)  # &lt;fix&gt;</pre>" in page


def test_log_scale_where_values_span_decades():
    rec = make_recording(
        layer_metrics={"dense": {m.GRAD_NORM: np.geomspace(1.0, 1e-6, 20)}, "dense_1": {m.GRAD_NORM: 0.0}}
    )
    page = render_html(diagnose(rec), VERSION)
    assert re.search(r'data-series="grad_norm">.*?\(log scale\)</figcaption>', page, re.S)
    assert not re.search(r'data-series="kernel_std">.*?\(log scale\)</figcaption>', page, re.S)


def test_unmeasured_series_are_named_not_drawn():
    rec = make_recording(
        layer_metrics={name: {m.UPDATE_RATIO: None} for name in ("dense", "dense_1", "dense_2")}
    )
    page = render_html(diagnose(rec), VERSION)
    assert m.UPDATE_RATIO not in charts(page)
    assert "no finite values recorded in this run: update ratio" in page


def test_non_finite_loss_and_a_run_without_accuracy():
    loss = np.linspace(2.3, 50.0, 1000)
    loss[700:] = np.inf
    loss[900:] = np.nan
    page = render_html(diagnose(make_recording(loss=loss, accuracy=None, test_accuracy=None)), VERSION)
    assert m.LOSS in charts(page) and m.ACCURACY not in charts(page)


def test_fragment_for_notebooks():
    report = zero_init_report()
    fragment = report._repr_html_()
    assert fragment.startswith('<div class="netdoctor">') and "<html" not in fragment
    assert fragment == render_html(report, __version__, fragment=True)


def test_without_matplotlib_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(NetdoctorError, match="pip install matplotlib"):
        render_html(zero_init_report(), VERSION)


# ---- a real browser ------------------------------------------------------------------------
def browser() -> str:
    """A headless Chromium on PATH, or skip."""
    found = next((path for path in map(shutil.which, BROWSERS) if path), None)
    if found is None:
        pytest.skip(f"no headless Chromium on PATH (looked for {', '.join(BROWSERS)})")
    return found


def run_browser(executable: str, profile: Path, *args: str) -> str:
    command = [executable, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def test_browser_renders_every_chart(tmp_path):
    executable = browser()
    page = tmp_path / "report.html"
    page.write_text(render_html(hostile_report(), VERSION), encoding="utf-8")
    url = page.as_uri()

    dom = run_browser(executable, tmp_path / "profile", "--dump-dom", url)
    assert len(re.findall(r'<figure class="chart"[^>]*><h3>[^<]*</h3><svg ', dom)) == len(SERIES)
    assert "<script>" not in dom and "&lt;script&gt;alert(1)" in dom  # parsed as text, not run

    screenshot = tmp_path / "report.png"
    run_browser(executable, tmp_path / "profile", "--hide-scrollbars", "--window-size=1280,2000",
                f"--screenshot={screenshot}", url)  # fmt: skip
    pixels = np.asarray(Image.open(screenshot).convert("RGB")).reshape(-1, 3).astype(int)
    train_blue = np.abs(pixels - (31, 119, 180)).sum(axis=1) < 40  # the loss line, tab:blue
    held_out_orange = np.abs(pixels - (255, 127, 14)).sum(axis=1) < 40
    assert train_blue.sum() > 500 and held_out_orange.sum() > 200, "the charts did not render"
