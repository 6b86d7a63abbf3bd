"""Codebooks: hierarchical YAML with stem/regex rules, REFI-QDA exchange, coded-segment tables."""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from research.errors import CodebookError, InputFileError
from research.text import (
    Codebook,
    Rules,
    code_passages,
    codebook_from_paths,
    load_codebook,
    parse_codebook,
    read_coded_segments,
    read_qdc,
    split_passages,
    validate_refi,
    write_qdc,
)
from research.text.refi import CODEBOOK_NS, CODEBOOK_XSD, codebook_schema, project_schema

DATA = Path(__file__).parent / "data"
REFI = DATA / "refi"
PDPILOT = DATA / "transcripts" / "pdpilot"
XSD = REFI / "Project-mrt2019.xsd"

HIERARCHY = """\
name: Shopping codebook
version: 2
codes:
  - id: drivers
    label: Shopping drivers
    description: Why people buy second-hand.
    codes:
      - id: price_value
        label: Price and value
        description: Prices, deals and value for money.
        include:
          keywords: [price, discount, "value for money", bargain*]
          regex: ['£\\s?\\d+']
        exclude:
          keywords: [price tag]
      - id: sustainability
        label: Sustainability
        include: [waste, landfill, "fast fashion"]
  - id: fit_sizing
    label: Fit and sizing
    parent: Product & fit
    keywords: [fit, sizing, size*]
"""


@pytest.fixture
def book() -> Codebook:
    return parse_codebook(HIERARCHY, path="cb.yaml")


def test_hierarchy_levels_and_paths(book):
    assert book.ids == ["drivers", "price_value", "sustainability", "product_fit", "fit_sizing"]
    assert book.children(None) == ["drivers", "product_fit"]
    assert book.children("drivers") == ["price_value", "sustainability"]
    assert book.path_of("price_value") == "Shopping drivers > Price and value"
    assert book.level("price_value") == 2 and book.at_level("price_value", 1) == "drivers"
    assert book.find_path("shopping drivers >  Price and VALUE") == "price_value"
    assert book["product_fit"].label == "Product & fit" and not book["product_fit"].codable
    assert [c.id for c in book.rule_codes] == ["price_value", "sustainability", "fit_sizing"]
    assert book["drivers"].description == "Why people buy second-hand."


def test_include_keywords_match_on_stems_phrases_prefixes_and_regex(book):
    price = book["price_value"]
    assert price.find("The PRICES were fine and pricing is clear") == ["prices", "pricing"]
    assert price.find("It was discounted, real value for   money!") == [
        "discounted",
        "value for money",
    ]
    assert price.find("bargains and a bargain-hunter, only £12 or £ 5") == [
        "bargains",
        "bargain",
        "£12",
        "£ 5",
    ]
    assert price.find("a priceless moment") == []  # stem "priceless" is not "price"
    assert book["sustainability"].find("so much wasted, Fast-fashion is bad") == [
        "wasted",
        "fast-fashion",
    ]


def test_exclude_rule_vetoes_the_code(book):
    price = book["price_value"]
    assert price.find("The price was right.") == ["price"]
    assert price.find("The price was right but the price tags were ugly.") == []


def test_porter_and_no_stemming():
    # Porter leaves "fairly" as "fairli"; Snowball reduces it to "fair"
    assert Rules(keywords=("fair",), stemmer="porter").find("priced fairly") == []
    assert Rules(keywords=("fair",)).find("priced fairly") == ["fairly"]
    assert Rules(keywords=("connection",), stemmer="porter").find("connected") == ["connected"]
    assert Rules(keywords=("fits",), stemmer="none").find("it fits, it fit") == ["fits"]
    with pytest.raises(CodebookError, match="did you mean 'porter'"):
        Rules(keywords=("a",), stemmer="portr")


