"""Measurement plans to take along (cookbook/plan.py): a PDF on A4 landscape and a spreadsheet.

Each theme's plan is written with the other PDFs (`build.py pdf`, kind "plans"), for the
site's plan pages to offer; `build.py plan --recipe … --theme …` writes the plan of any
selection for a workshop pack. The recipes are chosen as a workshop pack's are, with the same
clear errors for an unknown id, theme or tag.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Project
from ..downloads import plan_name
from ..errors import writing
from ..model import Cookbook, edition_date
from ..plan import MeasurementPlan, measurement_plan
from ..plan_sheet import plan_workbook
from ..source.check import UsageError
from .packs import PackRequest, select_recipes

if TYPE_CHECKING:
    from ..progress import Progress
    from .print_formats import PdfSettings


@dataclass(frozen=True)
class PlanRequest:
    recipe_ids: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    lang: str = "fi"

    @property
    def theme(self) -> str | None:
        """The theme whose plan this is, when it asks for one theme and nothing else."""
        return self.themes[0] if len(self.themes) == 1 and not (self.recipe_ids or self.tags) else None


def requested_plan(project: Project, cookbook: Cookbook, request: PlanRequest) -> MeasurementPlan:
    """The plan of the recipes named by id, theme or tag, in the book's order."""
    if not (request.recipe_ids or request.themes or request.tags):
        raise UsageError("name the plan's recipes: --recipe ID (repeatable), --theme THEME or --tag TAG")
    recipes = select_recipes(cookbook, PackRequest(request.recipe_ids, request.themes, request.tags, request.lang))
    return measurement_plan(cookbook.taxonomy, project.language(request.lang).strings, recipes, request.theme)


def theme_plan(project: Project, cookbook: Cookbook, lang: str, theme: str) -> MeasurementPlan:
    recipes = [recipe for recipe in cookbook.recipes_in(lang) if recipe.theme == theme]
    return measurement_plan(cookbook.taxonomy, project.language(lang).strings, recipes, theme)


def write_spreadsheet(project: Project, cookbook: Cookbook, plan: MeasurementPlan, target: Path) -> Path:
    """The plan's .xlsx to `target`, written beside it and renamed: never half a file. The same
    bytes for the same plan (dated by its newest recipe, as the PDFs are)."""
    data = plan_workbook(plan, cookbook.taxonomy, project.language(plan.lang).strings, edition_date(plan.recipes))
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        with writing(target):
            partial.write_bytes(data)
            os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def build_plan(project: Project, cookbook: Cookbook, request: PlanRequest, out_dir: Path,
               settings: "PdfSettings | None" = None, progress: "Progress | None" = None) -> list[Path]:
    """The plan as a spreadsheet and a PDF in `out_dir` (the PDF checked before it is put
    there); returns both, the spreadsheet first."""
    from ..progress import QUIET
    from .fetcher import prepare_fonts
    from .pdf import PdfRenderer
    from .pdf_cache import PdfCache
    from .pdf_jobs import verify_pdfs
    from .pdf_verify import Expected
    from .print_formats import PdfSettings

    settings, progress = settings or PdfSettings(), progress or QUIET
    plan = requested_plan(project, cookbook, request)
    out_dir.mkdir(parents=True, exist_ok=True)
    sheet = write_spreadsheet(project, cookbook, plan, out_dir / plan_name(project, request.lang, request.theme, ".xlsx"))
    pdf = out_dir / plan_name(project, request.lang, request.theme, ".pdf")
    partial = pdf.with_name(f".{pdf.stem}.{os.getpid()}.pdf")
    try:
        with progress.stage("PDF"):
            prepare_fonts(project)
            rendered = PdfRenderer(project, cookbook, PdfCache.of(project, enabled=settings.cache)).plan(plan)
            with writing(partial):
                partial.write_bytes(rendered.pdf)
        verify_pdfs(project, [Expected(partial, rendered.pages, tuple(recipe.title for recipe in plan.recipes))], settings)
        os.replace(partial, pdf)
    finally:
        partial.unlink(missing_ok=True)
    return [sheet, pdf]
