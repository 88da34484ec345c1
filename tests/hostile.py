"""Hostile text for the escaping tests: a published version whose every user-written field carries Markdown
links and images, raw HTML, ``javascript:`` URLs and Streamlit directives, and the same in URL parameters.

``publish_hostile(db)`` renames the sample's 济阳区 (district, streets, the overdue 纪家 project's name, stage,
unit and notes) and publishes that as version 2 with a hostile file name, uploader and comment.
"""

from __future__ import annotations

import re

import pandas as pd

from store import versions as V

EVIL = "evil.example"  # every hostile string points here; escaped text still shows it, a live link would use it
ATTACK = {
    "name": f"![名](http://{EVIL}/n.png)[项目](javascript:alert(1))<img src=x onerror=alert(1)>",
    "district": f"[区](http://{EVIL}/d)<a href=http://{EVIL}/d>区</a>",
    "street": f"![街](https://{EVIL}/s.png) www.{EVIL}",
    "stage": f"<img src=http://{EVIL}/st.png>[阶段](http://{EVIL}/st)",
    "notes": f"**注** [备注](javascript:alert(2)) :red[红] $x^2$ http://{EVIL}/notes\n# 标题\n- 列表",
    "unit": f'<a href="http://{EVIL}/u">单位</a> <script>alert(4)</script>',
    "uploader": f"[张三](http://{EVIL}/up)",
    "filename": f"![f](http://{EVIL}/f.png).xlsx",
    "comment": f"<img src=http://{EVIL}/c.png onerror=alert(3)>",
}
URL_ATTACK = f"[链接](http://{EVIL}/q)<img src=http://{EVIL}/q.png>"
HOSTILE_APP_PARAMS = {  # app.py's own parameters, each invalid: ignored, never echoed
    "lang": f"<img src=http://{EVIL}/l.png>",
    "data": f"[d](http://{EVIL})",
    "version": "²",
    "districts": f"[a](http://{EVIL}/x)",
}
SOURCE_DISTRICT, SOURCE_NAME = "济阳区", "纪家安置房项目"  # overdue as of 2026-11-21, with stage dates


def publish_hostile(db) -> V.Version:
    """Version 2: the sample (version 1, published on the app's first start) with 济阳区 made hostile."""
    projects = V.version_projects(db, 1)
    stages = V.version_stage_dates(db, 1)
    in_district = (projects["district"] == SOURCE_DISTRICT).to_numpy(bool)
    target = in_district & (projects["name"] == SOURCE_NAME).to_numpy(bool)
    assert target.sum() == 1, "the sample changed: pick another project"
    projects.loc[in_district, "street"] = ATTACK["street"]
    projects.loc[target, ["name", "stage", "unit", "notes"]] = [
        ATTACK["name"],
        ATTACK["stage"],
        ATTACK["unit"],
        ATTACK["notes"],
    ]
    projects.loc[in_district, "district"] = ATTACK["district"]
    own = ((stages["district"] == SOURCE_DISTRICT) & (stages["name"] == SOURCE_NAME)).to_numpy(bool)
    stages.loc[own, "name"] = ATTACK["name"]
    stages.loc[(stages["district"] == SOURCE_DISTRICT).to_numpy(bool), "district"] = ATTACK["district"]
    return V.publish(
        db,
        projects,
        content=b"hostile week",
        filename=ATTACK["filename"],
        uploader=ATTACK["uploader"],
        comment=ATTACK["comment"],
        stage_dates=stages,
        scope=[ATTACK["district"]],
    )


_ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")  # a backslash-escaped ASCII punctuation character: inert
_LIVE = ("](", "![", "<img", "<a ", "<a\t", "<script", "javascript:", ":red[")
# Streamlit's autolink-literal patterns (remark-gfm, in its StreamlitMarkdown bundle). They run on the text as
# rendered, escapes resolved: a URL or address matching them becomes a link whatever was escaped.
GFM_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)", re.I)
GFM_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)")


def live_markup(markdown: str) -> list[str]:
    """What in ``markdown`` would render as a link, image, tag or directive (escaped characters set aside), or
    as an autolink (escapes resolved)."""
    inert = _ESCAPED.sub("", markdown).lower()
    shown = re.sub(r"\\(.)", r"\1", markdown)
    found = [pattern for pattern in _LIVE if pattern in inert]
    return found + [m.group(0) for pattern in (GFM_URL, GFM_EMAIL) for m in pattern.finditer(shown)]


def frame_has(frame: pd.DataFrame, text: str) -> bool:
    """Whether any cell of ``frame`` holds ``text``."""
    return bool(frame.astype(str).apply(lambda column: column.str.contains(text, regex=False)).to_numpy().any())
