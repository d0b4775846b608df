"""What Word and Excel are strict about beyond the schema, checked by reading the package XML.

Each check takes an open ``zipfile.ZipFile`` of a .docx/.xlsx and returns a list of problems
(short English strings naming the part); an empty list means the file passes. The element orders
below are the sequences of ECMA-376 Part 1 (wml.xsd, transitional), used to check that every
property element we write is in schema order without needing the .NET validator.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from datetime import datetime

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DCTERMS = "http://purl.org/dc/terms/"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)

# -- schema order (ECMA-376 Part 1, §17.3.1.26 CT_PPr, §17.3.2.28 CT_RPr, §17.4.60 CT_TblPr,
#    §17.6.17 CT_SectPr, §17.4.70 CT_TcPr, ruby) ---------------------------------------------------------
_PPR = ("pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
        "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
        "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection "
        "textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange")
_RPR = ("ins del moveFrom moveTo rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss "
        "imprint noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect "
        "bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath rPrChange")
_TBLPR = ("tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc tblCellSpacing "
          "tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription tblPrChange")
# headerReference/footerReference are a choice group (any order among themselves): same rank.
_SECTPR = ("headerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders lnNumType pgNumType cols "
           "formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid printerSettings sectPrChange")
_TCPR = ("cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark "
         "headers cellIns cellDel cellMerge tcPrChange")
_RUBYPR = "rubyAlign hps hpsRaise hpsBaseText lid dirty"  # §17.3.3.28 CT_RubyPr
_RUBY = "rubyPr rt rubyBase"  # §17.3.3.25 CT_Ruby
SCHEMA_ORDER: dict[str, tuple[str, ...]] = {
    "pPr": tuple(_PPR.split()), "rPr": tuple(_RPR.split()), "tblPr": tuple(_TBLPR.split()),
    "sectPr": tuple(_SECTPR.split()), "tcPr": tuple(_TCPR.split()),
    "rubyPr": tuple(_RUBYPR.split()), "ruby": tuple(_RUBY.split()),
}
_SAME_RANK = {"footerReference": "headerReference"}


def qn(name: str) -> str:
    """'w:jc' → Clark notation of the WordprocessingML namespace."""
    prefix, local = name.split(":")
    return f"{{{dict(w=W, r=R)[prefix]}}}{local}"


def _xml(package: zipfile.ZipFile, name: str):
    return etree.fromstring(package.read(name), parser=_PARSER)


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def schema_order_problems(package: zipfile.ZipFile, names=("word/document.xml", "word/styles.xml")) -> list[str]:
    """Children of every w:pPr/rPr/tblPr/sectPr/tcPr out of ECMA-376 order (or unknown to it)."""
    problems = []
    for name in names:
        if name not in package.namelist():
            continue
        root = _xml(package, name)
        tree = root.getroottree()
        for parent, order in SCHEMA_ORDER.items():
            for element in root.iter(f"{{{W}}}{parent}"):
                last = -1
                for child in element:
                    if not isinstance(child.tag, str) or etree.QName(child).namespace != W:
                        continue  # w14:/mc: extensions come after the sequence; the SDK checks them
                    local = _SAME_RANK.get(_local(child.tag), _local(child.tag))
                    if local not in order:
                        problems.append(f"{name} {tree.getpath(element)}: w:{local} is not a child of w:{parent}")
                        continue
                    rank = order.index(local)
                    if rank < last:
                        problems.append(f"{name} {tree.getpath(element)}: w:{_local(child.tag)} after "
                                        f"w:{order[last]} (schema order: {local} first)")
                    last = max(last, rank)
    return problems


# -- packaging: relationships, content types, core properties ------------------------------------

def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _relationships(package: zipfile.ZipFile, part: str) -> list[etree._Element]:
    name = _rels_name(part)
    if name not in package.namelist():
        return []
    return list(_xml(package, name).iter(f"{{{PR}}}Relationship"))


def _parts(package: zipfile.ZipFile) -> list[str]:
    return [n for n in package.namelist() if not n.endswith("/")]


def relationship_problems(package: zipfile.ZipFile) -> list[str]:
    """Every internal relationship's target exists; every r:* id used in a part is one of its relationships."""
    problems = []
    names = set(_parts(package))
    for rels in sorted(n for n in names if n.endswith(".rels")):
        folder = posixpath.dirname(posixpath.dirname(rels))  # "word/_rels/document.xml.rels" -> "word"
        for rel in _xml(package, rels).iter(f"{{{PR}}}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            if resolved not in names:
                problems.append(f"{rels}: {rel.get('Id')} targets {target}, which is not in the package")
    for part in sorted(n for n in names if n.endswith(".xml") and not n.startswith("[")):
        ids = {rel.get("Id") for rel in _relationships(package, part)}
        for element in _xml(package, part).iter():
            for attribute, value in element.attrib.items():
                if attribute.startswith(f"{{{R}}}") and value and value not in ids:
                    problems.append(f"{part}: r:{etree.QName(attribute).localname}={value!r} is not a relationship of the part")
    return problems


def content_type_problems(package: zipfile.ZipFile) -> list[str]:
    """Every part has a content type (an Override or a Default for its extension)."""
    types = _xml(package, "[Content_Types].xml")
    defaults = {d.get("Extension", "").lower() for d in types.iter(f"{{{CT}}}Default")}
    overrides = {o.get("PartName", "") for o in types.iter(f"{{{CT}}}Override")}
    problems = []
    for part in _parts(package):
        if part == "[Content_Types].xml":
            continue
        extension = part.rsplit(".", 1)[-1].lower() if "." in posixpath.basename(part) else ""
        if "/" + part not in overrides and extension not in defaults:
            problems.append(f"{part}: no content type in [Content_Types].xml")
    names = set(_parts(package))
    problems += [f"[Content_Types].xml: Override for {o}, which is not in the package"
                 for o in sorted(overrides) if o.lstrip("/") not in names]
    return problems


_W3CDTF = re.compile(r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$")
_XSD_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


def core_date_problems(package: zipfile.ZipFile) -> list[str]:
    """dcterms:created/modified are W3CDTF dates (cp:lastPrinted an xsd:dateTime) that exist."""
    if "docProps/core.xml" not in package.namelist():
        return ["docProps/core.xml is missing"]
    problems = []
    root = _xml(package, "docProps/core.xml")
    dated = [(e, _W3CDTF) for e in root if e.tag in (f"{{{DCTERMS}}}created", f"{{{DCTERMS}}}modified")]
    dated += [(e, _XSD_DATETIME) for e in root if e.tag == f"{{{CP}}}lastPrinted"]
    for element, pattern in dated:
        text = (element.text or "").strip()
        label = f"docProps/core.xml {etree.QName(element).localname}={text!r}"
        if not pattern.match(text):
            problems.append(f"{label}: not a W3CDTF date")
            continue
        try:
            datetime.fromisoformat(text.replace("Z", "+00:00")) if "T" in text else None
        except ValueError:
            problems.append(f"{label}: no such date")
    return problems


def package_problems(package: zipfile.ZipFile) -> list[str]:
    return relationship_problems(package) + content_type_problems(package) + core_date_problems(package)


# -- Word: bookmarks and fields --------------------------------------------------------------------

def _story_parts(package: zipfile.ZipFile) -> list[str]:
    return sorted(n for n in package.namelist()
                  if re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml", n))


def bookmark_problems(package: zipfile.ZipFile) -> list[str]:
    """Bookmark names ≤ 40 characters and unique; every bookmarkStart has one bookmarkEnd of its id."""
    problems = []
    names: dict[str, int] = {}
    for part in _story_parts(package):
        root = _xml(package, part)
        starts: dict[str, str] = {}
        for start in root.iter(f"{{{W}}}bookmarkStart"):
            name, mark = start.get(f"{{{W}}}name", ""), start.get(f"{{{W}}}id", "")
            if len(name) > 40:
                problems.append(f"{part}: bookmark {name!r} is {len(name)} characters (Word allows 40)")
            names[name] = names.get(name, 0) + 1
            if mark in starts:
                problems.append(f"{part}: bookmark id {mark} starts twice ({starts[mark]!r}, {name!r})")
            starts[mark] = name
        ends = [end.get(f"{{{W}}}id", "") for end in root.iter(f"{{{W}}}bookmarkEnd")]
        for mark in sorted(set(starts) - set(ends)):
            problems.append(f"{part}: bookmark {starts[mark]!r} (id {mark}) has no bookmarkEnd")
        for mark in sorted(set(ends) - set(starts)):
            problems.append(f"{part}: bookmarkEnd id {mark} has no bookmarkStart")
        for mark in sorted({m for m in ends if ends.count(m) > 1}):
            problems.append(f"{part}: bookmark id {mark} ends more than once")
    problems += [f"bookmark name {name!r} used {count} times" for name, count in names.items() if count > 1]
    return problems


def bookmark_names(package: zipfile.ZipFile) -> set[str]:
    return {start.get(f"{{{W}}}name", "") for part in _story_parts(package)
            for start in _xml(package, part).iter(f"{{{W}}}bookmarkStart")}


def field_instructions(root) -> tuple[list[str], list[str]]:
    """(instructions of every complex and simple field, nesting problems) in document order."""
    problems: list[str] = []
    done: list[str] = []
    stack: list[dict] = []
    for element in root.iter(f"{{{W}}}fldChar", f"{{{W}}}instrText", f"{{{W}}}fldSimple"):
        local = _local(element.tag)
        if local == "fldSimple":
            done.append(element.get(f"{{{W}}}instr", ""))
        elif local == "instrText":
            if stack and not stack[-1]["separated"]:
                stack[-1]["instr"] += element.text or ""
            elif not stack:
                problems.append(f"instrText {element.text!r} outside a field")
        else:
            kind = element.get(f"{{{W}}}fldCharType")
            if kind == "begin":
                stack.append({"instr": "", "separated": False})
            elif kind == "separate":
                if not stack or stack[-1]["separated"]:
                    problems.append("fldChar separate without an open field (or twice)")
                else:
                    stack[-1]["separated"] = True
            elif kind == "end":
                if not stack:
                    problems.append("fldChar end without a begin")
                else:
                    done.append(stack.pop()["instr"])
    problems += [f"field {f['instr'].strip()!r} never ends" for f in stack]
    return done, problems


_PAGEREF = re.compile(r"^\s*(PAGEREF|REF)\s+(\S+)")


def field_problems(package: zipfile.ZipFile) -> list[str]:
    """begin/separate/end balanced in every story; every PAGEREF/REF names an existing bookmark."""
    problems = []
    bookmarks = bookmark_names(package)
    for part in _story_parts(package):
        instructions, nesting = field_instructions(_xml(package, part))
        problems += [f"{part}: {p}" for p in nesting]
        for instruction in instructions:
            match = _PAGEREF.match(instruction)
            if match and match.group(2) not in bookmarks:
                problems.append(f"{part}: {match.group(1)} to {match.group(2)!r}, which is not a bookmark")
    return problems


def word_problems(package: zipfile.ZipFile) -> list[str]:
    return package_problems(package) + bookmark_problems(package) + field_problems(package)


# -- Excel: sheet names, cell text, data validation ------------------------------------------------

_FUNCTION_OR_NAME = re.compile(r"(?<![\w.$!'])([A-Za-z_\\][\w.]*)(\s*\()?")
_CELL = re.compile(r"^\$?[A-Za-z]{1,3}\$?\d+$|^\$?[A-Za-z]{1,3}$|^\$?\d+$")
_INDIRECT_LIST = re.compile(r'INDIRECT\("([^"]+)"&IFERROR\(MATCH\([^,]+,([\w.]+),0\),0\)\)')
_RANGE = re.compile(r"\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?$")


def _workbook(package: zipfile.ZipFile):
    return _xml(package, "xl/workbook.xml")


def defined_names(package: zipfile.ZipFile) -> dict[str, str]:
    return {d.get("name", ""): d.text or "" for d in _workbook(package).iter(f"{{{S}}}definedName")}


def _worksheets(package: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part name) of every worksheet."""
    rels = {rel.get("Id"): rel.get("Target", "") for rel in _relationships(package, "xl/workbook.xml")}
    sheets = []
    for sheet in _workbook(package).iter(f"{{{S}}}sheet"):
        target = rels.get(sheet.get(f"{{{R}}}id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        sheets.append((sheet.get("name", ""), part))
    return sheets


def _names_used(formula: str) -> set[str]:
    """Identifiers of a formula that are neither functions, cell references nor booleans."""
    bare = re.sub(r'"[^"]*"', '""', formula)
    bare = re.sub(r"'[^']*'!\S+|\b\w+!\$?[A-Z]+\$?\d+(:\$?[A-Z]+\$?\d+)?", "", bare)  # sheet-qualified references
    used = set()
    for match in _FUNCTION_OR_NAME.finditer(bare):
        word, call = match.group(1), match.group(2)
        if call or _CELL.match(word) or word.upper() in ("TRUE", "FALSE"):
            continue
        used.add(word)
    return used


def _range_rows(reference: str) -> int:
    match = _RANGE.search(reference.split("!")[-1])
    if not match:
        return 0
    return int(match.group(4) or match.group(2)) - int(match.group(2)) + 1


def excel_problems(package: zipfile.ZipFile) -> list[str]:
    """Sheet names valid; cell text ≤ 32,767 characters; data-validation formulas ≤ 255 characters and
    every defined name they use (also through INDIRECT("prefix"&MATCH(…, list, 0))) defined."""
    problems = package_problems(package)
    names = defined_names(package)
    sheets = {sheet for sheet, _ in _worksheets(package)}
    for sheet, part in _worksheets(package):
        if not sheet or len(sheet) > 31 or re.search(r"[\[\]:*?/\\]", sheet) or sheet.startswith("'") or sheet.endswith("'"):
            problems.append(f"xl/workbook.xml: sheet name {sheet!r} is not valid in Excel")
        root = _xml(package, part)
        for text in root.iter(f"{{{S}}}t", f"{{{S}}}v"):
            if text.text and len(text.text) > 32767:
                problems.append(f"{part}: a cell holds {len(text.text)} characters (Excel allows 32,767)")
        for validation in root.iter(f"{{{S}}}dataValidation"):
            cells = validation.get("sqref", "")
            for formula in validation:
                if _local(formula.tag) not in ("formula1", "formula2"):
                    continue
                text = formula.text or ""
                if len(text) > 255:
                    problems.append(f"{part} {cells}: data-validation formula of {len(text)} characters (Excel allows 255)")
                for quoted in re.findall(r"'([^']*)'!", text):
                    if quoted not in sheets:
                        problems.append(f"{part} {cells}: data validation refers to sheet {quoted!r}, which does not exist")
                for name in sorted(_names_used(text) - set(names)):
                    problems.append(f"{part} {cells}: data validation uses {name!r}, which is not a defined name")
                for prefix, listed in _INDIRECT_LIST.findall(text):
                    wanted = [f"{prefix}{i}" for i in range(_range_rows(names.get(listed, "")) + 1)]
                    missing = [n for n in wanted if n not in names]
                    if missing:
                        problems.append(f"{part} {cells}: INDIRECT needs {', '.join(missing)}, not defined")
    for shared in ("xl/sharedStrings.xml",):
        if shared in package.namelist():
            for text in _xml(package, shared).iter(f"{{{S}}}t"):
                if text.text and len(text.text) > 32767:
                    problems.append(f"{shared}: a string of {len(text.text)} characters (Excel allows 32,767)")
    return problems
