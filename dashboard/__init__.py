"""Streamlit shell and shared UI of the what-if dashboard (charts, controls, export)."""
