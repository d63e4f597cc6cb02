"""The fast paths that make a million-link audit affordable give exactly the old results.

Each one is checked against the plain, row-by-row computation it replaces: the
model's scores against scikit-learn's predict_proba, the reasons against one
call per row, the CSV against pandas' own writer, the text signals against one
regular expression per text.
"""

from __future__ import annotations

import math
import re
import warnings
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from disavow import features as F
from disavow import schema as s
from disavow import tables
from disavow.decide import Why, domain_rows
from disavow.explain import (
    _lazy_records,
    _records,
    join_reasons,
    link_reasons,
    link_reasons_column,
    reasons_column,
)
from disavow.model import (
    _boosted_proba,
    _calibrated_boosters,
    _distinct_rows,
    _reference_blocks,
)
from disavow.pipeline import N_SAMPLE_LINKS, _sample_links

# --- scoring ---------------------------------------------------------------------------


def _toy_model(frozen: bool):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.frozen import FrozenEstimator

    rng = np.random.default_rng(0)
    n = 600
    x = pd.DataFrame({
        "a": rng.normal(size=n).round(1),
        "b": np.where(rng.random(n) < 0.2, np.nan, rng.integers(0, 5, n).astype(float)),
        "c": pd.Categorical(rng.choice(["x", "y", "z"], n), categories=["x", "y", "z", "other"]),
        "unused": np.zeros(n),
    })
    y = ((x["a"] > 0) ^ (x["c"] == "y") ^ (x["b"].fillna(0) > 2)).astype(int).to_numpy()
    booster = HistGradientBoostingClassifier(max_iter=30, categorical_features="from_dtype",
                                             random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if frozen:
            booster.fit(x, y)
            model = CalibratedClassifierCV(FrozenEstimator(booster), method="sigmoid")
        else:
            model = CalibratedClassifierCV(booster, method="sigmoid", cv=3)
        model.fit(x, y)
    return model, x


@pytest.mark.parametrize("frozen", [False, True])
@pytest.mark.parametrize("block_rows", [None, 100])  # None: one block; 100: many, in a pool
def test_fast_scoring_is_predict_proba_bit_for_bit(frozen, block_rows, monkeypatch):
    from disavow import model as model_module

    if block_rows:
        monkeypatch.setattr(model_module, "_BLOCK_ROWS", block_rows)
        monkeypatch.setattr(model_module, "_CHUNK_ROWS", block_rows // 4)
        monkeypatch.setattr(model_module, "_n_threads", lambda: 2)
    model, x = _toy_model(frozen)
    # Repeat rows so that grouping has work to do, and add unseen values.
    frame = pd.concat([x, x.iloc[::3], x.assign(a=x["a"] + 0.05)], ignore_index=True)
    columns = list(frame.columns)
    parts = _calibrated_boosters(model, columns)
    assert parts is not None
    group, first = _distinct_rows(frame, columns, parts)
    assert len(first) < len(frame)
    blocks = _reference_blocks(parts, lambda pos: frame.iloc[first[pos]])
    scores = _boosted_proba(parts, len(first), blocks)[group]
    assert np.array_equal(scores, model.predict_proba(frame)[:, 1])


@pytest.mark.parametrize("unseen_at", [None, 0, 130])
def test_binned_walk_is_the_raw_walk(unseen_at, monkeypatch):
    from disavow import model as model_module

    model, x = _toy_model(frozen=True)
    columns = list(x.columns)
    parts = _calibrated_boosters(model, columns)
    frame = pd.concat([x, x.assign(a=x["a"] + 0.05, b=x["b"] + 0.5)], ignore_index=True)
    reference = _reference_blocks(parts, lambda pos: frame.iloc[pos])

    def blocks(positions, slot=None):
        matrices = reference(positions, slot)
        if unseen_at is not None and unseen_at in positions:
            # A category code the booster never saw (its encoder makes none): the raw
            # walk sends it the missing way, binning would not, so that chunk walks raw.
            matrices[0][np.flatnonzero(positions == unseen_at)[0], 0] = 3.0
        return matrices

    walked = Counter()
    plain = model_module._Binner.bins

    def counted(self, chunk):
        binned = plain(self, chunk)
        walked.update([binned is not None])
        return binned

    monkeypatch.setattr(model_module._Binner, "bins", counted)
    monkeypatch.setattr(model_module, "_CHUNK_ROWS", 100)
    scores = _boosted_proba(parts, len(frame), blocks)
    assert walked[False] == (unseen_at is not None) and walked[True] >= 10
    monkeypatch.setattr(model_module._Binner, "of", lambda booster: None)
    assert np.array_equal(scores, _boosted_proba(parts, len(frame), blocks))
    if unseen_at is None:
        assert np.array_equal(scores, model.predict_proba(frame)[:, 1])


def test_boosters_whose_splits_are_not_bin_edges_walk_raw():
    from disavow import model as model_module

    model, x = _toy_model(frozen=True)
    booster = _calibrated_boosters(model, list(x.columns))[0][0]
    nodes = booster._predictors[3][0].nodes
    at = np.flatnonzero((nodes["is_leaf"] == 0) & (nodes["is_categorical"] == 0))[0]
    nodes["num_threshold"][at] += 1e-9
    assert model_module._Binner.of(booster) is None
    shipped = model_module.load_model()
    for level in ("link", "domain"):
        parts = _calibrated_boosters(shipped.estimators[level], shipped.feature_columns(level))
        assert all(model_module._Binner.of(b) is not None for b, _ in parts)


def test_rows_in_one_group_get_the_same_score():
    model, x = _toy_model(frozen=True)
    columns = list(x.columns)
    group, _ = _distinct_rows(x, columns, _calibrated_boosters(model, columns))
    proba = model.predict_proba(x)[:, 1]
    for g in np.unique(group):
        assert len(set(proba[group == g])) == 1


def test_other_estimators_are_not_taken_apart():
    from sklearn.linear_model import LogisticRegression

    assert _calibrated_boosters(LogisticRegression(), ["a"]) is None


def test_shipped_model_scores_as_predict_proba():
    from disavow.model import load_model

    model = load_model()
    rng = np.random.default_rng(1)
    domains = [f"{w}{i}.{t}" for i, (w, t) in enumerate(
        zip(rng.choice(["seo-links", "bakery", "casino", "news"], 300),
            rng.choice(["com", "xyz", "co.uk"], 300), strict=True))]
    table = pd.DataFrame({
        "row_kind": "link", "status": "ok", "domain": domains,
        "source_url": [f"https://{d}/page/{i % 7}" for i, d in enumerate(domains)],
        "anchor": rng.choice(["click here", "cheap seo", "Bakery", None], 300),
        "nofollow": rng.choice([True, False], 300),
    })
    feats = F.build_features(table, F.SiteProfile("bakery.com"))
    names = table["domain"]
    for level, frame in (("link", feats.links), ("domain", feats.domains)):
        got = model.score(frame, level, domains=names if level == "link" else None)
        if level == "link":
            from disavow.train import name_scores

            plain = frame.assign(name_ngram_score=name_scores(model.estimators["names"], names))
            want = model.estimators["link"].predict_proba(model.prepare(plain, "link"))[:, 1]
            assert np.array_equal(got, want)
        assert got.shape == (len(frame),)



def _profile_features(n: int = 300, seed: int = 1):
    rng = np.random.default_rng(seed)
    domains = [f"{w}{i % 40}.{t}" for i, (w, t) in enumerate(
        zip(rng.choice(["seo-links", "bakery", "casino", "news"], n),
            rng.choice(["com", "xyz", "co.uk"], n), strict=True))]
    table = pd.DataFrame({
        "row_kind": rng.choice(["link", "link", "domain"], n), "status": "ok",
        "domain": domains,
        "source_url": [f"https://{d}/page/{i % 7}" for i, d in enumerate(domains)],
        "anchor": rng.choice(["click here", "cheap seo", "Bakery", None], n),
        "nofollow": rng.choice([True, False], n),
    })
    return table, F.build_features(table, F.SiteProfile("bakery.com"))


def test_link_features_hold_each_domains_columns_once():
    table, feats = _profile_features()
    parts = feats.link_features
    assert len(parts.context) == table["domain"].nunique() and len(parts) == len(table)
    assert not set(parts.own.columns) & set(parts.context.columns)
    frame = feats.links
    assert list(frame.columns) == list(F.LINK_MODEL_FEATURES)
    for column in parts.context.columns:  # the domain's value on each of its rows
        of_domain = feats.domains[column].reindex(table["domain"]).set_axis(frame.index)
        pd.testing.assert_series_equal(frame[column], of_domain)
        pd.testing.assert_series_equal(parts.column(column), frame[column])
    kept = table["row_kind"].eq("link").to_numpy()
    pd.testing.assert_frame_equal(parts.rows(kept).frame(), frame[kept])


def test_link_features_score_as_their_whole_frame(monkeypatch):
    from disavow import model as model_module

    model = model_module.load_model()
    table, feats = _profile_features(seed=3)
    kept = table["row_kind"].eq("link").to_numpy()
    names = table["domain"][kept].astype(str)
    whole = feats.links[kept]
    want = model.score(whole, "link", domains=names)
    monkeypatch.setattr(model_module, "_BLOCK_ROWS", 32)
    prepared = []  # rows scikit-learn prepares: the check rows only, the rest gathered
    plain = model_module._preprocessed
    monkeypatch.setattr(model_module, "_preprocessed",
                        lambda parts, frame: prepared.append(len(frame)) or plain(parts, frame))
    got = model.score(feats.link_features.rows(kept), "link", domains=names)
    assert np.array_equal(got, want)
    assert len(prepared) == 1 and prepared[0] < kept.sum() // 2
    # Row domains that do not match the context rows are scored as a whole frame.
    other = names.sample(frac=1.0, random_state=0).to_numpy()
    assert np.array_equal(model.score(feats.link_features.rows(kept), "link", domains=other),
                          model.score(whole, "link", domains=other))


# --- reasons ---------------------------------------------------------------------------


def _link_frame(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    return pd.DataFrame({
        "why": rng.choice([Why.SCORE, Why.DOMAIN, Why.ALLOWLIST, Why.LEVEL, Why.DOMAIN_REVIEW,
                           "own_site", None], n),
        "anchor_type": rng.choice(["exact_match", "partial_match", "branded", None], n),
        s.ANCHOR: rng.choice(["emergency plumber", "casino bonus", None, "x" * 80, "a | b"], n),
        "anchor_risky_topics": rng.choice([0.0, 1.0, 2.0, np.nan], n),
        "title_risky_topics": rng.choice([0.0, 1.0, np.nan], n),
        s.SOURCE_TITLE: pd.Series(rng.choice(["Best casino  sites", "Plumbing tips", None], n),
                                  dtype="str"),
        "external_links": rng.choice([3.0, 150.0, 420.0, np.nan], n),
        "url_profile": rng.choice([0.0, 1.0, np.nan], n),
        "url_comment": rng.choice([0.0, 1.0], n),
        "url_directory": rng.choice([0.0, 1.0], n),
        "url_bookmark": rng.choice([0.0, 1.0], n),
        "nofollow": pd.array(rng.choice([True, False, None], n), dtype="boolean"),
        "sitewide": pd.array(rng.choice([True, False, None], n), dtype="boolean"),
    })


def test_link_reasons_per_distinct_evidence_match_row_by_row():
    frame = _link_frame()
    # None and NaN are one missing value to factorize, not to the reasons.
    anchors = frame[s.ANCHOR].to_numpy(dtype=object)
    anchors[::7], anchors[3::7] = np.nan, None
    frame[s.ANCHOR] = pd.Series(anchors, dtype=object)
    assert frame[s.ANCHOR].map(lambda a: a is None).any()
    want = [join_reasons(link_reasons(r)) for r in frame.to_dict("records")]
    assert link_reasons_column(frame).tolist() == want
    assert reasons_column(frame, link_reasons).tolist() == want
    links, signals = frame.iloc[:, :3].join(frame[[s.SOURCE_TITLE]]), frame.drop(
        columns=["why", s.ANCHOR, s.SOURCE_TITLE])
    assert link_reasons_column(links.join(frame[["nofollow", "sitewide"]]),
                               signals.drop(columns=["anchor_type"])).tolist() == want


def _domain_frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)

    def numbers(*choices):
        # Later seeds leave most signals missing, so that few reasons fire and
        # the last ones on the list make the first four too.
        values = rng.choice([*choices, np.nan], n)
        return np.where(rng.random(n) < (0.8 if seed >= 2 else 0.0), np.nan, values)

    frame = pd.DataFrame({
        s.DOMAIN: pd.Series(rng.choice(["casino-bet123.xyz", "seo-links4u.top", "bakery.co.uk",
                                        "x7k9q2zz.click", "1.2.3.4", "pills-loans.ru", None], n),
                            dtype="str"),
        "why": rng.choice([Why.SCORE, Why.DOMAIN, Why.MOST_LINKS, Why.PROTECTED, Why.DENYLIST,
                           Why.ALLOWED_LINKS, Why.DENIED_LINKS, None], n),
        "allowed_links": numbers(0.0, 1.0, 3.0), "denied_links": numbers(0.0, 2.0, 40.0),
        "allowed_by": rng.choice(np.array([None, ("www.a.com",), ("https://a.com/" + "p" * 70,
                                                                   "b.a.com", "c.a.com")],
                                          dtype=object), n),
        "denied_by": rng.choice(np.array([None, ("www.b.com", "https://b.com/x")], dtype=object),
                                n),
        s.DECISION: rng.choice(["disavow", "review", "keep", None], n),
        "n_links": numbers(1.0, 2.0, 3.0, 40.0), "toxic_links": numbers(0.0, 2.0, 7.0),
        "anchor_links": numbers(1.0, 2.0, 40.0), "follow_links": numbers(1.0, 3.0, 40.0),
        "share_exact_anchor": numbers(0.0, 0.5, 1.0), "share_money_anchor": numbers(0.2, 0.6),
        "top_exact_anchor": pd.Series(rng.choice(["cheap  pills", "", None, "y" * 70], n),
                                      dtype="str"),
        "top_exact_anchor_links": numbers(1.0, 2.0, 40.0),
        "tld": rng.choice(["xyz", "top", "uk", "cctld", "click", None], n),
        "model_tld": rng.choice(["xyz", "cctld", "top", "com", "ip", None], n),
        "name_family_size": numbers(0.0, 2.0, 5.0), "max_title_risky_topics": numbers(0.0, 1.0),
        "top_title": pd.Series(rng.choice(["Casino  bonus", None, "ok"], n), dtype="str"),
        "max_title_template_domains": numbers(1.0, 5.0, 9.0),
        "max_anchor_domains": numbers(2.0, 6.0), "authority_without_traffic": numbers(10.0, 45.4),
        "repeated_anchor": rng.choice(["emergency  plumber", "", None, "z" * 70], n),
        "max_external_links": numbers(20.0, 150.0, 900.0), "first_seen_burst": numbers(1.0, 3.5),
        "first_seen_week": rng.choice(["2024-01-01", "", None], n),
        "ip_block_domains": numbers(1.0, 3.0, 8.0), "share_ugc_pages": numbers(0.1, 0.5, 0.77),
        "share_directory": numbers(0.0, 0.6), "share_sitewide": numbers(0.2, 0.5, 1.0),
        "sitewide_links": numbers(0.0, 1.0, 24.0),
        "top_anchor": pd.Series(rng.choice(["Example  Site", "", None], n), dtype="str"),
        "top_anchor_share": numbers(0.5, 0.8, 1.0), "semrush_page_ascore": numbers(1.0, 30.0),
        "moz_da": numbers(5.0, 50.0), "name_hyphens": numbers(0.0, 1.0),
        "ahrefs_is_spam": pd.array(rng.choice([True, False, None], n), dtype="boolean"),
        "moz_spam_score": numbers(12.0, 60.0, 99.5), "semrush_toxicity": numbers(59.9, 61.0),
        "name_is_ip": rng.integers(0, 2, n), "name_entropy": numbers(2.0, 3.3, 4.1),
        "name_consonant_run": numbers(2.0, 4.0, 6.0), "name_digits": numbers(0.0, 4.0, 6.0),
        "share_nofollow": numbers(0.5, 0.99, 1.0), "share_qualified": numbers(0.0, 1.0),
        "ahrefs_log_traffic": numbers(1.0, 3.0, 5.2), "name_is_gov_edu": numbers(0.0, 1.0),
        "share_branded_anchor": numbers(0.1, 0.5, 0.9), "mean_topic_overlap": numbers(0.0, 0.3),
        "name_is_free_host": rng.choice([0, 1], n),
        "domain_only": rng.choice([True, False], n),
    })
    return frame


@pytest.mark.parametrize("seed", range(6))
def test_domain_reasons_by_column_match_row_by_row(seed):
    from disavow.explain import domain_reasons, domain_reasons_column

    frame = _domain_frame(600, seed)
    share = {"xyz": [0.8, 50], "top": [0.7, 10], "com": [0.1, 900], "cctld": [0.9, 99],
             "ip": [1.0, 49]}
    if seed == 5:  # the TLD as a person reads it, without the model's group
        frame = frame.drop(columns=["model_tld"])
    elif seed % 2:  # columns a table may lack
        frame = frame.drop(columns=["model_tld", "top_title", "first_seen_week", "tld",
                                    "repeated_anchor"])
    want = [join_reasons(domain_reasons(r, share)) for r in frame.to_dict("records")]
    assert domain_reasons_column(frame, share).tolist() == want
    assert reasons_column(frame, domain_reasons, share).tolist() == want


def test_records_are_to_dict_records():
    frame = _link_frame(50).assign(
        when=pd.to_datetime(["2024-01-02 03:04:05"] * 49 + [None]),
        count=np.arange(50), flag=np.arange(50) % 2 == 0,
        mixed=pd.Series([np.float64(1.5), "a", None, 3] * 12 + [Why.SCORE, np.int64(4)],
                        dtype=object))
    want = frame.to_dict("records")
    for got in (_records(frame), _lazy_records(frame)):
        assert len(want) == len(got)
        for a, b in zip(want, got, strict=True):
            assert list(a) == list(b)
            for key in a:
                assert type(a[key]) is type(b[key]), key
                assert type(a[key]) is type(b.get(key)), key
                assert a[key] == b[key] or (a[key] is b[key]) or (
                    isinstance(a[key], float) and math.isnan(a[key]) and math.isnan(b[key]))
            assert b.get("no such column") is None and b.get("no such column", 7) == 7
            assert "count" in b and "no such column" not in b
            with pytest.raises(KeyError):
                b["no such column"]


def test_sample_links_keep_the_worst_distinct_pages():
    links = pd.DataFrame({
        s.DOMAIN: ["a.com"] * 6 + ["b.com"] * 2,
        s.SOURCE_URL: ["u1", "u2", "u1", "u3", "u4", "u5", "v1", "v1"],
        s.SCORE: [0.1, 0.9, 0.95, 0.5, 0.5, 0.2, 0.3, 0.3],
    })
    worst = links.sort_values(s.SCORE, ascending=False, kind="stable")
    want = worst.groupby(worst[s.DOMAIN].astype(str), sort=False)[s.SOURCE_URL].agg(
        lambda urls: " | ".join(pd.unique(urls.astype(str))[:N_SAMPLE_LINKS]))
    got = _sample_links(links)
    assert got.to_dict() == want.to_dict() == {"a.com": "u1 | u2 | u3", "b.com": "v1"}
    assert _sample_links(links.iloc[:0]).empty


@pytest.mark.parametrize("seed", range(5))
def test_sample_links_by_codes_match_grouping_the_strings(seed):
    rng = np.random.default_rng(seed)
    n = 300
    links = pd.DataFrame({
        s.DOMAIN: pd.Series(rng.choice([f"d{i}.com" for i in range(20)], n), dtype="str"),
        s.SOURCE_URL: pd.Series(rng.choice([f"u{i}" for i in range(60)], n), dtype="str"),
        s.SCORE: rng.choice([0.0, 0.1, 0.5, 0.5, 0.9, 1.0], n),  # many ties
    })
    worst = links.sort_values(s.SCORE, ascending=False, kind="stable")
    pages = pd.DataFrame({"d": worst[s.DOMAIN].astype(str), "u": worst[s.SOURCE_URL].astype(str)})
    pages = pages.drop_duplicates().groupby("d", sort=False).head(N_SAMPLE_LINKS)
    want = pages.groupby("d", sort=False)["u"].agg(" | ".join).rename_axis(None)
    got = _sample_links(links)
    assert got.index.tolist() == want.index.tolist()
    assert got.tolist() == want.tolist()


def _describe_domains_by_strings(domains, usable, links, link_disavow):
    """The plain computation _describe_domains replaces: every column grouped by the
    domain strings."""
    from disavow.features import _distinct, _spread

    out = domains.copy()
    out.index.name = s.DOMAIN
    by_domain = links.groupby(links[s.DOMAIN].astype(str), sort=False)
    out[s.SAMPLE_LINKS] = _sample_links(links).reindex(out.index).fillna("")
    anchor_codes, distinct_anchors = _distinct(links[s.ANCHOR])
    anchors = _spread(distinct_anchors.fillna("").astype(str).str.strip(), anchor_codes,
                      links.index)
    anchor_counts = (
        pd.DataFrame({"d": links[s.DOMAIN].astype(str), "a": anchors})[anchors != ""]
        .value_counts().reset_index(name="n").drop_duplicates("d").set_index("d")
    )
    out["top_anchor"] = anchor_counts["a"].reindex(out.index)
    out["top_anchor_links"] = anchor_counts["n"].reindex(out.index)
    exact = links["anchor_type"] == "exact_match"
    exact_counts = (
        pd.DataFrame({"d": links[s.DOMAIN].astype(str), "a": anchors})[(anchors != "") & exact]
        .value_counts().reset_index(name="n").drop_duplicates("d").set_index("d")
    )
    out["top_exact_anchor"] = exact_counts["a"].reindex(out.index).astype(
        out["top_anchor"].dtype)
    out["top_exact_anchor_links"] = exact_counts["n"].reindex(out.index)
    by_name = links[s.DOMAIN].astype(str)
    out["anchor_links"] = links["anchor_type"].notna().groupby(by_name).sum().reindex(out.index)
    follow_known = (links[s.NOFOLLOW].notna() if s.NOFOLLOW in links
                    else pd.Series(False, index=links.index))
    out["follow_links"] = follow_known.groupby(by_name).sum().reindex(out.index)
    toxic = links[s.SCORE] >= link_disavow
    out["toxic_links"] = toxic.groupby(links[s.DOMAIN].astype(str)).sum().reindex(out.index)
    flagged = (links[s.SITEWIDE].eq(True).fillna(False).astype(bool) if s.SITEWIDE in links
               else toxic & False)
    out["sitewide_links"] = flagged.groupby(links[s.DOMAIN].astype(str)).sum().reindex(out.index)
    if s.SOURCE_TITLE in links:
        risky_titles = links[s.SOURCE_TITLE].fillna("").astype(str)
        titles = pd.DataFrame({"d": links[s.DOMAIN].astype(str), "t": risky_titles})
        out["top_title"] = titles[titles["t"] != ""].drop_duplicates("d").set_index("d")[
            "t"].reindex(out.index)
    for column, how in ((s.FIRST_SEEN, "min"), (s.LAST_SEEN, "max")):
        if column in usable:
            dates = pd.to_datetime(usable[column], errors="coerce")
            out[column] = dates.groupby(usable[s.DOMAIN].astype(str)).agg(how).reindex(out.index)
        else:
            out[column] = pd.NaT
    week = pd.to_datetime(out[s.FIRST_SEEN], errors="coerce").dt.to_period("W").dt.start_time
    out["first_seen_week"] = week.dt.strftime("%Y-%m-%d").where(week.notna(), None)
    out[s.N_LINKS] = by_domain.size().reindex(out.index).fillna(out["link_count"]).fillna(0)
    out["domain_only"] = by_domain.size().reindex(out.index).isna()
    out["is_free_host"] = out["name_is_free_host"].eq(1)
    out["model_tld"] = out["tld"]
    out["tld"] = [d.rsplit(".", 1)[-1] if "." in d else "" for d in out.index.astype(str)]
    return out


@pytest.mark.parametrize("seed", range(8))
def test_domain_columns_by_rows_match_grouping_the_strings(seed):
    from disavow.pipeline import _describe_domains

    rng = np.random.default_rng(seed)
    n = 400
    names = [f"d{i}.com" for i in range(30)]
    domains = pd.DataFrame({  # some domains without links, some links on no listed domain
        "link_count": rng.choice([np.nan, 3.0], 25), "name_is_free_host": rng.integers(0, 2, 25),
        "tld": "com",
    }, index=pd.Index(names[:20] + ["only1.com", "only2.com", "only3.com", "x4.com", "x5.com"]))
    day = np.datetime64("2024-01-01T00:00:00", "us")
    usable = pd.DataFrame({
        s.DOMAIN: pd.Series(rng.choice(names, n), dtype="str"),
        s.SOURCE_URL: pd.Series(rng.choice([f"u{i}" for i in range(80)], n), dtype="str"),
        s.ANCHOR: pd.Series(rng.choice(["buy", " buy ", "", "  ", "cheap", "ok", None], n),
                            dtype="str"),
        s.SOURCE_TITLE: pd.Series(rng.choice(["t1", "", None, "t2"], n), dtype="str"),
        "anchor_type": rng.choice(["exact_match", "branded", None], n),
        s.SITEWIDE: pd.array(rng.choice([True, False, None], n), dtype="boolean"),
        s.SCORE: rng.choice([0.1, 0.5, 0.95, 0.95, 1.0], n),  # many ties
        s.FIRST_SEEN: np.where(rng.random(n) < 0.2, np.datetime64("NaT"),
                               day + rng.integers(0, 10**12, n).astype("timedelta64[us]")),
        s.LAST_SEEN: day + rng.integers(0, 10**12, n).astype("timedelta64[us]"),
        s.NOFOLLOW: pd.array(rng.choice([True, False, None], n), dtype="boolean"),
    })
    if seed % 2:
        usable = usable.drop(columns=[s.SOURCE_TITLE])
    links = usable if seed % 4 < 2 else usable.iloc[::2]  # links: the usable rows that are links
    want = _describe_domains_by_strings(domains, usable, links, 0.9)
    got = _describe_domains(domains, usable, links, 0.9)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    rows = domain_rows(links, domains)
    pd.testing.assert_frame_equal(_describe_domains(domains, usable, links, 0.9,
                                                    link_domains=rows), want, check_exact=True)
    for no_links in (links.iloc[:0], usable.iloc[:0]):
        pd.testing.assert_frame_equal(_describe_domains(domains, no_links, no_links, 0.9),
                                      _describe_domains_by_strings(domains, no_links, no_links,
                                                                   0.9), check_exact=True)
    if seed == 0:  # every domain has links: the integer columns stay integers
        listed = domains.iloc[:20]
        pd.testing.assert_frame_equal(_describe_domains(listed, usable, links, 0.9),
                                      _describe_domains_by_strings(listed, usable, links, 0.9),
                                      check_exact=True)
    # Every link's domain listed: its row serves as the code of its name.
    listed = pd.concat([domains, domains.iloc[:10].set_axis(names[20:])])
    rows = domain_rows(links, listed)
    assert (rows >= 0).all()
    pd.testing.assert_frame_equal(_describe_domains(listed, usable, links, 0.9, link_domains=rows),
                                  _describe_domains_by_strings(listed, usable, links, 0.9),
                                  check_exact=True)


# --- text signals ----------------------------------------------------------------------

# Characters that trip up text handled a column at a time: the separators and markers
# (NUL, \x1f, "|"), characters that lower() turns into ASCII (the Kelvin sign, dotted capital I)
# or whose lower case depends on context (capital sigma), non-ASCII digits and
# whitespace, and what URLs are made of.
_CHARS = list("aZ09 -_/.,?#:=|\x00\x01\x1f\x1c\n\t\xa0\u3000\x85İΣéK٣²")
_WORDS = st.sampled_from(_CHARS + ["casino", "seo", "buy", "leeds", "bet", "news", "xn--",
                                   "http://", "HTTPS://Host.com", "/members/", "/t/u/",
                                   "submit", "comments"])
_TEXT = st.lists(_WORDS, max_size=8).map("".join)
_TEXTS = st.lists(st.one_of(st.none(), _TEXT), max_size=25)


def _plain_words(text: str) -> list[str]:
    return F._WORD.findall(text.lower())


def _plain_overlap(text: str, vocab: frozenset[str]) -> float:
    kept = {w for w in _plain_words(text) if len(w) >= 3 and not w.isdigit()}
    return len(kept & vocab) / len(kept) if kept else math.nan


def _same(got: list[float], want: list[float]) -> bool:
    return len(got) == len(want) and all(
        a == b or (math.isnan(a) and math.isnan(b)) for a, b in zip(got, want, strict=True))


@settings(max_examples=150, deadline=None)
@given(_TEXTS, st.booleans())
def test_text_signals_match_one_regex_per_text(values, small_batches):
    old = F._TOKEN_BATCH
    F._TOKEN_BATCH = 3 if small_batches else old
    try:
        texts = pd.Series(values, dtype=object).fillna("").astype(str).tolist()
        words = F._Words.of(texts)
        plain = [_plain_words(t) for t in texts]
        assert words.count_in(F.COMMERCIAL_WORDS).tolist() == [
            float(sum(w in F.COMMERCIAL_WORDS for w in ws)) for ws in plain]
        assert words.topics().tolist() == [
            float(sum(bool(set(ws) & v) for v in F._WORD_TOPIC_SETS.values())) for ws in plain]
    finally:
        F._TOKEN_BATCH = old


@settings(max_examples=150, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=8), st.lists(_TEXT, min_size=1, max_size=8),
       st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=20))
