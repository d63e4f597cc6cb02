import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from disavow import schema as s
from disavow.features import (
    DOMAIN_FEATURES,
    LINK_MODEL_FEATURES,
    SiteProfile,
    build_features,
    classify_anchor,
    family_sizes,
    name_features,
)
from disavow.urls import host_info, parse_url


def table(rows):
    records = []
    for row in rows:
        parsed = parse_url(row["url"]) if row.get("url") else None
        domain = host_info(parsed.host).domain if parsed and parsed.ok else row.get("domain")
        records.append({
            s.ROW_KIND: row.get("kind", "link"),
            s.SOURCE_URL: parsed.url if parsed else "",
            s.SOURCE_HOST: parsed.host if parsed else None,
            s.DOMAIN: domain,
            s.TARGET_URL: row.get("target", "https://brightsmile.co.uk/emergency-dentist"),
            s.ANCHOR: row.get("anchor"),
            s.SOURCE_TITLE: row.get("title"),
            s.NOFOLLOW: row.get("nofollow"),
            s.LINK_COUNT: row.get("link_count"),
            s.FIRST_SEEN: pd.Timestamp(row["first"]) if row.get("first") else pd.NaT,
            s.STATUS: "ok" if (parsed is None or parsed.ok) else "skipped",
        })
    frame = pd.DataFrame(records)
    frame[s.NOFOLLOW] = frame[s.NOFOLLOW].astype("boolean")
    return frame


PROFILE = SiteProfile.infer(table([{"url": "http://x.com/"}]), "brightsmile.co.uk",
                            ("teeth whitening",))


@pytest.mark.parametrize(
    ("anchor", "expected"),
    [
        ("emergency dentist", "exact_match"),
        ("Emergency Dentist", "exact_match"),
        ("best emergency dentist in town", "partial_match"),
        ("teeth whitening", "exact_match"),
        ("BrightSmile Dental", "branded"),
        ("https://brightsmile.co.uk/", "naked_url"),
        ("www.brightsmile.co.uk", "naked_url"),
        ("click here", "generic"),
        ("", "empty"),
        ("[image]", "empty"),
        ("a lovely afternoon", "other"),
        (None, None),
    ],
)
def test_anchor_types(anchor, expected):
    assert classify_anchor(anchor, PROFILE) == expected


def test_profile_takes_money_keywords_from_target_slugs():
    assert "emergency dentist" in PROFILE.money_keywords
    assert "brightsmile" in PROFILE.brand_tokens


def test_name_features_spot_link_selling_and_free_hosts():
    names = pd.Series(["seolinkpro.shop", "spam.blogspot.com", "bbc.co.uk", "1.2.3.4",
                       "alphabet.com",
                       "royalcasino24.net"])
    feats = name_features(names)
    assert feats.loc[0, "name_link_selling"] >= 1
    assert feats.loc[0, "tld"] == "shop"
    assert feats.loc[1, "name_is_free_host"] == 1
    assert feats.loc[2, "name_link_selling"] == 0
    assert feats.loc[3, "name_is_ip"] == 1 and feats.loc[3, "tld"] == "ip"
    # "bet" inside "alphabet" is not gambling
    assert feats.loc[4, "name_risky_topics"] == 0


def test_numbered_families_share_a_stem():
    sizes = family_sizes(pd.Series(["bhs-links-fr.xyz", "bhs-links-gb.xyz", "bhs-links-de.xyz",
                                    "news.com"]))
    assert sizes.tolist() == [2.0, 2.0, 2.0, 0.0]


def test_build_features_shapes_and_missing_values():
    frame = table([
        {"url": "http://spam-links-fr.xyz/p1", "anchor": "emergency dentist",
         "title": "Buy backlinks cheap", "nofollow": False, "first": "2026-03-02"},
        {"url": "http://spam-links-gb.xyz/p1", "anchor": "emergency dentist",
         "title": "Buy backlinks cheap", "nofollow": False, "first": "2026-03-03"},
        {"url": "https://www.bbc.co.uk/news/a", "anchor": "BrightSmile", "nofollow": True,
         "first": "2025-01-01"},
        {"url": "https://forum.example.org/member/12", "anchor": "emergency dentist"},
        {"url": "javascript:alert(1)", "anchor": "x"},
        {"kind": "domain", "domain": "casino-bonus.top", "link_count": 12},
    ])
    feats = build_features(frame, PROFILE)
    assert list(feats.domains.columns) == list(DOMAIN_FEATURES)
    assert list(feats.links.columns) == list(LINK_MODEL_FEATURES)
    # the unusable javascript: row is not scored; the other five rows are, in order
    assert list(feats.links.index) == [0, 1, 2, 3, 5]
    domains = feats.domains
    assert set(domains.index) == {"spam-links-fr.xyz", "spam-links-gb.xyz", "bbc.co.uk",
                                  "example.org", "casino-bonus.top"}
    assert domains.loc["spam-links-fr.xyz", "share_exact_anchor"] == 1.0
    assert domains.loc["spam-links-fr.xyz", "max_anchor_domains"] == 3.0
    assert domains.loc["bbc.co.uk", "share_nofollow"] == 1.0
    assert domains.loc["example.org", "share_ugc_pages"] == 1.0
    # a domain-level row: counts known, link signals missing (NaN, never 0)
    assert domains.loc["casino-bonus.top", "n_links"] == 12
    assert np.isnan(domains.loc["casino-bonus.top", "share_exact_anchor"])
    assert domains.loc["casino-bonus.top", "name_risky_topics"] >= 1


