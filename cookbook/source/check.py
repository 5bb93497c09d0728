"""The check of the whole cookbook: every file, translations, links between recipes, warnings.

Whatever the files hold, the answer is diagnostics: an unexpected failure on one file becomes
error[internal] for that file, and the other files are still checked.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterable

from ..config import Project
from ..model import Content
from ..model import Cookbook, Recipe
from ..taxonomy import Taxonomy, TaxonomyError, load_taxonomy
from ..workers import working_here
from .content import load_content
from .diagnostics import Diagnostic, display_path
from .load import Source, read_source
from .translations import inherit
from .validate import RecipeValidator

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# The front-matter keys whose positions the checks across recipes report at.
CROSS_CHECKED_KEYS = frozenset({"title", "related", "tags", "updated"})
# Below this many recipes, starting worker processes costs more than it saves.
PARALLEL_FROM = 200
OUTDATED_AFTER = timedelta(days=2 * 365)


class UsageError(Exception):
    """The command was given something it cannot check (exit status 2)."""


@dataclass(frozen=True)
class CheckResult:
    cookbook: Cookbook | None
    diagnostics: tuple[Diagnostic, ...]
    files: int
    recipes: int

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "warning")


@dataclass
class RecipeFolder:
    id: str
    path: Path
    sources: dict[str, Source]  # by language, in the configured order


def check_project(project: Project, paths: Iterable[Path] = (), today: date | None = None) -> CheckResult:
    """Load, validate and assemble every recipe. Only problems under `paths` are reported, if given."""
    today = today or date.today()
    scope = _scope(project, paths)
    languages = tuple(lang.code for lang in project.languages)
    try:
        taxonomy = load_taxonomy(project.taxonomy_path, languages)
    except TaxonomyError as error:
        problem = Diagnostic(display_path(error.path or project.taxonomy_path, project.root), error.line, 1, "taxonomy",
                             error.message, error.hint)
        return CheckResult(None, (problem,), 0, 0)
    content, content_sources = load_content(project, taxonomy)
    validator = RecipeValidator(project, taxonomy, today)
    validator.schema.fast_validator  # compile once, before any worker is forked
    folders, recipes = _check_folders(project, validator, _recipe_folders(project), languages)
    recipe_sources = [s for folder in folders for s in folder.sources.values()]
    by_key = {(s.recipe_id, s.lang): s for s in recipe_sources}
    check_links(recipes, by_key)
    warn_translations(folders, recipes, languages)
    warn_outdated(recipes, by_key, today)
    warn_similar_tags(recipes, by_key)

    all_sources = recipe_sources + content_sources
    reported = [s for s in all_sources if _in_scope(s.path, scope)]
    diagnostics = tuple(sorted(d for s in reported for d in s.problems))
    clean = not any(d.severity == "error" for s in all_sources for d in s.problems)
    cookbook = assemble(taxonomy, languages, recipes, content) if clean else None
    recipe_count = len({s.recipe_id for s in recipe_sources if _in_scope(s.path, scope)})
    return CheckResult(cookbook, diagnostics, len(reported), recipe_count)


def _scope(project: Project, paths: Iterable[Path]) -> list[Path]:
    """The given paths, relative to the working directory or else to the project."""
    scope = []
    for path in paths:
        candidates = [path] if path.is_absolute() else [Path.cwd() / path, project.root / path]
        found = next((c.resolve() for c in candidates if c.exists()), None)
        if found is None:
            raise UsageError(f"{path}: no such file or folder")
        scope.append(found)
    return scope


def _in_scope(path: Path, scope: list[Path]) -> bool:
    if not scope:
        return True
    resolved = path.resolve()
    return any(resolved == root or resolved.is_relative_to(root) for root in scope)


def _recipe_folders(project: Project) -> list[Path]:
    if not project.recipes_dir.is_dir():
        return []
    return sorted(p for p in project.recipes_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def _check_folders(
    project: Project, validator: RecipeValidator, paths: list[Path], languages: tuple[str, ...]
) -> tuple[list[RecipeFolder], list[Recipe]]:
    """Read and validate every folder; on a large cookbook, on all cores (each file is independent)."""
    global _WORKER
    _WORKER = (project, validator, languages)
    workers = min(os.cpu_count() or 1, 4)
    with working_here():  # forked workers inherit the collector's setting
        if len(paths) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
            results = _check_chunk(paths, slim=False)
        else:
            parts = _check_in_parallel([paths[i::workers] for i in range(workers)])
            by_path = {folder.path: (folder, found) for part in parts for folder, found in part}
            results = [by_path[path] for path in paths]
    return [folder for folder, _ in results], [recipe for _, found in results for recipe in found]


def _check_in_parallel(chunks: list[list[Path]]) -> list[list[tuple[RecipeFolder, list[Recipe]]]]:
    """A forked helper for each chunk but the first, which this process checks meanwhile: it
    would only wait, and its share needs no pickling (unpickling the helpers' results is most
    of what the parallelism costs). A plain pipe, not a pool: a pool's threads would take turns
    with this process's own share."""
    context = multiprocessing.get_context("fork")
    helpers = []
    for chunk in chunks[1:]:
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_send_chunk, args=(chunk, sender), daemon=True)
        process.start()
        sender.close()
        helpers.append((process, receiver, chunk))
    parts = [_check_chunk(chunks[0], slim=False)]
    for process, receiver, chunk in helpers:
        try:
            parts.append(receiver.recv())
        except (EOFError, OSError):  # the helper failed or was killed: its share is checked here
            parts.append(_check_chunk(chunk, slim=False))
        receiver.close()
        process.join()
    return parts


