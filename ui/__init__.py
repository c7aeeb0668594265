"""Streamlit helpers shared by the pages (views -> ui -> viz -> engine); one job a module.

Controls and state:

- ``ui.url_state``: every setting in the URL: ``UrlState`` mirrors keyed widgets into
  ``st.query_params`` and validates links (hostile values fall back to their defaults with a
  warning); the fields ``Number``, ``Flag``, ``Choice``, ``Text``, ``Color`` say what a URL
  value may be and how it is written.
- ``ui.knobs``: one widget from one setting's metadata (``optim.Hyperparameter``,
  ``surfaces.Parameter`` or ``Knob``) and its URL field (``knob_field``).
- ``ui.controls``: the Playground's controls: surface picker, runs editor, shared settings.

Engine calls and figures:

- ``ui.engine``: the specs (``SurfaceSpec``, ``RunSpec``, ``Settings``) and cached calls into
  the engine (surfaces, trajectories, backgrounds).
- ``ui.race``: the Playground's race section (fragment): animated chart, loss chart, run table
  and downloads.
- ``ui.figures``: ``show`` a viz figure dict without Streamlit re-validating it.
- ``ui.light_chart``: a Plotly chart drawn with plotly.js's basic bundle (a faster first paint).
- ``ui.warmup``: the default page run once when the server starts.

Training lab:

- ``ui.lab_controls``: the lab's controls: data set, network, training settings, optimizer slots.
- ``ui.lab_training``: one training run inside the page, with live progress, kept in session state.
- ``ui.lab_results``: the kept run's curves, summary table and decision boundaries.

Lessons:

- ``ui.lesson_page``: what every lesson page does around its content: URL state that works
  with fragments (``begin_page`` / ``fragment_done`` / ``end_page``), header, update rules.
- ``ui.presets``: the article's figures as exact settings (``PRESETS``), their controls,
  captions and animated charts.
- ``ui.playground_link``: links into the Playground, written by the Playground's own URL
  fields (the one writer of its URL format), and the "Open in Playground" button.
- ``ui.minibatch_lesson``: the mini-batch lesson's settings, cached runs and figures.
- ``ui.ewa_lesson``: the EWA lesson's stock prices (plotly's offline data) and cached charts.
"""
