"""HTML articles: trafilatura for text and title, htmldate for the date. Fully offline.

trafilatura never fetches; htmldate *does* fetch when handed a string that looks like a
URL, so it is only ever given an already-parsed lxml tree.
"""
from __future__ import annotations

import logging
import re
import unicodedata

from saidwhat.models import Document
from saidwhat.sources.errors import Reject

# trafilatura/htmldate log an ERROR/WARNING for every page they reject; the IngestError says it.
# Silenced unless the application configured these loggers itself.
for _name in ("trafilatura", "htmldate"):
    if logging.getLogger(_name).level == logging.NOTSET:
        logging.getLogger(_name).setLevel(logging.CRITICAL)


def _meta(tree, *keys: str) -> str | None:
    """First non-empty content of <meta property|name=key> for the given keys."""
    for key in keys:
        for el in tree.iterfind(".//meta"):
            if (el.get("property") or el.get("name") or "").strip().lower() == key:
                val = (el.get("content") or "").strip()
                if val:
                    return val
    return None


def _canonical(tree) -> str | None:
    for el in tree.iterfind(".//link"):
        rel = (el.get("rel") or "").lower().split()
        href = (el.get("href") or "").strip()
        if "canonical" in rel and href:
            return href
    return None


def _paragraphs(text: str) -> str:
    """trafilatura separates blocks by one newline; use a blank line like the text articles."""
    lines = [ln.strip() for ln in text.split("\n")]
    return "\n\n".join(ln for ln in lines if ln)


_DOCUMENT_TAG = re.compile(r"<(?:html|body)[\s>]", re.I)


MIN_ARTICLE_WORDS = 8  # fewer words than this is a menu or a stub, not an article


# libxml2 stops building the tree below 256 levels of nesting (2,048 with its "huge" option) and the
# text under that depth is lost; past it, container tags are dropped and the page parsed again.
_CONTAINER_TAG = re.compile(r"</?(?!(?:p|br|h[1-6]|li|blockquote|title|meta|link|head|body|html|script|style)\b)"
                            r"[a-zA-Z][^>]*>")


def _too_deep(parser) -> bool:
    return any("Excessive depth" in e.message for e in parser.error_log)


def _deep_tree(html: str):
    """None when the page is within libxml2's default depth; else the page as an lxml tree parsed
    with the huge option, or flattened (container tags dropped) when even that is too deep. Raises
    Reject when the flattened page is still nested too deeply to read."""
    import lxml.html

    def parse(markup: str, huge: bool = True):
        parser = lxml.html.HTMLParser(huge_tree=huge, remove_comments=True, remove_pis=True,
                                      collect_ids=False, default_doctype=False)
        return lxml.html.document_fromstring(markup, parser=parser), parser

    _, parser = parse(html, huge=False)
    if not _too_deep(parser):
        return None
    tree, parser = parse(html)
    if _too_deep(parser):
        tree, parser = parse(_CONTAINER_TAG.sub(" ", html))
        if _too_deep(parser):
            raise Reject("no_article_text", "the HTML is nested too deeply to read (over 2,048 levels, "
                                            "even without its container tags)")
    return tree


def build_html_document(source: str, html: str) -> Document:
    """An HTML Document (id and language are filled in by the caller)."""
    import htmldate
    import trafilatura
    from trafilatura.utils import load_html

    if not _DOCUMENT_TAG.search(html[:65536]):  # trafilatura rejects bare single-block fragments
        html = f"<html><body>{html}</body></html>"

    def extract(page):
        extracted = trafilatura.bare_extraction(page, output_format="python", include_comments=False,
                                                with_metadata=True, favor_precision=True)
        body = getattr(extracted, "text", None) if extracted is not None else None
        text = _paragraphs(unicodedata.normalize("NFC", body or ""))
        return extracted, text, len(re.findall(r"\w+", text))

    extracted, text, words = extract(html)
    if words < MIN_ARTICLE_WORDS:
        deep = _deep_tree(html)  # text lost below the parser's depth limit? read it again
        if deep is not None:
            extracted, text, words = extract(deep)
    if words < MIN_ARTICLE_WORDS:
        raise Reject("no_article_text", f"trafilatura found no article text in this HTML page "
                                        f"({words} words of text outside navigation and scripts)")

    doc = Document(id="", source=source, text=text, format="html")
    title = (getattr(extracted, "title", None) or "").strip()
    doc.title = title or None

    tree = load_html(html)  # a parsed tree: htmldate must never see a URL-like string
    if tree is not None:
        doc.outlet = _meta(tree, "og:site_name")
        doc.url = _canonical(tree) or _meta(tree, "og:url")
        try:
            published = htmldate.find_date(tree, extensive_search=False, original_date=True)
        except Exception:  # a date is optional; never lose the article over it
            published = None
        if published:
            doc.published, doc.date_basis = published, "html"
    return doc
