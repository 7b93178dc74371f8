"""Pure numpy/scipy math of the what-if dashboard.

Submodules (import them explicitly, e.g. ``from core import losses``):
losses, penalties, optimizers, schedules, trajectory (the run record), training, surfaces,
closed_form, landscape, decisions, datasets. Nothing here imports streamlit, altair or pandas.
"""
