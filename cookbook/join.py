"""Parts of a tagged PDF, rendered apart, joined into one tagged PDF (pypdf).

pypdf copies pages but knows nothing of the structure tree that makes a PDF accessible, so the
join merges it: one structure root whose document element holds every part's elements, and
one parent tree whose keys are shifted part by part (with the pages' /StructParents and the
annotations' /StructParent). Named destinations are gathered into one name tree, each name
taken from the part that really holds it (parts carry placeholder anchors for links into other
parts). The outline and the page labels are the book's, not the parts'.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import (
    ArrayObject, ByteStringObject, DictionaryObject, Fit, NameObject, NumberObject, PdfObject, TextStringObject,
)

from .errors import CookbookError

CATALOG_KEYS = ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata")


class JoinError(CookbookError):
    """A part could not be read or joined."""


@dataclass(frozen=True)
class OutlineEntry:
    title: str
    page: int  # 0-based index in the joined document
    children: tuple["OutlineEntry", ...] = ()


def join_pdfs(
    parts: list[bytes], target: Path, outline: list[OutlineEntry],
    page_labels: list[tuple[int, str, int]] = (), anchor_owner: dict[str, int] | None = None,
    before_write: Callable[[PdfWriter], None] | None = None, document_id: bytes | None = None,
) -> None:
    """Join `parts` (tagged PDFs from WeasyPrint) into `target`.

    `page_labels`: (first page index, style "/D", "/r" or "", first number) from that page on.
    `anchor_owner`: name -> index of the part whose destination wins. `before_write` may
    change the joined pages (it stamps the page numbers)."""
    readers = [_read(part, index) for index, part in enumerate(parts)]
    writer = PdfWriter()
    elements: list[PdfObject] = []
    parent_tree: list[tuple[int, PdfObject]] = []
    destinations: dict[str, tuple[int, PdfObject]] = {}
    offset = 0
    for index, reader in enumerate(readers):
        pages = [writer.add_page(page) for page in reader.pages]
        for original, page in zip(reader.pages, pages):
            _shift_struct_parents(original, page, offset)
        tree = reader.trailer["/Root"].get("/StructTreeRoot")
        if tree is not None:
            tree = tree.get_object().clone(writer)
            elements.extend(_document_kids(tree))
            parent_tree.extend((key + offset, value) for key, value in _number_tree(tree.get("/ParentTree")))
            offset += int(tree.get("/ParentTreeNextKey", 0)) or (max((k for k, _ in parent_tree), default=-1) + 1 - offset)
        for name, destination in _name_tree(reader.trailer["/Root"].get("/Names", {}).get("/Dests")):
            owner = (anchor_owner or {}).get(name)
            if owner == index or (owner is None and name not in destinations):
                destinations[name] = (index, destination.get_object().clone(writer))
    _write_structure(writer, readers[0], elements, parent_tree, offset)
    _write_destinations(writer, {name: dest for name, (_, dest) in destinations.items()})
    _copy_catalog(writer, readers[0])
    _write_outline(writer, outline)
    for first, style, start in page_labels:
        last = next((f - 1 for f, _, _ in page_labels if f > first), len(writer.pages) - 1)
        writer.set_page_label(first, last, style=style or None, start=start)
    if before_write is not None:
        before_write(writer)
    digest = document_id or hashlib.md5(b"".join(hashlib.md5(part).digest() for part in parts)).digest()
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
    buffer = io.BytesIO()
    writer.write(buffer)
    target.write_bytes(buffer.getvalue())


def _read(part: bytes, index: int) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(part))
        reader.pages  # noqa: B018 - parse now, to fail here with a clear message
        return reader
    except (PdfReadError, ValueError, KeyError) as error:
        raise JoinError(f"part {index + 1} of the book is not a readable PDF ({error})") from None


def _shift_struct_parents(original: DictionaryObject, page: DictionaryObject, offset: int) -> None:
    if "/StructParents" in original:
        page[NameObject("/StructParents")] = NumberObject(int(original["/StructParents"]) + offset)
    for annotation in page.get("/Annots") or []:
        annotation = annotation.get_object()
        if "/StructParent" in annotation:
            annotation[NameObject("/StructParent")] = NumberObject(int(annotation["/StructParent"]) + offset)


def _document_kids(tree: DictionaryObject) -> list[PdfObject]:
    """The part's top elements: the kids of its document element (WeasyPrint writes one)."""
    kids = tree.get("/K")
    kids = kids.get_object() if kids is not None else []
    top = list(kids) if isinstance(kids, list) else [kids]
    found = []
    for element in top:
        element_object = element.get_object()
        if element_object.get("/S") == "/Document":
            inner = element_object.get("/K")
            inner = inner.get_object() if inner is not None else []
            found.extend(inner if isinstance(inner, list) else [inner])
        else:
            found.append(element)
    return found


