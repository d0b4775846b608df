"""Narrative texts: jinja2 templates in a small Markdown dialect, written as named-style paragraphs.

The dialect: ``## `` a document heading (section ４'s texts, listed in the TOC),
``### `` a sub-heading, ``- `` items printed with ・, blank-line separated
paragraphs (line breaks inside a paragraph are joined without a space, as
Japanese text wants), and a paragraph that is exactly ``[表:4-1]`` or
``[図:4-1]`` is replaced by that statistics table or chart.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt

from ..errors import ReportkitError
from . import styles
from ..japanese import era_short
from .text import full_width, nendo, short_nendo, zen

_OBJECT = re.compile(r"^\[(表|図):\s*([0-9A-Za-z０-９\-－]+)\]$")


class NarrativeError(ReportkitError):
    """A narrative template is missing, malformed or uses an unknown placeholder."""


def make_environment(folder: Path) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder), encoding="utf-8-sig"),  # a BOM from Notepad is fine
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    environment.filters["nendo"] = nendo  # {{ year | nendo }} → 令和２年度; {{ 2019 | nendo }} → 令和元年度
    environment.filters["short_nendo"] = short_nendo  # the column heads' ２年度, 元年度
    environment.filters["era_short"] = era_short  # H30, R元, R2
    environment.filters["zen"] = zen
    environment.filters["full_width"] = full_width
    return environment


def render_source(folder: Path, name: str, context: dict) -> str:
    """The template's text with placeholders filled (``.md`` files are taken verbatim)."""
    path = folder / name
    if not path.is_file():
        raise NarrativeError(f"説明文のファイルが見つかりません: {path}")
    try:
        if not name.endswith(".j2"):
            return path.read_text(encoding="utf-8-sig")
        return make_environment(folder).get_template(name).render(**context)
    except UnicodeDecodeError as exc:
        raise NarrativeError(f"説明文 {path} を読めません。文字コードを UTF-8 にして保存し直してください。") from exc
    except jinja2.UndefinedError as exc:
        raise NarrativeError(f"説明文 {path} に知らない差し込み項目があります: {exc.message}") from exc
    except jinja2.TemplateError as exc:
        raise NarrativeError(f"説明文 {path} の書式に誤りがあります: {exc}") from exc


Block = tuple[str, str]  # (kind, text): kind is heading2 | heading | paragraph | bullet | table | figure


def parse(text: str) -> list[Block]:
    """Parse the dialect into blocks."""
    parser = MarkdownIt("zero").enable(["heading", "list"])
    tokens = parser.parse(text)
    blocks: list[Block] = []
    pending_kind: str | None = None
    in_item = False
    for token in tokens:
        if token.type == "heading_open":
            pending_kind = "heading2" if token.tag in ("h1", "h2") else "heading"
        elif token.type == "list_item_open":
            in_item = True
        elif token.type == "list_item_close":
            in_item = False
        elif token.type == "paragraph_open":
            pending_kind = "bullet" if in_item else "paragraph"
        elif token.type == "inline":
            content = _inline_text(token)
            kind = pending_kind or "paragraph"
            match = _OBJECT.match(content.strip())
            if kind == "paragraph" and match:
                number = match.group(2).translate(str.maketrans("０１２３４５６７８９－", "0123456789-"))
                blocks.append(("table" if match.group(1) == "表" else "figure", f"{match.group(1)}{number}"))
            else:
                blocks.append((kind, content))
            pending_kind = None
    return blocks


def _inline_text(token) -> str:
    parts = []
    for child in token.children or []:
        if child.type == "softbreak":
            continue  # Japanese: a wrapped line joins without a space
        if child.type == "hardbreak":
            parts.append("\n")
        else:
            parts.append(child.content)
    return "".join(parts).strip().lstrip("\u3000")


def write(writer, blocks: list[Block], insert_object: Callable[[str, str], None],
          add_heading2: Callable[[str], None] | None = None) -> None:
    """Write blocks as named-style paragraphs (``writer.paragraph(style, text)``); tables/figures via the callback."""
    for kind, text in blocks:
        if kind == "heading2" and add_heading2 is not None:
            add_heading2(text)
        elif kind in ("heading", "heading2"):
            writer.paragraph(styles.SUBHEADING, text)
        elif kind == "bullet":
            writer.paragraph(styles.BULLET, "・" + text.lstrip("・"))
        elif kind in ("table", "figure"):
            insert_object(kind, text)
        else:
            writer.paragraph(styles.BODY, text)
