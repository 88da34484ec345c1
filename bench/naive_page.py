"""The naive one-file Streamlit page the browser benchmark compares the overview with (issue 12).

``streamlit run bench/naive_page.py -- WORKBOOK``: read the workbook with calamine, a bar of households by
district, a ``px.timeline`` of every project, and the whole table in ``st.dataframe``. Nothing is cached
and nothing is checked: the least a page showing this workbook can do.
"""

from __future__ import annotations

import sys

import pandas as pd
import plotly.express as px
import streamlit as st

HEADER_ROW = 2  # bench/make_workbook.py writes two title rows above the header
DISTRICT, HOUSEHOLDS, NAME = "所属区县", "安置户数（户）", "项目名称"
START, DUE = "开工日期", "具备交付条件时间"

st.set_page_config(page_title="naive", layout="wide")
frame = pd.read_excel(sys.argv[1], engine="calamine", header=HEADER_ROW)
st.title("安置房项目")
by_district = frame.groupby(DISTRICT, as_index=False)[HOUSEHOLDS].sum()
st.plotly_chart(px.bar(by_district, x=DISTRICT, y=HOUSEHOLDS))
spans = frame.assign(
    start=pd.to_datetime(frame[START], errors="coerce"), due=pd.to_datetime(frame[DUE], errors="coerce")
).dropna(subset=["start", "due"])
st.plotly_chart(px.timeline(spans, x_start="start", x_end="due", y=NAME, color=DISTRICT))
st.dataframe(frame)