def test_rule_coding_on_sentences_keeps_position(book):
    turns = pd.DataFrame(
        {
            "transcript": ["T1", "T1"],
            "turn": [1, 2],
            "speaker": ["Interviewer", "Participant"],
            "role": ["interviewer", "participant"],
            "start": [0.0, 4.0],
            "end": [4.0, 9.0],
            "text": [
                "Was the price right?",
                "It was a bargain. The fit was awful though. Nothing else.",
            ],
        }
    )
    passages = split_passages(turns, unit="sentence")
    assert list(passages["sentence"]) == [1, 2, 3]
    coded = code_passages(passages, book)
    assert list(zip(coded["sentence"], coded["code"], strict=True)) == [
        (1, "price_value"),
        (2, "fit_sizing"),
    ]
    assert (coded["start"] == 4.0).all() and (coded["source"] == "rule").all()
    assert coded.loc[1, "sentiment"] < 0 < coded.loc[0, "sentiment"] + 1


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("codes:\n  - id: a\n    include: {keywords: [x], regx: [y]}\n", 3, "did you mean 'regex'"),
        ("codes:\n  - id: a\n    include:\n      regex: ['(']\n", 3, "does not compile"),
        ("codes:\n  - id: a\n    exclude: 5\n", 3, "must be a list of keywords or a mapping"),
        ("codes:\n  - id: a\n    codes: []\n", 3, "non-empty list"),
        ("codes:\n  - id: a\n    codes:\n      - id: a\n", 4, "used twice"),
        ("codes:\n  - label: A\n    codes:\n      - id: b\n        parent: x\n", 5, "also names"),
        ("codes:\n  - id: a\n    parent: a\n", 3, "itself"),
        ("stemmer: lancaster\ncodes:\n  - id: a\n", 1, "stemmer must be one of"),
        ("codes:\n  - description: no id\n", 2, "no 'id' or 'label'"),
    ],
)
def test_yaml_errors_name_file_and_line(text, line, message):
    with pytest.raises(CodebookError, match=message) as info:
        parse_codebook(text, path="cb.yaml")
    assert info.value.line == line
    assert str(info.value).startswith(f"cb.yaml:{line}: ")


def test_label_only_codes_get_ids_from_labels():
    book = parse_codebook("codes:\n  - label: Tool complexity\n    include: [complex]\n")
    assert book.ids == ["tool_complexity"]


# --------------------------------------------------------------------------- REFI-QDA


def test_atlas_project_export_reads_and_validates():
    validate_refi(REFI / "target-atlas-project.qdpx", xsd=XSD)
    book = read_qdc(REFI / "target-atlas-project.qdpx")
    assert [book.path_of(c) for c in book.ids] == [
        "Commits",
        "Commits > 2022-05-10T02:05:59Z 19e4dce",
        "Commits > 2022-02-11T10:39:25Z cdbfd92",
    ]
    assert book.name == "target-atlas-project"


def test_project_without_codebook_is_an_error():
    validate_refi(REFI / "blank-atlas-project.qdpx", xsd=XSD)  # valid, just empty
    with pytest.raises(CodebookError, match="holds no codebook"):
        read_qdc(REFI / "blank-atlas-project.qdpx")


def test_qdc_export_validates_and_round_trips(book, tmp_path):
    path = write_qdc(book, tmp_path / "cb.qdc")
    validate_refi(path, xsd=XSD)
    root = etree.parse(str(path)).getroot()
    assert root.tag == f"{{{CODEBOOK_NS}}}CodeBook"
    again = load_codebook(path)
    assert [again.path_of(c) for c in again.ids] == [book.path_of(c) for c in book.ids]
    assert again["product_fit"].codable is False
    assert again.find_path("Shopping drivers > Price and value") is not None
    assert again[again.find_path("Shopping drivers")].description == ("Why people buy second-hand.")
    assert path.read_bytes() == write_qdc(book, tmp_path / "again.qdc").read_bytes()
    project = write_qdc(book, tmp_path / "cb.qdpx")
    validate_refi(project, xsd=XSD)
    with zipfile.ZipFile(project) as archive:
        assert archive.namelist() == ["project.qde"]
    assert len(read_qdc(project)) == len(book)


def test_codebook_schema_checks_what_codebook_xsd_requires():
    schema = codebook_schema()
    ns = CODEBOOK_NS
    guid_a, guid_b = f"{'A' * 8}-AAAA-AAAA-AAAA-{'A' * 12}", f"{'B' * 8}-BBBB-BBBB-BBBB-{'B' * 12}"
    ok = (
        f'<CodeBook xmlns="{ns}" origin="x"><Codes><Code guid="{guid_a}" name="a" '
        f'isCodable="true"><Description>d</Description></Code></Codes><Sets><Set '
        f'guid="{guid_b}" name="s"><MemberCode guid="{guid_a}"/></Set></Sets></CodeBook>'
    )
    assert schema.validate(etree.fromstring(ok)), schema.error_log
    for bad in (
        ok.replace(' isCodable="true"', ""),  # required attribute
        ok.replace('guid="AAAAAAAA', 'guid="XAAAAAAA'),  # GUID pattern
        ok.replace("<Codes>", "<Codes><Memo/>"),  # unknown element
        ok.replace("</Description>", f'</Description><NoteRef targetGUID="{guid_b}"/>'),
        ok.replace('<MemberCode guid="', '<MemberCode targetGUID="'),  # the project spelling
        ok.replace(ns, "urn:QDA-XML:project:1.0"),  # wrong namespace
    ):
        assert not schema.validate(etree.fromstring(bad)), bad
    project = '<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>'
    assert project_schema(XSD).validate(etree.fromstring(project))
    with pytest.raises(CodebookError, match="not the REFI-QDA codebook schema"):
        codebook_schema(XSD)


