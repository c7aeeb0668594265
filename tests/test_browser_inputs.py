"""What a visitor types and uploads, read back from real headless Chromium (issue 11: 2.4, 3.1,
3.2): a refused function is shown literally with a caret under the column at fault, and a file
over the upload limit gets a clear message before it is sent, never a raw HTTP error."""

import pytest
from browser_checks import RACE, assert_clean, screenshot
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

FUNCTION_BOX = '[data-testid=stSidebar] input[aria-label="f(x, y) ="]'
ALERT = "[data-testid=stSidebar] [data-testid=stAlert]"
CODE = "[data-testid=stSidebar] [data-testid=stCode] pre"

# (typed text, column of the fault counted by hand, words the message must show as typed)
REFUSED = [
    ("__import__('os')", 1, "'__import__' is not a known function"),
    ("x**", 4, "the text stops after '**'"),  # at the end: one past the last character
    ("x**2 + y**2 # any text", 13, "comments (#)"),
    ("x + <b>y</b> * $z$", 5, "comparisons"),
]


def open_custom_playground(page, live_app) -> None:
    page.goto(f"{live_app}/?surface=custom")
    page.wait_for_function(f"() => {RACE} !== null", timeout=90_000)
    page.locator(FUNCTION_BOX).wait_for(timeout=30_000)


def type_function(page, text: str) -> None:
    """Type `text` into the function box as a visitor does, and wait for the refusal."""
    box = page.locator(FUNCTION_BOX)
    box.fill(text)
    box.press("Enter")
    page.locator(ALERT).filter(has_text="Showing the last good surface").wait_for(timeout=30_000)
    try:  # the text as typed, drawn under the message in the same rerun
        page.locator(CODE).first.wait_for(timeout=15_000)
    except PlaywrightTimeout:
        pytest.fail("the text as typed is not shown under the message")


@pytest.mark.parametrize(("text", "column", "words"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_refused_function_is_shown_literally_with_a_caret(live_app, page, text, column, words):
    open_custom_playground(page, live_app)
    type_function(page, text)
    alert = page.locator(ALERT).first
    message = alert.inner_text()
    assert words in message, message
    assert f"at column {column}" in message, message
    # nothing the user typed became Markdown: no bold, italics, formula, link or raw tag
    assert alert.locator("strong, em, b, i, a, .katex, code").count() == 0
    assert page.locator(CODE).count() == 1
    lines = page.locator(CODE).first.inner_text().split("\n")
    assert lines[0] == text
    assert lines[1] == " " * (column - 1) + "^"
    screenshot(page, f"inputs-refused-{column}")
    assert_clean(page)


def test_a_file_over_the_limit_is_refused_clearly_before_upload(live_app, page, tmp_path):
    page.goto(f"{live_app}/ewa")
    page.get_by_text("My own CSV file").click()
    uploader = page.locator("[data-testid=stFileUploader] input[type=file]")
    uploader.wait_for(state="attached", timeout=30_000)
    zone = page.locator("[data-testid=stFileUploader]")
    stated = zone.locator("[data-testid=stFileUploaderDropzoneInstructions]").inner_text()
    assert stated == "2MB per file • CSV, TXT"  # the one limit, stated once
    assert "MB" not in page.locator("body").inner_text().replace(stated, "")

    big = tmp_path / "prices.csv"
    row = b"2024-01-01,123.456789\n"
    big.write_bytes(b"day,price\n" + row * (6_000_000 // len(row)))  # 6 MB
    uploads = []
    page.on("request", lambda r: uploads.append(r.url) if "upload_file" in r.url else None)
    uploader.set_input_files(str(big))
    chip = zone.locator("[data-testid=stFileChip]")
    chip.wait_for(timeout=30_000)
    assert chip.get_attribute("aria-invalid") == "true"  # drawn in red, with an error mark
    reason = "File must be 2.0MB or smaller."
    assert zone.get_by_role("alert").inner_text() == f"Error: {reason}"  # read out by a reader
    chip.hover()  # and shown to the eye when the visitor points at the red file
    page.get_by_text(reason, exact=True).filter(visible=True).wait_for(timeout=10_000)
    assert "point at it to read why" in page.locator("[data-testid=stAlert]").inner_text()
    page.wait_for_timeout(1000)  # a late server answer would show up by now
    text = page.locator("body").inner_text()
    assert "AxiosError" not in text and "413" not in text
    assert uploads == []  # refused in the browser: the 6 MB were never sent
    screenshot(page, "inputs-upload-too-large")
    assert_clean(page)
