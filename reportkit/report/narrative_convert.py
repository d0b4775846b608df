"""``reportkit narratives DIR --to-docx``: the Markdown narratives of an input folder turned into Word files.

Each ``narratives/NAME.md.j2`` (or ``NAME.md``) becomes ``narratives/NAME.docx`` in reference.docx's
styles (``render.word_narrative``), and the Markdown moves to ``narratives/markdown/``, where the
build no longer reads it. Nothing is lost: every file is checked before any is written (a Word file
or a kept Markdown already there, a placeholder block that spans paragraphs and so cannot be split
into Word's paragraphs), each Word file is written beside its target and read back
(``word.reader``) — it must give the same blocks as the Markdown — before it takes its name, and only
then does the Markdown move. Stopped part way (a write error, a file that cannot move), the error
lists the parts converted, the one it stopped at and the ones left as they were. A verbatim ``.md`` keeps its braces: they are written as placeholders
that print them (``{{ '{{' }}``), since every paragraph of a Word narrative is a template.

The narratives are found as a build finds them (``year_inputs.read_narratives``: the files directly
in narratives/, lock files aside). This is a command on the folder, not a stage of the build: it
writes the Word files and moves the Markdown itself.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from ..blocks import MERGE_UP, Block, marker_text, plain, spans
from ..errors import InputFolderError, NarrativeError
from ..files.atomic import atomic_path
from ..inputs.input_folder import NARRATIVES_DIR, InputFolder
from .narrative_templates import make_environment, word_source
from ..render.narratives import parse
from ..render.styles import check as check_styles
from ..render.word_narrative import write_word_narrative
from ..word.reader import read_narrative
from ..inputs.year_inputs import WORD_SUFFIX, Narratives, NarrativeSource, read_narratives

MARKDOWN_DIR = "markdown"  # in narratives/: the Markdown a conversion kept
_JINJA_OPENING = re.compile(r"\{[{%#]")


@dataclass
class Conversion:
    """What a conversion did: (Markdown, its Word file, where the Markdown went) per part."""

    converted: list[tuple[Path, Path, Path]] = field(default_factory=list)


def _narratives(input_dir: Path) -> Narratives:
    """The narratives of ``input_dir`` as a build reads them (``year_inputs``); InputFolderError without the folder."""
    narratives = read_narratives(Path(input_dir) / NARRATIVES_DIR)
    if not narratives.present:
        raise InputFolderError(f"説明文のフォルダがありません: {narratives.folder}")
    return narratives


def convert_to_docx(input_dir: Path) -> Conversion:
    """Turn every Markdown narrative of ``input_dir/narratives`` into its .docx; the Markdown to ``markdown/``.

    Raises NarrativeError (nothing written) when a part cannot be converted, InputFolderError without
    a narratives folder.
    """
    narratives = _narratives(input_dir)
    folder = narratives.folder
    own = InputFolder(Path(input_dir)).reference  # the folder's own styles, as the build uses them
    reference = own.read_bytes() if own.is_file() else None
    if reference is not None:
        check_styles(reference, own)
    kept = folder / MARKDOWN_DIR
    problems: list[str] = []
    planned: list[tuple[NarrativeSource, Path, Path, list[Block]]] = []
    environment = make_environment(narratives)
    for source in (source for source in narratives.sources.values() if not source.is_word):
        target = folder / (source.part + WORD_SUFFIX)
        shown = f"{NARRATIVES_DIR}/{source.name}"
        if word_source(narratives, source.name) is not None or target.exists():
            problems.append(f"{shown}: {NARRATIVES_DIR}/{target.name} がすでにあります（同じ説明文が両方の形式にあります。"
                            "どちらか一方を残してください）。")
            continue
        if (kept / source.name).exists():
            problems.append(f"{shown}: {NARRATIVES_DIR}/{MARKDOWN_DIR}/{source.name} がすでにあります（上書きしません）。")
            continue
        try:
            text = source.text()
        except UnicodeDecodeError:
            problems.append(f"{shown}: 読めません（文字コードを UTF-8 にして保存し直してください）。")
            continue
        blocks = parse(text)
        if not source.name.endswith(".j2"):
            blocks = [_map_texts(block, _escape) for block in blocks]
        for text in _texts(blocks):
            try:
                environment.parse(plain(text))
            except jinja2.TemplateSyntaxError:
                problems.append(f"{shown}: 「{plain(text)[:30]}」の差し込みの指定が段落の中で閉じていないか、書き方に誤りが"
                                "あります。Word の説明文では、if・for の指定を一つの段落の中で閉じてください。")
                break
        planned.append((source, target, kept / source.name, blocks))
    if problems:
        raise NarrativeError("説明文を Word 文書に変換しませんでした（ファイルは変わっていません）。\n" + "\n".join(problems))
    result = Conversion()
    for source, target, moved, blocks in planned:
        shown = f"{NARRATIVES_DIR}/{source.name}"
        try:
            with atomic_path(target) as staged:
                write_word_narrative(blocks, staged, reference)
                read_back = read_narrative(staged)
                if read_back.findings or _canonical(read_back.blocks) != _canonical(_as_read(blocks)):
                    raise NarrativeError(f"{shown}: 変換した Word 文書の内容が元の文章と一致しないため、"
                                         "変換を中止しました（このファイルは変わっていません）。")
        except (OSError, NarrativeError) as exc:
            raise _stopped(result, planned, _reason(exc)) from exc
        try:
            kept.mkdir(exist_ok=True)
            os.replace(source.path, moved)
        except OSError as exc:
            raise _stopped(result, planned, f"{NARRATIVES_DIR}/{target.name} は書き出しましたが、{shown} を "
                                            f"{NARRATIVES_DIR}/{MARKDOWN_DIR}/ へ移せませんでした（{_reason(exc)}）。"
                           f"両方あると報告書を作れません: {shown} を {NARRATIVES_DIR}/{MARKDOWN_DIR}/ へ手で移すか、"
                           f"{NARRATIVES_DIR}/{target.name} を削除してください。") from exc
        result.converted.append((source.path, target, moved))
    return result


def _reason(exc: BaseException) -> str:
    """Why one part could not be converted: a NarrativeError's own words, or the file an OSError names."""
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    return str(exc)


