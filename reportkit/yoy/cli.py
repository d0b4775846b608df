"""The year-over-year commands: ``reportkit rollover`` and ``reportkit diff``.

Argument and run functions for the COMMANDS table of ``reportkit.cli.main``: each handler returns the
exit code (0 ok, 1 problems in the inputs); fatal errors are ReportkitError, turned into a
Japanese message and exit code by ``cli.main``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import ReportkitError, ValidationFailed
from ..inputs.input_folder import DEFAULT_INPUT, InputFolder
from ..issues import FIELD_LABELS

EXIT_OK = 0
DEFAULT_DIFF_DIR = Path("outputs") / "diff"


def rollover_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", nargs="?", default=DEFAULT_INPUT, metavar="DIR",
                        help=f"今年度の入力フォルダ（既定: {DEFAULT_INPUT}）")
    parser.add_argument("--to-year", required=True, type=_year_argument, metavar="Y",
                        help="次年度（例: 2014、平成26年度、R7）")
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="NEWDIR",
                        help="作る次年度の入力フォルダ（存在しないか空のフォルダ）")


def diff_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", type=Path, metavar="OLD", help="旧：報告書の出力フォルダ・report.json・入力フォルダ")
    parser.add_argument("new", type=Path, metavar="NEW", help="新：報告書の出力フォルダ・report.json・入力フォルダ")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_DIFF_DIR, metavar="OUTDIR",
                        help=f"diff.xlsx と diff.html を書くフォルダ（既定: {DEFAULT_DIFF_DIR}）")
    parser.add_argument("--redline", action="store_true",
                        help="両方が作成済みの報告書（report.json の横に report.docx）のとき、"
                             "変更履歴付きの Word 文書 redline.docx も作る")
    parser.add_argument("--author", default=None, metavar="NAME",
                        help="redline.docx の変更履歴の作成者（既定: 事務局）")


def _year_argument(text: str) -> int:
    from ..errors import ParseError
    from ..japanese import parse_fiscal_year

    try:
        return parse_fiscal_year(text)
    except ParseError:
        raise argparse.ArgumentTypeError(f"年度「{text}」を読めません（例: 2014、平成26年度、R7）") from None


# -- rollover ------------------------------------------------------------------------------------

def run_rollover(args: argparse.Namespace) -> int:
    from ..japanese import nendo
    from .rollover import rollover

    try:
        result = rollover(Path(args.input), args.to_year, args.output)
    except ValidationFailed as exc:
        _error(str(exc))
        for issue in [i for i in exc.issues if i.severity == "error"][:10]:
            where = "　".join(p for p in (issue.file, issue.cell) if p)
            print(f"  {where}: {issue.message}", file=sys.stderr)
        return exc.exit_code
    print(f"{nendo(result.to_year)}の入力フォルダを作りました: {result.out_dir}")
    print(f"  カード {len(result.cards)} 件（{result.out_dir / 'cards'}）")
    print(f"  multi_year.csv に{nendo(result.from_year)}の基本方針別の事業数・決算額を追記しました"
          f"（{sum(f.count for f in result.figures)} 件、{sum(f.amount for f in result.figures):,} 千円）。")
    print("  config.toml の年度と表紙の発行年月、narratives/ の文章を確認してください。")
    print("  各課には、事業費（必須）と事業実施結果の値、重点・主要成果・緊急雇用・新規事業の欄の記入を依頼してください。")
    print(f"  {nendo(result.from_year)}の指定: " + "、".join(f"{FIELD_LABELS[flag]} {count} 件" for flag, count
                                                  in result.flags.items()) + "（次年度のカードでは空欄です）")
    for notice in result.notices:
        print(f"  注意: {notice}")
    for line in ended_lines(result):
        print(line)
    return EXIT_OK


def ended_lines(result) -> list[str]:
    """Rollover's cards whose 事業期間 is over, as one 注意 and one line per division (file names in cards/)."""
    from ..japanese import nendo_or_western

    if not result.ended:
        return []
    latest = max(card.period_end for card in result.ended)
    to_year = nendo_or_western(result.to_year, western_suffix="年度")
    lines = [f"  注意: 事業期間が{nendo_or_western(latest, western_suffix='年度')}までに終わっている事業が "
             f"{len(result.ended)} 件あります。{to_year}も続ける事業はカードの事業期間を直し、終了した事業は"
             "カードのファイルを削除してください（担当課ごとの cards/ のファイル名）:"]
    by_division: dict[str, list] = {}
    for card in result.ended:
        by_division.setdefault(card.division, []).append(card)
    for division, cards in by_division.items():
        names = []
        for card in cards:
            name = _in_cards(card.file, division)
            if card.period_end != latest:
                name += f"（{nendo_or_western(card.period_end, western_suffix='年度')}まで）"
            names.append(name)
        lines.append(f"    {division}（{len(cards)} 件）: " + "、".join(names))
    return lines


def _in_cards(file: str, division: str) -> str:
    """``cards/商工政策課/001_….xlsx`` of ``商工政策課`` → ``001_…``: what is left to tell the file apart."""
    parts = file.split("/")[1:] if file.startswith("cards/") else file.split("/")
    if len(parts) > 1 and parts[0] == division:
        parts = parts[1:]
    return "/".join(parts).removesuffix(".xlsx")


# -- diff ----------------------------------------------------------------------------------------

def run_diff(args: argparse.Namespace) -> int:
    from .compare import compare
    from .outputs import summary_text, write_diff_outputs
    from .redline import built_docx

    sides = [built_docx(args.old), built_docx(args.new)]
    if args.redline:
        if None in sides:
            raise ReportkitError("--redline は、両方が作成済みの報告書（report.json の横に report.docx があるフォルダ）のときだけ使えます。")
    for side in (args.old, args.new):
        _check_output_outside(args.output, side)
    diff = compare(args.old, args.new)
    written = write_diff_outputs(diff, args.output)
    print(summary_text(diff), end="")
    if args.redline:
        from .redline import DEFAULT_AUTHOR, REDLINE_DOCX, redline

        result = redline(sides[0], sides[1], args.output / REDLINE_DOCX, author=args.author or DEFAULT_AUTHOR,
                         diff=diff)
        written.append(result.path)
        print(f"変更履歴付きの Word 文書を作りました（{result.seconds:.1f} 秒、変更 {result.revisions} 件）。")
    print("出力: " + "、".join(str(p) for p in written))
    return EXIT_OK


def _check_output_outside(output: Path, side: Path) -> None:
    """Never write into an input folder (diff.xlsx there would be read as a card next time)."""
    folder = InputFolder(side)
    if folder.is_input_folder and folder.contains(output):
        raise ReportkitError(f"出力フォルダ {output} が入力フォルダ {side} の中にあります。別のフォルダを指定してください。")


def _error(message: str) -> None:
    print(f"エラー: {message}", file=sys.stderr)