def test_pair_overlap_is_the_overlap_of_the_joined_text(titles, paths, pairs):
    """A page's words are its title's and its path's: no need to tokenise each pair."""
    pairs = [(t % len(titles), u % len(paths)) for t, u in pairs]
    first = np.array([t for t, _ in pairs], dtype=np.int64)
    second = np.array([u for _, u in pairs], dtype=np.int64)
    for vocab in (frozenset({"casino", "leeds", "news"}), frozenset()):
        got = F._pair_overlap(F._Words.of(titles), F._Words.of(paths), first, second, vocab)
        want = [math.nan if not vocab else _plain_overlap(
            titles[t] + " " + re.sub(r"[/_\-.]+", " ", paths[u]), vocab) for t, u in pairs]
        assert _same(got.tolist(), want)


@settings(max_examples=150, deadline=None)
@given(st.lists(_TEXT, max_size=12))
def test_url_signals_match_one_regex_per_url(urls):
    lower = pd.Series(urls, dtype=object).str.replace(
        r"^[a-zA-Z]+://[^/?#]*", "", regex=True).str.lower()
    path = lower.str.split("?", n=1).str[0]
    signals, paths = F._url_signals(urls)
    assert paths == path.tolist()
    has_url = np.array([u != "" for u in urls])
    for name, patterns in F.URL_PATTERNS.items():
        hit = lower.str.contains("|".join(map(re.escape, patterns)), regex=True)
        assert _same(signals[f"url_{name}"].tolist(),
                     hit.astype(float).where(has_url).tolist())
    assert _same(signals["url_depth"].tolist(),
                 path.str.count("/").astype(float).where(has_url).tolist())


