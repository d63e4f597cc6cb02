"""Reasons: what they say, and that they say only what the data says."""

import numpy as np
import pandas as pd

from disavow import schema as s
from disavow.explain import domain_reasons, domain_reasons_column, link_reasons_column

# Displayed, this title reads "Online casino your own house bonus".
REVERSED = "Online casino \u202eesuoh nwo ruoy\u202c bonus"
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_bidi_controls_in_quoted_values_are_shown_not_obeyed():
    links = pd.DataFrame({s.ANCHOR: [REVERSED, "cheap\u2067 pills"], s.SOURCE_TITLE: REVERSED,
                          "anchor_type": ["exact_match", "partial_match"],
                          "title_risky_topics": 1.0})
    texts = link_reasons_column(links).tolist()
    assert texts[0] == ("exact-match anchor 'Online casino [U+202E]esuoh nwo ruoy[U+202C] bonus'"
                        " | page title on a risky topic 'Online casino [U+202E]esuoh nwo ruoy"
                        "[U+202C] bonus'")
    assert "'cheap[U+2067] pills'" in texts[1]
    domains = pd.DataFrame({s.DOMAIN: ["spam.example"], s.DECISION: ["disavow"],
                            "max_title_risky_topics": [1.0], "top_title": [BIDI]})
    reasons = domain_reasons_column(domains, {}).iloc[0]
    assert not any(c in reasons for c in BIDI)
    assert "[U+061C][U+200E][U+200F][U+202A]" in reasons and reasons.count("[U+") == len(BIDI)
    assert domain_reasons(domains.iloc[0].to_dict(), {})[0] in reasons


def test_traffic_is_the_exports_number():
    traffic = [20650, 758701791, 1000]
    domains = pd.DataFrame({s.DOMAIN: ["a.example", "b.example", "c.example"],
                            s.DECISION: "keep", "ahrefs_log_traffic": np.log10(
                                np.array(traffic, dtype=float) + 1)})
    reasons = domain_reasons_column(domains, {}).tolist()
    assert reasons == [f"real audience: about {n:,} organic visits a month (Ahrefs)"
                       for n in traffic]
    assert domain_reasons(domains.iloc[0].to_dict(), {}) == [reasons[0]]


def test_a_domain_name_is_about_replica_only_for_a_word_that_means_it():
    domains = pd.DataFrame({s.DOMAIN: ["alderwholesale.com", "discountoutlet.com",
                                       "cheapfakenham.co.uk", "replicawatches.com",
                                       "knockoffbags.net"], s.DECISION: "review"})
    reasons = domain_reasons_column(domains, {}).tolist()
    assert [("the domain name is about replica" in r) for r in reasons] == [
        False, False, False, True, True]
    # The model still counts 'wholesale': the word that moved the score is named as the
    # model's (the site's own supplier was sent to review with no reason naming it).
    assert reasons[0].startswith("the domain name contains 'wholesale', a word the model "
                                 "counts towards the replica topic")


def test_evidence_against_the_decision_comes_last_and_says_it_was_outweighed():
    domains = pd.DataFrame({
        s.DOMAIN: ["cheap-links.xyz", "forum.example"], s.DECISION: ["disavow", "keep"],
        "share_nofollow": [1.0, np.nan], "n_links": [3.0, 2.0], "follow_links": [3.0, 2.0],
        "ahrefs_log_traffic": [np.nan, 4.0]})
    reasons = domain_reasons_column(domains, {"xyz": [0.9, 500]}).tolist()
    assert reasons[0].endswith(" | outweighed: nofollow: all its links pass nothing")
    assert reasons[1].startswith("real audience: about 9,999 organic visits")
    assert " | outweighed: TLD .xyz" not in reasons[1]
    assert [" | ".join(domain_reasons(r, {"xyz": [0.9, 500]}))
            for r in domains.to_dict("records")] == reasons


def test_a_signal_the_model_does_not_weigh_gives_no_reason():
    domains = pd.DataFrame({s.DOMAIN: ["seo-links-hub.xyz"], s.DECISION: ["disavow"]})
    assert "link selling" in domain_reasons_column(domains, {})[0]
    assert "link selling" not in domain_reasons_column(
        domains, {}, unweighed=frozenset({"name_link_selling"}))[0]


def test_a_page_naming_the_site_is_not_said_to_be_on_its_topic():
    # siteprice.info/alderfinchplumbing.co.uk matches the brand, not the site's topic.
    domains = pd.DataFrame({s.DOMAIN: ["siteprice.info"], s.DECISION: "keep",
                            "mean_topic_overlap": [0.5]})
    reasons = domain_reasons_column(domains, {}).iloc[0]
    assert "topic" not in reasons
    assert reasons == ("the linking pages' titles or addresses use words of the site's name or "
                       "keywords")


