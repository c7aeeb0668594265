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
- ``ui.embed``: embed mode (``?embed=true``, ``hide=``), the link to the full app and the
  "Copy embed code" snippet.
- ``ui.lecture``: the Playground's lecture view (the chart alone, large, keyboard shortcuts).

Atlas:

- ``ui.atlas_controls``: the Atlas page's own settings (``atlas.*`` in the URL).
- ``ui.atlas_engine``: cached atlas computations, one bounded entry per run.
- ``ui.atlas_sections``: basins, sensitivity and the hyperparameter map: compute, draw, download.

Training lab:

- ``ui.lab_controls``: the lab's controls: data set, network, training settings, optimizer slots.
- ``ui.lab_training``: one training run inside the page, with live progress, kept in session state.
- ``ui.lab_results``: the kept run's curves, summary table and decision boundaries.
- ``ui.lab_landscape``: the Landscape section: planes through the kept paths, the race chart on
  the loss contours, honesty readouts, interpolation and sharpness.
- ``ui.lab_sweep``: the Sweep section: learning rates × seeds on Dask, its charts and CSV.

Lessons:

- ``ui.lesson_page``: what every lesson page does around its content: URL state that works
  with fragments (``begin_page`` / ``fragment_done`` / ``end_page``), header, update rules.
- ``ui.presets``: the article's figures as exact settings (``PRESETS``), their controls,
  captions and animated charts.
- ``ui.playground_link``: links into the Playground, written by the Playground's own URL
  fields (the one writer of its URL format), and the "Open in Playground" button.
- ``ui.minibatch_lesson``: the mini-batch lesson's settings, cached runs and figures.
- ``ui.ewa_lesson``: the EWA lesson's stock prices (plotly's offline data) and cached charts.

Where we go past Streamlit's plain widget model, and why (the one list of these):

- **A widget's default is always its current value** (``UrlState.widget``): a browser builds
  the widgets of a closed popover only when it opens, from the default argument of the latest
  run, so any other default would show (and send back) the wrong value.
- **Session state written by the app**, all through supported assignment: the run count and
  its add/remove callbacks and a chart click's start point (``ui.controls``), a hidden View
  kept for the way back from 3-D (``ui.race``), the last good typed surface, the lab's kept
  training run (``ui.lab_training``). A click is a widget event inside the race fragment, so
  the fragment reruns the page with ``st.rerun(scope="app")`` when the start point's inputs no
  longer hold the point its runs started from (derived, not a flag).
- **Typed functions bypass Streamlit's caches** (``ui.engine.TypedMemo``): Streamlit keeps a
  lock and key for every key a cache ever saw, so each distinct typed function would grow the
  server for good (``bench/memory.py``).
- **Prebuilt figures** (``ui.figures``): ``st.plotly_chart`` validates a dict through
  ``go.Figure`` (~0.6 s for 300 frames); a ``go.Figure`` subclass hands our already validated
  dict back (the viz tests validate every builder's dict with plotly).
- **Our own chart component** (``ui.light_chart``): plotly.js's basic bundle instead of the
  full one that ``st.plotly_chart`` loads (about a second of first paint in a new tab).
- **The warm-up** (``ui.warmup``): ``app.py`` is also an ``st.App`` whose lifespan runs the
  default page once through ``Runtime.does_script_run_without_error``, the one Streamlit
  internal we call, so the first visitor after a server start does not pay for imports and
  caches.
"""
