"""Streamlit pages: widgets and wiring only; the coaching lives in the core."""
