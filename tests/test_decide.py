import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from disavow import schema as s
from disavow.decide import (
    EntryList,
    Policy,
    Why,
    decide_domains,
    decide_links,
    follow_list_entries,
    kept_entry_conflicts,
    plan_entries,
    read_entry_list,
)
from disavow.errors import InputFormatError

POLICY = Policy(domain_disavow=0.8, domain_review=0.5, link_disavow=0.9, link_review=0.6,
                site="brightsmile.co.uk")


def domains(scores: dict[str, float]) -> pd.DataFrame:
    frame = pd.DataFrame({s.SCORE: list(scores.values())}, index=list(scores))
    frame.index.name = s.DOMAIN
    return frame


def test_thresholds():
    out = decide_domains(domains({"a.xyz": 0.95, "b.com": 0.6, "c.org": 0.1}), POLICY)
    assert out[s.DECISION].tolist() == ["disavow", "review", "keep"]
    assert set(out["why"]) == {Why.SCORE}


@pytest.mark.parametrize(
    "domain",
    ["wordpress.com", "github.com", "google.com", "medium.com", "blogspot.com", "co.uk",
     "pages.dev", "brightsmile.co.uk"],
)
def test_platforms_suffixes_and_own_site_are_never_disavowed(domain):
    out = decide_domains(domains({domain: 0.999}), POLICY)
    assert out[s.DECISION].iloc[0] == s.Decision.KEEP


def test_free_host_subdomain_is_judged_on_its_own():
    out = decide_domains(domains({"spam.blogspot.com": 0.99}), POLICY)
    assert out[s.DECISION].iloc[0] == s.Decision.DISAVOW


def test_allow_and_deny_lists_override_scores():
    policy = Policy(allow=EntryList(domains=frozenset({"good.xyz"})),
                    deny=EntryList(domains=frozenset({"bad.com"})))
    out = decide_domains(domains({"www.good.xyz": 0.99, "bad.com": 0.01}), policy)
    assert out[s.DECISION].tolist() == ["keep", "disavow"]
    assert out["why"].tolist() == [Why.ALLOWLIST, Why.DENYLIST]


def test_a_denied_established_platform_is_listed_link_by_link():
    policy = Policy(deny=EntryList(domains=frozenset({"google.com", "bad.com"})))
    dom = decide_domains(domains({"google.com": 0.01, "bad.com": 0.01}), policy)
    links = decide_links(pd.DataFrame({
        s.SOURCE_URL: ["https://sites.google.com/view/spam", "https://google.com/x",
                       "https://bad.com/1"],
        s.SOURCE_HOST: ["sites.google.com", "google.com", "bad.com"],
        s.DOMAIN: ["google.com", "google.com", "bad.com"],
        s.SCORE: [0.1, 0.1, 0.1],
    }), dom, policy)
    plan = plan_entries(dom, links, policy)
    assert plan.domains == ["bad.com"]
    assert plan.urls == ["https://google.com/x", "https://sites.google.com/view/spam"]
    assert [value for value, _ in plan.denied_not_listed] == ["google.com"]
    assert "established platform" in plan.denied_not_listed[0][1]


@given(st.lists(st.floats(0, 1), min_size=2, max_size=30))
def test_decisions_are_monotone_in_score(scores):
    names = {f"d{i}.example": v for i, v in enumerate(scores)}
    out = decide_domains(domains(names), POLICY)
    rank = {"keep": 0, "review": 1, "disavow": 2}
    pairs = sorted(zip(out[s.SCORE], out[s.DECISION].map(rank), strict=True))
    assert all(a[1] <= b[1] for a, b in zip(pairs, pairs[1:], strict=False))


def links_table():
    return pd.DataFrame({
        s.SOURCE_URL: ["http://a.xyz/1", "https://forum.org/member/9", "https://forum.org/t/1",
                       "https://brightsmile.co.uk/blog"],
        s.SOURCE_HOST: ["a.xyz", "forum.org", "forum.org", "brightsmile.co.uk"],
        s.DOMAIN: ["a.xyz", "forum.org", "forum.org", "brightsmile.co.uk"],
        s.SCORE: [0.2, 0.97, 0.1, 0.99],
    })


