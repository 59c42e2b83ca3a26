"""Render report PDFs: context → Django template → WeasyPrint, static files from disk.

The two halves are public so that ``manage.py benchmark`` can time the whole report
against WeasyPrint alone on the same HTML (DESIGN.md §5): :func:`build_html` (context
and template) and :func:`html_to_pdf` (WeasyPrint). :func:`render_report` is both,
and :func:`render_report_cached` serves an unchanged report from Django's cache.

WeasyPrint's font configuration and the parsed ``report.css`` are built once per
process and reused: parsing the stylesheet and loading fonts would otherwise cost
as much as laying out a short report. Under gunicorn's sync workers each process
renders one report at a time; the lock only guards the first build.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import subprocess
import threading
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache as default_cache
from django.core.cache.backends.base import BaseCache
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from questionnaires.reports import fonts
from questionnaires.reports.context import ReportData, ReportMeta, report_context

TEMPLATES = {
    "clinician": "questionnaires/reports/clinician_report.html",
    "family": "questionnaires/reports/family_summary.html",
    "self": "questionnaires/reports/self_summary.html",
}
STYLESHEET = "css/report.css"
#: Every report language needs its font family installed (Debian package in brackets).
#: Japanese text is set in the committed subsets of questionnaires.reports.fonts first;
#: the system family draws any character they lack.
FONTS = {
    "en": ("Noto Sans", "fonts-noto-core"),
    "it": ("Noto Sans", "fonts-noto-core"),
    "ja": ("Noto Sans CJK JP", "fonts-noto-cjk"),
}
#: A base URL that can never be fetched (RFC 2606); the fetcher maps it to disk.
BASE_URL = "https://report.invalid/"
PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}
CACHE_SECONDS = 7 * 24 * 60 * 60

_REPORTS_DIR = Path(__file__).resolve().parent
# WeasyPrint logs seven progress lines per PDF at INFO; the app's INFO logs are for
# events, so report rendering keeps them quiet.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
_lock = threading.Lock()
_loaded: dict[str, Any] = {}


class MissingFontError(RuntimeError):
    """A report language's font is not installed; raised before any rendering."""


class ReportResourceError(RuntimeError):
    """A report asked for something other than a static file; nothing was rendered.

    WeasyPrint stops on such a fetch with a BaseException (FatalURLFetchingError),
    which Django's error handling and ``except Exception`` do not catch; this is the
    ordinary error it becomes.
    """


class StaticFilesFetcher(URLFetcher):
    """Serves ``{BASE_URL}{STATIC_URL}…`` from the staticfiles finders, nothing else.

    A report never makes a network request: any other URL (http, file, data…) is
    an error that stops the rendering.
    """

    def __init__(self) -> None:
        super().__init__(fail_on_errors=True)

    def fetch(
        self, url: str, headers: Mapping[str, str] | None = None
    ) -> URLFetcherResponse:
        prefix = BASE_URL + settings.STATIC_URL.lstrip("/")
        if not url.startswith(prefix):
            raise ValueError(f"Reports may only load static files, not {url!r}")
        relative = unquote(urlsplit(url[len(prefix) :]).path)
        if relative.startswith("/") or ".." in relative.split("/"):
            raise ValueError(f"Reports may only load static files, not {url!r}")
        found = finders.find(relative)
        if not found or isinstance(found, list):
            raise ValueError(f"Static file not found: {relative!r}")
        return URLFetcherResponse(url, body=Path(found).read_bytes())


