"""The interactive page: controls from the declarations, components, and a real browser."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

solara = pytest.importorskip("solara", reason="the viz extra (solara) is not installed")
import ipywidgets  # noqa: E402  (installed with solara)

from coopsim.policy.levers import LEVERS  # noqa: E402
from coopsim.presentation import app  # noqa: E402
from coopsim.world.params import param_specs  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def test_controls_come_from_the_declarations():
    params = app.model_params()
    for name in app.SLIDER_PARAMS:
        spec = param_specs()[name]
        assert params[name]["min"] == spec.lo and params[name]["max"] == min(spec.hi, 100.0)
        assert params[name]["type"] == ("SliderInt" if spec.type is int else "SliderFloat")
    assert {f"lever_{n}" for n in LEVERS} <= set(params)
    assert "directive27" in params["scenario"]["values"]


def test_lever_sliders_scale_the_scenario_intensity():
    m = app.ExploreModel(scenario="directive27", seed=1, scale=0.03, lever_consolidation=0.5)
    lever = next(lv for lv in m.policy.levers if lv.name == "consolidation")
    assert lever.schedule.intensity == pytest.approx(0.5)
    off = app.ExploreModel(scenario="directive27", seed=1, scale=0.03, lever_consolidation=0.0)
    assert next(lv for lv in off.policy.levers if lv.name == "consolidation").schedule.at(
        2019, 1) == 0.0


def test_every_component_renders():
    m = app.ExploreModel(scenario="directive27", seed=1, scale=0.05)
    for _ in range(25):  # two ratings, so the class-share chart has data
        m.step()
    for component in (app.ClassShares, app.WeakShare, app.Network, app.MembersIncome,
                      app.Budget):
        box, rc = solara.render(component(m), handle_error=False)
        images = rc.find(ipywidgets.Image)
        images.assert_not_empty()
        assert len(images.widget.value) > 5_000  # a real PNG, not an empty figure
        rc.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed "
                    "(Debian package 'chromium'; .ci/run installs it)")
def test_the_page_in_a_real_browser(tmp_path):
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "coopsim.cli", "viz", "--port", str(port),
                               "--scale", "0.05"], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, env={**os.environ})
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        with playwright.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url, timeout=120_000)
            page.get_by_role("button", name="Step").wait_for(timeout=120_000)
            page.wait_for_selector("img", timeout=60_000)
            before = [img.get_attribute("src") for img in page.query_selector_all("img")]
            for _ in range(3):
                page.get_by_role("button", name="Step").click()
                page.wait_for_timeout(1500)
            after = [img.get_attribute("src") for img in page.query_selector_all("img")]
            assert before != after, "the plots did not update after stepping"
            lever = page.locator(".v-input", has_text="consolidation intensity")
            slider = lever.get_by_role("slider").first
            value_before = slider.get_attribute("aria-valuenow")
            slider.focus()
            for _ in range(5):
                slider.press("ArrowLeft")
            page.wait_for_timeout(1500)
            assert slider.get_attribute("aria-valuenow") != value_before
            shown = [img.get_attribute("src") for img in page.query_selector_all("img")]
            page.get_by_role("button", name="Step").click()
            page.wait_for_timeout(2000)
            redrawn = [img.get_attribute("src") for img in page.query_selector_all("img")]
            assert shown != redrawn, "the plots did not update after changing a lever"
            text = page.inner_text("body")
            assert "Traceback" not in text and "Error" not in text
            page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
            browser.close()
        assert (tmp_path / "page.png").stat().st_size > 10_000
    finally:
        server.terminate()
        server.wait(timeout=30)
