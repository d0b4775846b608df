"""The ``reportkit`` command: parse arguments, call the library, print, map errors to exit codes.

Exit codes: 0 = no errors (warnings allowed), 1 = problems found in the inputs,
2 = usage error or a fatal problem (unreadable config or folder).

Each subcommand is one ``Command``: a function that adds its arguments and a function that runs
it and returns the exit code. To add one (``build``, ``rollover``, ``diff``), write those two
functions and append a Command to COMMANDS below.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import collect as cli_collect, serve as cli_serve
from ..inputs.card_settings import default_year_config, year_config
from ..errors import InputFolderError, ReportkitError
from ..files.patterns import expand_patterns
from ..inputs.input_folder import DEFAULT_INPUT, default_outputs
from ..checks.report_text import format_json, format_text, write_by_division
from ..checks.validate import validate_files, validate_folder
from ..yoy import cli as yoy_cli

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


# -- argparse in Japanese ------------------------------------------------------------------------

_ARGPARSE_MESSAGES = (
    (r"the following arguments are required: (.*)", r"次の引数が必要です: \1"),
    (r"unrecognized arguments: (.*)", r"知らない引数です: \1"),
    (r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)", r"\1 の値 \2 は使えません（選べる値: \3）"),
    (r"argument (\S+): expected one argument", r"\1 には値を１つ指定してください"),
    (r"invalid choice: (.*?) \(choose from (.*)\)", r"\1 は使えません（選べる値: \2）"),
    (r"argument (\S+): invalid \w+ value: (.*)", r"\1 の値 \2 は使えません"),
    (r"argument (\S+): ", r"\1: "),
)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are Japanese and exit with code 2."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "引数"
        self._optionals.title = "オプション"
        self.add_argument("-h", "--help", action="help", help="この説明を表示して終了します")

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "使い方:", 1)

    def format_help(self) -> str:
        return super().format_help().replace("usage:", "使い方:", 1)

    def error(self, message: str):
        for pattern, replacement in _ARGPARSE_MESSAGES:
            message = re.sub(pattern, replacement, message)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: エラー: {message}\n")


# -- template ------------------------------------------------------------------------------------

def _template_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", metavar="FILE", type=Path,
                        help="書き出すファイル（既定: 現在のフォルダの 事業カード_<管理番号>.xlsx）")
    parser.add_argument("--department", metavar="課名", help="担当課をあらかじめ入れておく（設定ファイルの担当課から）")
    parser.add_argument("--input", metavar="PATH", type=Path,
                        help="年度設定のあるところ: 事務局から配られた事業カード（.xlsx）、config.toml、"
                             f"またはそれのある入力フォルダ（既定: {DEFAULT_INPUT}/ か現在のフォルダの config.toml）")
    parser.add_argument("--styles", metavar="DIR", type=Path,
                        help="カードの代わりに、報告書の書式（配布版の reference.docx）を編集用に DIR へ書き出す。"
                             "DIR が入力フォルダなら DIR/templates/ へ（そこにある書式で報告書を作ります）")
    parser.add_argument("--force", action="store_true",
                        help="FILE（--styles では reference.docx）がすでにあっても上書きする（記入済みのカード、編集済みの書式は消えます）")


def run_template(args: argparse.Namespace) -> int:
    """Write a blank card workbook with a fresh project id and print its path (``--styles``: the shipped styles)."""
    from ..workbook.template import new_project_id, write_workbook

    if args.styles is not None:
        if args.output is not None or args.department is not None:
            raise ReportkitError("--styles は -o、--department と一緒には使えません（書式の書き出し先は --styles の DIR です）。")
        return _copy_styles(args.styles, args.force)
    config = year_config(args.input) if args.input else default_year_config()
    project_id = new_project_id()
    output = args.output or Path(f"事業カード_{project_id}.xlsx")
    if output.is_dir():
        raise ReportkitError(f"事業カードを書き出せません: {output} はフォルダです。ファイル名（例: 事業カード.xlsx）を指定してください。")
    if (output.exists() or output.is_symlink()) and not args.force:
        raise ReportkitError(f"{output} はすでにあります。記入済みのカードを上書きしないよう、別のファイル名を指定してください"
                             "（上書きしてよい場合は --force を付けてください）。")
    try:
        write_workbook(config, output, {"project_id": project_id}, department=args.department, mailed=True)
    except OSError as exc:
        raise ReportkitError(f"事業カードを書き出せません: {output}（{exc.strerror or exc}）") from exc
    print(output)
    return EXIT_OK


def _copy_styles(folder: Path, force: bool) -> int:
    """The shipped reference.docx into ``folder`` (an input folder: its templates/) to edit in Word; its path printed."""
    from ..files.atomic import write_bytes_atomic
    from ..inputs.input_folder import TEMPLATES_DIR, InputFolder
    from ..render.styles import shipped_reference

    shipped = shipped_reference()
    target = (folder / TEMPLATES_DIR if InputFolder(folder).is_input_folder else folder) / shipped.name
    if (target.exists() or target.is_symlink()) and not force:
        raise ReportkitError(f"{target} はすでにあります。編集済みの書式を上書きしないよう、別のフォルダを指定してください"
                             "（配布版に戻してよい場合は --force を付けてください）。")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(target, shipped.read_bytes())
    except OSError as exc:
        raise ReportkitError(f"書式を書き出せません: {target}（{exc.strerror or exc}）") from exc
    print(target)
    return EXIT_OK


# -- validate ------------------------------------------------------------------------------------

def _validate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="DIR|FILE", type=Path,
                        help=f"カードのブックと config.toml のある入力フォルダ（既定: {DEFAULT_INPUT}）、"
                             "または確認するカードのブック（.xlsx、いくつでも、どこにあっても。返信/*.xlsx の"
                             "ようなパターンも可）")
    parser.add_argument("--input", metavar="PATH", type=Path,
                        help="ブックを確認するときの年度設定: config.toml のある入力フォルダ、config.toml、"
                             "または事業カード（既定: ブックのある入力フォルダ、なければブックに入っている年度設定）")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="出力の形式: text（読みやすい一覧、既定）または json")
    parser.add_argument("--by-division", metavar="OUTDIR", type=Path,
                        help="担当課ごとの結果を OUTDIR/<課名>.txt に書き出す")


def run_validate(args: argparse.Namespace) -> int:
    """Check every card workbook of a folder, or the workbooks named, and report every problem, by file."""
    paths = expand_patterns(args.paths) or [Path(DEFAULT_INPUT)]
    config = year_config(args.input) if args.input else None
    folders = [path for path in paths if path.is_dir()]
    if folders and len(paths) > 1:
        raise InputFolderError("入力フォルダは１つだけ、ブックとは別に指定してください"
                               f"（{'、'.join(str(p) for p in paths)}）。")
    if folders:
        result = validate_folder(folders[0], config)  # no workbook at all: InputFolderError (exit 2)
    else:
        missing = [path for path in paths if not path.exists()]
        if missing == [Path(DEFAULT_INPUT)] and not args.paths:
            raise InputFolderError(f"入力フォルダが見つかりません: {DEFAULT_INPUT}（カードのブックを確認するときは、"
                                   "reportkit validate 事業カード.xlsx のようにブックを指定してください）")
        if missing:
            kind = "入力フォルダ" if len(paths) == 1 and not missing[0].suffix else "ファイル"
            raise InputFolderError(f"{kind}が見つかりません: {'、'.join(str(p) for p in missing)}")
        result = validate_files(paths, config, last_year_from=args.input)
    if args.format == "json":
        print(format_json(result))
    else:
        print(format_text(result), end="")
    if args.by_division:
        write_by_division(result, args.by_division)
    return EXIT_OK if result.ok else EXIT_PROBLEMS


# -- registration --------------------------------------------------------------------------------

# -- build ---------------------------------------------------------------------------------------

def _build_arguments(parser: argparse.ArgumentParser) -> None:
    _folder_argument(parser)
    parser.add_argument("-o", "--output", metavar="OUTDIR", type=Path,
                        help="出力フォルダ（既定: DIR の隣。inputs なら outputs、inputs2014 なら outputs2014、"
                             "ほかの名前なら <DIR>_outputs）")
    parser.add_argument("--force", action="store_true",
                        help="OUTDIR にある別の年度の報告書（素案）を置き換える（既定では置き換えずに終了 2）")
    parser.add_argument("--pdf", action="store_true", help="PDF も作る（LibreOffice が必要）")
    parser.add_argument("--no-page-numbers", action="store_true",
                        help="LibreOffice によるページ番号の確定を省く（速いが、ページ番号は Word で更新が必要）")
    parser.add_argument("--draft", action="store_true",
                        help="素案を OUTDIR/draft/ に作る: 提出済みの正常なカードだけで組み、未提出・要修正の事業は"
                             "仮のページ（ページ番号は最終版と同じ位置）にする。数値は暫定")
    cli_serve.office_option(parser)


def _folder_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", nargs="?", metavar="DIR", type=Path, default=Path(DEFAULT_INPUT),
                        help=f"入力フォルダ（既定: {DEFAULT_INPUT}）")


def _existing_folder(folder: Path) -> Path:
    if not folder.is_dir():
        raise InputFolderError(f"入力フォルダが見つかりません: {folder}")
    return folder


def run_build(args: argparse.Namespace) -> int:
    """Validate, then write report.docx, report.json and projects.xlsx (and report.pdf); or a draft."""
    from ..report.build import build_report
    from ..errors import OtherYearOutput, ValidationFailed
    from ..inputs.recovery import finish_builds

    _existing_folder(args.folder)
    cli_serve.use_office(args)
    output = args.output if args.output is not None else default_outputs(args.folder)
    for notice in finish_builds(output):  # said even when this build is refused
        print(f"注意: {notice}", file=sys.stderr)
    try:
        result = build_report(args.folder, output, pdf=args.pdf, progress=_progress_bar,
                              page_numbers=not args.no_page_numbers, draft=args.draft, force=args.force)
    except ValidationFailed as exc:
        from ..collect.refusal import refusal_text

        print(refusal_text(exc.refusal, str(args.folder)) if exc.refusal is not None else format_text(exc.report), end="")
        print(f"エラー: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except OtherYearOutput as exc:
        print(f"エラー: {exc}別の出力フォルダを -o で指定するか、置き換えてよい場合は --force を付けてください。",
              file=sys.stderr)
        return exc.exit_code
    print(format_build_summary(result))
    return EXIT_OK


def _progress_bar(files):
    """A progress bar over the workbooks on stderr (only on a terminal)."""
    if not (hasattr(sys.stderr, "isatty") and sys.stderr.isatty()):
        return files  # what tqdm(disable=None) does off a terminal, without importing it
    from tqdm import tqdm

    return tqdm(files, desc="カードを読み込み中", unit="件", file=sys.stderr, disable=None, leave=False)


def format_build_summary(result) -> str:
    """The one-screen summary printed after a build."""
    report = result.report
    reprints = sum(1 for row in report.rows if row.is_reprint and row.placeholder is None)
    provisional = "（暫定: 提出済みの正常なカードのみ）" if report.draft else ""
    states = [p.state for p in result.placeholders.values()]
    lines = [
        "素案を作成しました（各ページの上に「素案」と入ります）。" if report.draft else "報告書を作成しました。",
        f"  事業数　　: {report.total.count} 件（再掲 {reprints} 件を除く）{provisional}",
        f"  合計　　　: {report.total.amount:,} 千円{provisional}",
        f"  ページ数　: {str(result.page_count) + ' ページ' if result.page_count else '（LibreOffice で確定していないため不明）'}",
        f"  ページ番号: {'LibreOffice で確定済み' if result.page_numbers_checked else '未確定（Word で開いてフィールドを更新してください）'}",
        f"  書式　　　: {'入力フォルダの ' + str(result.styles) if result.styles else '配布版（reportkit 同梱の reference.docx）'}",
        f"  警告　　　: {len(result.warnings)} 件" + ("（reportkit validate で確認できます）" if result.warnings else ""),
        *_figures_without_data(result.warnings),
        *([f"  仮のページ: 未提出 {states.count('missing')} 件、要修正 {states.count('errors')} 件"
           "（最終版でカードが入る位置）"] if report.draft else []),
        f"  所要時間　: {result.seconds:.1f} 秒",
        "  出力ファイル:",
    ]
    lines += [f"    {path}" for path in result.files]
    lines += [f"  注意: {notice}" for notice in result.notices]
    return "\n".join(lines)


def _figures_without_data(warnings) -> list[str]:
    """The summary's lines naming each statistics table or chart printed as 「（データ未入力）」."""
    figures = [i for i in warnings if i.code == "statistics-no-data"]
    if not figures:
        return []
    lines = [f"  データのない図表: {len(figures)} 件（報告書に「（データ未入力）」と印刷されています）"]
    lines += [f"    {i.params['detail']}（{i.file} {i.params['line']}）" for i in figures]
    return lines


