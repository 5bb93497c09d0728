"""Every PDF on every core: books in parts, card decks and handouts in a pool of processes.

Each worker process keeps one PdfRenderer (one font configuration and image cache) for all the
documents it renders; forked workers inherit the checked cookbook instead of reading it again.
A part of a book or deck, tens of pages, is laid out in a child of its worker (PdfRenderer.render).
A small scheduler keeps the pool busy and runs first what unblocks a book: once all slices of a
book are in, its front matter and appendix (which print the page numbers) jump the queue.
"""

from __future__ import annotations

import heapq
import itertools
import multiprocessing
import shutil
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Hashable

from ..config import Project
from ..downloads import book_name, booklet_name, handout_name, plan_name
from ..errors import CookbookError, writing
from ..model import Cookbook
from ..progress import QUIET, Progress, StageCounter
from ..workers import prepare_worker, working_here
from .book import (BookPlan, BookRequest, PartLayout, anchor_owners, anchor_pages, numbers_documents, outline, page_map,
                   recipe_anchor)
from .fetcher import prepare_fonts
from .book_joiner import JoinApart, JoinHere
from .impose import impose_booklet, saddle_stitch_order
from .join import join_pdfs
from .pdf import PdfRenderer, Rendered, card_parts
from .pdf_cache import PRUNE_AFTER_SECONDS, PdfCache
from .pdf_verify import Expected, check_pdfs, forget_unused
from .plans import theme_plan, write_spreadsheet
from .print_formats import KINDS, BookletLabel, PdfSettings, booklet_label

URGENT, BOOK_PART, DECK, HANDOUT = range(4)  # scheduling priorities, most urgent first


# ---- In the worker processes ------------------------------------------------------------------

# (project, cookbook, cache on?) of the build under way: set before the pool forks.
_CONTEXT: tuple[Project, Cookbook, bool] | None = None


@lru_cache(maxsize=1)
def _renderer() -> PdfRenderer:
    assert _CONTEXT is not None
    project, cookbook, cached = _CONTEXT
    return PdfRenderer(project, cookbook, PdfCache.of(project, enabled=cached))


@lru_cache(maxsize=16)
def _plan(request: BookRequest) -> BookPlan:
    return BookPlan(_renderer().cookbook, request)


def render_slice(request: BookRequest, index: int) -> Rendered:
    plan = _plan(request)
    return _renderer().render("book.html.j2", request.lang, bulky=True, **plan.slice_context(plan.slices[index]))


def render_front(request: BookRequest, pages: dict[str, int]) -> Rendered:
    return _renderer().render("book.html.j2", request.lang, bulky=True, **_plan(request).front_context(pages))


def render_appendix(request: BookRequest, pages: dict[str, int], index: int) -> Rendered:
    return _renderer().render("book.html.j2", request.lang, bulky=True, **_plan(request).appendix_context(pages, index))


def render_numbers(request: BookRequest, document: int) -> Rendered:
    """Page numbers, untagged (the book marks them as artifacts); in the first language, whatever
    the book's, so that every language's book of this format shares them (the PDF cache)."""
    renderer = _renderer()
    return renderer.render("page-numbers.html.j2", renderer.project.source_language.code, tagged=False, bulky=True,
                           **_plan(request).numbers_context(document))


def render_cards(lang: str, part: int) -> tuple[Rendered, Rendered]:
    return _renderer().cards(lang, part)


def render_handout(lang: str, recipe_id: str) -> Rendered:
    recipe = next(r for r in _renderer().cookbook.recipes_in(lang) if r.id == recipe_id)
    return _renderer().handout(recipe)


def render_plan(lang: str, theme: str) -> Rendered:
    renderer = _renderer()
    return renderer.plan(theme_plan(renderer.project, renderer.cookbook, lang, theme))


# ---- The scheduler -----------------------------------------------------------------------------

Callback = Callable[[Any], None]