_URL_NEEDLES = sorted({n for needles in F.URL_PATTERNS.values() for n in needles})
_ASCII_TEXT = st.lists(st.sampled_from([*"ab/-=#.?\x00\x01 ", *_URL_NEEDLES]), max_size=8).map(
    "".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(_ASCII_TEXT, max_size=12),
       st.sets(st.one_of(st.sampled_from(_URL_NEEDLES), st.text("ab/\x00é", max_size=3))))
@example(["/forum/ba"], {"a\x00", "/forum/ba\x00", "", "é"})
@example([], {"\x00\x00a"})
@example(["a"], {"a\x00\x00"})
def test_needles_in_ascii_text_are_where_str_find_finds_them(texts, needles):
    """Overlapping occurrences, needles at the very end, NULs and non-ASCII needles too."""
    text = "".join(texts)
    found = F._ascii_occurrences(text, needles)
    assert {n: at.tolist() for n, at in found.items()} == {
        n: F._find_all(text, n).tolist() for n in needles}
    plain = {name: [any(n in t for n in words) for t in texts]
             for name, words in F.URL_PATTERNS.items()}
    assert {k: v.tolist() for k, v in F._containing(texts, F.URL_PATTERNS).items()} == plain


@settings(max_examples=150, deadline=None)
@given(st.lists(_TEXT, max_size=12))
def test_title_templates_match_the_regular_expressions(titles):
    want = pd.Series(titles, dtype=object).str.lower().str.replace(
        r"\d+", "#", regex=True).str.replace(r"\s+", " ", regex=True).str.strip()
    assert F._title_templates(titles) == want.tolist()
    ascii_titles = [t.encode("ascii", "replace").decode() for t in titles]
    want = [re.sub(r"\s+", " ", re.sub(r"\d+", "#", t.lower())).strip() for t in ascii_titles]
    assert F._title_templates(ascii_titles) == want


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text("aZ09# \t\n\x0b\x0c\r\x1c\x1f\x01", max_size=10), min_size=1,
                max_size=12))
