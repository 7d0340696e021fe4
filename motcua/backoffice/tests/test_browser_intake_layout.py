"""The counter's intake form in a real browser: the numbers of originals and copies are inputs
wide enough to read at a laptop's width (1366 px) and on a phone."""

import pytest
from django.urls import reverse

from conftest import SCREENSHOTS
from motcua.accounts.constants import Role
from motcua.dossiers.tests.conftest import build_province

from .test_browser_backoffice import log_in

pytestmark = pytest.mark.browser

# Each count input: its width, its font size, and whether "99" fits inside it.
COUNT_INPUTS = """() => [...document.querySelectorAll('.mc-checklist input[type=number]')]
.map((i) => {
  i.value = '99';
  const style = getComputedStyle(i);
  return {
    width: i.getBoundingClientRect().width,
    font: parseFloat(style.fontSize),
    fits: i.scrollWidth <= i.clientWidth,
    radius: parseFloat(style.borderTopLeftRadius),
  };
})"""


@pytest.mark.parametrize("width", [1366, 360])
def test_the_count_inputs_are_readable(page, live_server, width):
    province = build_province()
    log_in(page, live_server.url, Role.RECEPTION_OFFICER)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(
        live_server.url + reverse("backoffice:intake", args=[province.procedure.national_code])
    )
    inputs = page.evaluate(COUNT_INPUTS)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".mc-checklist").screenshot(path=str(SCREENSHOTS / f"intake-counts-{width}.png"))
    # originals, certified copies, photocopies
    assert len(inputs) == 3 * province.procedure.components.count() > 0
    for found in inputs:
        assert found["width"] >= 64, found
        assert found["font"] >= 15, found
        assert found["fits"], found
        assert found["radius"] < 10, found  # a box, not a pill