def test_features_do_not_mutate_input():
    frame = table([{"url": "http://a.com/x", "anchor": "click here"}])
    before = frame.copy()
    build_features(frame, PROFILE)
    pd.testing.assert_frame_equal(frame, before)


def test_empty_profile():
    frame = table([{"url": "javascript:void(0)"}])
    feats = build_features(frame, PROFILE)
    assert len(feats.links) == 0 and len(feats.domains) == 0


def test_topic_lexicons_recognise_gambling_names():
    feats = name_features(pd.Series(["royalcasino24.net", "bakery.co.uk"]))
    assert feats.loc[0, "name_topic_gambling"] > 3
    assert feats.loc[1, "name_topic_gambling"] == 0


# --- group-bys by codes ------------------------------------------------------------------

_DOMAINS = ["a.com", "b.org", "spam-1.xyz", "spam-2.xyz"]
_ANCHORS = [None, "", "Emergency Dentist", " emergency dentist ", "best dentist", "click here",
            "BrightSmile", "x"]
_TITLES = [None, "", "Buy backlinks 24 cheap", "Buy backlinks 7 cheap", "short", "Dentist  news"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_DOMAINS), st.integers(0, 4), st.integers(0, 2),
                          st.sampled_from(_ANCHORS), st.sampled_from(_TITLES),
                          st.sampled_from(["link", "link", "domain"])),
                min_size=1, max_size=30))
def test_counts_by_codes_are_group_bys_of_the_strings(rows):
    frame = pd.DataFrame({
        s.ROW_KIND: [r[5] for r in rows], s.DOMAIN: [r[0] for r in rows],
        s.SOURCE_URL: [f"https://{r[0]}/p{r[1]}" for r in rows],
        s.TARGET_URL: [f"https://brightsmile.co.uk/t{r[2]}" for r in rows],
        s.ANCHOR: pd.Series([r[3] for r in rows], dtype="str"),
        s.SOURCE_TITLE: pd.Series([r[4] for r in rows], dtype="str"),
    })
    feats = build_features(frame, PROFILE)
    links = frame[frame[s.ROW_KIND] == "link"]
    by_domain = links.groupby(s.DOMAIN)
    domains = feats.domains
    for column, source in (("n_pages", s.SOURCE_URL), ("n_targets", s.TARGET_URL)):
        want = by_domain[source].nunique().reindex(domains.index)
        pd.testing.assert_series_equal(domains[column], want, check_names=False,
                                       check_dtype=False, check_index_type=False)
    normal = links[s.ANCHOR].dropna().str.lower().str.strip()
    uses = normal.groupby([links[s.DOMAIN], normal]).size()
    per_domain = uses.groupby(level=0)
    pd.testing.assert_series_equal(
        domains["n_anchors"].dropna(), per_domain.size().reindex(domains.index).dropna(),
        check_names=False, check_dtype=False, check_index_type=False)
    pd.testing.assert_series_equal(
        domains["top_anchor_share"].dropna(),
        (per_domain.max() / per_domain.sum()).reindex(domains.index).dropna(),
        check_names=False, check_index_type=False)

    usable = frame.loc[feats.links.index]
    money = feats.links["anchor_type"].isin(["exact_match", "partial_match"])
    anchor = usable[s.ANCHOR].fillna("").str.lower().str.strip()
    chosen = money & (anchor != "")
    spread = usable[chosen].groupby(anchor[chosen])[s.DOMAIN].nunique()
    want = anchor.map(spread).where(money, 0.0).where(feats.links["anchor_type"].notna())
    assert feats.links["anchor_domains"].tolist() == pytest.approx(want.tolist(), nan_ok=True)
    template = usable[s.SOURCE_TITLE].fillna("").str.lower().str.replace(
        r"\d+", "#", regex=True).str.replace(r"\s+", " ", regex=True).str.strip()
    long = template.str.len() >= 12
    spread = usable[long].groupby(template[long])[s.DOMAIN].nunique()
    want = template.map(spread).where(long)
    assert feats.links["title_template_domains"].tolist() == pytest.approx(want.tolist(),
                                                                            nan_ok=True)