def test_links_follow_their_domain_and_single_spam_pages_become_url_lines():
    dom = decide_domains(domains({"a.xyz": 0.95, "forum.org": 0.1, "brightsmile.co.uk": 0.99}),
                         POLICY)
    links = decide_links(links_table(), dom, POLICY)
    assert links[s.DECISION].tolist() == ["disavow", "disavow", "keep", "keep"]
    assert links["why"].tolist()[:2] == [Why.DOMAIN, Why.SCORE]
    plan = plan_entries(dom, links, POLICY)
    assert plan.domains == ["a.xyz"]
    assert plan.urls == ["https://forum.org/member/9"]


def test_level_domain_sends_single_pages_to_review():
    policy = Policy(**{**POLICY.__dict__, "level": "domain"})
    dom = decide_domains(domains({"a.xyz": 0.95, "forum.org": 0.1}), policy)
    links = decide_links(links_table().iloc[:3], dom, policy)
    assert links[s.DECISION].tolist() == ["disavow", "review", "keep"]
    assert plan_entries(dom, links, policy).urls == []


def test_level_url_lists_every_page():
    policy = Policy(**{**POLICY.__dict__, "level": "url"})
    dom = decide_domains(domains({"a.xyz": 0.95, "forum.org": 0.1}), policy)
    links = decide_links(links_table().iloc[:3], dom, policy)
    plan = plan_entries(dom, links, policy)
    assert plan.domains == []
    assert plan.urls == ["http://a.xyz/1", "https://forum.org/member/9"]


def test_entry_list_file(tmp_path):
    path = tmp_path / "allow.txt"
    path.write_text("# mine\ndomain:Partner.com\nfriend.org\nhttps://x.com/Page\n\n", "utf-8")
    entries = read_entry_list(path)
    assert entries.domains == {"partner.com", "friend.org"}
    assert entries.urls == {"https://x.com/Page"}
    assert entries.covers_host("blog.partner.com")
    bad = tmp_path / "bad.txt"
    bad.write_text("domain:not a domain\n", "utf-8")
    with pytest.raises(InputFormatError, match="line 1"):
        read_entry_list(bad)


def test_entry_list_wildcards_mean_the_site_and_its_subdomains(tmp_path):
    path = tmp_path / "deny.txt"
    path.write_text("*.spam.xyz\ndomain:*.Links.co.uk\nDOMAIN: *.pbn.net\n", "utf-8")
    entries = read_entry_list(path)
    assert entries.domains == {"spam.xyz", "links.co.uk", "pbn.net"}
    assert entries.covers_host("spam.xyz") and entries.covers_host("a.b.spam.xyz")
    path.write_text("*.*.spam.xyz\n", "utf-8")
    with pytest.raises(InputFormatError, match=r"line 1: '\*\.\*\.spam\.xyz'"):
        read_entry_list(path)


def test_entry_list_lines_are_counted_as_an_editor_counts_them(tmp_path):
    path = tmp_path / "deny.txt"
    # U+2028 and a form feed end lines for str.splitlines(), not for an editor.
    path.write_bytes("# a\u2028b\x0cc\r\ndomain:ok.com\rdomain:not a domain\n".encode())
    with pytest.raises(InputFormatError, match="line 3"):
        read_entry_list(path)


def test_threshold_option_is_checked():
    with pytest.raises(InputFormatError, match="between 0 and 1"):
        Policy.from_thresholds({}, threshold=1.5)
    with pytest.raises(InputFormatError, match="--level"):
        Policy.from_thresholds({}, level="page")
    policy = Policy.from_thresholds({"domain_disavow": 0.9, "domain_review": 0.7}, threshold=0.6)
    assert (policy.domain_disavow, policy.domain_review) == (0.6, 0.6)


def test_doubtful_domains_with_mostly_toxic_links_are_listed_whole():
    from disavow.decide import promote_domains

    dom = decide_domains(domains({"doubt.xyz": 0.6, "forum.org": 0.1}), POLICY)
    links = pd.DataFrame({
        s.SOURCE_URL: ["http://doubt.xyz/1", "http://doubt.xyz/2", "https://forum.org/member/1",
                       "https://forum.org/member/2"],
        s.SOURCE_HOST: ["doubt.xyz", "doubt.xyz", "forum.org", "forum.org"],
        s.DOMAIN: ["doubt.xyz", "doubt.xyz", "forum.org", "forum.org"],
        s.SCORE: [0.95, 0.97, 0.96, 0.97],
    })
    links = decide_links(links, dom, POLICY)
    dom, links = promote_domains(dom, links, POLICY)
    assert dom.loc["doubt.xyz", s.DECISION] == "disavow"
    assert dom.loc["doubt.xyz", "why"] == Why.MOST_LINKS
    # a domain the model trusts keeps URL lines for its spam pages
    assert dom.loc["forum.org", s.DECISION] == "keep"
    plan = plan_entries(dom, links, POLICY)
    assert plan.domains == ["doubt.xyz"]
    assert plan.urls == ["https://forum.org/member/1", "https://forum.org/member/2"]


