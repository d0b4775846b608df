"""The one build step pyproject.toml cannot say: the editable originals in the top-level ``templates/``
(reference.docx, the report's Word styles) go into the wheel as ``reportkit/templates/``, so that the
repository keeps one copy of each. A source checkout (and an editable install) reads them where they
are (``reportkit.render.styles.shipped_reference``)."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TEMPLATES = Path(__file__).resolve().parent / "templates"


class BuildWithTemplates(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # the editable install reads the top-level folder itself
            return
        target = Path(self.build_lib) / "reportkit" / "templates"
        target.mkdir(parents=True, exist_ok=True)
        for source in sorted(TEMPLATES.glob("*.docx")):
            self.copy_file(str(source), str(target / source.name))


setup(cmdclass={"build_py": BuildWithTemplates})