class Scheduler:
    """Runs tasks on a process pool (or in this process), most urgent first."""

    def __init__(self, workers: int, counter: StageCounter):
        self.workers = workers
        self.counter = counter
        self.queue: list[tuple[int, int, Callable[..., Any], tuple[Any, ...], Callback]] = []
        self.order = itertools.count()
        self.joining: list[BookJob] = []  # books that have slices to join, the first joining
        self.shared: dict[Hashable, Any] = {}  # results of shared tasks (submit_shared), by key
        self.waiting: dict[Hashable, list[Callback]] = {}  # who waits for a shared task under way
        self.ready: list[tuple[Any, Callback]] = []  # shared results to hand over, in turn

    def submit(self, priority: int, task: Callable[..., Any], args: tuple[Any, ...], done: Callback) -> None:
        heapq.heappush(self.queue, (priority, next(self.order), task, args, done))
        self.counter.add_total(1)

    def submit_shared(self, key: Hashable, priority: int, task: Callable[..., Any], args: tuple[Any, ...],
                      done: Callback) -> None:
        """A task whose result is the same for whoever asks with `key` (the page numbers that every
        language's book of a format shares): run once in this build, whether or not the PDF cache
        is on. A result already in is handed over by the run loop, not from within this call."""
        if key in self.shared:
            self.ready.append((self.shared[key], done))
        elif key in self.waiting:
            self.waiting[key].append(done)
        else:
            self.waiting[key] = [done]
            self.submit(priority, task, args, lambda result: self._share(key, result))

    def _share(self, key: Hashable, result: Any) -> None:
        self.shared[key] = result
        for done in self.waiting.pop(key):
            done(result)

    def _finished(self, result: Any, done: Callback) -> None:
        cached = all(r.cached for r in _rendered(result))
        done(result)
        self.counter.advance(cached=cached)

    def _hand_over(self) -> None:
        """The shared results that were in when asked for, to those who asked."""
        while self.ready:
            result, done = self.ready.pop(0)
            done(result)

    def run(self) -> None:
        if self.workers <= 1:
            with working_here():
                while True:
                    self._hand_over()
                    if not self.queue:
                        return
                    _, _, task, args, done = heapq.heappop(self.queue)
                    self._finished(task(*args), done)
        context = multiprocessing.get_context("fork")
        running: dict[Future[Any], Callback] = {}
        with ProcessPoolExecutor(self.workers, mp_context=context, initializer=prepare_worker) as pool:
            try:
                while True:
                    self._hand_over()
                    # A few tasks beyond the workers keep them busy; the rest waits here, in order.
                    while self.queue and len(running) < 2 * self.workers:
                        _, _, task, args, done = heapq.heappop(self.queue)
                        running[pool.submit(task, *args)] = done
                    if not running:
                        break
                    finished, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in finished:
                        self._finished(future.result(), running.pop(future))
            except BaseException:
                for future in running:
                    future.cancel()
                raise


def _rendered(result: Rendered | tuple[Rendered, ...]) -> tuple[Rendered, ...]:
    return (result,) if isinstance(result, Rendered) else result


# ---- Books -------------------------------------------------------------------------------------