# -- narratives ----------------------------------------------------------------------------------

def _narratives_arguments(parser: argparse.ArgumentParser) -> None:
    _folder_argument(parser)
    parser.add_argument("--to-docx", action="store_true",
                        help="narratives/ の Markdown の説明文（.md.j2、.md）をそれぞれ Word 文書（.docx、報告書の"
                             "スタイル）にし、Markdown は narratives/markdown/ へ移す")


def run_narratives(args: argparse.Namespace) -> int:
    """List the narratives of DIR with their form, or (``--to-docx``) turn the Markdown ones into Word files."""
    from ..report.narrative_convert import convert_to_docx, narrative_forms

    if not args.to_docx:
        for name, form in narrative_forms(_existing_folder(args.folder)):
            print(f"  {name}　{form}")
        print("Word 文書にするには --to-docx を付けて実行してください。")
        return EXIT_OK
    result = convert_to_docx(_existing_folder(args.folder))
    if not result.converted:
        print("Word 文書にする Markdown の説明文はありません。")
        return EXIT_OK
    print(f"説明文 {len(result.converted)} 件を Word 文書にしました（Markdown は {result.converted[0][2].parent} に移しました）。")
    for _, target, _ in result.converted:
        print(f"  {target}")
    print("Word で開いて編集できます。差し込み（{{ year | nendo }} など）は Word の中でもそのまま使えます。")
    return EXIT_OK


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