def test_bundled_codebook_schema_shares_the_project_schemas_types():
    """Codebook.xsd was re-typed from the standard's text: its GUID and colour types and the
    code attributes must be exactly those of the real Project-mrt2019.xsd (tests/data/refi)."""
    xs = "{http://www.w3.org/2001/XMLSchema}"
    project = etree.parse(str(XSD)).getroot()
    codebook = etree.parse(str(CODEBOOK_XSD)).getroot()

    def definition(root, kind, name):
        return root.find(f"{xs}{kind}[@name='{name}']")

    for name in ("GUIDType", "RGBType"):
        a, b = definition(project, "simpleType", name), definition(codebook, "simpleType", name)
        facets = [(e.tag, dict(e.attrib)) for e in a.iter()]
        assert facets == [(e.tag, dict(e.attrib)) for e in b.iter()], name
    for name in ("CodeType", "CodesType", "SetsType", "SetType"):
        a, b = definition(project, "complexType", name), definition(codebook, "complexType", name)
        attrs = [dict(e.attrib) for e in a.iter(f"{xs}attribute")]
        assert attrs == [dict(e.attrib) for e in b.iter(f"{xs}attribute")], name
        elements = [e.get("name") for e in a.iter(f"{xs}element") if e.get("name") != "NoteRef"]
        if name == "SetType":  # the codebook's sets list member codes only
            elements = [e for e in elements if e not in ("MemberSource", "MemberNote")]
        assert elements == [e.get("name") for e in b.iter(f"{xs}element")], name