def test_a_link_reviewed_for_its_domain_says_so_and_follows_it_when_promoted():
    from disavow.decide import promote_domains

    dom = decide_domains(domains({"doubt.xyz": 0.6}), POLICY)
    links = decide_links(pd.DataFrame({
        s.SOURCE_URL: [f"http://doubt.xyz/{i}" for i in range(3)],
        s.SOURCE_HOST: ["doubt.xyz"] * 3, s.DOMAIN: ["doubt.xyz"] * 3,
        s.SCORE: [0.31, 0.95, 0.97],
    }), dom, POLICY)
    assert links[s.DECISION].tolist() == ["review", "disavow", "disavow"]
    assert links["why"].tolist() == [Why.DOMAIN_REVIEW, Why.SCORE, Why.SCORE]
    _, links = promote_domains(dom, links, POLICY)
    assert links[s.DECISION].tolist() == ["disavow"] * 3
    assert links["why"].tolist() == [Why.DOMAIN] * 3


def test_an_explicit_threshold_disavows_no_domain_scoring_less():
    from disavow.decide import promote_domains

    policy = Policy.from_thresholds({"domain_disavow": 0.8, "domain_review": 0.5,
                                     "link_disavow": 0.9}, threshold=0.99)
    dom = decide_domains(domains({"doubt.xyz": 0.95}), policy)
    links = decide_links(pd.DataFrame({
        s.SOURCE_URL: ["http://doubt.xyz/1", "http://doubt.xyz/2"],
        s.SOURCE_HOST: ["doubt.xyz"] * 2, s.DOMAIN: ["doubt.xyz"] * 2, s.SCORE: [0.95, 0.97],
    }), dom, policy)
    dom, links = promote_domains(dom, links, policy)
    assert dom.loc["doubt.xyz", s.DECISION] == "review"
    assert plan_entries(dom, links, policy).domains == []


def _planned(policy: Policy, scores: dict[str, float], urls: list[str]):
    """Decide and plan a tiny profile: ``urls`` are links (domain from the host)."""
    from disavow.urls import host_info, parse_url

    hosts = [parse_url(u).host for u in urls]
    dom = decide_domains(domains(scores), policy)
    links = decide_links(pd.DataFrame({
        s.SOURCE_URL: urls, s.SOURCE_HOST: hosts,
        s.DOMAIN: [host_info(h).domain for h in hosts], s.SCORE: [0.1] * len(urls),
    }), dom, policy)
    return dom, links, plan_entries(dom, links, policy)


def test_deny_never_writes_the_audited_site_or_what_allow_keeps():
    policy = Policy(site="brightsmile.co.uk",
                    allow=EntryList(domains=frozenset({"kb.com"}),
                                    urls=frozenset({"https://forum.net/good"})),
                    deny=EntryList(domains=frozenset({"brightsmile.co.uk", "co.uk", "kb.com",
                                                      "www.brightsmile.co.uk", "bad.com"}),
                                   urls=frozenset({"https://brightsmile.co.uk/blog",
                                                   "https://forum.net/good",
                                                   "https://forum.net/spam"})))
    _, _, plan = _planned(policy, {"kb.com": 0.1}, ["https://kb.com/a"])
    assert plan.domains == ["bad.com"]
    assert plan.urls == ["https://forum.net/spam"]
    refused = dict(plan.denied_not_listed)
    assert set(refused) == {"brightsmile.co.uk", "www.brightsmile.co.uk", "co.uk", "kb.com",
                            "https://brightsmile.co.uk/blog", "https://forum.net/good"}
    assert "audited site" in refused["brightsmile.co.uk"]
    assert "--allow" in refused["kb.com"]