def test_ascii_title_templates_match_the_regular_expressions(titles):
    """Runs of digits and whitespace at a title's edges, titles of spaces only, empty ones."""
    want = [re.sub(r"\s+", " ", re.sub(r"\d+", "#", t.lower())).strip() for t in titles]
    assert F._title_templates(titles) == want


_PROFILE = F.SiteProfile("fernbrookplumbing.co.uk", frozenset({"fernbrook"}),
                         frozenset({"emergency plumber leeds", "boiler repair", "news"}))


def _plain_anchor_type(anchor, profile):
    """classify_anchor as first written: one keyword at a time."""
    if anchor is None or (isinstance(anchor, float) and math.isnan(anchor)) or anchor is pd.NA:
        return None
    raw = str(anchor).strip()
    text = " ".join(F._WORD.findall(raw.lower()))
    if not text or raw.lower() in {"[image]", "image", "img", "[img]", "noimage"}:
        return "empty"
    compact = text.replace(" ", "")
    if re.match(r"^(https?://|www\.)", raw.lower()) or re.match(
        r"^[a-z0-9-]+(\.[a-z0-9-]+)+/?\S*$", raw.lower()
    ):
        return "naked_url"
    if any(b in compact for b in profile.brand_tokens if len(b) >= 4):
        return "branded"
    if text in profile.money_keywords:
        return "exact_match"
    if text in F.GENERIC_ANCHORS:
        return "generic"
    words = set(text.split())
    for keyword in profile.money_keywords:
        kw = set(keyword.split())
        if kw and len(words & kw) / len(kw) >= 0.5 and len(words & kw) >= 1:
            return "partial_match"
    return "other"


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.none(), st.just(math.nan), _TEXT,
                 st.lists(st.sampled_from(["emergency", "plumber", "leeds", "boiler", "news",
                                           "Fernbrook", " ", "www.", ".com", "click here",
                                           "image", "x"]), max_size=5).map("".join)))