def test_a_disavowed_domain_without_strong_evidence_names_its_weak_signals():
    domains = pd.DataFrame({s.DOMAIN: ["foo-bar.net", "plain.example"],
                            s.DECISION: ["disavow", "review"], "n_links": [9, 2],
                            "top_anchor": ["Example Site", None], "top_anchor_share": [1.0, 0.5],
                            "semrush_page_ascore": [1.0, np.nan], "name_hyphens": [1, 0]})
    reasons = domain_reasons_column(domains, {}).tolist()
    assert reasons == [
        "no single strong signal: the score adds up many weak ones, among them all 9 links use "
        "the anchor 'Example Site'; a low Semrush page Authority Score (1); a hyphen in the "
        "domain name",
        "no single strong signal: the score adds up many weak ones"]
    assert [" | ".join(domain_reasons(r, {})) for r in domains.to_dict("records")] == reasons


def test_a_domain_decided_by_list_entries_below_it_says_so_first():
    domains = pd.DataFrame({
        s.DOMAIN: ["news.co.uk", "spam-links.xyz", "forum.net", "big.org"],
        s.DECISION: ["disavow", "keep", "keep", "review"],
        "why": ["denied_links", "allowed_links", "score", "score"],
        "n_links": [2, 1, 5, 3], "denied_links": [2, 0, 2, 0], "allowed_links": [0, 1, 0, 1],
        "denied_by": [("www.news.co.uk",), None, ("a.forum.net", "b.forum.net", "c.forum.net"),
                      None],
        "allowed_by": [None, ("www.spam-links.xyz",), None, ("https://big.org/ok",)],
        "share_branded_anchor": [1.0, np.nan, np.nan, np.nan]})
    reasons = domain_reasons_column(domains, {}).tolist()
    assert [r.split(" | ")[0] for r in reasons] == [
        "all 2 of its links are on your deny list (www.news.co.uk): disavowed, but not as a "
        "whole domain",
        "its only link is on your allow list (www.spam-links.xyz): never disavowed",
        "2 of its 5 links are on your deny list (a.forum.net, b.forum.net and 1 more): disavowed",
        "1 of its 3 links is on your allow list (https://big.org/ok): kept"]
    assert "no single strong signal" not in reasons[0]
    assert "no single strong signal" in reasons[3]  # the Review score still needs its reason
    assert [" | ".join(domain_reasons(r, {})) for r in domains.to_dict("records")] == reasons


def test_a_link_reviewed_for_its_domain_does_not_argue_for_keeping_it():
    links = pd.DataFrame({"why": ["domain_under_review", "score"], "nofollow": [1.0, 1.0]})
    assert link_reasons_column(links).tolist() == [
        "its referring domain is under review | nofollow: passes nothing",
        "nofollow: passes nothing"]


def test_anchor_and_nofollow_shares_say_they_are_of_the_links_that_give_them():
    domains = pd.DataFrame({
        s.DOMAIN: ["petnotes.net", "farm.xyz", "whole.org", "one.net"],
        s.DECISION: ["keep", "disavow", "keep", "review"],
        "n_links": [5, 6, 2, 4], "anchor_links": [1, 4, 2, 3], "follow_links": [3, 6, 2, 1],
        "share_nofollow": [1.0, np.nan, 1.0, 1.0], "share_branded_anchor": [1.0, np.nan, 1.0, 0.0],
        "share_money_anchor": [np.nan, 0.75, np.nan, 0.0],
        "top_anchor": [None, None, None, "vet leeds"], "top_anchor_share": [np.nan, np.nan,
                                                                            np.nan, 1.0]})
    reasons = domain_reasons_column(domains, {}).tolist()
    assert reasons[0] == ("nofollow: all 3 of its links whose follow state is known pass nothing"
                          " | 100% of the 1 link with a known anchor uses the brand name or the "
                          "URL as anchor")
    assert reasons[1].startswith(
        "75% of the 4 links with a known anchor use money (exact- or partial-match) anchors")
    assert reasons[2] == ("nofollow: all its links pass nothing | 100% of its links use the "
                          "brand name or the URL as anchor")
    assert reasons[3] == ("no single strong signal: the score adds up many weak ones, among "
                          "them all 3 links with a known anchor use the anchor 'vet leeds' | "
                          "outweighed: nofollow: the 1 link whose follow state is known passes "
                          "nothing")
    assert [" | ".join(domain_reasons(r, {})) for r in domains.to_dict("records")] == reasons
