"""The one PDF builder: selectable Chinese text in the CID font, wrapped paragraphs, tables
whose header row repeats on each page, key-value and signature lines, page n of m, and
text that is data, never markup."""

import io

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, A5

from shoumen.lib.pdf import FONT, PdfDocument


def read(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_chinese_text_is_selectable():
    doc = PdfDocument(title="测试文档")
    doc.heading("光华社区 疫情防控工作日报").subtitle("2026-12-05")
    doc.key_values([("单位", "光华社区"), ("状态", "已于15:42确认上报")])
    content = doc.build()
    assert content.startswith(b"%PDF") and FONT.encode() in content
    text = read(content)[0]
    for words in ("光华社区 疫情防控工作日报", "2026-12-05", "单位：", "已于15:42确认上报"):
        assert words in text
    assert PdfReader(io.BytesIO(content)).metadata.title == "测试文档"


def test_page_size_is_the_documents():
    for size in (A4, A5):
        page = PdfReader(io.BytesIO(PdfDocument(title="x", pagesize=size).build())).pages[0]
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (
            round(size[0]),
            round(size[1]),
        )


def test_long_paragraphs_wrap_inside_the_page():
    sentence = "今日新增管控对象3人，入户走访2户。"
    doc = PdfDocument(title="x", pagesize=A5)
    doc.paragraph(sentence * 12)
    lines = [line for line in read(doc.build())[0].splitlines() if "新增" in line]
    assert len(lines) > 3
    assert "".join(line.strip() for line in lines) == sentence * 12


def test_table_header_repeats_after_a_page_break_and_pages_are_numbered():
    doc = PdfDocument(title="x", footer="页脚")
    doc.table(["指标", "数值"], [[f"第{i}行", i] for i in range(120)], numeric=[1])
    pages = read(doc.build())
    assert len(pages) > 1
    for n, text in enumerate(pages, 1):
        assert text.lstrip().startswith("指标")
        assert f"第 {n} 页 / 共 {len(pages)} 页" in text and "页脚" in text
    rows = "\n".join(pages)
    assert all(f"第{i}行" in rows for i in range(120))


def test_text_is_data_not_markup():
    doc = PdfDocument(title="x")
    doc.paragraph("<b>备注</b> & <font size=40>大</font>")
    doc.table(["a"], [["<i>x</i>"]])
    text = read(doc.build())[0]
    assert "<b>备注</b> & <font size=40>大</font>" in text
    assert "<i>x</i>" in text


def test_signature_lines_leave_room_to_sign():
    doc = PdfDocument(title="x", page_numbers=False)
    doc.signature([("填报人", ""), ("日期", "2026年12月5日")])
    text = read(doc.build())[0]
    assert "填报人：____" in text and "日期：2026年12月5日" in text
    assert "页 / 共" not in text


def test_page_break_starts_a_new_page():
    doc = PdfDocument(title="x")
    doc.paragraph("第一页").page_break().paragraph("第二页")
    pages = read(doc.build())
    assert len(pages) == 2 and "第二页" in pages[1] and "第二页" not in pages[0]


def test_lib_pdf_imports_no_app():
    import ast
    from pathlib import Path

    import shoumen.lib.pdf as module

    tree = ast.parse(Path(module.__file__).read_text())
    imported = [
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    ] + [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    assert not [name for name in imported if name.startswith("shoumen")]