def _stopped(result: Conversion, planned: list, reason: str) -> NarrativeError:
    """The error of a conversion stopped part way: what it did, what stopped it, what it left as it was."""
    done = [f"{NARRATIVES_DIR}/{target.name}" for _, target, _ in result.converted]
    left = [f"{NARRATIVES_DIR}/{source.name}" for source, *_ in planned[len(result.converted) + 1:]]
    said = [f"変換の途中で止まりました: {reason}"]
    if done:
        said.append(f"Word 文書にしたのは次の {len(done)} 件です（その Markdown は {NARRATIVES_DIR}/{MARKDOWN_DIR}/ "
                    f"へ移しました）: {'、'.join(done)}")
    else:
        said.append("Word 文書にした説明文はありません。")
    if left:
        said.append(f"次の {len(left)} 件は変換していません（変わっていません）: {'、'.join(left)}")
    said.append("原因を直してから、もう一度 reportkit narratives --to-docx を実行してください（変換済みのものは"
                "そのままで、残りだけを変換します）。")
    return NarrativeError("\n".join(said))


def narrative_forms(input_dir: Path) -> list[tuple[str, str]]:
    """(file name, its form in Japanese) of each narrative file of ``input_dir/narratives``."""
    forms = []
    for name, source in _narratives(input_dir).sources.items():
        if source.is_word:
            forms.append((name, "Word"))
        else:
            forms.append((name, "Markdown（差し込みあり）" if name.endswith(".j2") else "Markdown"))
    return forms


def _escape(text: str) -> str:
    """A verbatim text as a template that prints it: ``{{`` → ``{{ '{{' }}``."""
    return _JINJA_OPENING.sub(lambda match: "{{ '" + match.group() + "' }}", text)


def _map_texts(block: Block, change) -> Block:
    kind, data = block
    if kind == "grid":
        return kind, [[change(cell) for cell in row] for row in data]
    if kind in ("table", "figure"):
        return block
    return kind, change(data)


def _texts(blocks: list[Block]):
    for kind, data in blocks:
        if kind == "grid":
            yield from (cell for row in data for cell in row)
        elif kind not in ("table", "figure"):
            yield data


def _as_read(blocks: list[Block]) -> list[Block]:
    """The blocks as the Word reader gives them back: a marker a paragraph, a ・ item without its ・, a
    table's rows as long as its widest with a merge as ``^``."""
    found = []
    for kind, data in blocks:
        if kind in ("table", "figure"):
            found.append(("paragraph", marker_text(data)))
        elif kind == "bullet":
            found.append((kind, data.lstrip("・").lstrip("\u3000 ")))
        elif kind == "grid":
            columns = max(len(row) for row in data)
            rows = [[cell.strip() for cell in row] + [""] * (columns - len(row)) for row in data]
            for index, row in enumerate(rows):
                if index >= 2 and not plain(row[0]):  # an empty first cell continues the one above
                    row[0] = MERGE_UP
            found.append((kind, rows))
        else:
            found.append((kind, data))
    return found


def _canonical(blocks: list[Block]) -> list:
    """Blocks compared as printed: each text as its characters with whether each is bold (spaces aside),
    a ruby group as its base, bold and reading."""

    def text(value: str) -> tuple:
        return plain(value), tuple(atom for piece, bold, reading in spans(value) for atom in (
            [(piece, bold, reading)] if reading else [(char, bold) for char in piece if not char.isspace()]))

    return [(kind, [[text(c) for c in row] for row in data] if kind == "grid" else text(data))
            for kind, data in blocks]
