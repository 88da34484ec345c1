"""The weekly meeting briefing (调度会): content built once as plain data, rendered many ways.

``briefing.blocks`` declares the content (sections of slides made of blocks); the builder computes it from one
published version or workbook, one as-of date, one language and one district selection; renderers (the
presentation page, PPTX, PDF, the phone layout, .xlsx) only lay blocks out and never compute a figure.
No Streamlit import anywhere in this package.
"""
