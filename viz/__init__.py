"""Plotly figure builders: pure functions from arrays to figure dicts; no Streamlit here.

Every builder returns a plain figure dict (``go.Figure(fig)`` validates it; ``ui.figures.show``
draws it). One job a module:

- ``viz.trajectory``: the animated race (``Trajectory``, ``trajectory_figure``, overlay or side
  by side; frames carry only the moving traces), ``PALETTE``.
- ``viz.background``: the surface as an image plus NumPy contour lines (survives animation).
- ``viz.surface3d``: the surface in 3-D with the runs racing on it (``surface_3d_figure``).
- ``viz.loss``: loss against step (``loss_figure``): y range from the healthy runs; a diverged
  curve stops where it leaves it (``loss_axis``, the rule every loss chart shares).
- ``viz.axes``: log axes labelled with full values (``log_axis``, ``log_range``).
- ``viz.layout``: the look every lesson chart shares (``lesson_layout``).
- ``viz.ewa``: the EWA lesson: averages of a series per β, and the weights (1 − β)βᵏ.
- ``viz.minibatch``: the mini-batch lesson: runs on a common clock of examples, the loss on
  three clocks (``loss_clocks_figure``), the data coloured by batch.
- ``viz.step_anatomy``: one run taken apart step by step (arrows, per-coordinate scale).
- ``viz.internals``: what an optimizer keeps besides its path (Schedule-Free's z and x,
  Lookahead's slow weights, SAM's probe, Prodigy's d) drawn beside the race.
- ``viz.training``: the training lab's data, curves, decision boundaries and summary table.
- ``viz.summary``: numbers about runs: run table, tidy trajectories, standalone HTML.
- ``viz.export``: a race's animation drawn as an animated GIF or WebP with Pillow.
- ``viz.atlas``: the Atlas's basin images, legend, summary, sensitivity curves and map.
- ``viz.landscape``: the lab's loss on a plane with the projected paths (the race chart),
  honesty readouts, interpolation and sharpness.
- ``viz.sweep``: a lab sweep's result against the learning rate and the curves at the best.
- ``viz.encode``: compact arrays for figure dicts (``typed`` / ``decode``, ``rounded``).
"""
