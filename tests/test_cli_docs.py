"""The CLI reference is generated from the real --help, and every command is documented."""

from pathlib import Path

from reportkit.cli.main import COMMANDS, cli_reference_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_docs_cli_md_is_current():
    """Regenerate: python -c "import reportkit.cli.main as c; open('docs/cli.md','w',encoding='utf-8').write(c.cli_reference_markdown())" """
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == cli_reference_markdown()


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert f"reportkit {command.name}" in readme, command.name