def test_invalid_qdc_names_the_line(tmp_path):
    path = tmp_path / "bad.qdc"
    path.write_text(
        f'<?xml version="1.0"?>\n<CodeBook xmlns="{CODEBOOK_NS}">\n<Codes>\n'
        '<Code guid="not-a-guid" name="a" isCodable="true"/>\n</Codes>\n</CodeBook>\n',
        encoding="utf-8",
    )
    with pytest.raises(CodebookError, match="schema") as info:
        read_qdc(path)
    assert info.value.line == 4
    broken = tmp_path / "broken.qdc"
    broken.write_text("<CodeBook>\n<Codes>\n</CodeBook>\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="well-formed") as info:
        load_codebook(broken)
    assert info.value.line == 3
    with pytest.raises(InputFileError, match="zip"):
        zipped = tmp_path / "x.qdpx"
        zipped.write_text("nope", encoding="utf-8")
        read_qdc(zipped)


# --------------------------------------------------------------------------- tables and lists


def test_maxqda_coded_segments_table():
    segments = read_coded_segments(PDPILOT / "coded_segments_P1-P4.csv")
    assert len(segments) == 150
    assert set(segments["document"]) == {"P1", "P2", "P3", "P4"}
    assert segments["code"].iloc[0] == "Explainability purposes > Guiding feature engineering"
    book = codebook_from_paths(segments["code"])
    top = [book[c].label for c in book.children(None)]
    assert top == [
        "Explainability purposes",
        "Explainability techniques",
        "PDPilot General Usage",
        "PDPilot Techniques Usage",
        "PDPilot improvements",
        "Study limitations",
        "Benefits of PDPilot",
        "Interaction",
    ]
    # "PDP/ICE" keeps its slash; every path is found again
    assert book.find_path("Explainability techniques > PDP/ICE > Uses PDPs and ICE plots")
    assert all(book.find_path(p) for p in segments["code"])


@pytest.mark.parametrize(
    ("header", "row", "code"),
    [
        ("Document name;Code;Segment", "P1;Parent\\Child;text", "Parent > Child"),  # MAXQDA
        ("Source\tNode\tCoded text", "P1\tNodes\\A\\B\ttext", "A > B"),  # NVivo
        ("File,Codename,Coded text", "P1,A,text", "A"),  # QualCoder
    ],
)
def test_coded_segments_column_and_path_variants(tmp_path, header, row, code):
    path = tmp_path / "seg.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    assert read_coded_segments(path)["code"].tolist() == [code]


def test_coded_segments_errors(tmp_path):
    path = tmp_path / "seg.csv"
    path.write_text("document,theme_x,text\nP1,A,t\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="no code column"):
        read_coded_segments(path)
    path.write_text("document,code,text\nP1,A,t\nP2,,t\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="no code") as info:
        read_coded_segments(path)
    assert info.value.line == 3


def test_qualcoder_plain_code_list():
    book = load_codebook(
        DATA / "transcripts" / "qualcoder" / "plain_codes_categories_for_import.txt"
    )
    assert [book.path_of(c) for c in book.ids] == [
        "code1",
        "cat1",
        "cat1 > code2",
        "cat1 > code3",
        "cat3",
        "cat3 > cat2",
        "cat3 > cat2 > code4",
        "cat3 > code5",
        "code6",
    ]
    assert book["code1"].description == "A memo for code 1"


ATLAS_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook origin="ATLAS.ti Win 23.4.0" xmlns="urn:QDA-XML:codebook:1.0">
  <Codes>
    <Code guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="Price" color="#46AA00" isCodable="true">
      <Description>Talk about prices.</Description>
    </Code>
  </Codes>
  <Sets>
    <Set name="Drivers" guid="ECA18D76-2B8B-4F26-BC1D-19ECA19FB3F0">
      <MemberCode guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" />
    </Set>
  </Sets>
</CodeBook>
"""


def test_atlas_codebook_with_sets_is_valid(tmp_path):
    """ATLAS.ti writes sets as <MemberCode guid=...>, which is what Codebook.xsd declares."""
    path = tmp_path / "atlas.qdc"
    path.write_text(ATLAS_STYLE, encoding="utf-8")
    validate_refi(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        book = read_qdc(path)
    assert book.ids == ["price"] and book["price"].color == "#46AA00"
    assert book["price"].description == "Talk about prices."


def test_schema_slips_outside_the_code_tree_only_warn(tmp_path):
    """In a project the schema says <MemberCode targetGUID=...>; the codebook spelling is a
    slip outside the code tree: validate_refi refuses it, read_qdc warns and reads the codes."""
    project = """<?xml version="1.0" encoding="utf-8"?>
<Project name="p" origin="ATLAS.ti Win 23.4.0" xmlns="urn:QDA-XML:project:1.0">
  <CodeBook>
    <Codes>
      <Code guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="Price" color="#46AA00" isCodable="true"/>
    </Codes>
  </CodeBook>
  <Sets>
    <Set name="Drivers" guid="ECA18D76-2B8B-4F26-BC1D-19ECA19FB3F0">
      <MemberCode guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" />
    </Set>
  </Sets>
</Project>
"""
    path = tmp_path / "atlas.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", project)
    with pytest.raises(CodebookError, match="MemberCode") as info:
        validate_refi(path, xsd=XSD)  # the strict check
    assert info.value.line == 10  # the MemberCode line of project.qde
    with pytest.warns(UserWarning, match="outside the code tree"):
        book = read_qdc(path)
    assert book.ids == ["price"] and book["price"].color == "#46AA00"


def test_coded_segments_atlas_quotations_utf16_and_true_line_numbers(tmp_path):
    # ATLAS.ti quotation export: several codes in one cell, one per line
    atlas = tmp_path / "quotations.csv"
    atlas.write_text(
        'ID,Document,Codes,Quotation Content\n1:1,P1,"Price\nDelivery > Late","Too slow,\nand dear."\n'
        "1:2,P2,Price,Cheap\n",
        encoding="utf-8",
    )
    seg = read_coded_segments(atlas)
    assert list(seg["code"]) == ["Price", "Delivery > Late", "Price"]
    assert list(seg["line"]) == [2, 2, 5]  # the first record spans lines 2-4
    # NVivo and Windows tools write tab-separated UTF-16
    nvivo = tmp_path / "nodes.txt"
    nvivo.write_bytes("Source\tNode\tCoded text\nP1\tNodes\\\\Price\tcheap\n".encode("utf-16"))
    seg = read_coded_segments(nvivo)
    assert list(seg["code"]) == ["Price"] and list(seg["document"]) == ["P1"]
    broken = tmp_path / "bad.csv"
    broken.write_bytes("document,code,text\nP1,A,ok\nP2,B,caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputFileError, match="not UTF-8") as info:
        read_coded_segments(broken)
    assert info.value.line == 3
    gap = tmp_path / "gap.csv"
    gap.write_text('document,code,text\nP1,A,"two\nlines"\nP2,,t\n', encoding="utf-8")
    with pytest.raises(InputFileError, match="no code") as info:
        read_coded_segments(gap)
    assert info.value.line == 4
