"""Run panels keep every setting across every kind of rerun, opened or not (issue #11, item 1).

A browser builds the widgets of a closed popover only when it opens. If the page then showed
(and sent back) the widgets' declared defaults instead of the run's values, a user who opens
"2 · Momentum α=0.01" after any rerun would see gradient descent at α = 0.0001 in black, and
the next change would overwrite the run. Only a real browser shows this: AppTest renders
popover contents on every run.

Each test makes one kind of rerun, then opens every run's panel and reads its optimizer, α
and colour back against the button label (written before the panel was ever built) and the
address bar.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from browser_checks import assert_clean, screenshot

import optim
from viz.trajectory import PALETTE

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

LABELS = {spec.label: name for name, spec in optim.OPTIMIZERS.items()}
BUTTONS = '[data-testid="stPopover"] button'
BODY = '[data-testid="stPopoverBody"]'


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def wait_idle(page) -> None:
    """Until the script has finished its rerun (Streamlit shows a running indicator)."""
    page.wait_for_timeout(400)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget] [data-testid=stSpinner]')"
        " && document.querySelectorAll('[data-stale=true]').length === 0",
        timeout=60_000,
    )
    page.wait_for_timeout(300)


def run_buttons(page) -> list[str]:
    """The run buttons' labels, as "k · Label α=..." (the icon's ligature dropped)."""
    buttons = page.locator(BUTTONS)
    buttons.first.wait_for(timeout=30_000)
    texts = [buttons.nth(k).inner_text() for k in range(buttons.count())]
    return [" ".join(re.sub("expand_(more|less)", "", t).split()) for t in texts]


def parse_button(text: str) -> tuple[str, float | None]:
    """("momentum", 0.01) from "2 · Momentum α=0.01"."""
    match = re.fullmatch(r"\d+ · (.+?)(?: α=([0-9.e+-]+))?(?: \(\d+\))?", text)
    assert match, text
    return LABELS[match.group(1)], (float(match.group(2)) if match.group(2) else None)


def rgb_hex(css: str) -> str:
    r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def open_panel(page, index: int) -> dict:
    """Open run ``index``'s panel; read its optimizer, α and colour; close it with Escape."""
    page.locator(BUTTONS).nth(index).click()
    body = page.locator(BODY).last
    body.locator(f".st-key-r{index}-opt input").wait_for(timeout=30_000)
    page.wait_for_timeout(300)
    name = LABELS[body.locator(f".st-key-r{index}-opt input").input_value()]
    sliders = body.locator(f".st-key-r{index}-{name}-lr input[type=range]")
    lr = float(sliders.first.get_attribute("aria-valuetext")) if sliders.count() else None
    swatch = body.locator(f".st-key-r{index}-color [data-testid=stColorPickerBlock]")
    color = rgb_hex(swatch.evaluate("e => getComputedStyle(e).backgroundColor"))
    page.keyboard.press("Escape")
    page.locator(BODY).wait_for(state="detached", timeout=10_000)
    return {"opt": name, "lr": lr, "color": color}


def assert_panels_match(page, expected: list[tuple[str, float, str]], step: str) -> None:
    """Every panel agrees with the run buttons, the address bar and the expected runs
    (optimizer, α, colour)."""
    labels = [(name, lr) for name, lr, _ in expected]
    buttons = run_buttons(page)[: len(expected)]
    assert [parse_button(b) for b in buttons] == labels, (step, buttons)
    for index, (name, lr, color) in enumerate(expected):
        panel = open_panel(page, index)
        url = query(page)
        assert panel == {"opt": name, "lr": pytest.approx(lr), "color": color}, (step, index)
        assert url.get(f"r{index}.color", PALETTE[index]) == color, (step, index, url)
        assert url.get(f"r{index}.opt", name) == name, (step, index, url)
    # closing the panels and changing something else must not write their widgets' defaults
    nudge_steps(page)
    assert [parse_button(b) for b in run_buttons(page)[: len(expected)]] == labels, step
    url = query(page)
    assert not any(v == "#000000" for k, v in url.items() if k.endswith(".color")), url


def nudge_steps(page) -> None:
    page.get_by_role("slider", name="steps").focus()
    page.keyboard.press("ArrowRight")
    wait_idle(page)


def change_surface(page) -> None:
    box = page.locator("[data-testid=stSidebar]").get_by_role("combobox", name="Function")
    box.click()
    page.get_by_role("option", name="Monkey saddle").click()
    wait_idle(page)


