"""Mini-batches: linear regression trained on the whole data set against batches of it."""

import streamlit as st

import optim
from lab.regression import MAX_EPOCHS
from ui.figures import show
from ui.knobs import Knob, knob_widget
from ui.lesson_page import begin_page, end_page, fragment_done, lesson_header
from ui.minibatch_lesson import (
    MiniBatchSetup,
    minibatch_charts,
    minibatch_playground_url,
    minibatch_race,
    minibatch_runs,
)
from ui.playground_link import playground_button

DEFAULTS = MiniBatchSetup()
KNOBS = {  # field of MiniBatchSetup -> its control
    "size": Knob("data points m", DEFAULTS.size, 20, 1000, "int"),
    "noise": Knob("noise σ of the data", DEFAULTS.noise, 0.0, 2.0, "linear"),
    "seed": Knob("data seed", DEFAULTS.seed, 0, 9999, "int"),
    "batch_size": Knob(
        "batch size (1 = stochastic gradient descent)", DEFAULTS.batch_size, 1, 1000, "int",
        "Examples per update. A batch as large as the data set is full-batch gradient descent.",
    ),
    "epochs": Knob("epochs (passes over the data)", DEFAULTS.epochs, 1, MAX_EPOCHS // 2, "int"),
}  # fmt: skip

url = begin_page()
lesson_header(
    "Mini-batch gradient descent",
    """
Here the cost surface comes from data. We fit a line y = w·x + b to m noisy points; the
mean squared error J(w, b) is a bowl over the two parameters, and its contours below are
exact. Full-batch gradient descent computes the gradient over **all** m points before each
step. Mini-batch gradient descent shuffles the data, cuts it into batches of B points and
steps after **each batch**, using the exact gradient of that batch's own loss J_B. It sees a
noisy version of the true gradient, but makes m/B steps per pass over the data instead of
one. B = 1 is stochastic gradient descent.

Both runs below process the same data: the same number of epochs. The animation runs on a
shared clock of examples seen, so the full batch holds still for a whole epoch while the
mini-batch run takes many small, jittery steps.
""",
    r"J_B(w,b) = \frac{1}{2|B|}\sum_{i\in B}\left(w x_i + b - y_i\right)^2,\qquad"
    r"\begin{pmatrix}w\\b\end{pmatrix} \leftarrow \begin{pmatrix}w\\b\end{pmatrix}"
    r"- \alpha\,\frac{1}{|B|}\sum_{i\in B} (w x_i + b - y_i)\begin{pmatrix}x_i\\1\end{pmatrix}",
)
warnings = st.container()


@st.fragment
def minibatch_lesson():
    columns = st.columns(3)
    values = {
        field: knob_widget(url, knob, key=f"mb.{field}", container=columns[k % 3])
        for k, (field, knob) in enumerate(KNOBS.items())
    }
    lr_spec = optim.OPTIMIZERS["gd"].hyperparameters[0]
    lr_knob = Knob(lr_spec.label, DEFAULTS.lr, lr_spec.low, lr_spec.high, "log", lr_spec.help)
    values["lr"] = knob_widget(url, lr_knob, key="mb.lr", container=columns[2])
    setup = MiniBatchSetup(**values)
    try:
        runs = minibatch_runs(setup)
    except ValueError as error:
        st.error(str(error), icon="🚫")
        fragment_done(url)
        return

    batches, losses = minibatch_charts(setup)
    left, right = st.columns([3, 2])
    with left:
        show(minibatch_race(setup), key="minibatch_race")
    with right:
        cost = setup.cost()
        show(batches, key="minibatch_data")
        for name, run in runs.items():
            note = f", diverged at iteration {run.diverged_at}" if run.diverged_at > 0 else ""
            st.markdown(
                f"**{name}**: {len(run.path) - 1} update{'s' * (len(run.path) != 2)}, "
                f"final J = {run.loss[-1]:.4g} "
                f"(minimum {cost.minimum_value:.4g}){note}"
            )
    show(losses, key="minibatch_loss")
    st.caption(setup.caption())
    playground_button(minibatch_playground_url(setup), key="minibatch_open")
    fragment_done(url)


minibatch_lesson()
end_page(url, warnings)