def _number_tree(node: PdfObject | None) -> Iterator[tuple[int, PdfObject]]:
    if node is None:
        return
    node = node.get_object()
    nums = node.get("/Nums") or []
    for index in range(0, len(nums), 2):
        yield int(nums[index]), nums[index + 1]
    for kid in node.get("/Kids") or []:
        yield from _number_tree(kid)


def _name_tree(node: PdfObject | None) -> Iterator[tuple[str, PdfObject]]:
    if node is None:
        return
    node = node.get_object()
    names = node.get("/Names") or []
    for index in range(0, len(names), 2):
        yield str(names[index]), names[index + 1]
    for kid in node.get("/Kids") or []:
        yield from _name_tree(kid)


def _write_structure(writer: PdfWriter, first: PdfReader, elements: list[PdfObject],
                     parent_tree: list[tuple[int, PdfObject]], next_key: int) -> None:
    root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
    root_ref = writer._add_object(root)
    document = DictionaryObject({
        NameObject("/Type"): NameObject("/StructElem"), NameObject("/S"): NameObject("/Document"),
        NameObject("/P"): root_ref, NameObject("/K"): ArrayObject(elements),
    })
    lang = first.trailer["/Root"].get("/Lang")
    if lang is not None:
        document[NameObject("/Lang")] = TextStringObject(str(lang))
    document_ref = writer._add_object(document)
    for element in elements:
        element.get_object()[NameObject("/P")] = document_ref
    nums = ArrayObject()
    for key, value in sorted(parent_tree, key=lambda item: item[0]):
        nums.extend([NumberObject(key), value])
    root[NameObject("/K")] = document_ref
    root[NameObject("/ParentTree")] = writer._add_object(DictionaryObject({NameObject("/Nums"): nums}))
    root[NameObject("/ParentTreeNextKey")] = NumberObject(next_key)
    first_tree = first.trailer["/Root"].get("/StructTreeRoot")
    role_map = first_tree.get_object().get("/RoleMap") if first_tree is not None else None
    if role_map is not None:
        root[NameObject("/RoleMap")] = role_map.get_object().clone(writer)
    writer._root_object[NameObject("/StructTreeRoot")] = root_ref


def _write_destinations(writer: PdfWriter, destinations: dict[str, PdfObject]) -> None:
    names = ArrayObject()
    for name in sorted(destinations):
        names.extend([TextStringObject(name), destinations[name]])
    dests = writer._add_object(DictionaryObject({NameObject("/Names"): names}))
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/Dests"): dests})


def _copy_catalog(writer: PdfWriter, first: PdfReader) -> None:
    catalog = first.trailer["/Root"]
    for key in CATALOG_KEYS:
        if key in catalog:
            writer._root_object[NameObject(key)] = catalog[key].get_object().clone(writer) if key != "/Lang" else catalog[key]
    if first.metadata:
        writer.add_metadata({key: value for key, value in first.metadata.items()})


def _write_outline(writer: PdfWriter, entries: list[OutlineEntry], parent: PdfObject | None = None) -> None:
    for entry in entries:
        item = writer.add_outline_item(title=entry.title, page_number=entry.page, parent=parent, fit=Fit.xyz(top=None))
        _write_outline(writer, list(entry.children), item)
    if parent is None and entries:
        writer.page_mode = "/UseOutlines"