def change_first_runs_lr(page) -> None:
    page.locator(BUTTONS).first.click()
    slider = page.locator(BODY).last.locator(".st-key-r0-gd-lr input[type=range]")
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Escape")
    wait_idle(page)


def change_view(page) -> None:
    page.get_by_text("side by side", exact=True).click()
    wait_idle(page)


def add_run(page) -> None:
    page.get_by_role("button", name="Add a run").click()
    wait_idle(page)


def remove_second_run(page) -> None:
    page.locator(BUTTONS).nth(1).click()
    page.locator(BODY).last.get_by_role("button", name="Remove this run").click()
    wait_idle(page)
    page.keyboard.press("Escape")


RERUNS = {
    "steps": (nudge_steps, lambda runs: runs),
    "surface": (change_surface, lambda runs: runs),
    "another run's α": (change_first_runs_lr, lambda runs: [("gd", 0.012, PALETTE[0]), *runs[1:]]),
    "view": (change_view, lambda runs: runs),
    "add a run": (add_run, lambda runs: [*runs, ("adam", 0.05, PALETTE[4])]),
    "remove a run": (remove_second_run, lambda runs: [runs[0], *runs[2:]]),
}


@pytest.mark.parametrize("rerun", list(RERUNS))
def test_every_panel_keeps_its_run_after_a_rerun(live_app, page, rerun):
    # run 2 is customised by the link: its values must survive like the defaults do
    page.goto(f"{live_app}/?r2.opt=nesterov&r2.lr=0.02&r2.color=%23123456")
    page.locator(BUTTONS).nth(3).wait_for(timeout=90_000)
    wait_idle(page)
    labels = [parse_button(b) for b in run_buttons(page)[:4]]
    assert labels == [("gd", 0.01), ("momentum", 0.01), ("nesterov", 0.02), ("adam", 0.05)]
    colors = [PALETTE[0], PALETTE[1], "#123456", PALETTE[3]]
    runs = [(name, lr, color) for (name, lr), color in zip(labels, colors, strict=True)]

    make_rerun, expect = RERUNS[rerun]
    make_rerun(page)
    screenshot(page, f"run-panels-{rerun.replace(' ', '-').replace(chr(39), '')}")
    assert_panels_match(page, expect(runs), rerun)
    assert_clean(page)


def test_training_lab_panels_keep_their_optimizer_after_a_rerun(live_app, page):
    page.goto(f"{live_app}/training_lab?epochs=2&n=200")
    page.locator(BUTTONS).nth(2).wait_for(timeout=90_000)
    wait_idle(page)
    slot_labels = run_buttons(page)
    assert len(slot_labels) == 4, slot_labels
    page.get_by_role("slider", name="points").focus()
    page.keyboard.press("ArrowRight")
    wait_idle(page)
    for index, text in enumerate(slot_labels):
        page.locator(BUTTONS).nth(index).click()
        body = page.locator(BODY).last
        body.locator(f".st-key-o{index}-opt input").wait_for(timeout=30_000)
        page.wait_for_timeout(300)
        chosen = body.locator(f".st-key-o{index}-opt input").input_value()
        page.keyboard.press("Escape")
        page.locator(BODY).wait_for(state="detached", timeout=10_000)
        assert parse_button(text)[0] == LABELS[chosen], (index, text, chosen)
    page.get_by_role("slider", name="points").focus()
    page.keyboard.press("ArrowRight")
    wait_idle(page)
    assert run_buttons(page) == slot_labels
    url = query(page)
    assert not any(k.endswith(".opt") for k in url), url
    assert not any(v == "#000000" for k, v in url.items() if k.endswith(".color")), url
    assert_clean(page)


def test_run_buttons_show_their_whole_label(live_app, page):
    long_runs = "&".join(f"r{k}.opt=nesterov&r{k}.lr=0.0015" for k in range(8))
    page.goto(f"{live_app}/?runs=8&{long_runs}")
    page.locator(BUTTONS).nth(7).wait_for(timeout=90_000)
    wait_idle(page)
    screenshot(page, "run-buttons-eight-long-labels")
    clipped = page.eval_on_selector_all(
        BUTTONS,
        """buttons => buttons.map(b => [...b.querySelectorAll('p, span, div')]
              .filter(e => e.scrollWidth > e.clientWidth + 1 && e.textContent.includes('α'))
              .map(e => e.textContent)).flat()""",
    )
    assert clipped == []
    assert [parse_button(b) for b in run_buttons(page)] == [("nesterov", 0.0015)] * 8