@dataclass
class BookJob:
    """One book on its way: slices first, then the front matter and appendix, then the join.

    The slices are joined here as they come in (in their order, so that the bytes are the same
    however the pool finished them) while the workers render the rest; the front matter and
    the appendix, which print the page numbers, are joined last and placed first and last.
    The page numbers are rendered as soon as the book surely has that many pages, a numbers
    document at a time (once for all the books of a format: Scheduler.submit_shared), and laid
    over the joined pages just before the book is written."""

    plan: BookPlan
    target: Path
    appendix_title: str
    booklet: Path | None = None
    booklets: Booklets | None = None  # who imposes the booklet, if there is one
    booklet_label: BookletLabel | None = None  # what the booklet's metadata says it is
    written: list[Path] = field(default_factory=list)
    expected: list[Expected] = field(default_factory=list)
    slices: list[Rendered | None] = field(default_factory=list)
    numbers: dict[int, Rendered] = field(default_factory=dict)  # page-numbers documents, by their index
    numbers_asked: int = 0  # how many page-numbers documents were asked for
    scheduler: Scheduler | None = None
    front: Rendered | None = None
    appendix: list[Rendered | None] = field(default_factory=list)
    layout: PartLayout | None = None
    joiner: JoinHere | JoinApart | None = None  # while it is this book's turn to join
    joined: int = 0  # how many slices, from the first, the joiner has

    def start(self, scheduler: Scheduler) -> None:
        self.scheduler = scheduler
        self.slices = [None] * len(self.plan.slices)
        self.appendix = [None] * len(self.plan.appendix_parts)
        for index in range(len(self.plan.slices)):
            scheduler.submit(BOOK_PART, render_slice, (self.plan.request, index), lambda r, i=index: self._slice(i, r))

    def _slice(self, index: int, rendered: Rendered) -> None:
        self.slices[index] = rendered
        self._join_slices()
        if all(self.slices):
            done = [r for r in self.slices if r is not None]
            self.layout = PartLayout(0, [r.pages for r in done], [r.anchors for r in done])
            pages = page_map(self.plan, self.layout)
            request, scheduler = self.plan.request, self.scheduler
            assert scheduler is not None
            scheduler.submit(URGENT, render_front, (request, pages), lambda r: self._part("front", r))
            for part in range(len(self.appendix)):
                scheduler.submit(URGENT, render_appendix, (request, pages, part), lambda r, i=part: self._appendix(i, r))

    def _join_slices(self) -> None:
        """Join the slices that are in, up to the first missing one; their PDFs are let go.

        One book joins at a time, in the order their slices came: qpdf holds every object of
        the book it joins (some 360,000 at a thousand recipes), and two would double the peak.
        The others keep their slices' bytes until their turn."""
        assert self.scheduler is not None
        if not any(book is self for book in self.scheduler.joining):
            self.scheduler.joining.append(self)
        if self.scheduler.joining[0] is not self:
            return
        if self.joiner is None:  # parts: the front matter, the slices, the appendix
            joiner = JoinApart if self.scheduler.workers > 1 else JoinHere
            self.joiner = joiner(1 + len(self.slices) + len(self.appendix), anchor_owners(self.plan))
        while self.joined < len(self.slices) and (rendered := self.slices[self.joined]) is not None:
            self.joiner.add(1 + self.joined, rendered.pdf)
            self.slices[self.joined] = replace(rendered, pdf=b"")
            self.joined += 1
        self._ask_numbers(sum(r.pages for r in self.slices[:self.joined] if r is not None))

    def _ask_numbers(self, numbered_pages: int) -> None:
        """The page-numbers documents for the first `numbered_pages` pages after the front
        matter, those not asked for yet."""
        assert self.scheduler is not None
        request = self.plan.request
        for document in range(self.numbers_asked, numbers_documents(numbered_pages)):
            self.scheduler.submit_shared(("numbers", request.page_format, document), URGENT, render_numbers,
                                         (request, document), lambda r, d=document: self._numbers(d, r))
        self.numbers_asked = max(self.numbers_asked, numbers_documents(numbered_pages))

    def _numbers(self, document: int, rendered: Rendered) -> None:
        self.numbers[document] = rendered
        self._part_done()

    def _appendix(self, index: int, rendered: Rendered) -> None:
        self.appendix[index] = rendered
        self._part_done()

    def _part(self, name: str, rendered: Rendered) -> None:
        setattr(self, name, rendered)
        self._part_done()

    def _part_done(self) -> None:
        if not (self.front and self.layout and all(self.appendix)) or self.joiner is None or self.joined < len(self.slices):
            return
        numbered = sum(self.layout.slice_pages) + sum(r.pages for r in self.appendix if r is not None)
        self._ask_numbers(numbered)  # the appendix's pages, now that it is in
        if len(self.numbers) == numbers_documents(numbered):
            self.assemble()

    def close(self) -> None:
        """The joining process ends, if the build failed while this book was joined."""
        if self.joiner is not None:
            self.joiner.close()
            self.joiner = None

    def assemble(self) -> None:
        assert self.front and self.layout and self.joiner
        appendix = [r for r in self.appendix if r is not None]
        layout = PartLayout(self.front.pages, self.layout.slice_pages, self.layout.slice_anchors, sum(r.pages for r in appendix))
        self.joiner.add(0, self.front.pdf)
        for index, rendered in enumerate(appendix, start=1 + len(self.slices)):
            self.joiner.add(index, rendered.pdf)
        numbers = [self.numbers[document].pdf for document in sorted(self.numbers)]
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.joiner.write(self.target, outline(self.plan, layout, self.appendix_title),
                          [(0, "/r", 1), (layout.front_pages, "/D", 1)], layout.front_pages, numbers)
        self.joiner = None  # the joined book is let go, and the next book's turn comes
        self.numbers.clear()
        assert self.scheduler is not None
        del self.scheduler.joining[0]  # this book's turn (by identity: books compare by value)
        if self.scheduler.joining:
            following = self.scheduler.joining[0]
            following._join_slices()
            following._part_done()
        self.written.append(self.target)
        titles = tuple(recipe.title for recipe in self.plan.recipes)
        starts = anchor_pages(self.plan, layout)  # each recipe's title is on its first page
        self.expected.append(Expected(self.target, layout.total, titles,
                                      tuple(sorted(starts[recipe_anchor(recipe.id)] for recipe in self.plan.recipes))))
        if self.booklet is not None:
            assert self.booklets is not None
            self.booklets.impose(self.target, self.booklet, self.booklet_label)
            self.written.append(self.booklet)
            self.expected.append(Expected(self.booklet, len(saddle_stitch_order(layout.total)), titles))


