"""Cleaning rules, checked on the real (messy) documents of the collection."""

from __future__ import annotations

import re

import pytest

from ingest.clean import clean_text
from ingest.index import load_index
from ingest.mapped import origin_runs, raw_segments
from ingest.rules import attested_compounds
from ingest.store import StoredIndex
from tests.conftest import CORPUS

BOILERPLATE = [
    r"54\.1 F", r"Washington D\.C\.", r"Related Articles", r"- Advertisement -", r"Latest Articles",
    r"Homeland Security Today", r"premier news and information resource",
    r"\bnav_menu_item\b", r"\bwp_template\b", r"\bcustomize_changeset\b", r"\bacf-field\b",
    r"^post$", r"Read More", r"Palm Oil", r"Recruiting Fees", r"Legislating for the digital age",
    r"Responsible Supply Chains", r"Issara Institute", r"TAGS:", r"DOWNLOAD",
    r"For PDF attachments", r"Read the report at OSCE",
]


def _vocab() -> set[tuple[str, str]]:
    v: set[tuple[str, str]] = set()
    for f in CORPUS.glob("*.txt"):
        v |= attested_compounds(f.read_text(encoding="utf-8"))
    return v


def _clean(name: str):  # type: ignore[no-untyped-def]
    return clean_text((CORPUS / name).read_text(encoding="utf-8"), _vocab())


@pytest.fixture(scope="module")
def store(corpus_index) -> StoredIndex:  # type: ignore[no-untyped-def]
    return load_index(corpus_index)


@pytest.mark.slow
def test_no_boilerplate_in_any_chunk(store: StoredIndex) -> None:
    for chunk in store.chunks:
        for pattern in BOILERPLATE:
            assert not re.search(pattern, chunk.text, re.M | re.I), (pattern, chunk.chunk_id)


def test_hstoday_site_furniture_removed() -> None:
    doc = _clean("hstoday-2023-osce-study-new-policies.txt")
    assert doc.text.startswith("New Policies Needed to Combat Trafficking")
    assert "75% of sex trafficking victims" in doc.text
    for junk in ("54.1 F", "Sunday, February 5, 2023", "Related Articles", "- Advertisement -",
                 "Homeland Security Today", "Latest Articles"):
        assert junk not in doc.text


def test_greta_cms_names_and_unrelated_listings_removed() -> None:
    doc = _clean("greta-2022-online-thb-summary-page.txt")
    assert "The scope of the present study is rather broad." in doc.text
    assert doc.text.rstrip().endswith("as important as those in technical tools.")
    for junk in ("nav_menu_item", "wp_global_styles", "exactmetrics_note", "palm oil",
                 "Recruiting Fees", "Global Guide", "Supply Chains", "Read More"):
        assert junk.lower() not in doc.text.lower()


def test_lost_hyphens_restored_only_where_attested() -> None:
    doc = _clean("osce-2022-policy-brief-technology-facilitated-thb.txt")
    assert "technologyfacilitated" not in doc.text
    assert "selfregulation" not in doc.text and "Stateled" not in doc.text
    assert "technology-facilitated offences" in doc.text
    assert "State-led regulatory frameworks" in doc.text
    # a word whose hyphenated form is not attested stays as written
    assert "COVID19" in doc.text
    # "cooperation" is an ordinary word, not a broken "co-operation"
    assert "Strengthen cooperation between States" in doc.text


def test_hyphen_space_artifact_closed() -> None:
    doc = _clean("greta-2022-online-thb-summary-page.txt")
    assert "online and technology-facilitated THB remains limited" in doc.text


def test_hard_wrapped_lines_rejoined_and_headings_found() -> None:
    doc = _clean("osce-2022-policy-brief-technology-facilitated-thb.txt")
    headings = [doc.text[s:e] for s, e, k in doc.blocks if k == "heading"]
    assert "Introduction" in headings
    assert "Policy approaches to online platforms" in headings
    assert "Conclusions and recommendations" in headings
    paras = [doc.text[s:e] for s, e, k in doc.blocks if k == "para"]
    assert all("\n" not in p for p in paras)
    assert any(p.startswith("Internet and communication technology (ICT) has led") for p in paras)


def test_footnotes_separated_from_running_text() -> None:
    doc = _clean("osce-2022-policy-brief-technology-facilitated-thb.txt")
    notes = [doc.text[s:e] for s, e, k in doc.blocks if k == "footnote"]
    assert len(notes) == 2
    assert notes[0].startswith("1 “Technology-facilitated trafficking” is understood")
    body_end = min(s for s, e, k in doc.blocks if k == "footnote")
    body = doc.text[:body_end]
    assert "human beings (THB). The misuse" in body  # reference mark "1" removed
    assert "Facebook Terms of Service" not in body


def test_multi_column_passages_stitched() -> None:
    doc = _clean("osce-2022-policy-brief-technology-facilitated-thb.txt")
    for joined in (
        "within many national codes of criminal procedure, further hampering prosecutions",
        "drawing attention to different policy approaches taken by OSCE participating States",
        "the degree to which the operations and practices of the technology sector",
        "Critics of the protections afforded by these principles",
        "requiring removal illegal content only, such as child sexual abuse material",
    ):
        assert joined in doc.text, joined


def test_clean_text_maps_back_to_raw() -> None:
    raw = (CORPUS / "osce-2022-policy-brief-technology-facilitated-thb.txt").read_text(encoding="utf-8")
    doc = clean_text(raw, _vocab())
    runs = origin_runs(doc.origin)
    phrase = "within many national codes of criminal procedure, further hampering prosecutions"
    at = doc.text.index(phrase)
    segs = raw_segments(runs, at, at + len(phrase))
    assert len(segs) == 2  # stitched from two places of the raw file
    squash = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
    assert squash("".join(raw[a:b] for a, b in segs)) == squash(phrase)


def test_words_a_dead_link_repeats_are_dropped_and_the_rest_maps_back() -> None:
    raw = "Addressing this gap is at the heart of a new study [a new OSCE study](#) on policy."
    doc = clean_text(raw)
    assert doc.text == "Addressing this gap is at the heart of a new OSCE study on policy."
    at = doc.text.index("a new OSCE study")
    segs = raw_segments(origin_runs(doc.origin), at, at + len("a new OSCE study"))
    assert "".join(raw[a:b] for a, b in segs) == "a new OSCE study"
    # a link over different words keeps them all
    assert clean_text("See the report [on this topic](#) here.").text == \
        "See the report on this topic here."
    assert clean_text("The OSCE and its partners [partners](#) met.").text == \
        "The OSCE and its partners met."
