"""Plotly figure builders: pure functions from arrays to figure dicts; no Streamlit here.

- ``viz.trajectory``: ``Trajectory`` and ``trajectory_figure`` (the animated race, overlay or
  side by side; frames carry only the moving traces), ``PALETTE``.
- ``viz.background``: the surface as an image plus NumPy contour lines (survives animation).
- ``viz.loss``: ``loss_figure`` (log scale when positive; divergence never rescales it).
- ``viz.surface3d``: ``surface_3d_figure``.
- ``viz.summary``: ``run_table``, ``tidy_trajectories``, ``standalone_html``.
- ``viz.encode``: ``typed`` / ``decode`` base64 typed arrays, ``rounded`` lists.
"""