@pytest.mark.parametrize("entry", ["co.uk", "blogspot.com", "wordpress.com"])
def test_a_listed_suffix_or_platform_root_covers_no_site_under_it(entry):
    listed = EntryList(domains=frozenset({entry}), host_only=frozenset({entry}))
    assert listed.covers_host(entry)
    assert not listed.covers_host(f"news.{entry}")
    assert not listed.covers_host(f"www.shop.{entry}")
    policy = Policy(deny=listed, allow=listed)
    dom, links, plan = _planned(policy, {f"news.{entry}": 0.1, f"spam.{entry}": 0.99},
                                [f"https://news.{entry}/a", f"https://spam.{entry}/b"])
    assert dom["why"].tolist() == [Why.SCORE, Why.SCORE]  # neither denied nor allowed
    assert plan.domains == [f"spam.{entry}"]
    assert entry in dict(plan.denied_not_listed)


def test_read_entry_list_marks_suffixes_and_platform_roots_host_only(tmp_path):
    path = tmp_path / "deny.txt"
    path.write_text("domain:co.uk\nblogspot.com\nspam.example\n")
    assert read_entry_list(path).host_only == {"co.uk", "blogspot.com"}


def test_a_disavowed_domain_holding_an_allowed_url_is_listed_url_by_url():
    policy = Policy(allow=EntryList(urls=frozenset({"https://spam.cfd/keep-me"})))
    _, links, plan = _planned(policy, {"spam.cfd": 0.99},
                              ["https://spam.cfd/keep-me", "https://spam.cfd/other"])
    assert plan.domains == []
    assert plan.urls == ["https://spam.cfd/other"]
    assert links[s.DECISION].tolist() == ["keep", "disavow"]
    assert plan.skipped == []
    assert "spam.cfd" in plan.notes[0] and "--allow" in plan.notes[0]


def test_a_domain_known_by_name_only_that_cannot_be_listed_is_reported():
    policy = Policy(level="url")
    dom = decide_domains(domains({"zol-links.xyz": 0.99}), policy)
    no_links = pd.DataFrame({s.SOURCE_URL: [], s.SOURCE_HOST: [], s.DOMAIN: [], s.SCORE: []})
    plan = plan_entries(dom, decide_links(no_links, dom, policy), policy)
    assert plan.domains == [] and plan.urls == []
    assert "no linking URL" in dict(plan.skipped)["zol-links.xyz"]


def test_a_denied_host_of_an_established_platform_is_no_domain_line():
    policy = Policy(deny=EntryList(domains=frozenset({"www.google.com", "en.wikipedia.org"})))
    _, _, plan = _planned(policy, {"google.com": 0.1}, ["https://www.google.com/spam"])
    assert plan.domains == []
    assert plan.urls == ["https://www.google.com/spam"]
    assert set(dict(plan.denied_not_listed)) == {"www.google.com", "en.wikipedia.org"}


def test_only_sites_disavowed_as_a_whole_may_collapse():
    policy = Policy(allow=EntryList(urls=frozenset({"https://mixed.cfd/keep"})))
    _, _, plan = _planned(policy, {"spam.xyz": 0.99, "mixed.cfd": 0.99, "forum.net": 0.1},
                          ["https://spam.xyz/1", "https://mixed.cfd/keep", "https://forum.net/p"])
    assert plan.may_collapse == {"spam.xyz"}


@pytest.mark.parametrize("line", ["www.forum.co.uk/profile/spammer", "domain:forum.com/members/x"])
def test_an_entry_with_a_path_but_no_scheme_is_refused_not_widened(tmp_path, line):
    path = tmp_path / "deny.txt"
    path.write_text(f"# mine\n{line}\n")
    with pytest.raises(InputFormatError, match=r"line 2: .* has a path but no scheme"):
        read_entry_list(path)


def test_a_windows_1252_list_keeps_its_accented_names(tmp_path):
    path = tmp_path / "deny.txt"
    path.write_bytes(b"domain:m\xfcnchen-spam.de\nexample.com/\n")
    assert read_entry_list(path).domains == {"xn--mnchen-spam-thb.de", "example.com"}


def test_kept_entry_conflicts_names_old_lines_that_disavow_what_the_policy_keeps():
    policy = Policy(site="blog.mysite.co.uk", allow=EntryList(
        domains=frozenset({"goodforum.com"}), urls=frozenset({"https://www.bigsite.com/ok"})))
    entries = [(1, "domain", "mysite.co.uk"), (2, "url", "https://blog.mysite.co.uk/a"),
               (3, "domain", "goodforum.com"), (4, "url", "https://www.goodforum.com/t/1"),
               (5, "url", "https://www.bigsite.com/ok"), (6, "domain", "bigsite.com"),
               (7, "domain", "spam.com"), (8, "url", "https://www.bigsite.com/spam")]
    assert kept_entry_conflicts(entries, policy) == [
        (1, "the audited site (--site)"), (2, "the audited site (--site)"),
        (3, "on --allow"), (4, "on --allow"), (5, "on --allow"),
        (6, "holds a host or URL on --allow")]