def _send_chunk(chunk: list[Path], sender: Any) -> None:
    try:
        sender.send(_check_chunk(chunk))
    except Exception:  # noqa: BLE001 - the parent sees the closed pipe and checks the chunk itself
        pass
    finally:
        sender.close()


# (project, validator, languages) of the check under way; forked workers inherit it.
_WORKER: tuple[Project, RecipeValidator, tuple[str, ...]] | None = None


def _check_chunk(paths: list[Path], slim: bool = True) -> list[tuple[RecipeFolder, list[Recipe]]]:
    assert _WORKER is not None
    project, validator, languages = _WORKER
    results = []
    shown = display_path(project.recipes_dir, project.root)  # once: it resolves symbolic links
    for path in paths:
        folder = _read_folder(project, path, shown, languages)
        recipes = _check_folder(validator, folder, languages)
        if slim:
            folder.sources = {lang: s.slimmed(CROSS_CHECKED_KEYS) for lang, s in folder.sources.items()}
        results.append((folder, recipes))
    return results


def _read_folder(project: Project, folder: Path, shown: str, languages: tuple[str, ...]) -> RecipeFolder:
    """The folder's files; `shown` is the recipes folder as the contributor sees it."""
    sources = {}
    for lang in languages:
        path = folder / f"{lang}.md"
        if path.is_file():
            sources[lang] = read_source(path, f"{shown}/{folder.name}/{lang}.md", folder.name, lang)
    return RecipeFolder(folder.name, folder, sources)


def _check_folder(validator: RecipeValidator, folder: RecipeFolder, languages: tuple[str, ...]) -> list[Recipe]:
    source_lang = languages[0]
    original = folder.sources.get(source_lang)
    if not folder.sources:
        return []  # a folder of images or notes only: nothing to publish, nothing to report
    if not ID_PATTERN.match(folder.id):
        for source in folder.sources.values():
            source.problem(1, 1, "bad-id", f"the folder name '{folder.id}' is not a valid recipe id",
                           "rename the folder with lowercase letters a–z, digits and hyphens, such as 'speed-dating'")
        return []
    recipes = []
    for lang, source in folder.sources.items():
        if lang != source_lang and original is None:
            source.problem(1, 1, "missing-source", f"there is no {source_lang}.md beside this translation",
                           f"every recipe starts from {source_lang}.md: add it to recipes/{folder.id}/")
            continue
        try:
            recipe = _check_one(validator, source, original if lang != source_lang else None)
        except Exception as error:  # noqa: BLE001 - one bad file must not stop the check of the others
            source.problem(1, 1, "internal", f"the checker failed on this file ({type(error).__name__}: {error})",
                           "please report this as a bug, with the file attached")
            recipe = None
        if recipe is not None:
            recipes.append(recipe)
    return recipes


def _check_one(validator: RecipeValidator, source: Source, original: Source | None) -> Recipe | None:
    if source.data is None:
        return None
    if original is None:
        return validator.check_source(source, source.data)
    data, inherited = inherit(source, original.data, Path(original.display).name)
    return validator.check_source(source, data, inherited)


