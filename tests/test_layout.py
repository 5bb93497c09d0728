"""The package shows the pipeline: reading and checking (cookbook.source), the site
(cookbook.site) and the PDFs (cookbook.print), with the model, the command line and a few
shared helpers at the top. The stages import in one direction only."""

from __future__ import annotations

import ast
from pathlib import Path

import cookbook

PACKAGE = Path(cookbook.__file__).parent
# What each stage may not import.
FORBIDDEN = {
    "source": {"site", "print"},
    "site": {"print"},
    "print": {"site"},
}


def imported_stages(path: Path) -> set[str]:
    """The stages (subpackages of cookbook) that a module imports, however it spells it."""
    stage = path.parent.name if path.parent != PACKAGE else ""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                parts = (node.module or "").split(".")
                target = parts[1] if parts[0] == "cookbook" and len(parts) > 1 else ""
            elif node.level == 1:
                target = stage if stage else (node.module or "").split(".")[0]
            else:  # ..x: from a stage to the top, or ..stage.x
                target = (node.module or "").split(".")[0]
            found.add(target)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "cookbook" and len(parts) > 1:
                    found.add(parts[1])
    return found & set(FORBIDDEN)


def test_every_stage_is_a_package_that_says_what_it_may_import():
    for stage in FORBIDDEN:
        init = PACKAGE / stage / "__init__.py"
        assert init.is_file(), stage
        assert "May import" in init.read_text(encoding="utf-8"), f"{init}: say what the stage may import"


def test_the_stages_import_in_one_direction():
    problems = []
    for stage, forbidden in FORBIDDEN.items():
        for path in sorted((PACKAGE / stage).rglob("*.py")):
            if wrong := imported_stages(path) & forbidden:
                problems.append(f"{path.relative_to(PACKAGE)} imports cookbook.{', cookbook.'.join(sorted(wrong))}")
    assert not problems, "\n".join(problems)


def test_the_shared_modules_at_the_top_import_no_stage():
    """Only the command line (cli, __main__) drives the stages; the model and the helpers at the
    top serve them all, so none of them leans on one stage."""
    problems = [f"{path.name} imports cookbook.{', cookbook.'.join(sorted(stages))}"
                for path in sorted(PACKAGE.glob("*.py"))
                if path.stem not in {"cli", "__main__"} and (stages := imported_stages(path))]
    assert not problems, "\n".join(problems)
