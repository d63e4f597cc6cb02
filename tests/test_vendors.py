"""disavow.vendors: layout signatures and header names."""

from disavow import schema as s
from disavow import vendors as v
from disavow.pipeline import LINK_OUTPUT_COLUMNS
from disavow.schema import Format


def test_the_canonical_table_is_a_layout_of_its_own():
    # Its header was taken for a generic CSV's: every vendor metric "ignored".
    layout = v.find_layout({v.header_key(name) for name in s.LINK_COLUMNS})
    assert layout is not None and layout.format is Format.CANONICAL
    mapped = {column.canonical for column in layout.columns}
    assert mapped == set(s.LINK_COLUMNS) - {s.SOURCE_FILE, s.SOURCE_ROW}


def test_the_scored_links_csv_is_no_canonical_table():
    # audit's links.csv holds source_url and source_file too, but no row kinds or status.
    layout = v.find_layout({v.header_key(name) for name in LINK_OUTPUT_COLUMNS})
    assert layout is None or layout.format is not Format.CANONICAL


def test_ahrefs_linked_domains_is_no_referring_domains_table():
    # Its 'Dofollow ref. domains' and 'Dofollow linked domains' made it Referring domains:
    # the sites the audited site links to were disavowed.
    header = ["#", "Domain", "Is spam", "DR", "Dofollow ref. domains", "Dofollow linked domains",
              "Traffic ", "Keywords ", "Links from target", "Dofollow links", "First seen", "Lost"]
    layout = v.find_layout({v.header_key(name) for name in header})
    assert layout is not None and not layout.usable
    assert "Linked domains" in layout.name and "Backlinks" in layout.export_instead
