"""Nothing a user wrote renders as markup (``ui.escape``): the helpers, then every page through the entrypoint with
a published version whose names, districts, streets, stage, notes, unit, uploader, file name and comment are
Markdown links and images, raw HTML and ``javascript:`` URLs, and with hostile URL parameters.

Every text Streamlit renders as Markdown (markdown, captions, titles, headers, alerts, metric label, value,
delta and help, widget labels and help, radio and segmented options, button and expander labels) is collected
from the AppTest tree and must hold no live link, image, tag, autolink or directive once its backslash-escaped
characters are set aside; Plotly figures must hold no tag. Select-box options are plain text, not Markdown.
"""

from __future__ import annotations

import json
import re

import pytest
from app_pages import html_table, open_page
from google.protobuf.message import Message
from hostile import (
    ATTACK,
    EVIL,
    GFM_EMAIL,
    GFM_URL,
    HOSTILE_APP_PARAMS,
    URL_ATTACK,
    frame_has,
    live_markup,
    publish_hostile,
)
from streamlit.testing.v1 import AppTest

from housing.i18n import t
from store.db import open_database
from ui.escape import WORD_JOINER, html_text, md_escape, md_list, md_t, plot_escape

# --- the helpers -----------------------------------------------------------------------------------------------

SAMPLES = [
    *ATTACK.values(),
    URL_ATTACK,
    "<a href='x'>",
    "`code` ~~del~~ ==mark== ^sup^ [^1] | a | b |",
    ":material/warning: :red[x] :streamlit:",
    "$$x$$ \\(x\\) \\[x\\]",
    "HTTPS://Evil.Example www.evil.example mailto:a@b.c",
    "&lt;img src=x&gt; &#60;a&#62;",
    "\\![x](y)",  # a backslash of the user's own must not cancel ours
]


@pytest.mark.parametrize("text", SAMPLES)
def test_md_escape_leaves_no_live_markup(text):
    assert live_markup(md_escape(text)) == []


@pytest.mark.parametrize("text", SAMPLES)
def test_md_escape_shows_every_character_as_typed(text):
    shown = re.sub(r"\\(.)", r"\1", md_escape(text))  # what Markdown renders: each escape gives its character
    assert shown.replace(WORD_JOINER, "") == re.sub(r"[\r\n\t\v\f]+", " ", text)


@pytest.mark.parametrize("text", [*SAMPLES, "see http://evil.example/x", "WWW.EVIL.EXAMPLE", "mail a@evil.example"])
def test_md_escape_breaks_autolink_literals(text):
    shown = re.sub(r"\\(.)", r"\1", md_escape(text))
    assert not GFM_URL.search(shown) and not GFM_EMAIL.search(shown), shown


def test_md_escape_keeps_chinese_and_plain_text_unchanged():
    assert md_escape("章丘区 明水街道 西琅沟") == "章丘区 明水街道 西琅沟"
    assert md_escape(None) == "" and md_escape(1802) == "1802"


def test_md_escape_puts_everything_on_one_line():
    assert "\n" not in md_escape("# 标题\n- 列表\r\n> 引用")


def test_md_t_escapes_the_parameters_not_the_catalogue_text():
    assert md_t("pj_unknown", "en", name="[x](y)") == t("pj_unknown", "en", name="\\[x\\]\\(y\\)")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("<a href='http://evil'>x</a>", "&lt;a href='http://evil'&gt;x&lt;/a&gt;"),
        ("A&B", "A&amp;B"),
        ("章丘区", "章丘区"),
        (None, ""),
    ],
)
def test_plot_escape(text, shown):
    assert plot_escape(text) == shown


# --- every page, with hostile data ---------------------------------------------------------------------------

MARKDOWN_FIELDS = {"body", "label", "help", "delta", "options", "content", "captions"}
PLAIN_OPTIONS = {"Selectbox", "MultiSelect"}  # their options are drawn as plain text, not Markdown
NOT_MARKDOWN = {"Dataframe", "PlotlyChart", "ArrowTable", "Html"}  # st.html: checked by ``html_tags`` instead
# The only tags and attributes the product's own HTML (``ui.blocks`` phone cards and styles) uses: a tag or an
# attribute from workbook text (``<a href``, ``<img src``, ``onerror=``) would show up as anything else.
HTML_TAGS = {"style", "div", "h4", "span", "ul", "li", "table", "thead", "tbody", "tr", "th", "td", "a"}
# href: the project pages' relative links (ui.links); data-block: which block a table shows (its fixed key)
HTML_ATTRIBUTES = {"class", "style", "href", "target", "data-block"}