def test_kept_entry_conflicts_names_old_lines_that_disavow_a_whole_platform():
    # Pasted from a public blocklist: the merge keeps them, so the user must hear of them.
    entries = [(1, "domain", "youtube.com"), (2, "domain", "www.youtube.com"),
               (3, "domain", "sites.google.com"), (4, "domain", "semrush.com"),
               (5, "domain", "spam.blogspot.com"), (6, "url", "https://www.youtube.com/spam"),
               (7, "domain", "spam.com")]
    found = kept_entry_conflicts(entries, Policy())
    assert [line for line, _ in found] == [1, 2, 3, 4]
    assert found[1][1].startswith("a domain: line on youtube.com, an established platform")


@pytest.mark.parametrize("platform", ["semrush.com", "paltalk.com"])
def test_platforms_named_in_public_blocklists_are_listed_link_by_link(platform):
    policy = Policy(deny=EntryList(domains=frozenset({platform})))
    dom = decide_domains(domains({platform: 0.01}), policy)
    links = decide_links(pd.DataFrame({
        s.SOURCE_URL: [f"https://www.{platform}/user/1"], s.SOURCE_HOST: [f"www.{platform}"],
        s.DOMAIN: [platform], s.SCORE: [0.1]}), dom, policy)
    plan = plan_entries(dom, links, policy)
    assert plan.domains == [] and plan.urls == [f"https://www.{platform}/user/1"]


def _listed(policy: Policy, scores: dict[str, float], urls: list[str]):
    """As :func:`_planned`, with the domain rows following the list entries below them."""
    dom, links, _ = _planned(policy, scores, urls)
    dom = follow_list_entries(dom, links, policy)
    return dom, links, plan_entries(dom, links, policy)


def test_a_domain_whose_every_link_is_on_a_denied_host_is_disavowed_by_that_entry():
    policy = Policy(deny=EntryList(domains=frozenset({"www.news.co.uk"})))
    dom, links, plan = _listed(policy, {"news.co.uk": 0.01},
                               ["https://www.news.co.uk/a", "https://www.news.co.uk/b"])
    assert dom.loc["news.co.uk", [s.DECISION, "why"]].tolist() == ["disavow", Why.DENIED_LINKS]
    assert dom.loc["news.co.uk", ["denied_links", "denied_by"]].tolist() == [2, ("www.news.co.uk",)]
    # The user named the host: no domain: line for the whole site, no URL line under it.
    assert (plan.domains, plan.urls, plan.skipped, plan.may_collapse) == (
        ["www.news.co.uk"], [], [], frozenset())


def test_a_domain_whose_every_link_is_allowed_is_kept_without_a_warning():
    policy = Policy(allow=EntryList(domains=frozenset({"www.spam-links.xyz"})))
    dom, links, plan = _listed(policy, {"spam-links.xyz": 0.99},
                               ["https://www.spam-links.xyz/1", "https://www.spam-links.xyz/2"])
    assert dom.loc["spam-links.xyz", [s.DECISION, "why"]].tolist() == ["keep", Why.ALLOWED_LINKS]
    assert links[s.DECISION].tolist() == ["keep", "keep"]
    assert (plan.domains, plan.urls, plan.skipped, plan.notes) == ([], [], [], [])


def test_entries_covering_some_links_of_a_domain_leave_its_own_decision():
    policy = Policy(deny=EntryList(domains=frozenset({"www.news.co.uk"})),
                    allow=EntryList(urls=frozenset({"https://spam.xyz/keep"})))
    dom, links, plan = _listed(
        policy, {"news.co.uk": 0.01, "spam.xyz": 0.99},
        ["https://www.news.co.uk/a", "https://shop.news.co.uk/b", "https://spam.xyz/keep",
         "https://spam.xyz/other"])
    assert dom[s.DECISION].tolist() == ["keep", "disavow"]
    assert dom["why"].tolist() == [Why.SCORE, Why.SCORE]
    assert dom["denied_links"].tolist() == [1, 0] and dom["allowed_links"].tolist() == [0, 1]
    assert dom["allowed_by"].tolist() == [None, ("https://spam.xyz/keep",)]
    assert plan.domains == ["www.news.co.uk"] and plan.urls == ["https://spam.xyz/other"]
