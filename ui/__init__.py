"""Streamlit-facing helpers: chart builders, display tables and the cached data access used by pages."""