COMMANDS: tuple[Command, ...] = (
    Command("template", "空の事業カード（.xlsx）を作る", _template_arguments, run_template),
    Command("validate", "入力フォルダのカード、または指定したカードのブックを検査する", _validate_arguments, run_validate),
    Command("build", "報告書（report.docx と report.json）を作る", _build_arguments, run_build),
    Command("narratives", "説明文（narratives/）の一覧。--to-docx で Markdown の説明文を Word 文書にする",
            _narratives_arguments, run_narratives),
    Command("rollover", "次年度の入力フォルダ（記入済みのカード）を作る", yoy_cli.rollover_arguments, yoy_cli.run_rollover),
    Command("diff", "２つの年度（報告書または入力フォルダ）の違いを一覧にする", yoy_cli.diff_arguments, yoy_cli.run_diff),
    Command("packs", "担当課ごとの配布用フォルダ（記入済みのカード・空のカード・チェックリスト）を作る",
            cli_collect.packs_arguments, cli_collect.run_packs),
    Command("status", "カードの回収状況（未提出・要修正・新規）を担当課ごとに一覧にする",
            cli_collect.status_arguments, cli_collect.run_status),
    Command("accept", "返ってきたカードを担当課別に受け付ける（前の版は archive/ に保管）",
            cli_collect.accept_arguments, cli_collect.run_accept),
    Command("abolish", "事業期間の途中で廃止した事業を記録する（--undo で取り消し）",
            cli_collect.abolish_arguments, cli_collect.run_abolish),
    Command("access", "受付ページのアクセスコードを作る（担当課ごと、または事務局）",
            cli_serve.access_arguments, cli_serve.run_access),
    Command("serve", "ブラウザで使う受付ページ（担当課）と取りまとめの画面（事務局）を開く",
            cli_serve.serve_arguments, cli_serve.run_serve),
)