@dataclass
class CardDeck:
    """A language's card deck: its parts rendered apart, then joined into the deck of single
    cards and the deck of sheets (a deck of one part is saved as it was rendered)."""

    lang: str
    targets: tuple[Path, Path]  # single cards, sheets
    parts: list[tuple[Rendered, Rendered] | None]
    titles: tuple[str, ...]
    written: list[Path] = field(default_factory=list)
    expected: list[Expected] = field(default_factory=list)

    def start(self, scheduler: Scheduler) -> None:
        for index in range(len(self.parts)):
            scheduler.submit(DECK, render_cards, (self.lang, index), lambda rendered, i=index: self._part(i, rendered))

    def _part(self, index: int, rendered: tuple[Rendered, Rendered]) -> None:
        self.parts[index] = rendered
        if all(self.parts):
            for side, target in enumerate(self.targets):
                pdfs = [part[side].pdf for part in self.parts if part is not None]
                if len(pdfs) == 1:
                    with writing(target):
                        target.write_bytes(pdfs[0])
                else:
                    join_pdfs(pdfs, target, outline=[])
                self.written.append(target)
                pages = sum(part[side].pages for part in self.parts if part is not None)
                self.expected.append(Expected(target, pages, self.titles))
            self.parts = [None] * len(self.parts)


def card_deck(project: Project, cookbook: Cookbook, lang: str, out_dir: Path) -> CardDeck:
    names = project.language(lang).strings["pdf"]
    recipes = cookbook.recipes_in(lang)
    return CardDeck(lang, (out_dir / names["cards"], out_dir / names["card_sheets"]), [None] * card_parts(len(recipes)),
                    tuple(recipe.title for recipe in recipes))


class Booklets:
    """Booklets imposed in a process of their own, started afresh for each (spawn, not fork).

    qpdf reads a 5,000-page A5 book into some hundreds of MB; in the main process that memory would
    stay under the next book it joins. The imposition runs while the pool renders on, and
    the end of the `with` block waits for it (raising what it raised: the pool carries errors
    back, not tracebacks)."""

    def __init__(self) -> None:
        self.pool: ProcessPoolExecutor | None = None
        self.pending: list[Future[Path]] = []

    def impose(self, source: Path, target: Path, label: BookletLabel | None = None) -> None:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), max_tasks_per_child=1)
        self.pending.append(self.pool.submit(impose_booklet, source, target, label))

    def __enter__(self) -> Booklets:
        return self

    def __exit__(self, error_type: type[BaseException] | None, *_: object) -> None:
        """Wait for the booklets, unless the build already failed (then they are cancelled)."""
        try:
            if error_type is None:
                for future in self.pending:
                    future.result()
        finally:
            if self.pool is not None:
                self.pool.shutdown(cancel_futures=True)
            self.pool, self.pending = None, []


def book_job(project: Project, cookbook: Cookbook, request: BookRequest, target: Path, booklet: Path | None = None,
             booklets: Booklets | None = None, reading_name: str | None = None) -> BookJob:
    """`reading_name`: the name the book is published under, when `target` is not its final
    name; the booklet's metadata points readers to it."""
    title = project.language(request.lang).strings["print"]["appendix_metrics"]
    label = booklet_label(project, request.lang, reading_name or target.name, request.page_format) if booklet else None
    return BookJob(BookPlan(cookbook, request), target, title, booklet, booklets, label)


def prepare_rendering(project: Project, cookbook: Cookbook, settings: PdfSettings) -> None:
    """What the workers about to be forked (or this process, with one job) will render from,
    and the fonts they will need."""
    global _CONTEXT
    _CONTEXT = (project, cookbook, settings.cache)
    _renderer.cache_clear()
    _plan.cache_clear()
    prepare_fonts(project)


# ---- Everything ----------------------------------------------------------------------------------

