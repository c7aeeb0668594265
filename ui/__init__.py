"""Streamlit helpers shared by the pages (pages -> ui -> viz -> engine).

- ``ui.url_state``: ``UrlState`` mirrors keyed widgets into ``st.query_params`` and validates
  links (hostile values fall back to defaults with a warning); fields ``Number``, ``Flag``,
  ``Choice``, ``Text``, ``Color``.
- ``ui.knobs``: ``knob_widget`` builds one slider / log select-slider / toggle from metadata
  (``optim.Hyperparameter``, ``surfaces.Parameter`` or ``Knob``), kept in the URL.
- ``ui.engine``: ``SurfaceSpec``, ``RunSpec``, ``Settings`` and cached engine calls
  (``get_surface``, ``get_background``, ``compute_trajectory``); ``cached(max_entries)``
  caches any function of frozen specs, keyed by their ``repr``.
- ``ui.controls``: ``surface_picker``, ``optimizer_controls``, ``runs_editor``, ``run_settings``.
- ``ui.race``: ``race_section`` (fragment: animated chart, loss chart, table, downloads) and
  its cached figures ``race_figure``, ``loss_chart``, ``surface_3d``.
- ``ui.figures``: ``show`` a viz figure dict without Streamlit re-validating it.
"""
