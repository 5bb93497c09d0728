"""Parts of a tagged PDF, rendered apart by WeasyPrint, joined into one tagged PDF (pikepdf, on qpdf).

qpdf copies each part with one mapping, so what points at a page or an annotation lands on the
copy in the joined page tree, and writes the file (object streams, an /ID from its bytes: the
same parts give the same file). What qpdf cannot know is done here: one structure tree (one top
element, parent-tree keys shifted part by part, element identifiers made unique), one name tree
of destinations (each from the part that really holds it: parts carry placeholder anchors for
links into others), the outline, page labels and the first part's catalog entries and info.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import pikepdf
from pikepdf import Array, Dictionary, Name, NameTree, NumberTree, Object, OutlineItem, String

from ..errors import CookbookError, writing

# Catalog entries of the first part that describe the whole document (PDF/UA needs /Lang,
# /MarkInfo and /ViewerPreferences; /Metadata is the XMP stream that agrees with the info).
CATALOG_KEYS = ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata", "/OutputIntents")
LABEL_STYLES = ("/D", "/r", "/R", "/a", "/A", "")
# What a damaged part can make qpdf (or our reading of what it copied) raise.
READ_ERRORS = (pikepdf.PdfError, pikepdf.ForeignObjectError, KeyError, TypeError, ValueError, AttributeError,
               IndexError, RecursionError)


class JoinError(CookbookError):
    """A part could not be read or joined."""


@dataclass(frozen=True)
class OutlineEntry:
    title: str
    page: int  # 0-based page index in the JOINED document
    children: tuple["OutlineEntry", ...] = ()


def join_pdfs(
    parts: list[bytes], target: Path, outline: list[OutlineEntry],
    page_labels: Iterable[tuple[int, str, int]] = (), anchor_owner: dict[str, int] | None = None,
    before_write: Callable[[pikepdf.Pdf], None] | None = None, document_id: bytes | None = None,
) -> None:
    """Join `parts` (tagged PDFs from WeasyPrint, in order) into `target`, with bookmarks to pages
    of the joined document and `page_labels` (first page index, style "/D", "/r" or "", first
    number). `anchor_owner`: name -> the part whose destination wins (else the first part's).
    `before_write` may change the document; `document_id` is the /ID's permanent half."""
    if not parts:
        raise JoinError("there are no parts to join into a PDF")
    joiner = Joiner(len(parts), anchor_owner)
    for index, data in enumerate(parts):
        joiner.add(index, data)
    joiner.write(target, outline, page_labels, before_write, document_id)


class Joiner:
    """A joined PDF built a part at a time, while later parts still render. Parts may come in any
    order that is the same every time (object numbers follow it); pages, structure and
    destinations follow the parts' indices. Each part is closed once copied."""

    def __init__(self, count: int, anchor_owner: dict[str, int] | None = None) -> None:
        self.count = count
        self.pdf = pikepdf.new()
        self.structure = _Structure(self.pdf)
        self.destinations = _Destinations(anchor_owner or {})
        self.page_counts: dict[int, int] = {}  # by part index
        self.version = "1.5"  # object streams need PDF 1.5

    def add(self, index: int, data: bytes) -> None:
        if not 0 <= index < self.count or index in self.page_counts:
            raise JoinError(f"part {index + 1} is not one of the {self.count} parts, or was joined already")
        where = f"part {index + 1} of the book"
        stream = io.BytesIO(data)
        try:
            part = pikepdf.open(stream, attempt_recovery=False)  # a torn part is an error, not half a part
        except READ_ERRORS as error:
            reason = str(error).removeprefix(f"stream {stream!r}: ")
            raise JoinError(f"{where} is not a readable PDF ({reason})") from None
        with part:
            if "/StructTreeRoot" not in part.Root:
                raise JoinError(f"{where} is not a tagged PDF (it has no structure tree)")
            try:
                self._add(index, part)
            except READ_ERRORS as error:
                raise JoinError(f"{where} could not be joined: {error}") from None
            if warnings := part.get_warnings():
                raise JoinError(f"{where} is damaged: {warnings[0]}")

    def _add(self, index: int, part: pikepdf.Pdf) -> None:
        start = sum(count for other, count in self.page_counts.items() if other < index)
        copied = [self.pdf.copy_foreign(page.obj) for page in part.pages]
        for offset, page in enumerate(copied):
            self.pdf.pages.insert(start + offset, pikepdf.Page(page))
        self.page_counts[index] = len(copied)
        # The rest through the same mapping (what points at a page points at its copy), but not the
        # part's parent tree, destinations and outline: made anew, their copies would stay in
        # memory unwritten (the parent trees alone are a tenth of a book's objects).
        tree = part.Root.StructTreeRoot
        entries = list(NumberTree(tree.ParentTree).items()) if "/ParentTree" in tree else []
        dests = part.Root.get("/Names", Dictionary()).get("/Dests")
        named = dict(NameTree(dests).items()) if dests is not None else {}
        taken = [name for name in named if self.destinations.takes(index, name)]
        for key in {"/ParentTree", "/IDTree"}.intersection(tree.keys()):
            del tree[key]
        first = {key: part.Root[key] for key in CATALOG_KEYS if key in part.Root and index == 0}
        if index == 0 and "/Info" in part.trailer:
            first["/Info"] = part.make_indirect(part.trailer.Info)
        wanted = Dictionary(Tree=tree, Values=Array([value for _, value in entries]),
                            Dests=Array([named[name] for name in taken]), First=Dictionary(first))
        # qpdf numbers the copies in turn, from the first's: the next new object's number ends them.
        copy = self.pdf.copy_foreign(part.make_indirect(wanted))
        end = self.pdf.make_indirect(Dictionary()).objgen[0]  # left unreferenced: not written
        self.structure.add(index, copy.Tree, zip([key for key, _ in entries], copy.Values), copied,
                           range(copy.objgen[0], end))
        self.destinations.add(index, zip(taken, copy.Dests), copied)
        for key, value in copy.First.items():  # the first part's
            (self.pdf.trailer if key == "/Info" else self.pdf.Root)[key] = value
        self.version = max(self.version, part.pdf_version)

    def write(self, target: Path, outline: list[OutlineEntry], page_labels: Iterable[tuple[int, str, int]] = (),
              before_write: Callable[[pikepdf.Pdf], None] | None = None, document_id: bytes | None = None) -> None:
        """The joined document to `target`; see join_pdfs for the arguments. The joiner is spent."""
        if missing := [index + 1 for index in range(self.count) if index not in self.page_counts]:
            raise JoinError(f"parts {', '.join(map(str, missing))} of {self.count} were never joined")
        pdf = self.pdf
        with pdf:
            self.structure.finish()
            self.destinations.write(pdf)
            _write_outline(pdf, outline)
            _write_page_labels(pdf, list(page_labels))
            if before_write is not None:
                before_write(pdf)
            if document_id is not None:  # qpdf keeps an /ID's first half and makes the second
                pdf.trailer.ID = Array([String(document_id), String(document_id)])
            with writing(target), target.open("wb") as out:
                pdf.save(out, min_version=self.version, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                         deterministic_id=True)


class _Structure:
    """The joined structure tree, built part by part."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self.root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        self.top: Object | None = None  # our top element, made from the first part's
        self.kids: dict[int, list[Object]] = {}  # by part index: the elements under our top element
        self.nums: list[tuple[int, Object]] = []  # the merged parent tree's entries
        self.next_key = 0  # the first parent-tree key of the next part
        self.maps: dict[str, Dictionary] = {}  # merged /RoleMap and /ClassMap
        self.ids: dict[bytes, Object] = {}  # element /ID -> element

    def add(self, index: int, tree: Object, entries: Iterable[tuple[int, Object]], pages: list[Object],
            copied: range) -> None:
        """Part `index`'s structure: its root `tree`, its parent tree's `entries` and the objects
        `copied` with them (by number)."""
        top, kids = _top_element(tree)
        if self.top is None:
            own = Dictionary({key: value for key, value in (top or {}).items() if key not in ("/K", "/P", "/Pg", "/ID")})
            own.P = self.root
            own.S = own.get("/S", Name.Document)
            self.top = self.pdf.make_indirect(own)
        self.kids[index] = kids
        offset, span = self.next_key, 0
        for key, value in entries:
            self.nums.append((key + offset, value))
            span = max(span, key + 1)
        for page in pages:
            if "/StructParents" in page:
                page.StructParents = int(page.StructParents) + offset
            for annotation in page.get("/Annots", ()):
                if isinstance(annotation, Dictionary) and "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + offset
        self.next_key += max(span, int(tree.get("/ParentTreeNextKey", 0)))
        for key in ("/RoleMap", "/ClassMap"):
            if isinstance(source := tree.get(key), Dictionary):
                merged = self.maps.setdefault(key, Dictionary())
                for name, value in source.items():
                    if name not in merged:  # the first part's meaning of a name wins
                        merged[name] = value
        self._adopt(index, {tree.objgen, top.objgen if top is not None else tree.objgen}, copied)

    def _adopt(self, index: int, left_behind: set[tuple[int, int]], copied: range) -> None:
        """Every element whose /P is the part's root or top element gets ours (WeasyPrint leaves
        some out of its top element); identifiers go into the /IDTree, all prefixed if one clashes
        with an earlier part's (WeasyPrint names them after object numbers), with cells' /Headers."""
        identified, cells = [], []
        for number in copied:
            element = self.pdf.get_object((number, 0))
            if not isinstance(element, Dictionary):
                continue
            parent = element.get("/P")
            if parent is not None and parent.objgen in left_behind:
                element.P = self.top
            if "/ID" in element:
                identified.append(element)
            for attributes in _as_list(element.get("/A")):
                if isinstance(attributes, Dictionary) and "/Headers" in attributes:
                    cells.append(attributes)
        if any(bytes(element.ID) in self.ids for element in identified):
            prefix = f"p{index + 1}-".encode()
            for element in identified:
                element.ID = String(prefix + bytes(element.ID))
            for attributes in cells:
                attributes.Headers = Array([String(prefix + bytes(header)) for header in _as_list(attributes.Headers)])
        for element in identified:
            self.ids.setdefault(bytes(element.ID), element)

    def finish(self) -> None:
        if self.top is None:
            return
        self.top.K = Array([kid for index in sorted(self.kids) for kid in self.kids[index]])
        root = self.root
        root.K = self.top
        # One node of sorted keys: WeasyPrint's parts have no more than a few hundred each.
        nums = [item for key, value in sorted(self.nums, key=lambda entry: entry[0]) for item in (key, value)]
        root.ParentTree = self.pdf.make_indirect(Dictionary(Nums=Array(nums)))
        root.ParentTreeNextKey = self.next_key
        for key, merged in self.maps.items():
            root[key] = merged
        if self.ids:  # required whenever elements have identifiers (ISO 32000-1, 14.7.2)
            names = [item for key in sorted(self.ids) for item in (String(key), self.ids[key])]
            root.IDTree = self.pdf.make_indirect(Dictionary(Names=Array(names)))
        self.pdf.Root.StructTreeRoot = root


def _top_element(tree: Object) -> tuple[Object | None, list[Object]]:
    """The part's top element and the elements to move into ours: WeasyPrint's one /Document's
    kids; a part whose root holds several elements or content of its own moves whole."""
    top = _as_list(tree.get("/K"))
    if len(top) == 1 and isinstance(element := top[0], Dictionary):
        kids = _as_list(element.get("/K"))
        if all(isinstance(kid, Dictionary) and kid.is_indirect for kid in kids):
            return element, kids
    return None, top


def _as_list(value: Object | None) -> list[Object]:
    """An entry that may be one object or an array of them (/K, /A...), as a list."""
    return [] if value is None else list(value) if isinstance(value, Array) else [value]


class _Destinations:
    """One name tree: each name from the part that owns it, or else from the first that has it;
    the other parts' placeholders are left behind."""

    def __init__(self, owners: dict[str, int]) -> None:
        self.owners = owners
        self.chosen: dict[str, tuple[int, Object]] = {}  # name -> (part, destination)
        self.links: set[str] = set()  # the names links lead to

    def takes(self, index: int, name: str) -> bool:
        """Whether part `index` gives `name` its destination (for now: its owner may come later)."""
        held, owner = self.chosen.get(name), self.owners.get(name)
        return held is None or (held[0] != owner and (index == owner or index < held[0]))

    def add(self, index: int, destinations: Iterable[tuple[str, Object]], pages: list[Object]) -> None:
        for name, value in destinations:
            self.chosen[name] = (index, value)
        for page in pages:
            for annotation in page.get("/Annots", ()):
                if isinstance(annotation, Dictionary) and isinstance(dest := annotation.get("/Dest"), String):
                    self.links.add(str(dest))

    def write(self, pdf: pikepdf.Pdf) -> None:
        if missing := sorted(self.links.difference(self.chosen)):
            raise JoinError(f"links in the book lead to anchors no part has: {', '.join(missing[:5])}")
        if not self.chosen:
            return
        # One node, sorted by the names' bytes as the spec says.
        keys = sorted((bytes(String(name)), name) for name in self.chosen)
        names = [item for key, name in keys for item in (String(key), self.chosen[name][1])]
        pdf.Root.Names = Dictionary(Dests=pdf.make_indirect(Dictionary(Names=Array(names))))