def build_pdfs(project: Project, cookbook: Cookbook, out_dir: Path, kinds: tuple[str, ...] = KINDS,
               settings: PdfSettings = PdfSettings(), progress: Progress = QUIET) -> list[Path]:
    """The books, editions, card decks, handouts and the themes' measurement plans (a PDF and a
    spreadsheet each) of every language that has recipes."""
    prepare_rendering(project, cookbook, settings)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    handouts: list[Expected] = []
    books: list[BookJob] = []
    decks: list[CardDeck] = []
    with progress.stage("PDFs", total=0) as counter, Booklets() as booklets:
        scheduler = Scheduler(settings.workers(), counter)
        languages = [language.code for language in project.languages if cookbook.recipes_in(language.code)]
        for lang in languages:
            formats = (["a4"] if "book" in kinds else []) + (["a5", "print"] if "editions" in kinds else [])
            for page_format in formats:
                booklet = out_dir / booklet_name(project, lang) if page_format == "a5" else None
                job = book_job(project, cookbook, BookRequest(lang, page_format), out_dir / book_name(project, lang, page_format),
                               booklet, booklets)
                job.start(scheduler)
                books.append(job)

        def save(name: str, titles: tuple[str, ...], rendered: Rendered) -> None:
            with writing(out_dir / name):
                (out_dir / name).write_bytes(rendered.pdf)
            written.append(out_dir / name)
            handouts.append(Expected(out_dir / name, rendered.pages, titles))

        for lang in languages:
            if "cards" in kinds:
                deck = card_deck(project, cookbook, lang, out_dir)
                deck.start(scheduler)
                decks.append(deck)
            if "handouts" in kinds:
                for recipe in cookbook.recipes_in(lang):
                    name = handout_name(recipe.id, lang)
                    scheduler.submit(HANDOUT, render_handout, (lang, recipe.id),
                                     lambda r, name=name, title=recipe.title: save(name, (title,), r))
            if "plans" in kinds:
                # Each theme's measurement plan: its spreadsheet here (fast), its PDF in the pool.
                for theme, chapter in cookbook.by_theme(lang):
                    write_spreadsheet(project, cookbook, theme_plan(project, cookbook, lang, theme),
                                      out_dir / plan_name(project, lang, theme, ".xlsx"))
                    written.append(out_dir / plan_name(project, lang, theme, ".xlsx"))
                    scheduler.submit(HANDOUT, render_plan, (lang, theme),
                                     lambda r, name=plan_name(project, lang, theme, ".pdf"), titles=tuple(x.title for x in chapter):
                                     save(name, titles, r))
        try:
            scheduler.run()
        finally:
            for job in books:
                job.close()
    with progress.stage("PDF checks"):
        verify_pdfs(project, [expected for job in [*books, *decks] for expected in job.expected] + handouts, settings)
    PdfCache.of(project, settings.cache).prune()
    return sorted([path for job in [*books, *decks] for path in job.written] + written)


def build_book(project: Project, cookbook: Cookbook, request: BookRequest, target: Path, booklet: Path | None = None,
               settings: PdfSettings = PdfSettings(), progress: Progress = QUIET, reading_name: str | None = None) -> list[Path]:
    """One book (a workshop pack of some recipes) to `target`, and its booklet if asked for."""
    prepare_rendering(project, cookbook, settings)
    with progress.stage("PDF", total=0) as counter, Booklets() as booklets:
        job = book_job(project, cookbook, request, target, booklet, booklets, reading_name)
        scheduler = Scheduler(min(settings.workers(), len(job.plan.slices) + 1), counter)
        job.start(scheduler)
        try:
            scheduler.run()
        finally:
            job.close()
    verify_pdfs(project, job.expected, settings)
    return job.written


def verify_pdfs(project: Project, expectations: list[Expected], settings: PdfSettings) -> None:
    """Every PDF checked before anything is published (cookbook.print.pdf_verify); the first that
    fails stops the build. Its parts may have come from the PDF cache, so the cache is emptied:
    the next build renders everything anew instead of joining the same parts again."""
    passed = project.build_dir / "cache" / "checked-pdfs"
    failed = check_pdfs(expectations, settings.workers(), passed if settings.cache else None)
    forget_unused(passed, time.time() - PRUNE_AFTER_SECONDS)
    if not failed:
        return
    shutil.rmtree(PdfCache.of(project).folder, ignore_errors=True)
    path, problems = sorted(failed.items())[0]
    others = f" ({len(failed) - 1} other PDFs failed too)" if len(failed) > 1 else ""
    raise CookbookError(f"{path.name} failed its check before publishing: {'; '.join(problems[:3])}{others}. "
                        "Nothing was published, and the PDF cache was emptied: run the build again. "
                        "If it fails the same way, please report it.")