@cache
def _installed_families() -> frozenset[str]:
    if shutil.which("fc-list") is None:
        raise MissingFontError(
            "fc-list (fontconfig) is not installed; reports cannot check their fonts."
        )
    listing = subprocess.run(
        ["fc-list", ":", "family"],  # noqa: S607 - fontconfig's own tool, on PATH
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return frozenset(
        name.strip() for line in listing.splitlines() for name in line.split(",")
    )


def ensure_fonts(lang: str) -> None:
    """Raise :class:`MissingFontError` unless ``lang``'s font family is installed.

    Without it WeasyPrint would silently fall back to another font or draw empty
    boxes; a clear error before rendering is better.
    """
    if lang not in FONTS:
        raise ValueError(f"Unsupported report language {lang!r}")
    family, package = FONTS[lang]
    if family not in _installed_families():
        raise MissingFontError(
            f'The font "{family}" needed for {lang} reports is not installed '
            f"(Debian package {package})."
        )


def _resources() -> tuple[FontConfiguration, CSS, StaticFilesFetcher]:
    """The process-wide font configuration, parsed stylesheet and URL fetcher."""
    if not _loaded:
        with _lock:
            if not _loaded:
                fetcher = StaticFilesFetcher()
                font_config = FontConfiguration()
                css_path = finders.find(STYLESHEET)
                if not css_path or isinstance(css_path, list):
                    raise FileNotFoundError(f"Static file {STYLESHEET} not found")
                stylesheet = CSS(
                    string=Path(css_path).read_text(encoding="utf-8"),
                    base_url=BASE_URL + settings.STATIC_URL.lstrip("/") + "css/",
                    url_fetcher=fetcher,
                    font_config=font_config,
                )
                _loaded.update(fonts=font_config, css=stylesheet, fetcher=fetcher)
    return _loaded["fonts"], _loaded["css"], _loaded["fetcher"]


@cache
def layout_version() -> str:
    """A short hash of everything that shapes a report besides its data.

    Templates, stylesheet, Japanese fonts, report code and approved wording: a
    change to any of them changes the cache key and the version printed in the
    clinician header.
    """
    digest = hashlib.sha256()
    template_dir = Path(settings.BASE_DIR) / "templates" / "questionnaires" / "reports"
    wording = _REPORTS_DIR.parent / "scoring" / "wording.py"
    css_path = finders.find(STYLESHEET)
    sources = [
        *sorted(template_dir.glob("*.html")),
        *sorted(_REPORTS_DIR.glob("*.py")),
        wording,
        # The report's words are gettext messages: a new translation is a new layout.
        *sorted((Path(settings.BASE_DIR) / "locale").glob("*/LC_MESSAGES/django.mo")),
        *([Path(css_path)] if isinstance(css_path, str) else []),
        *(fonts.FONT_DIR / name for name in fonts.FILES.values()),
    ]
    for path in sources:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def build_html(
    data: ReportData, *, audience: str, lang: str, shared: Sequence[str] = ()
) -> str:
    """The final report HTML: context (pure) rendered through the audience template."""
    meta: ReportMeta = {**data.meta, "layout_version": layout_version()}
    context = report_context(
        ReportData(data.snapshot, data.instruments, meta, data.own, data.answers),
        audience=audience,
        lang=lang,
        shared=shared,
    )
    with translation.override(lang):
        return render_to_string(TEMPLATES[audience], context)


def html_to_pdf(html: str) -> bytes:
    """Lay out report HTML as a tagged PDF/UA-1 with the shared fonts and stylesheet."""
    font_config, stylesheet, fetcher = _resources()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    try:
        pdf: bytes = document.write_pdf(
            stylesheets=[stylesheet], font_config=font_config, **PDF_OPTIONS
        )
    except FatalURLFetchingError as error:
        raise ReportResourceError(str(error.__cause__ or error)) from error
    return pdf


def render_report(
    data: ReportData, *, audience: str, lang: str, shared: Sequence[str] = ()
) -> bytes:
    """The PDF of one report (fonts checked first); ``shared`` as in report_context."""
    ensure_fonts(lang)
    return html_to_pdf(build_html(data, audience=audience, lang=lang, shared=shared))


def cache_key(
    data: ReportData, *, audience: str, lang: str, shared: Sequence[str] = ()
) -> str:
    """The report's content address: its data, audience, language, sharing, layout."""
    payload = json.dumps(
        [
            data.snapshot,
            data.instruments,
            data.meta,
            data.own,
            data.answers,
            audience,
            lang,
            sorted(shared),
            layout_version(),
        ],
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return "report-pdf:" + hashlib.sha256(payload.encode()).hexdigest()


def render_report_cached(
    data: ReportData,
    *,
    audience: str,
    lang: str,
    shared: Sequence[str] = (),
    cache: BaseCache | None = None,
    owner: str = "",
) -> bytes:
    """:func:`render_report`, served from the cache when the same report was made.

    With ``owner`` (see :func:`cache_owner`) the cached PDF is listed under it, so
    :func:`forget_cached_reports` can delete it when the owner's data is erased.
    """
    store = default_cache if cache is None else cache
    key = cache_key(data, audience=audience, lang=lang, shared=shared)
    cached = store.get(key)
    if isinstance(cached, bytes):
        return cached
    pdf = render_report(data, audience=audience, lang=lang, shared=shared)
    store.set(key, pdf, CACHE_SECONDS)
    if owner:
        _remember(store, owner, key)
    return pdf


def cache_owner(screening_pk: int) -> str:
    """The name cached PDFs of one screening are listed under."""
    return f"report-pdf-owner:screening:{screening_pk}"


def _remember(store: BaseCache, owner: str, key: str) -> None:
    # A counter and one entry per PDF rather than one list: incr is atomic in
    # Redis and locmem, so two servers caching at once cannot lose an entry. The
    # counter's expiry is pushed past that of the newest PDF it lists.
    store.add(owner, 0, CACHE_SECONDS)
    try:
        number = store.incr(owner)
    except ValueError:  # expired between add and incr
        store.set(owner, 1, CACHE_SECONDS)
        number = 1
    store.touch(owner, CACHE_SECONDS)
    store.set(f"{owner}:{number}", key, CACHE_SECONDS)


def forget_cached_reports(owner: str, *, cache: BaseCache | None = None) -> int:
    """Delete every cached PDF listed under ``owner``; return how many there were."""
    store = default_cache if cache is None else cache
    count = store.get(owner)
    entries = [f"{owner}:{n}" for n in range(1, count + 1)] if count else []
    keys = [k for k in store.get_many(entries).values() if isinstance(k, str)]
    present = len(store.get_many(keys)) if keys else 0
    store.delete_many([*keys, *entries, owner])
    return present


def forget_screening_reports(screening_pks: Iterable[int]) -> int:
    """Delete every cached PDF of these screenings; return how many there were."""
    return sum(forget_cached_reports(cache_owner(pk)) for pk in screening_pks)