def build_parser(width: int | None = None) -> argparse.ArgumentParser:
    """The ``reportkit`` parser; ``width`` fixes the help layout (for the generated docs)."""
    formatter = argparse.HelpFormatter if width is None else (
        lambda prog: argparse.HelpFormatter(prog, width=width, max_help_position=32))
    parser = _Parser(prog="reportkit", description="中小企業振興施策の年次報告を事業カードから作ります。",
                     formatter_class=formatter)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", title="コマンド", parser_class=_Parser)
    subparsers.required = True
    for command in COMMANDS:
        sub = subparsers.add_parser(command.name, help=command.help, description=command.help,
                                    formatter_class=formatter)
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return parser


def cli_reference_markdown() -> str:
    """docs/cli.md: the real ``--help`` of every command (generated; a test checks it is current)."""
    parser = build_parser(width=100)
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    lines = ["# reportkit コマンド一覧", "",
             "<!-- Generated by reportkit.cli.main.cli_reference_markdown(); do not edit by hand. -->",
             "<!-- Regenerate: python -c \"import reportkit.cli.main as c; open('docs/cli.md','w',encoding='utf-8').write(c.cli_reference_markdown())\" -->",
             "", "```", parser.format_help().rstrip(), "```"]
    for command in COMMANDS:
        lines += ["", f"## reportkit {command.name}", "", "```",
                  subparsers.choices[command.name].format_help().rstrip(), "```"]
    return "\n".join(lines) + "\n"


