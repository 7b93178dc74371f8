"""What a view's scenario and its charts (or two views' scenarios) share: keys, labels, the plot's window and
small pure helpers, one module per view. Below both layers: no streamlit, no ``dashboard.scenarios``."""