def test_anchor_types_match_one_keyword_at_a_time(anchor):
    assert F.classify_anchor(anchor, _PROFILE) == _plain_anchor_type(anchor, _PROFILE)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.just(math.nan),
                          st.sampled_from([*F.ANCHOR_TYPES, " branded", "Exact_match"])),
                max_size=20),
       st.sampled_from(["object", "str"]))
def test_anchor_type_flags_are_isin_where_the_type_is_known(types, dtype):
    column = pd.Series(types, dtype=dtype)
    groups = {"money": ("exact_match", "partial_match"), "exact": ("exact_match",), "none": ()}
    flags = F._anchor_type_flags(column, groups)
    for name, group in groups.items():
        want = column.isin(list(group)).astype(float).where(column.notna())
        assert _same(flags[name].tolist(), want.tolist())


# --- domain names ----------------------------------------------------------------------

_NAME_PARTS = st.sampled_from(
    ["casino", "bet", "seo", "links", "bank", "news", "alphabet", "xn--", "-", "1", "24", "B",
     "Y", "rhythm", "strengths", "ß", "ſ",
     "gov", "edu", "ac", ".", ".uk", ".com", "a", "z", "\n", "é", "K", "xxx", "royal", "slots",
     "mp3", "pills", "porn"])
_NAMES = st.lists(st.lists(_NAME_PARTS, max_size=6).map("".join), max_size=12)