def _write_outline(pdf: pikepdf.Pdf, entries: list[OutlineEntry]) -> None:
    """Bookmarks, open, each fitting its page in the window."""
    if not entries:
        return
    count = len(pdf.pages)

    def items(entries: Iterable[OutlineEntry]) -> list[OutlineItem]:
        made = []
        for entry in entries:
            if not 0 <= entry.page < count:
                raise JoinError(f"bookmark {entry.title!r} is on page {entry.page + 1} of a {count}-page book")
            item = OutlineItem(entry.title, entry.page, "Fit")
            item.children.extend(items(entry.children))
            made.append(item)
        return made

    with pdf.open_outline() as outline:
        outline.root.extend(items(entries))
    pdf.Root.PageMode = Name.UseOutlines


def _write_page_labels(pdf: pikepdf.Pdf, page_labels: list[tuple[int, str, int]]) -> None:
    """The catalog's /PageLabels number tree; page 0 must have a label."""
    if not page_labels:
        return
    count = len(pdf.pages)
    labels = {0: Dictionary(S=Name.D)}
    for first, style, start in page_labels:
        if style not in LABEL_STYLES or not 0 <= first < count or start < 1:
            raise JoinError(f"page label {(first, style, start)!r} does not fit a {count}-page book")
        labels[first] = Dictionary({**({"/S": Name(style)} if style else {}), **({"/St": start} if start != 1 else {})})
    tree = NumberTree.new(pdf)
    for first in sorted(labels):
        tree[first] = labels[first]
    pdf.Root.PageLabels = tree.obj
