"""The "send now" section (settings page, administrators): pick a configured channel, see the message exactly as
it will be sent with its size against the platform's limit, and send it through the service (audited)."""

from __future__ import annotations

import streamlit as st

from briefing.notice import NOTICE_SECTIONS, summary
from housing.i18n import t
from housing.notices import measure
from housing.settings import get_setting
from service import notices as N
from service.roles import Refused
from ui.context import View, current_actor, refusal_text
from ui.data import briefing_for, engine
from ui.escape import md_t


def _retry() -> N.Retry:
    """The configured attempts and backoff; no waiting for the rate limit on a page (it says to try later)."""
    return N.Retry(int(get_setting("notice_attempts")), float(get_setting("notice_backoff_s")), max_wait_s=0)


def send_now(view: View) -> None:
    """The section: channel, preview, send button and the outcome."""
    lang = view.lang
    st.subheader(t("nt_section", lang))
    st.caption(t("nt_intro", lang))
    names = N.channel_names()
    if not names:
        st.info(t("nt_no_channels", lang), icon=":material/forum:")
        return
    if not view.has_data:
        st.info(t("no_data_yet", lang), icon=":material/upload_file:")
        return
    name = st.selectbox(t("nt_channel", lang), names, key="nt_channel")
    try:
        ch = N.channel(name)
    except N.NoticeError as error:  # the configuration's own words (a channel's name, its kind) escaped
        st.error(md_t(error.key, lang, **error.params))
        return
    public_url = str(get_setting("public_url"))
    notice = summary(briefing_for(view, (), NOTICE_SECTIONS), ch.kind, public_url)
    if not public_url:
        st.caption(t("nt_no_public_url", lang))
    limit = ch.platform.max_bytes
    st.caption(
        t(
            "nt_preview",
            lang,
            kind=t(f"nt_kind_{ch.kind}", lang),
            bytes=f"{measure(ch.kind, notice.text):,}",
            limit=f"{limit:,}",
        )
    )
    st.code(notice.text, language="markdown", wrap_lines=True)
    if st.button(t("nt_send", lang), key="nt_send", type="primary", icon=":material/send:"):
        try:
            with st.spinner(md_t("nt_sending", lang, channel=ch.name)):  # retries can take a while
                sent = N.send_notice(engine(), current_actor(), ch.name, notice.title, notice.text, retry=_retry())
        except N.NoticeError as error:
            st.error(md_t(error.key, lang, **error.params), icon=":material/error:")
        except Refused as refused:
            st.error(refusal_text(refused, lang), icon=":material/lock:")
        else:
            st.success(md_t("nt_sent_ok", lang, channel=ch.name, bytes=f"{sent.bytes:,}", attempts=sent.attempts))