def _plain_topic_scores(name: str) -> dict[str, float]:
    letters = re.sub(r"[^a-z]", "", name)
    grams = {letters[i:i + n] for n in (4, 5, 6) for i in range(len(letters) - n + 1)}
    return {f"name_topic_{category}": max(
        (F.topic_ngrams()[category][g] for g in grams if g in F.topic_ngrams()[category]),
        default=0.0) for category in F.TOPIC_CATEGORIES}


def _plain_consonant_run(text: str) -> int:
    best = run = 0
    for ch in text:
        run = run + 1 if ch.isalpha() and ch not in "aeiouy" else 0
        best = max(best, run)
    return best


@settings(max_examples=150, deadline=None)
@given(_NAMES)
def test_name_patterns_match_one_search_per_name(names):
    patterns = [(F._NAME_LINK_SELLING, F.LINK_SELLING_TOKENS),
                (F._NAME_INSTITUTION, F.INSTITUTION_WORDS), (F._GOV_EDU, F._GOV_EDU_WORDS),
                *((p, F.RISKY_TOPICS[t]) for t, p in F._NAME_TOPIC_PATTERNS.items())]
    for pattern, words in patterns:
        holding = F._containing(names, {"words": words})["words"]
        assert F._match_counts(pattern, names, holding).tolist() == [
            float(len(pattern.findall(n))) for n in names]
    scores = F._topic_scores(names)
    for i, name in enumerate(names):
        assert {k: v[i] for k, v in scores.items()} == _plain_topic_scores(name)
    for name in names:
        assert F._longest_consonant_run(name) == _plain_consonant_run(name)
        counts = Counter(name)
        want = -sum(c / len(name) * math.log2(c / len(name)) for c in counts.values())
        assert F._entropy(name) == (want if name else 0.0)


