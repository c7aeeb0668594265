"""Optimizer Playground: page config and navigation (``streamlit run app.py``).

The page scripts live in ``views/``, not ``pages/``: Streamlit still treats a ``pages/`` folder
beside the entry script as an old-style multipage app until ``st.navigation`` has run once, so
the first deep link after a server start (``/traps``) would run that page without this file.

This file plays two parts. Streamlit runs it as the app's script for every page view
(``__name__ == "__main__"``, under AppTest too). ``streamlit run app.py`` also imports it once
as a module, to serve the ``st.App`` below, whose lifespan warms the default page up when the
server starts (why and how: ``ui/warmup.py``).
"""

import streamlit as st

if __name__ == "__main__":
    st.set_page_config(page_title="Optimizer Playground", page_icon="🏁", layout="wide")

    pages = [
        st.Page(
            "views/playground.py", title="Playground", icon=":material/sports_score:", default=True
        ),
        st.Page("views/atlas_view.py", title="Atlas", icon=":material/map:", url_path="atlas"),
        # the article's lessons
        st.Page("views/learning_rate.py", title="Learning rate", icon=":material/speed:"),
        st.Page("views/traps.py", title="Traps", icon=":material/warning:"),
        st.Page("views/minibatch.py", title="Mini-batches", icon=":material/casino:"),
        st.Page("views/ewa.py", title="Weighted averages", icon=":material/show_chart:"),
        st.Page(
            "views/momentum_rmsprop_adam.py",
            title="Momentum, RMSProp, Adam",
            icon=":material/rocket_launch:",
        ),
        st.Page(
            "views/article_figures.py", title="Article figures", icon=":material/photo_library:"
        ),
        st.Page(
            "views/newer_optimizers.py", title="Newer optimizers", icon=":material/new_releases:"
        ),
        st.Page("views/training_lab.py", title="Training lab", icon=":material/neurology:"),
    ]
    st.navigation(pages).run()
else:
    from ui.warmup import lifespan

    app = st.App(__file__, lifespan=lifespan)
