"""Navigation by role (``ui.nav`` through ``app.py``): each role has exactly its pages registered; a page it
may not use is not there at all."""

from __future__ import annotations

import pytest
from app_pages import open_page

from ui.nav import PAGES

DASHBOARD = [
    "views/overview.py",
    "views/changes.py",
    "views/districts.py",
    "views/progress.py",
    "views/project.py",
    "views/hotline.py",
    "views/tasks.py",
    "views/presentation.py",
]
EDITOR = [*DASHBOARD, "views/upload.py", "views/history.py"]
ADMIN = [*EDITOR, "views/settings.py", "views/accounts.py", "views/audit_trail.py"]


@pytest.mark.parametrize(("role", "pages"), [("viewer", DASHBOARD), ("editor", EDITOR), ("admin", ADMIN)])
def test_each_role_has_exactly_its_pages(role, pages):
    at = open_page("views/overview.py", role=role)
    for spec in PAGES:
        if spec.file in pages:
            at.switch_page(spec.file)  # registered: the switch is accepted
        else:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(spec.file)
    assert sorted(spec.file for spec in PAGES) == sorted(ADMIN)  # the table above covers every page


def test_the_sidebar_sections_follow_the_role():
    at = open_page("views/overview.py", role="viewer")
    assert not [b for b in at.sidebar.button if b.label == "工作人员登录"]
    assert "当前用户：viewer（查看者）" in [c.value for c in at.sidebar.caption]
