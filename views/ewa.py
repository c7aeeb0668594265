"""Exponentially weighted averages: the building block of momentum, RMSProp and Adam."""

import streamlit as st

from lab.series import MAX_CSV_BYTES, SeriesFileError, read_series_csv
from ui.ewa_lesson import STOCK_NAMES, ewa_chart, stock_series, weights_chart
from ui.figures import show
from ui.knobs import Knob, knob_widget
from ui.lesson_page import begin_page, end_page, lesson_header
from ui.playground_link import playground_button
from ui.presets import PRESETS
from ui.url_state import Flag
from viz.ewa import ARTICLE_BETAS, window

SOURCES = {"stock": "A stock price (ships with plotly)", "upload": "My own CSV file"}
# One upload limit: the widget refuses a larger file in the browser, before it is sent, with
# its own message ("File must be 2.0MB or smaller"); Streamlit's browser counts 1 MB as 10⁶
# bytes (10⁶ × 1.024² on Windows), like MAX_CSV_BYTES, and server.maxUploadSize in
# .streamlit/config.toml is the same number of MB (counted as 2²⁰ bytes: never smaller).
UPLOAD_LIMIT_MB = MAX_CSV_BYTES // 1_000_000

url = begin_page()
lesson_header(
    "Exponentially weighted averages",
    """
An exponentially weighted average (EWA) smooths a noisy series by remembering the past with
weights that fade by a factor β every step. Start from v₀ = 0 and fold each new value θₜ in:
the new average keeps a share β of the old one and takes 1 − β of the newcomer. Unrolled, the
point k steps back carries weight (1 − β)βᵏ; that weight drops to about 1/e after
**1/(1 − β) steps**, so β = 0.9 averages roughly the last 10 points and β = 0.98 the last 50:
smoother, but later to react.

Because v₀ = 0, the first averages are pulled towards zero. **Bias correction** divides by
1 − βᵗ, which is exactly the sum of the weights used so far, so early values become a proper
weighted mean. Momentum, RMSProp and Adam are this average applied to gradients (and to their
squares).
""",
    r"v_0 = 0,\qquad v_t = \beta\, v_{t-1} + (1-\beta)\,\theta_t,"
    r"\qquad \hat v_t = \frac{v_t}{1-\beta^t}"
    r"\qquad\Longrightarrow\qquad v_t = (1-\beta)\sum_{k=0}^{t-1}\beta^k\,\theta_{t-k}",
)

warnings = st.container()
controls = st.columns([2, 2, 2, 1.5])
source = url.choice(
    controls[0].radio,
    "Series",
    key="source",
    options=SOURCES,
    default="stock",
)
own_beta = knob_widget(
    url,
    # 0.5 by default: the lecture's noisy two-point average, short of every β drawn above
    Knob("Your own β (dashed curve)", 0.5, 0.5, 0.995, "linear", "Any β to compare."),
    key="beta",
    container=controls[2],
)
bias_correction = url.widget(
    controls[3].toggle,
    "Bias correction",
    key="bias",
    field=Flag(False),
    help="Divide by 1 − βᵗ so the average does not start near zero.",
)

x = values = None
name, x_title = "", ""
if source == "stock":
    symbol = url.choice(
        controls[1].selectbox,
        "Company",
        key="stock",
        options=STOCK_NAMES,
        default="AAPL",
        format_func=lambda s: f"{STOCK_NAMES[s]} ({s})",
    )
    x, values = stock_series(symbol)
    name, x_title = f"{STOCK_NAMES[symbol]} (weekly, 2018-01-01 = 1)", "week"
else:
    upload = controls[1].file_uploader(
        "CSV file (a column of numbers; an optional date column)",
        type=["csv", "txt"],
        key="upload",
        max_upload_size=UPLOAD_LIMIT_MB,
    )
    if upload is None:
        st.info(
            "Choose a CSV file with at least one column of numbers, e.g. `date,price`. "
            "A file marked in red was not accepted: point at it to read why."
        )
    else:
        try:
            table = read_series_csv(upload.getvalue())
        except SeriesFileError as error:
            st.error(str(error), icon="🚫")
        else:
            column = st.selectbox("Column", table.columns, key="column")
            x, values = table.series(column)
            name, x_title = column, table.x_title

if values is not None:
    chart = ewa_chart(x, values, own_beta, bias_correction, name, x_title)
    show(chart, key="ewa_chart")
    st.caption(
        f"β = {', '.join(f'{b:g}' for b in ARTICLE_BETAS)} as in the article, and your "
        f"β = {own_beta:g}, which averages over about {window(own_beta):.0f} points. "
        f"Bias correction is {'on' if bias_correction else 'off'}; v₀ = 0."
    )
show(weights_chart(), key="weights_chart")
st.markdown(
    "Momentum is this average taken over gradients. See it smooth gradient descent's zig-zag "
    "in a ravine, with your β:"
)
playground_button(
    PRESETS["ravine"].with_run_values(1, beta=own_beta).playground_link(), key="ewa_open"
)
end_page(url, warnings)
