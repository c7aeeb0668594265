"""The EWA lesson (issue 11: 2.11, 3.1): the default "your β" curve adds a curve of its own,
and the upload limit is one number that the widget, the server and the app agree on."""

import base64
import tomllib
from pathlib import Path

import numpy as np
import pytest

from lab.series import MAX_CSV_BYTES

ROOT = Path(__file__).resolve().parents[1]
PAGE = "views/ewa.py"


def numbers(y) -> np.ndarray:
    """A trace's values: a list, or Plotly's typed array {"dtype", "bdata": base64}."""
    if isinstance(y, dict):
        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).astype(float)
    return np.asarray(y, dtype=float)


def averaged_curves(figure: dict) -> dict[str, np.ndarray]:
    """Every line the chart draws over the raw series (the first trace), by legend name."""
    return {t["name"]: numbers(t["y"]) for t in figure["data"][1:]}


@pytest.mark.parametrize("query", [{}, {"beta": "0.9"}, {"beta": "0.98", "bias": "1"}])
def test_no_two_curves_coincide(app_test, chart_figures, query):
    """A curve drawn exactly on another one hides it (the default β = 0.9 did)."""
    at = app_test(PAGE, query)
    assert not at.exception
    curves = averaged_curves(chart_figures(at)[0])
    names = list(curves)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert not np.allclose(curves[a], curves[b], equal_nan=True), (a, b)


def test_the_default_own_beta_is_none_of_the_drawn_ones(app_test, chart_figures):
    at = app_test(PAGE)
    (yours,) = [name for name in averaged_curves(chart_figures(at)[0]) if "your β" in name]
    assert "dashed" in at.slider(key="beta").label
    drawn = [name for name in averaged_curves(chart_figures(at)[0]) if name.startswith("β = ")]
    assert len(drawn) == 4 and not any(f"= {at.slider(key='beta').value:g} " in n for n in drawn)
    assert yours.startswith(f"your β = {at.slider(key='beta').value:g} ")


def test_an_own_beta_equal_to_a_drawn_one_names_that_curve(app_test, chart_figures):
    at = app_test(PAGE, {"beta": "0.9"})
    names = list(averaged_curves(chart_figures(at)[0]))
    assert len(names) == 4  # no dashed duplicate
    assert [n for n in names if n.endswith("your β")] == ["β = 0.9 (≈ 10 points) = your β"]


def test_widget_server_and_app_share_one_upload_limit(app_test):
    """The browser counts the widget's MB as 10⁶ bytes (1.024² × on Windows), the server
    counts maxUploadSize MB as 2²⁰ bytes plus a margin, the app counts MAX_CSV_BYTES."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    server_mb = config["server"]["maxUploadSize"]
    at = app_test(PAGE, {"source": "upload"})
    (uploader,) = at.get("file_uploader")
    widget_mb = uploader.proto.max_upload_size_mb
    assert widget_mb == server_mb
    assert widget_mb * 1_000_000 == MAX_CSV_BYTES
    assert server_mb * 2**20 >= MAX_CSV_BYTES * 1.024**2  # the server never refuses first
    assert "MB" not in uploader.proto.label  # the limit is stated once, by the widget