def _strings(message, plain_options: bool):
    """(field, text) of every Markdown-rendered string field in a proto message, nested messages included."""
    for field, value in message.ListFields():
        nested = field.message_type is not None
        markdown = field.type == field.TYPE_STRING and field.name in MARKDOWN_FIELDS
        if not (nested or markdown) or (plain_options and field.name == "options"):
            continue
        values = [value] if isinstance(value, str | Message) else list(value)  # a repeated field: a list
        for item in values:
            if nested:
                yield from _strings(item, plain_options)
            else:
                yield field.name, item


def _nodes(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def rendered(at: AppTest) -> list[tuple[str, str, str]]:
    """(element type, field, text) of every Markdown-rendered text on the page, sidebar included."""
    out = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        kind = type(proto).__name__
        if proto is None or not hasattr(proto, "ListFields") or kind in NOT_MARKDOWN:
            continue
        out += [(kind, field, text) for field, text in _strings(proto, kind in PLAIN_OPTIONS)]
    return out


def _json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def plotly_texts(at: AppTest) -> list[str]:
    """Every string in every Plotly figure on the page (names, ticks, hover texts, annotations)."""
    return [s for chart in at.get("plotly_chart") for s in _json_strings(json.loads(chart.proto.spec))]


def assert_inert(at: AppTest, errors_allowed: bool = False) -> list[str]:
    """No rendered text has live markup and no figure has a tag; returns the rendered texts. ``errors_allowed``:
    the page may say something is wrong (late tasks, a sheet with errors), never "something went wrong"."""
    assert not at.exception, [e.value for e in at.exception]
    unexpected = {t("unexpected_error", lang) for lang in ("zh", "en")}
    errors = [e.value for e in at.error if not errors_allowed or e.value in unexpected]
    assert not errors, errors  # not even the "something went wrong" message
    texts = rendered(at)
    live = [(kind, field, text, live_markup(text)) for kind, field, text in texts if live_markup(text)]
    assert not live, live
    tags = [s for s in plotly_texts(at) if re.search(r"<\s*(a|img|script)\b", s, re.I)]
    assert not tags, tags
    assert html_tags(at) <= HTML_TAGS | HTML_ATTRIBUTES
    return [text for _, _, text in texts]


def html_tags(at: AppTest) -> set[str]:
    """Every tag and attribute name in the page's ``st.html`` blocks (their text is HTML, not Markdown)."""
    bodies = [node.proto.body for node in _nodes(at._tree) if type(getattr(node, "proto", None)).__name__ == "Html"]
    found: set[str] = set()
    for body in bodies:
        for tag, attributes in re.findall(r"<\s*/?\s*([a-zA-Z][\w-]*)([^>]*)>", body):
            found.add(tag.lower())
            unquoted = re.sub(r'"[^"]*"|\'[^\']*\'', '""', attributes)  # a link's query is a value, not names
            found |= {a.lower() for a in re.findall(r"([\w-]+)\s*=", unquoted)}
    return found


@pytest.fixture(scope="module")
def hostile_database(tmp_path_factory) -> str:
    """One database for the module: the sample (version 1) and the hostile version 2."""
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'app.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        open_page("views/overview.py")  # the first start publishes the sample
        publish_hostile(open_database(url))
    return url


@pytest.fixture(autouse=True)
def app_database(hostile_database, monkeypatch) -> str:
    """Every test here reads the module's hostile database (instead of conftest's empty one)."""
    monkeypatch.setenv("DATABASE_URL", hostile_database)
    return hostile_database


PLACE = {"district": ATTACK["district"], "street": ATTACK["street"]}
PROJECT = {"district": ATTACK["district"], "name": ATTACK["name"]}
# page, its URL parameters, whether the sidebar filter picks the hostile district (the titles then name it),
# and whether hostile text shows (escaped) in Markdown on it.
PAGES = [
    ("views/overview.py", {}, True, True),
    ("views/changes.py", {}, True, True),
    ("views/districts.py", PLACE, False, True),
    ("views/districts.py", {"district": ATTACK["district"]}, True, True),
    ("views/progress.py", {}, True, True),
    ("views/project.py", PROJECT, False, True),
    ("views/upload.py", {}, False, False),
    ("views/history.py", {}, False, True),
    ("views/settings.py", {}, False, False),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("page", "params", "filtered", "shows"), PAGES)
def test_no_page_renders_hostile_text_as_markup(page, params, filtered, shows, lang):
    at = open_page(page, lang=lang, **params)
    if filtered:
        at.multiselect(key="ov_filter_districts").set_value([ATTACK["district"]]).run()
    texts = assert_inert(at)
    if shows:  # the hostile text did reach Markdown, escaped: the test is not passing on an empty page
        assert any(md_escape(EVIL) in text for text in texts), texts


def test_the_hostile_project_is_shown_as_written(app_database):
    at = open_page("views/project.py", lang="en", **PROJECT)
    assert_inert(at)
    assert at.title[0].value == md_escape(ATTACK["name"])
    notes = "\n".join(m.value for m in at.markdown)
    assert md_escape(ATTACK["notes"]) in notes and md_escape(ATTACK["unit"]) in notes
    stage = next(m for m in at.metric if m.label == "Stage")
    assert md_escape(ATTACK["stage"]) in stage.proto.help
    assert frame_has(at.dataframe[0].value, "Start of works")  # its stage dates followed the rename


def test_the_drill_down_breadcrumb_escapes_district_and_street():
    at = open_page("views/districts.py", **PLACE)
    assert_inert(at)
    labels = [b.label for b in at.button]
    assert md_escape(ATTACK["district"]) in labels  # the crumb back up to the district


def test_history_names_the_hostile_file_and_lists_uploader_and_comment_as_plain_cells():
    at = open_page("views/history.py", lang="en")
    assert_inert(at)
    table = html_table(at, "hi-versions")
    assert frame_has(table, ATTACK["uploader"]) and frame_has(table, ATTACK["comment"])  # cells: escaped HTML
    (download,) = [b for b in at.get("download_button") if b.proto.id.endswith("-hi_download")]  # the file's, not Excel
    assert md_escape(ATTACK["filename"]) in download.proto.label


@pytest.mark.parametrize("page", ["views/project.py", "views/districts.py"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_unknown_names_from_the_url_are_echoed_escaped(page, lang):
    params = {"district": URL_ATTACK, "name": URL_ATTACK} if page.endswith("project.py") else {"district": URL_ATTACK}
    at = open_page(page, lang=lang, **params)
    assert_inert(at)
    assert any(md_escape(URL_ATTACK) in i.value for i in at.info)


@pytest.mark.parametrize("page", ["views/overview.py", "views/project.py", "views/history.py"])
def test_invalid_app_parameters_are_ignored_and_never_shown(page):
    at = open_page(page, **HOSTILE_APP_PARAMS)
    texts = assert_inert(at)
    assert at.session_state["lang"] == "zh" and at.session_state["dataset"] == "published"
    assert at.session_state["version"] is None
    assert not [text for text in texts if "/l.png" in text or "http\\:\\/\\/evil\\.example\\)" in text]
    assert at.query_params["lang"] == "zh" and at.query_params["data"] == "published"


@pytest.mark.parametrize("version", ["²", "١٢", "1e3", "-1", "9" * 30, "999999999"])
def test_a_version_in_the_url_that_is_not_a_plain_small_number_shows_the_current_one(version):
    at = open_page("views/overview.py", version=version)
    assert_inert(at)
    assert at.session_state["version"] is None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_upload_scope_choice_escapes_the_files_district_names(make_xlsx, lang):
    district = f"[上传区](http://{EVIL}/up)<img src=x>"
    rows = [
        ["项目名称", "所属区县", "街道", "安置户数", "计划交付日期", "形象进度"],
        [f"![p](http://{EVIL}/p.png)", district, ATTACK["street"], 10, "2027-03-31", "主体封顶"],
    ]
    at = open_page("views/upload.py", lang=lang)
    at.file_uploader[0].upload(ATTACK["filename"], make_xlsx(rows).read_bytes()).run()
    texts = assert_inert(at)
    radio = next(r for r in at.radio if str(r.key).startswith("up_scope"))
    assert any(md_escape(district) in option for option in radio.proto.options)
    assert any(md_escape(EVIL) in text for text in texts)


def test_md_list_escapes_the_names_not_the_separators():
    assert md_list(["[a](b)", "c"], "en") == "\\[a\\]\\(b\\), c"
    assert md_list(["[a](b)", "c"], "zh") == "\\[a\\]\\(b\\)、c"


# --- the newest pages: supervision tasks and the 12345 hotline ----------------------------------------------------

ASSIGNEE = "li.hostile"  # the account the hostile tasks are given to (its own notice on the overview)


@pytest.fixture(scope="module")
def hostile_tasks(hostile_database) -> list[int]:
    """Tasks whose text, unit and project are hostile, raised long ago (late, so every notice shows them), and
    hotline tickets whose text, district and number are hostile."""
    import datetime as dt

    import pandas as pd
    from app_pages import account_for

    from housing import hotline as H
    from service import hotline as SH
    from service import tasks as S
    from service.roles import ADMIN, VIEWER, Actor
    from store import versions as V

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", hostile_database)
        boss, db = Actor("admin", ADMIN), open_database(hostile_database)
        account_for(boss)
        account_for(Actor(ASSIGNEE, VIEWER))
        raised = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)
        ids = [
            S.raise_task(boss, title=ATTACK["notes"], unit=ATTACK["unit"], assignee=ASSIGNEE, at=raised, engine=db),
            S.raise_task(
                boss,
                title=ATTACK["comment"],
                unit=ATTACK["stage"],
                assignee=ASSIGNEE,
                project=ATTACK["name"],
                district=ATTACK["district"],
                at=raised,
                engine=db,
            ),
        ]
        projects = V.version_projects(db, V.current_version_id(db))
        tickets = pd.DataFrame(
            [
                {
                    "ticket_no": ATTACK["uploader"],
                    "received": dt.datetime(2026, 11, 20, 9, 0),
                    "text": ATTACK["notes"],
                    "district": ATTACK["district"],
                    "replied": False,
                    "replied_at": None,
                    "satisfaction": None,
                    "sheet": ATTACK["filename"],
                    "row": 2,
                }
            ],
            columns=list(H.TICKET_DTYPES),
        ).astype(H.TICKET_DTYPES)
        SH.store_export(db, boss, tickets, projects, ATTACK["filename"], "11" * 32)
    return ids


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    ("page", "who"), [("views/tasks.py", "admin"), ("views/tasks.py", ASSIGNEE), ("views/overview.py", ASSIGNEE)]
)
def test_hostile_tasks_render_as_their_characters(hostile_tasks, page, who, lang):
    """The task tables and cards (``st.html``) escape every text; the assignee's notice and forms too."""
    import html

    from service.roles import ADMIN, VIEWER, Actor

    at = open_page(page, actor=Actor(who, ADMIN if who == "admin" else VIEWER), lang=lang)
    assert_inert(at, errors_allowed=True)  # late tasks are said in red
    bodies = "".join(h.proto.body for h in at.get("html"))
    assert html.escape(ATTACK["comment"]) in bodies and html.escape(ATTACK["unit"]) in bodies
    assert "<img src=x onerror" not in bodies and "<script>" not in bodies


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hostile_hotline_tickets_render_as_their_characters(hostile_tasks, lang):
    at = open_page("views/hotline.py", lang=lang)
    assert_inert(at)
    assert frame_has(at.dataframe[0].value, ATTACK["notes"])  # the unmatched ticket: a plain cell


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_hostile_task_sheet_renders_as_its_characters(hostile_tasks, make_xlsx, lang):
    rows = [
        ["事项", "项目", "责任单位", "责任人", "交办日期"],
        [ATTACK["notes"], ATTACK["name"], ATTACK["unit"], ASSIGNEE, "2026-11-02"],
        [ATTACK["comment"], URL_ATTACK, ATTACK["stage"], URL_ATTACK, "2026-11-02"],  # unknown project and account
    ]
    at = open_page("views/tasks.py", lang=lang)
    at.file_uploader[0].upload(ATTACK["filename"], make_xlsx(rows).read_bytes()).run()
    texts = assert_inert(at, errors_allowed=True)
    assert frame_has(html_table(at, "tv_issues"), URL_ATTACK)  # the issues name it, in an escaped cell
    assert texts


NOWRAP = '<span style="white-space:nowrap">{}</span>'


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("已逾期 31 天（计划 2021年3月31日）", "已逾期 31 天（计划 {}）".format(NOWRAP.format("2021年3月31日"))),
        ("31 days overdue (deadline 2021-03-31)", "31 days overdue (deadline {})".format(NOWRAP.format("2021-03-31"))),
        (
            "由2022年9月28日推迟至2023年3月6日",
            "由{}推迟至{}".format(NOWRAP.format("2022年9月28日"), NOWRAP.format("2023年3月6日")),
        ),
        ('<b>2021-03-31</b> & "x"', "&lt;b&gt;{}&lt;/b&gt; &amp; &quot;x&quot;".format(NOWRAP.format("2021-03-31"))),
        ("项目 12345-678", "项目 12345-678"),
        (None, ""),
    ],
)
def test_html_text_escapes_and_keeps_each_date_on_one_line(text, shown):
    assert html_text(text) == shown
