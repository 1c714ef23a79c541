"""The PDF copy of a complaint, for the cardholder to keep or print.

fpdf2 embeds only the glyphs used (a subset of the font), so a Chinese copy
carries a few hundred glyphs of Noto Sans CJK rather than the whole 20 MB
collection. The font is looked for in ``REDRESS_PDF_FONT`` and then where
Debian's ``fonts-noto-cjk`` puts it; without one, an all-Latin copy is made
with the PDF core font and a Chinese copy is refused with
:class:`PdfFontMissing`, which the page turns into a clear message.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
# In a collection, the face for Simplified Chinese, by its full name.
_PREFERRED_FACES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Micro Hei")


class PdfFontMissing(RuntimeError):
    """No font on this server can write the copy's characters."""


@dataclass(frozen=True)
class Section:
    title: str
    rows: Sequence[tuple[str, str]]  # (label, value)


@dataclass(frozen=True)
class FontChoice:
    path: str
    face: int


@functools.lru_cache(maxsize=8)
def find_font(configured: str | None = None) -> FontChoice | None:
    """The first usable font file, and which face of a collection to use."""
    for candidate in ((configured,) if configured else ()) + FONT_CANDIDATES:
        path = Path(candidate)
        if path.is_file():
            return FontChoice(str(path), _face_index(path))
    return None


def _face_index(path: Path) -> int:
    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(path), lazy=True)
    try:
        names = [font["name"].getDebugName(4) or "" for font in collection.fonts]
    finally:
        collection.close()
    for wanted in _PREFERRED_FACES:
        if wanted in names:
            return names.index(wanted)
    return 0


def _latin1(texts: Iterable[str]) -> bool:
    try:
        for text in texts:
            text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def render_copy(title: str, intro: Sequence[str], sections: Sequence[Section], footer: str,
                *, font: FontChoice | None, language: str) -> bytes:
    """A4 pages: the title, a few lines of introduction, then each section's rows."""
    from fpdf import FPDF

    texts = [title, footer, *intro] + [
        part for section in sections for row in section.rows for part in (section.title, *row)
    ]
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(title)
    pdf.set_lang("zh-Hans" if language == "zh_Hans" else "en")
    pdf.set_creator("Redress")
    if font is not None:
        pdf.add_font("copy", "", font.path, collection_font_number=font.face)
        family = "copy"
    elif _latin1(texts):
        family = "helvetica"
    else:
        raise PdfFontMissing("no font for these characters; set REDRESS_PDF_FONT or install fonts-noto-cjk")

    pdf.add_page()
    width = pdf.epw
    pdf.set_font(family, size=17)
    pdf.multi_cell(width, 9, title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(family, size=10)
    for line in intro:
        pdf.multi_cell(width, 5.5, line, align="L", new_x="LMARGIN", new_y="NEXT")
    for section in sections:
        pdf.ln(4)
        pdf.set_font(family, size=13)
        pdf.set_text_color(20, 60, 110)
        pdf.multi_cell(width, 7, section.title, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_draw_color(180, 190, 200)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
        pdf.ln(1.5)
        for label, value in section.rows:
            pdf.set_font(family, size=8.5)
            pdf.set_text_color(90, 90, 90)
            pdf.multi_cell(width, 4.5, label, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(family, size=10.5)
            pdf.set_text_color(0, 0, 0)
            pdf.multi_cell(width, 5.5, value, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.2)
    pdf.ln(5)
    pdf.set_font(family, size=8.5)
    pdf.set_text_color(90, 90, 90)
    pdf.multi_cell(width, 4.5, footer, align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
