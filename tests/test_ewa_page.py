"""The EWA lesson: curves against pandas and the plain recursion, and the CSV upload's messages."""

import json

import numpy as np
import pandas as pd
import plotly.data
import pytest

from lab.series import MAX_CSV_BYTES, SeriesFileError, read_series_csv
from ui.ewa_lesson import stock_series
from viz.encode import decode
from viz.ewa import ARTICLE_BETAS, ewa_figure, weights_figure, window

APPLE = plotly.data.stocks()["AAPL"].to_numpy()


def curve(fig, beta):
    (trace,) = [t for t in fig["data"] if t["name"].startswith(f"β = {beta:g} ")]
    return decode(trace["y"])


@pytest.mark.parametrize("beta", ARTICLE_BETAS)
def test_bias_corrected_curve_equals_pandas_adjusted_ewm(beta):
    fig = ewa_figure(np.arange(len(APPLE)), APPLE, bias_correction=True)
    expected = pd.Series(APPLE).ewm(alpha=1 - beta, adjust=True).mean().to_numpy()
    np.testing.assert_allclose(curve(fig, beta), expected, rtol=1e-12)


@pytest.mark.parametrize("beta", ARTICLE_BETAS)
def test_uncorrected_curve_is_the_plain_recursion_from_zero(beta):
    fig = ewa_figure(np.arange(len(APPLE)), APPLE, bias_correction=False)
    v, expected = 0.0, []
    for value in APPLE:
        v = beta * v + (1 - beta) * value
        expected.append(v)
    np.testing.assert_allclose(curve(fig, beta), expected, rtol=1e-12)
    # starting from v0 = 0 the uncorrected average starts low: the first value is (1 − β)θ₁
    assert curve(fig, beta)[0] == pytest.approx((1 - beta) * APPLE[0])


def test_raw_series_is_drawn_unchanged_and_every_beta_gets_a_curve():
    fig = ewa_figure(np.arange(len(APPLE)), APPLE, series_name="AAPL")
    np.testing.assert_array_equal(decode(fig["data"][0]["y"]), APPLE)
    assert len(fig["data"]) == 1 + len(ARTICLE_BETAS)
    assert len(json.dumps(fig)) < 60_000


@pytest.mark.parametrize(("beta", "points"), [(0.8, 5), (0.9, 10), (0.95, 20), (0.98, 50)])
def test_window_and_weights(beta, points):
    assert window(beta) == pytest.approx(points)
    fig = weights_figure([beta], lookback=400)
    weights = decode(fig["data"][0]["y"])
    assert weights.sum() == pytest.approx(1 - beta**400, rel=1e-12)  # geometric sum of 400 terms
    # after one window the weight has fallen to about 1/e of the newest point's
    assert weights[points] / weights[0] == pytest.approx(np.exp(-1), rel=0.12)


def test_stock_series_ships_offline_with_dates():
    x, values = stock_series("MSFT")
    assert len(x) == len(values) == len(plotly.data.stocks())
    np.testing.assert_array_equal(values, plotly.data.stocks()["MSFT"].to_numpy())
    assert str(x[0]).startswith("2018")


GOOD_CSVS = [
    (b"date,price\n2020-01-01,1\n2020-01-02,2.5\n2020-01-03,2\n", ["price"], [1, 2.5, 2]),
    (b"a;b\n1;x\n2;y\n3;z\n", ["a"], [1, 2, 3]),  # semicolons are sniffed; b is text
    (b"1.5\n2.5\n3.5\n", ["value"], [1.5, 2.5, 3.5]),  # a bare column of numbers
    (b"\xef\xbb\xbfv,w\n1,4\n,5\n3,6\n", ["v", "w"], [1, 3]),  # BOM; a gap in v is dropped
]


@pytest.mark.parametrize(("raw", "columns", "first_values"), GOOD_CSVS)
def test_good_files_are_read(raw, columns, first_values):
    table = read_series_csv(raw)
    assert list(table.columns) == columns
    np.testing.assert_allclose(table.series(columns[0])[1], first_values)


BAD_CSVS = [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b"name,city\nann,paris\nbob,rome\n", "no column of numbers"),
    (b"x\n1\n", "at least 2"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a text"),
    (b'a,b\n1,"2\n3,4\n', "could not be read"),
    (b"x\n" + b"1\n" * (MAX_CSV_BYTES // 2 + 1), "too large"),
    (b"x\ninf\nnan\n-inf\n", "at least 2"),
]


@pytest.mark.parametrize(("raw", "message"), BAD_CSVS)
def test_bad_files_get_a_clear_message(raw, message):
    with pytest.raises(SeriesFileError, match=message):
        read_series_csv(raw)