def test_topic_ngram_scores_are_finite():
    """The n-gram scores are maxed in any order: that needs numbers, not NaN."""
    for table in F.topic_ngrams().values():
        assert all(math.isfinite(v) for v in table.values())


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.one_of(st.just(math.nan), st.integers(0, 9))),
                max_size=30))
def test_distinct_counts_are_groupby_nunique(rows):
    groups = np.array([g for g, _ in rows], dtype=np.int64)
    values = np.array([v for _, v in rows], dtype=float)
    want = pd.DataFrame({"g": groups, "v": values}).groupby("g")["v"].nunique()
    got = F._distinct_counts(groups, values)
    assert _same(F._lookup(got, np.arange(8)).tolist(),
                 want.reindex(range(8)).astype(float).tolist())


# --- CSV -------------------------------------------------------------------------------

_CELLS = st.one_of(
    st.none(), st.text(alphabet=st.sampled_from(list('ab,"\n\r\t =+-@é \x00\u3000\uff1d\uff0d')),
                       max_size=6))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_CELLS, _CELLS, st.floats(allow_nan=True, allow_infinity=False),
                          st.sampled_from([True, False, None])), max_size=12))
def test_csv_is_what_pandas_writes(rows):
    frame = pd.DataFrame(rows, columns=["text, with comma", "b", "score", "flag"])
    frame["b"] = frame["b"].astype("str")
    frame["flag"] = frame["flag"].astype("boolean")
    frame["when"] = pd.Timestamp("2024-05-06 07:08:09")
    want = tables.spreadsheet_safe(frame).to_csv(
        index=False, lineterminator="\n", date_format="%Y-%m-%d %H:%M:%S").encode("utf-8")
    assert tables.csv_bytes(frame) == want


def test_csv_in_many_chunks_is_one_csv(monkeypatch):
    frame = pd.DataFrame({"u": [f"=x{i}" if i % 7 == 0 else f"u,{i}" for i in range(95)],
                          "v": np.arange(95) / 7})
    want = tables.csv_bytes(frame)
    monkeypatch.setattr(tables, "_CHUNK_ROWS", 10)
    assert tables.csv_bytes(frame) == want
    assert tables.csv_bytes(frame.iloc[:0]) == b"u,v\n"


