"""Presentation mode (pages/presentation.py at /present) through the entrypoint: the URL's slide, districts and
sections are honoured, and hostile values still give a sensible slide."""

from __future__ import annotations

import re

import pytest
from app_pages import open_page

from housing.i18n import t

PAGE = "views/presentation.py"


def _html(at) -> str:
    return "\n".join(element.proto.body for element in at.get("html"))


def _counter(at) -> tuple[int, int]:
    found = re.search(r'class="pr-counter">(\d+) / (\d+)<', _html(at))
    assert found, "no slide counter"
    return int(found.group(1)), int(found.group(2))


def _title(at) -> str:
    found = re.search(r'<h1 class="pr-title">([^<]*)</h1>', _html(at))
    assert found, "no slide title"
    return found.group(1)


def _param(at, name: str) -> str | None:
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) else value


def test_the_url_opens_its_slide_in_its_language():
    at = open_page(PAGE, lang="en", slide="2")
    number, count = _counter(at)
    assert number == 2 and count > 10
    assert _title(at) == t("bf_sec_headline", "en")
    assert "Jinan" in _html(at)
    assert not at.error


def test_sections_and_districts_narrow_the_briefing():
    everything = open_page(PAGE)
    at = open_page(PAGE, districts="章丘区", sections="headline,red")
    assert _counter(at)[1] < _counter(everything)[1]
    assert "章丘区安置房交付调度会" in _html(at)  # the title slide names the one district chosen
    assert at.multiselect(key="pr_districts").value == ["章丘区"]
    assert at.multiselect(key="pr_sections").value == ["headline", "red"]


@pytest.mark.parametrize(
    ("params", "slide"),
    [
        ({"slide": "-1"}, 1),
        ({"slide": "abc"}, 1),
        ({"slide": "99999"}, "last"),
        ({"slide": "2", "districts": "不存在区,<script>"}, 2),
        ({"slide": "2", "sections": "garbage,,%00"}, 2),
        ({"slide": "1" * 40, "districts": ",,,", "sections": "red,red,nonsense"}, 1),
    ],
)
def test_hostile_parameters_give_a_sensible_slide(params, slide):
    at = open_page(PAGE, **params)
    number, count = _counter(at)
    assert number == (count if slide == "last" else slide)
    assert _param(at, "slide") == str(number)  # corrected in the URL too
    assert not at.error


def test_unknown_districts_and_sections_mean_all():
    everything = _counter(open_page(PAGE))[1]
    assert _counter(open_page(PAGE, districts="不存在区", sections="garbage"))[1] == everything


def test_choosing_districts_in_the_settings_keeps_them_in_the_url_and_starts_over():
    at = open_page(PAGE, slide="3")
    at.multiselect(key="pr_districts").select("历城区").run()
    assert _param(at, "districts") == "历城区"
    assert _param(at, "slide") == "1"
    assert "历城区安置房交付调度会" in _html(at)
    at.multiselect(key="pr_sections").select("red").run()
    assert _param(at, "sections") == "red"


def test_the_buttons_step_and_stop_at_the_ends():
    at = open_page(PAGE, sections="headline")
    assert _counter(at) == (1, 2)
    assert at.button(key="pr_prev").disabled
    at.button(key="pr_next").click().run()
    assert _counter(at) == (2, 2) and _param(at, "slide") == "2"
    assert at.button(key="pr_next").disabled


def test_the_overview_links_to_the_presentation_of_what_it_shows():
    at = open_page("views/overview.py", lang="en")
    at.multiselect(key="ov_filter_districts").select("章丘区").run()
    (link,) = [p.proto for p in at.get("page_link") if p.proto.page == "present"]
    assert link.label == t("pr_open", "en")
    query = dict(part.split("=", 1) for part in link.query_string.split("&"))
    assert query["lang"] == "en" and query["as_of"] == "2026-11-21"
    assert query["districts"] in ("章丘区", "%E7%AB%A0%E4%B8%98%E5%8C%BA")


def test_the_settings_switch_the_language_and_keep_the_slide():
    at = open_page(PAGE, slide="2")
    at.button(key="pr_lang").click().run()
    assert _param(at, "lang") == "en" and _counter(at)[0] == 2
    assert _title(at) == t("bf_sec_headline", "en")
    at.button(key="pr_lang").click().run()
    assert _param(at, "lang") == "zh" and _title(at) == t("bf_sec_headline", "zh")
