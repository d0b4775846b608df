"""The collection-round commands: ``reportkit packs``, ``status``, ``accept`` and ``abolish``.

Thin shells over ``reportkit.collect``: parse, call, print in Japanese, return the exit code
(errors are ReportkitError, turned into a message and exit code by ``cli.main``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..files.atomic import atomic_path, write_text_atomic
from ..files.patterns import expand_patterns
from ..errors import ReportkitError
from ..inputs.input_folder import DEFAULT_INPUT

EXIT_OK = 0
EXIT_PROBLEMS = 1


# -- packs ---------------------------------------------------------------------------------------

def packs_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", metavar="DIR", type=Path,
                        help="配布するカードのある入力フォルダ（ふつうは reportkit rollover で作ったフォルダ）")
    parser.add_argument("-o", "--output", required=True, metavar="OUTDIR", type=Path,
                        help="担当課ごとのフォルダを作る出力フォルダ（存在しないか空のフォルダ）")
    parser.add_argument("--zip", action="store_true", help="担当課ごとの zip ファイルも作る（メール添付用）")
    parser.add_argument("--expected", metavar="FILE", type=Path,
                        help="提出予定の事業の一覧（既定: DIR/expected.json、なければ DIR/expected.csv。前年度の report.json も可）")


def run_packs(args: argparse.Namespace) -> int:
    """Write one folder (and zip) per division: its prefilled cards, a blank card and a checklist."""
    from ..collect.packs import write_packs

    result = write_packs(args.folder, args.output, zip_packs=args.zip, expected=args.expected)
    print(f"担当課ごとの配布用フォルダを作りました: {result.out_dir}（{len(result.packs)} 課）")
    for pack in result.packs:
        extra = f"、{pack.zip_file.name}" if pack.zip_file else ""
        print(f"  {pack.division}: カード {len(pack.workbooks)} 件、提出予定 {pack.expected} 件{extra}")
    for notice in result.notices:
        print(f"  注意: {notice}")
    return EXIT_OK


# -- status --------------------------------------------------------------------------------------

def status_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", nargs="?", metavar="DIR", type=Path, default=Path(DEFAULT_INPUT),
                        help=f"回収中の入力フォルダ（既定: {DEFAULT_INPUT}）")
    parser.add_argument("--expected", metavar="FILE", type=Path,
                        help="提出予定の事業の一覧（既定: DIR/expected.json、なければ DIR/expected.csv。前年度の report.json も可）")
    parser.add_argument("--format", choices=("text", "json", "xlsx"), default="text",
                        help="出力の形式: text（既定）、json、xlsx（-o が必要）")
    parser.add_argument("-o", "--output", metavar="FILE", type=Path,
                        help="結果を書き出すファイル（省略すると画面に表示）")


def run_status(args: argparse.Namespace) -> int:
    """Expected against received, per division and project; 0 when all is in and clean, else 1."""
    from ..collect.status import collection_status, format_status_text, status_data, status_sheets
    from ..workbook.tables import write_tables

    if args.format == "xlsx" and args.output is None:
        raise ReportkitError("--format xlsx には -o で書き出すファイル（例: 回収状況.xlsx）を指定してください。")
    status = collection_status(args.folder, args.expected)
    text = format_status_text(status)
    if args.format == "xlsx":
        with atomic_path(args.output) as tmp:
            write_tables(tmp, status_sheets(status))
    elif args.format == "json":
        data = json.dumps(status_data(status), ensure_ascii=False, indent=2) + "\n"
        if args.output is None:
            print(data, end="")
        else:
            write_text_atomic(args.output, data)
    elif args.output is not None:
        write_text_atomic(args.output, text)
    if args.output is not None:
        print(text.rstrip().splitlines()[-1])
        print(f"回収状況を書き出しました: {args.output}")
    elif args.format == "text":
        print(text, end="")
    return EXIT_OK if status.complete else EXIT_PROBLEMS


# -- accept --------------------------------------------------------------------------------------

def accept_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", type=Path,
                        help="返ってきた事業カードのブック。返信/*.xlsx のようなパターンも可（Windows のコマンド"
                             "プロンプトや PowerShell でも reportkit が展開する）")
    parser.add_argument("--into", required=True, metavar="DIR", type=Path,
                        help="受け付ける入力フォルダ（DIR/cards/<担当課>/ に置き、前の版は DIR/archive/ へ）")


def run_accept(args: argparse.Namespace) -> int:
    """File returned workbooks by division, archiving earlier versions; 1 when a filed one has errors."""
    from ..collect.accept import Filed, Skipped, accept

    files = expand_patterns(args.files)
    skipped: list[Skipped] = []  # a returned pack's checklist and untouched cards: decided before any filing

    def say(item: Filed) -> None:
        print(f"受け付けました: {item.source} → {item.target}（{item.division}、{item.project_id}）")
        for old, new in item.archived:
            print(f"  前の版を保管しました: {old} → {new}")
        if item.errors or item.warnings:
            print(f"  エラー {item.errors} 件、警告 {item.warnings} 件があります（reportkit validate {args.into} で確認できます）。")
        for issue in item.named_at_filing:
            print(f"  {'エラー' if issue.severity == 'error' else '警告'}: {issue.cell}　{issue.message}")

    try:
        filed = accept(files, args.into, skipped)
    except OSError:  # a write error while filing: the renames made are undone, so nothing is filed
        print("受け付けを中止しました。どのファイルも受け付けていません（途中まで済んだ移動は元に戻しました）。"
              "下の原因を直してから、もう一度すべてを受け付けてください。", file=sys.stderr)
        raise
    for item in skipped:
        print(f"飛ばしました: {item.source}: {item.reason}")
    for item in filed:
        say(item)
    with_errors = sum(1 for item in filed if item.errors)
    extra = f"、飛ばしたファイル {len(skipped)} 件" if skipped else ""
    print(f"{len(filed)} 件を受け付けました（エラーのあるブック {with_errors} 件{extra}）。")
    return EXIT_PROBLEMS if with_errors else EXIT_OK


# -- abolish -------------------------------------------------------------------------------------

def abolish_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project_id", metavar="管理番号", help="事業期間の途中で廃止した事業の管理番号")
    parser.add_argument("--input", metavar="DIR", type=Path, default=Path(DEFAULT_INPUT),
                        help=f"回収中の入力フォルダ（既定: {DEFAULT_INPUT}）。記録は DIR/abolished.json")
    parser.add_argument("--reason", metavar="TEXT", default="", help="廃止の理由（記録するときは必須）")
    parser.add_argument("--undo", action="store_true", help="廃止の記録を取り消す（カードは再び回収の対象になる）")


def run_abolish(args: argparse.Namespace) -> int:
    """Record a project as abolished (事業廃止) this year, or take the record back with --undo."""
    from ..collect.abolish import abolish, restore

    if args.undo:
        entry = restore(args.input, args.project_id)
        print(f"廃止の記録を取り消しました: {entry.project_id} {entry.name}（{entry.division}）。"
              "カードは再び回収・報告書の対象です。")
        return EXIT_OK
    entry = abolish(args.input, args.project_id, args.reason, by="コマンド")
    print(f"廃止として記録しました: {entry.project_id} {entry.name}（{entry.division}）　理由: {entry.reason}")
    print("  回収状況では「廃止」と表示され、報告書には載りません（取り消すには --undo）。")
    return EXIT_OK