def _utf8_streams() -> None:
    """Print Japanese on any console (Windows cp932 included): UTF-8, unencodable characters replaced."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8":
            try:
                reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):  # a stream already in use that cannot change
                pass


def _discard_stdout() -> None:
    """Point stdout at the null device, so the interpreter's last flush of a closed pipe is silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real file behind stdout (e.g. captured in tests)
        pass


KEEP_INTERPRETER = ("serve",)  # commands whose threads and servers end through the normal interpreter exit


def console() -> None:
    """The ``reportkit`` command: ``main()``, then leave without tearing the interpreter down.

    Freeing every module and object of a build (lxml trees, pydantic models) at exit costs
    0.1–0.25 s of a rebuild and changes nothing on disk: every output is written, closed and moved
    into place before ``main`` returns. So the streams are flushed and the process ends at once,
    except for ``serve``. A command allocates millions of small objects that live until it ends
    (trees, models), so the collector runs seldom (every 20,000 allocations, not 700: ≈0.05 s).
    """
    keep = len(sys.argv) > 1 and sys.argv[1] in KEEP_INTERPRETER
    if not keep:
        import gc

        gc.set_threshold(20_000, 20, 20)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")  # no scan of every installed package for plugins
    code = main()
    if keep:
        raise SystemExit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more to say
            pass
    os._exit(code)


def _finish_interrupted(args: argparse.Namespace) -> None:
    """Before a command reads its folders: finish what a killed accept or build left half moved, and say so."""
    from ..inputs.recovery import finish_interrupted

    # a folder named, or the folder of a file named (diff's outputs2014/report.json: its build's set)
    folders = [value if value.is_dir() else value.parent for value in vars(args).values() if isinstance(value, Path)]
    for notice in finish_interrupted(folders):
        print(f"注意: {notice}", file=sys.stderr)


def first_steps() -> str:
    """What ``reportkit`` alone prints: what it is, the commands, and the first ones to run."""
    lines = ["reportkit: 事業カード（Excel）から中小企業振興施策の年次報告（Word）を作ります。", "",
             "使い方: reportkit コマンド [引数]（コマンドプロンプトや PowerShell で入力します）", "", "コマンド:"]
    width = max(len(command.name) for command in COMMANDS)
    lines += [f"  {command.name:<{width}}  {command.help}" for command in COMMANDS]
    lines += ["", "はじめは:",
              f"  reportkit build {DEFAULT_INPUT}         入力フォルダ {DEFAULT_INPUT} から報告書を作る",
              f"  reportkit serve {DEFAULT_INPUT} --open  受付の画面をブラウザで開く",
              "  reportkit build --help         コマンドの説明（ほかのコマンドも同じ）"]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (never raises, never prints a traceback).

    With no arguments at all: the first steps on stdout (exit 2: no command was given), and a window
    Windows opened for a double-click (reportkit.exe) waits for Enter instead of closing before they are read.
    """
    _utf8_streams()
    if not (sys.argv[1:] if argv is None else argv):
        print(first_steps(), end="", flush=True)
        from .console_window import wait_before_closing

        wait_before_closing()
        return EXIT_USAGE
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) and usage errors (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        _finish_interrupted(args)
        code = args.run(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handlers, not at interpreter exit
        return code
    except ReportkitError as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # output piped into a pager or head that closed early
        _discard_stdout()
        return EXIT_OK
    except OSError as exc:  # a file that cannot be read or written: name it, no traceback
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(f"エラー: ファイルを読み書きできません（{where}{exc.strerror or exc}）。"
              "ほかのプログラムで開いていないか、フォルダの権限を確認してください。", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("中断しました。", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so in Japanese; REPORTKIT_DEBUG=1 shows the traceback
        if os.environ.get("REPORTKIT_DEBUG"):
            raise
        print(f"エラー: 予期しない内部エラーです（{type(exc).__name__}: {exc}）。"
              "REPORTKIT_DEBUG=1 を付けて再実行した結果を添えて事務局に連絡してください。", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
