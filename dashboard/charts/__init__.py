"""Pure Altair chart builders: data in, ``alt.Chart`` out. Nothing here imports streamlit."""