def check_links(recipes: list[Recipe], sources: dict[tuple[str, str], Source]) -> None:
    """Across recipes: related ids exist and are not the recipe itself; titles are unique per language."""
    ids = {r.id for r in recipes} | {recipe_id for recipe_id, _ in sources}
    titles: dict[tuple[str, str], Recipe] = {}
    for recipe in recipes:
        source = sources[(recipe.id, recipe.lang)]
        states_related = ("related",) in source.key_positions
        for index, other in enumerate(recipe.related):
            if not states_related:
                break  # inherited from the original, which reports it
            pos = source.position(("related", index), prefer_key=False)
            if other == recipe.id:
                source.problem(pos.line, pos.column, "related-self", f"related lists the recipe itself ('{other}')",
                               "remove it from related")
            elif other not in ids:
                source.problem(pos.line, pos.column, "unknown-related", f"related recipe '{other}' does not exist",
                               "use the folder name of an existing recipe under recipes/")
        key = (recipe.lang, " ".join(recipe.title.casefold().split()))
        if key in titles:
            pos = source.position(("title",), prefer_key=False)
            source.problem(pos.line, pos.column, "duplicate-title",
                           f"the title '{recipe.title}' is already used by {titles[key].path}",
                           "give this recipe a title of its own")
        else:
            titles[key] = recipe


def warn_translations(folders: list[RecipeFolder], recipes: list[Recipe], languages: tuple[str, ...]) -> None:
    by_key = {(r.id, r.lang): r for r in recipes}
    for folder in folders:
        original = folder.sources.get(languages[0])
        if original is None or original.data is None:
            continue
        for lang in languages[1:]:
            if lang not in folder.sources:
                original.warn(1, 1, "missing-translation", f"the recipe has no {lang}.md translation",
                              f"add recipes/{folder.id}/{lang}.md (python build.py new makes a scaffold)")
                continue
            mine, theirs = by_key.get((folder.id, lang)), by_key.get((folder.id, languages[0]))
            if mine and theirs and mine.updated < theirs.updated:
                translation = folder.sources[lang]
                pos = translation.position(("updated",), prefer_key=False)
                translation.warn(pos.line, pos.column, "stale-translation",
                                 f"updated {mine.updated} is older than {languages[0]}.md's {theirs.updated}: the translation may be stale",
                                 f"bring the translation up to date with {languages[0]}.md, then set updated to the date of that work")


def warn_outdated(recipes: list[Recipe], sources: dict[tuple[str, str], Source], today: date) -> None:
    for recipe in recipes:
        if recipe.updated < today - OUTDATED_AFTER:
            source = sources[(recipe.id, recipe.lang)]
            pos = source.position(("updated",), prefer_key=False)
            source.warn(pos.line, pos.column, "outdated", f"the recipe was last updated {recipe.updated}, over two years ago",
                        "review that the recipe still holds, then set updated to the date of the review")


def warn_similar_tags(recipes: list[Recipe], sources: dict[tuple[str, str], Source]) -> None:
    """A tag used once that is one edit away from another tag is probably a typo of it."""
    for lang in {r.lang for r in recipes}:
        in_lang = [r for r in recipes if r.lang == lang]
        counts = Counter(tag for r in in_lang for tag in set(r.tags))
        for recipe in in_lang:
            source = sources[(recipe.id, recipe.lang)]
            for index, tag in enumerate(recipe.tags):
                if counts[tag] != 1:
                    continue
                near = sorted(other for other in counts if other != tag and one_edit_apart(tag, other))
                if near:
                    pos = source.position(("tags", index), prefer_key=False)
                    source.warn(pos.line, pos.column, "similar-tag",
                                f"the tag '{tag}' is used by this recipe only and is one letter away from '{near[0]}'",
                                f"did you mean '{near[0]}'?")


def one_edit_apart(a: str, b: str) -> bool:
    """True when one insertion, deletion or substitution turns a into b."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)):] == b[i + 1:]


def assemble(taxonomy: Taxonomy, languages: tuple[str, ...], recipes: list[Recipe], content: Content) -> Cookbook:
    theme_order = {theme: i for i, theme in enumerate(taxonomy.ids("themes"))}
    ordered = sorted(recipes, key=lambda r: (theme_order[r.theme], r.title.casefold(), r.id))
    per_language: dict[str, list[Recipe]] = defaultdict(list)
    for recipe in ordered:
        per_language[recipe.lang].append(recipe)
    return Cookbook(taxonomy, languages, {lang: tuple(per_language[lang]) for lang in languages}, content)