@pytest.mark.parametrize("values", [
    [1.0, 2.0, 3.0, 2.0, np.nan],  # whole numbers (the source_row column)
    [-0.0, 0.0, 1.0, -0.0],  # factorize takes -0.0 for 0.0
    [1e15, 1e16, -1e15, 999999999999999.0, 123456789012345.0],
    [0.1, 1e-05, 2.5, np.inf, -np.inf, np.nan, 0.30000000000000004],
    [],
])
def test_csv_floats_are_what_pandas_writes(values):
    frame = pd.DataFrame({"x": pd.Series(values, dtype=float), "y": "a"})
    want = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    assert tables.csv_bytes(frame) == want


@settings(max_examples=500, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=20))
def test_float_texts_are_numpys_str(values):
    array = np.array(values, dtype=np.float64)
    array[array == 0] = 0.0  # -0.0 never gets here: the CSV writer leaves it to pandas
    assert tables._float_texts(array).tolist() == array.astype(str).tolist()


def test_csv_checks_the_chunk_where_every_hundred_thousand_rows_begin(monkeypatch):
    checked = []
    monkeypatch.setattr(tables, "_neutralised", lambda part: checked.append(part.index[0]) or part)
    frame = pd.DataFrame({"u": ["a"] * 250_000, "v": np.arange(250_000) / 7})
    b"".join(tables.csv_chunks(frame))
    assert checked == [0, 100_000, 200_000]


def test_csv_mixed_and_boolean_columns_are_what_pandas_writes():
    frame = pd.DataFrame({
        "mixed": pd.Series([1, "=a", None, 2.5, "b,c", pd.Timestamp("2024-01-02 03:04:05")],
                           dtype=object),
        "flag": pd.array([True, None, False, True, False, None], dtype="boolean"),
        "text": pd.Series(["x", None, "-1", "x", 'say "hi"', "x"], dtype="str"),
        "when": pd.to_datetime(["2024-01-02 03:04:05", None, "2023-12-31 00:00:00",
                                "2024-01-02 03:04:05",
                                "2020-02-29 23:59:59", "2021-06-01 00:00:00"]),
    })
    want = tables.spreadsheet_safe(frame).to_csv(
        index=False, lineterminator="\n", date_format="%Y-%m-%d %H:%M:%S").encode("utf-8")
    assert tables.csv_bytes(frame) == want


def test_csv_is_streamed_into_place_and_a_failure_leaves_nothing(tmp_path):
    from disavow.atomic import write_atomic

    frame = pd.DataFrame({"u": [f"u{i}" for i in range(25)], "v": np.arange(25) / 3})
    tables.write_csv(frame, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes() == tables.csv_bytes(frame)

    def failing():
        yield b"half a file"
        raise MemoryError

    with pytest.raises(MemoryError):
        write_atomic(tmp_path / "u.csv", failing(), overwrite=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


_TEXT_CELLS = st.one_of(
    st.none(), st.text(alphabet=st.sampled_from(
        list('ab,"\n\r\t =+-@é\x1f\x00\xa0\ufeff\uff0b\uff20')), max_size=6))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_TEXT_CELLS, _TEXT_CELLS), max_size=30))
def test_csv_text_columns_are_what_pandas_writes_without_the_cross_check(rows):
    # The separator the fast path joins cells with (\\x1f) may sit inside a cell too.
    frame = pd.DataFrame(rows, columns=["a", "b"], dtype="str")
    original = frame.copy()
    want = tables.spreadsheet_safe(frame).to_csv(index=False, lineterminator="\n").encode()
    old = tables._CHECK_ROWS
    tables._CHECK_ROWS = 0  # the fast path's own bytes, not pandas' for the first rows
    try:
        assert tables.csv_bytes(frame) == want
    finally:
        tables._CHECK_ROWS = old
    pd.testing.assert_frame_equal(frame, original)  # the table itself is left as it was


# --- report ------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(6))
def test_anchor_chart_counts_by_code_are_the_crosstab(seed):
    from disavow import report

    rng = np.random.default_rng(seed)
    n = 500
    links = pd.DataFrame({
        "anchor_type": rng.choice(["exact_match", " Exact_Match", "branded", None, "weird",
                                   "generic", "naked_url"], n),
        "decision": rng.choice(["disavow", "KEEP ", "review", None, "maybe"], n),
    })
    if seed % 3 == 2:
        links = links.drop(columns=["decision"])
    kind = report._keyword_series(links["anchor_type"], report.ANCHOR_TYPES, "other", "missing")
    want = pd.crosstab(kind, report._decision_series(links)).rename_axis(index=None, columns=None)
    got = report._anchor_decision_counts(links)
    pd.testing.assert_frame_equal(got, want, check_dtype=False, check_exact=True)


# --- reasons -------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(alphabet=st.sampled_from(list("ab  \t\n\x1c\x1f\xa0\u2028é…")),
                         max_size=80), st.text(max_size=80)))
def test_quote_skips_the_substitution_only_where_it_changes_nothing(text):
    import re

    from disavow.explain import _quote
    from disavow.text import show_bidi_controls

    plain = re.sub(r"\s+", " ", text).strip()
    plain = plain if len(plain) <= 60 else plain[:59] + "…"
    assert _quote(text) == f"'{show_bidi_controls(plain)}'"


@pytest.mark.parametrize("every", [1, 3, 50])  # many cells to quote, or a few
def test_csv_text_cells_to_quote_many_or_few_are_what_pandas_writes(monkeypatch, every):
    monkeypatch.setattr(tables, "_CHECK_ROWS", 0)  # the fast path's own bytes
    rng = np.random.default_rng(every)
    cells = [f"t{i}" if i % every else rng.choice(['a,b', 'say "hi"', "x\ny", "p\x1f,q", "é,"])
             for i in range(400)]
    frame = pd.DataFrame({"a": pd.Series(cells, dtype="str"), "b": np.arange(400) / 3})
    want = tables.spreadsheet_safe(frame).to_csv(index=False, lineterminator="\n").encode()
    assert tables.csv_bytes(frame) == want
