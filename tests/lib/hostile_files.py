"""Hostile spreadsheets built at test time (small in memory, nothing on disk): zip bombs,
million-row sheets, sheets whose two cells span a billion, 20,000-column CSVs. Also used by
bench/file_checks.py."""

import io
import struct
import zipfile
import zlib

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>"
)
SHEET_TAIL = b"</sheetData></worksheet>"
PREFIXED_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<x:sheetData>"
)
PREFIXED_TAIL = b"</x:sheetData></x:worksheet>"
SHARED_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _workbook_parts(shared: bytes, sheet_path: str = "xl/worksheets/sheet1.xml") -> dict:
    rels = WORKBOOK_RELS.replace('"worksheets/sheet1.xml"', f'"/{sheet_path}"')
    return {
        "[Content_Types].xml": CONTENT_TYPES.encode(),
        "_rels/.rels": ROOT_RELS.encode(),
        "xl/workbook.xml": WORKBOOK.encode(),
        "xl/_rels/workbook.xml.rels": rels.encode(),
        "xl/sharedStrings.xml": SHARED_HEAD + shared + b"</sst>",
    }


def xlsx(
    rows: bytes,
    *,
    shared: bytes = b"",
    head=SHEET_HEAD,
    tail=SHEET_TAIL,
    sheet_path: str = "xl/worksheets/sheet1.xml",
) -> bytes:
    """A workbook whose one sheet (at ``sheet_path``) holds ``rows`` (the XML inside
    <sheetData>)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in _workbook_parts(shared, sheet_path).items():
            archive.writestr(name, data)
        archive.writestr(sheet_path, head + rows + tail)
    return out.getvalue()


def text_rows(rows: list[list[str]], start: int = 1) -> bytes:
    """Rows of inline-string cells with their references, as Excel lays them out."""
    out = []
    for number, row in enumerate(rows, start=start):
        cells = "".join(
            f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
            for i, v in enumerate(row)
        )
        out.append(f'<row r="{number}">{cells}</row>')
    return "".join(out).encode()


def numbered_rows(count: int) -> bytes:
    """``count`` rows of two number cells: a million rows in about 60 MB of XML."""
    return b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d"><v>1</v></c></row>' % (n, n, n, n)
        for n in range(1, count + 1)
    )


# ---------------------------------------------------------------- a real zip bomb


def _raw_zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip from (name, stored bytes, crc, unpacked size, method), written by hand so that
    a part can be packed once and repeated."""
    out = io.BytesIO()
    central = []
    for name, stored, crc, size, method in members:
        offset = out.tell()
        encoded = name.encode()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                0,
                method,
                0,
                0x21,
                crc,
                len(stored),
                size,
                len(encoded),
                0,
            )  # fmt: skip
        )
        out.write(encoded)
        out.write(stored)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                method,
                0,
                0x21,
                crc,
                len(stored),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )  # fmt: skip
            + encoded
        )
    start = out.tell()
    for record in central:
        out.write(record)
    end = out.tell()
    out.write(
        struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), end - start, start, 0
        )  # fmt: skip
    )
    return out.getvalue()


def _deflated(data: bytes) -> bytes:
    """``data`` as raw deflate blocks that do not refer back, so that copies of them can
    follow each other in one stream."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(zlib.Z_FULL_FLUSH)


def zip_bomb(*, packed_mb: float = 1.5, declare: int | None = None) -> bytes:
    """An .xlsx of about ``packed_mb`` MB whose sheet unpacks to about a thousand times
    that: the same megabyte of cells over and over (with a correct CRC, so that a reader
    that trusts it unpacks it all). ``declare`` puts a smaller, false size in the
    directory."""
    row = b"<row>" + b'<c t="inlineStr"><is><t>x</t></is></c>' * 20 + b"</row>"
    block = row * (1024 * 1024 // len(row))
    packed_block = _deflated(block)
    copies = max(1, int(packed_mb * 1024 * 1024 / len(packed_block)))
    finisher = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = (
        _deflated(SHEET_HEAD)
        + packed_block * copies
        + finisher.compress(SHEET_TAIL)
        + finisher.flush(zlib.Z_FINISH)
    )
    crc = zlib.crc32(SHEET_HEAD)
    for _ in range(copies):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(SHEET_TAIL, crc)
    size = len(SHEET_HEAD) + len(block) * copies + len(SHEET_TAIL)
    members = [
        (name, data, zlib.crc32(data), len(data), 0) for name, data in _workbook_parts(b"").items()
    ]
    members.append(("xl/worksheets/sheet1.xml", stream, crc, declare or size, 8))
    return _raw_zip(members)


# ---------------------------------------------------------------- ODS

ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="Sheet1">'
)
ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"
ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def ods_cell(text: str, repeat: int = 1) -> str:
    extra = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return (
        f'<table:table-cell office:value-type="string"{extra}><text:p>{text}</text:p>'
        "</table:table-cell>"
    )


def ods_row(cells: list[str], repeat: int = 1) -> str:
    extra = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{extra}>" + "".join(cells) + "</table:table-row>"


# LibreOffice ends every sheet with the empty rest of the grid, repeated.
ODS_EMPTY_REST = (
    '<table:table-row table:number-rows-repeated="1048570">'
    '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
)


def ods(rows_xml: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        archive.writestr("content.xml", ODS_HEAD + rows_xml + ODS_TAIL)
    return out.getvalue()
