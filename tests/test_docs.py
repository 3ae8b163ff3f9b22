"""The documentation keeps up with the code (in the manner of sqlite-utils' tests/test_docs.py):

- every command and subcommand of the CLI has a section in docs/cli-reference.md;
- docs/cli-reference.md is what docs/generate_cli_reference.py writes today (else: run it);
- the README stays short, and every relative link in README.md and docs/*.md points at a file that
  exists (and, for a link into a Markdown file with #anchor, at a heading there).
"""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from saidwhat.cli import app

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"
REFERENCE = DOCS / "cli-reference.md"
GENERATOR = DOCS / "generate_cli_reference.py"
README_MAX_LINES = 150


def _generator():
    spec = importlib.util.spec_from_file_location("generate_cli_reference", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _generator()
COMMAND_PATHS = [path for path, _cmd in gen.command_paths(typer.main.get_command(app))]


def _sections(text: str) -> dict[str, str]:
    """Level-2 heading -> the text under it, up to the next level-2 heading."""
    out: dict[str, str] = {}
    for block in re.split(r"^(?=## )", text, flags=re.M):
        if block.startswith("## "):
            title, _, rest = block.partition("\n")
            out[title[3:].strip()] = rest
    return out


@pytest.fixture(scope="module")
def reference_sections() -> dict[str, str]:
    return _sections(REFERENCE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda p: " ".join(["saidwhat", *p]))
def test_command_is_documented(path, reference_sections):
    name = " ".join(["saidwhat", *path])
    assert name in reference_sections, (
        f"`{name}` has no section in docs/cli-reference.md: run python docs/generate_cli_reference.py")
    assert f"Usage: {name} " in reference_sections[name], (
        f"the section of `{name}` in docs/cli-reference.md holds no --help: "
        "run python docs/generate_cli_reference.py")


def test_command_tree_is_walked():
    # the walk finds groups and their subcommands, not only the root
    assert [] in COMMAND_PATHS and ["ingest"] in COMMAND_PATHS
    assert any(len(p) == 2 for p in COMMAND_PATHS)


def test_cli_reference_is_up_to_date():
    fresh = subprocess.run([sys.executable, str(GENERATOR), "--stdout"], cwd=ROOT, check=True,
                           capture_output=True, text=True, encoding="utf-8").stdout
    current = REFERENCE.read_text(encoding="utf-8")
    assert current == fresh, (
        "docs/cli-reference.md is out of date with the CLI's --help: "
        "run python docs/generate_cli_reference.py")


def test_readme_is_short():
    n = len(README.read_text(encoding="utf-8").splitlines())
    assert n < README_MAX_LINES, (
        f"README.md has {n} lines; keep it under {README_MAX_LINES} and move detail to docs/")


def test_readme_does_not_point_at_shared():
    # users of the package do not have the project's ../shared folder
    assert "shared/" not in README.read_text(encoding="utf-8")


LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
INLINE_CODE = re.compile(r"`[^`\n]*`")


def _links(text: str) -> list[str]:
    text = INLINE_CODE.sub("", FENCE.sub("", text))
    return LINK.findall(text)


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    heading = INLINE_CODE.sub(lambda m: m.group(0).strip("`"), heading.strip()).lower()
    heading = re.sub(r"[^\w\- ]", "", heading)
    return heading.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return {_anchor(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, re.M)}


MARKDOWN = [README, *sorted(DOCS.glob("*.md"))]


@pytest.mark.parametrize("page", MARKDOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(page):
    broken = []
    for target in _links(page.read_text(encoding="utf-8")):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):      # http:, https:, mailto: ...
            continue
        file_part, _, fragment = target.partition("#")
        dest = (page.parent / file_part).resolve() if file_part else page
        if not dest.exists():
            broken.append(f"{target} (no such file)")
        elif fragment and dest.suffix == ".md" and fragment not in _anchors(dest):
            broken.append(f"{target} (no heading #{fragment} in {dest.name})")
    assert not broken, f"{page.relative_to(ROOT)}: broken links: {broken}"


def test_docs_have_links_checked():
    # the link check sees the links (a regex that matched nothing would pass vacuously)
    assert "docs/cli-reference.md" in _links(README.read_text(encoding="utf-8"))
