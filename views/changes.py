"""What changed since last week: the current version against an earlier one, most pressing first."""

from __future__ import annotations

import streamlit as st

from housing.fmt import fmt_date, fmt_datetime
from housing.i18n import t
from housing.settings import get_setting
from store import history as H
from store import versions as V
from ui.blocks import phone_layout
from ui.context import View, current_view
from ui.data import engine, uploader_label, weekly_for
from ui.escape import md_t
from ui.exports import download_xlsx, today_name, view_filters, weekly_sheets
from ui.weekly import counts, details


def compare_choice(view: View, version: V.Version) -> int | None:
    """The earlier version to compare ``version`` (the one in view) with: by default the newest one at least
    7 days older."""
    db = engine()
    older = [v for v in V.list_versions(db) if v.id < version.id]
    if not older:
        return None
    default = H.week_before(db, version)
    tz = str(get_setting("timezone"))
    names = {
        v.id: t(
            "hi_pick_label",
            view.lang,
            version=v.id,
            time=fmt_datetime(v.created_at, view.lang, tz),
            uploader=uploader_label(v.uploader, view.lang),
        )
        for v in older
    }
    ids = list(names)
    return st.selectbox(
        t("wk_compare_with", view.lang),
        ids,
        index=ids.index(default) if default in ids else 0,
        format_func=lambda i: names[i],
        key=f"wk_compare__{view.lang}",
        help=t("wk_compare_help", view.lang),
    )


view = current_view()
lang = view.lang
phone_layout()  # the style of the lists' HTML tables, and cards in their place on a phone
st.title(md_t("wk_title", lang, region=view.region()))
st.caption(t("as_of_caption", lang, date=fmt_date(view.as_of, lang)))
if view.source.version is None:
    st.info(t("wk_needs_versions", lang), icon=":material/info:")
else:
    compare_id = compare_choice(view, view.source.version)
    if compare_id is None:
        st.info(t("wk_first_version", lang, version=view.source.version.id), icon=":material/info:")
    else:
        st.caption(t("wk_caption", lang, old=compare_id, new=view.source.version.id))
        weekly = weekly_for(view, compare_id)
        counts(weekly, lang)
        if weekly.empty:
            st.success(t("wk_nothing", lang))
        else:
            details(weekly, lang, (compare_id, view.source.version.id, view.as_of, tuple(view.districts)))
            download_xlsx(
                t("xl_download", lang),
                lambda: weekly_sheets(weekly, lang),  # every list whole, built when downloaded
                view_filters(
                    view, (t("xl_compared", lang), t("wk_caption", lang, old=compare_id, new=view.source.version.id))
                ),
                today_name("xl_file_changes", view),
                "xl_changes",
                lang=lang,
            )
