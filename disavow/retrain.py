"""Retraining and evaluation on a user's own labels (``disavow train`` / ``evaluate``).

Each input file is one backlink profile (one site), because several signals
(repeated anchors, bursts, name families) only make sense within a profile.
Labels come from a ``label`` column, or from an old disavow file: what it lists
is toxic, the rest ok, and a whitelist can overrule it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from disavow import schema as s
from disavow.atomic import output_folder
from disavow.decide import Policy, decide_domains, read_entry_list
from disavow.errors import DisavowError, OutputError
from disavow.features import SiteProfile, build_features
from disavow.model import CARD_FILE, METADATA_FILE, MODEL_FILE, load_model, sha256_file
from disavow.train import (
    TrainingSet,
    at_threshold,
    audited_site,
    concat_sets,
    domain_digest,
    fit_and_save,
    is_blank,
    metrics,
    parse_labels,
    profile_rows,
)


def _noop(_stage: str) -> None:
    return None


def labels_from_disavow(
    table: pd.DataFrame, disavow_path: Path, whitelist: Path | None = None
) -> pd.Series:
    """1.0 for links an old disavow file lists (by domain: or URL), else 0.0."""
    from disavow.disavow_file import read_disavow_file

    listed = read_disavow_file(disavow_path)
    domains = {e.value for e in listed.entries if e.kind == "domain"}
    urls = {e.normalized for e in listed.entries if e.kind == "url"}
    hosts = table[s.SOURCE_HOST].fillna(table[s.DOMAIN]).fillna("").astype(str)

    def covered(host: str) -> bool:
        parts = host.split(".")
        return any(".".join(parts[i:]) in domains for i in range(len(parts)))

    unique_hosts = pd.unique(hosts)
    host_hit = {h: covered(h) for h in unique_hosts}
    label = hosts.map(host_hit) | table[s.SOURCE_URL].fillna("").astype(str).isin(urls)
    if whitelist is not None:
        allowed = read_entry_list(whitelist)
        ok = [allowed.covers_url(u, h) for u, h in
              zip(table[s.SOURCE_URL].fillna("").astype(str), hosts, strict=True)]
        label = label & ~pd.Series(ok, index=table.index)
    return label.astype(float)


def _check_labels_file(path: Path, notes: list[str] | None) -> None:
    """Refuse a --labels-from file with no valid line; warn about its invalid lines.

    An invalid line lists nothing, so the links it meant to list would silently
    count as ok.
    """
    from disavow.disavow_file import read_disavow_file

    listed = read_disavow_file(path)
    if notes is not None:
        notes.extend(f"--labels-from {note}" for note in listed.warnings)
    invalid = listed.invalid_lines
    examples = "; ".join(
        f"line {line.line} '{line.text[:60]}': {line.issue.message if line.issue else 'invalid'}"
        for line in invalid[:3])
    if not listed.entries:
        raise DisavowError(
            f"--labels-from {path} holds no valid disavow line"
            + (f" ({len(invalid)} invalid, e.g. {examples})" if invalid else "")
            + ". It must be a disavow file: one 'domain:example.com' or one full URL per "
            "line (for a CSV of labels, put a 'label' column in the export instead). Run "
            f"'disavow validate {path}' to see what is wrong."
        )
    if invalid and notes is not None:
        notes.append(
            f"--labels-from {path}: {len(invalid)} of its lines are not valid disavow lines and "
            f"were not read, so what they meant to list counts as ok (e.g. {examples}). Run "
            f"'disavow validate {path}', fix them and retrain"
        )


def checked_labels(path: Path, table: pd.DataFrame, notes: list[str] | None) -> pd.Series:
    """The label column of ``table`` as 1.0/0.0/NaN, read from the cells as written.

    Blank and unrecognised labels are counted (with examples) in ``notes``, as
    are links labelled both toxic and ok, which are left out: a model cannot
    learn from labels that contradict each other.
    """
    from disavow.read import read_export

    raw, _ = read_export(path)
    # The cells as written, where the rows line up (a zip of several tables is
    # merged and keeps the normalised labels).
    aligned = s.LABEL in raw and len(raw) == len(table) and np.array_equal(
        pd.to_numeric(raw[s.SOURCE_ROW], errors="coerce").to_numpy(dtype=float),
        pd.to_numeric(table[s.SOURCE_ROW], errors="coerce").to_numpy(dtype=float),
        equal_nan=True)
    cells = raw[s.LABEL].reset_index(drop=True) if aligned else None
    if cells is None:
        labels = table[s.LABEL].astype(float)
        unknown = pd.Series(dtype=object)
        blank = int(labels.isna().sum())
    else:
        cells.index = table.index
        labels = parse_labels(cells)
        empty = is_blank(cells)
        blank = int(empty.sum())
        unknown = cells[labels.isna() & ~empty].astype(str).str.strip()
    usable = table[s.STATUS].fillna("ok").eq(s.RowStatus.OK)
    if blank:
        _note(notes, f"{path}: {blank} rows have no label and were left out of training")
    if len(unknown):
        counts = unknown.value_counts()
        examples = ", ".join(f"'{v[:30]}' ({n})" for v, n in counts.head(5).items())
        _note(notes, f"{path}: {len(unknown)} rows have a label that is neither toxic nor ok "
              f"and were left out: {examples}. Use toxic/ok, 1/0, true/false or "
              "disavow/keep")
    keys = table[s.SOURCE_URL].fillna(table[s.DOMAIN]).astype(str) + "\t" + \
        table[s.TARGET_URL].fillna("").astype(str)
    known = labels.notna() & usable
    both = labels[known].groupby(keys[known]).nunique().gt(1)
    if both.any():
        conflicting = keys.isin(both.index[both]) & known
        _note(notes, f"{path}: {int(both.sum())} links are labelled both toxic and ok "
              f"({int(conflicting.sum())} rows); they were left out of training. Give each "
              "link one label")
        labels = labels.mask(conflicting)
    return labels


def _note(notes: list[str] | None, message: str) -> None:
    if notes is not None:
        notes.append(message)


def labelled_tables(
    paths: Sequence[Path], *, labels_from: Path | None, whitelist: Path | None,
    notes: list[str] | None = None,
) -> list[tuple[Path, pd.DataFrame]]:
    """Each distinct labelled export with its table; warnings are appended to ``notes``."""
    from disavow.normalize import _same_file, read_exports
    from disavow.read import export_layout

    if whitelist is not None and labels_from is None:
        raise DisavowError("--whitelist only applies together with --labels-from.")
    if labels_from is not None and (layout := export_layout(labels_from)):
        raise DisavowError(
            f"--labels-from {labels_from} is a {layout} export, not a disavow file. Pass the "
            "disavow file you uploaded before (the .txt Search Console's disavow links tool "
            "gives you to download); the exports are the other arguments."
        )
    if labels_from is not None:
        _check_labels_file(labels_from, notes)
    tables: list[tuple[Path, pd.DataFrame]] = []
    for path in paths:
        if any(_same_file(path, done) for done, _ in tables):
            # Read twice, every label would count twice.
            if notes is not None:
                notes.append(f"{path} was given again; it was read once")
            continue
        table = read_exports([path]).links
        if labels_from is not None:
            table[s.LABEL] = labels_from_disavow(table, labels_from, whitelist)
        elif s.LABEL in table:
            about: list[str] = []
            table[s.LABEL] = checked_labels(path, table, about)
            if notes is not None:
                notes.extend(about)
            if table[s.LABEL].notna().sum() == 0 and about:
                raise DisavowError(f"{path} has no usable label: " + "; ".join(
                    note.removeprefix(f"{path}: ") for note in about) + ".")
        if labels_from is None and (s.LABEL not in table or table[s.LABEL].notna().sum() == 0):
            raise DisavowError(
                f"{path} has no labels. Add a 'label' column (toxic/ok or 1/0) to the export, "
                "or pass --labels-from with the disavow file you uploaded before."
            )
        tables.append((path, table))
    # In order of name, not as given: the model must not change with the order of
    # the arguments (a shell glob sorts by locale, so the same command differs).
    tables.sort(key=lambda item: (item[0].name, str(item[0])))
    return tables


def train_from_exports(
    paths: Sequence[Path],
    out_dir: Path,
    *,
    labels_from: Path | None = None,
    whitelist: Path | None = None,
    site: str | None = None,
    keywords: Sequence[str] = (),
    overwrite: bool = False,
    progress: Callable[[str], None] = _noop,
) -> dict[str, Any]:
    """Train a model folder from labelled exports; returns its metadata."""
    output_folder(out_dir, create=False)
    existing = [name for name in (MODEL_FILE, METADATA_FILE, CARD_FILE)
                if (out_dir / name).exists() or (out_dir / name).is_symlink()]
    if existing and not overwrite:
        raise OutputError(f"{out_dir} already holds {', '.join(existing)}, which training would "
                          "replace. Choose another --out or pass --force.")
    if out_dir.resolve() in {p.resolve() for p in paths}:
        raise OutputError(f"--out {out_dir} is one of the inputs.")
    progress("reading labelled exports")
    sets: list[TrainingSet] = []
    notes: list[str] = []
    for path, table in labelled_tables(paths, labels_from=labels_from, whitelist=whitelist,
                                       notes=notes):
        progress(f"computing signals for {path.name}")
        profile = SiteProfile.infer(table, site, tuple(keywords))
        # Grouped by referring domain alone: the same domain in two files (two
        # sites it links to) must not be in both parts of a fold.
        part = profile_rows(table, profile)
        part.sources.append({"path": path.name, "sha256": sha256_file(path),
                             "rows": int(len(table)),
                             "labelled_rows": int(table[s.LABEL].notna().sum())})
        sets.append(part)
    training = concat_sets(sets)
    if labels_from is not None:  # the labels' own file, so the card says where they came from
        training.sources.append({"path": labels_from.name, "sha256": sha256_file(labels_from),
                                 "note": "labels (--labels-from)"})
    # The shipped model's name scorer was fitted on thousands of real domain
    # names; a user's labels are far too few to learn one, so it is reused.
    names = load_model().estimators.get("names")
    if names is not None:
        training.fill_name_scores(names)
    progress("cross-validating and fitting")
    metadata = fit_and_save(
        training, out_dir, name=out_dir.name,
        description="Retrained by the user with disavow train.",
        cv_splits=5, name_model=names, card=True, notes=notes, origin="user",
    )
    return metadata


# Below this many referring domains per class, a ROC AUC's uncertainty is
# wider than the gap between a useful model and a useless one.
MIN_EVALUATION_DOMAINS = 30

# A referring domain the model was trained on for the same site scores almost
# perfectly (its label was learned): each tenth of such domains lifted ROC AUC by
# about 0.02 (a model trained on one generated site, evaluated on another plus
# some of its own domains), the sampling noise of an evaluation of a few hundred
# domains. A re-saved copy of a training file has them all, another site none.
SEEN_SHARE_WARNING = 0.10


def evaluate_exports(
    paths: Sequence[Path],
    *,
    model_dir: Path | None = None,
    trust_model: bool = False,
    labels_from: Path | None = None,
    whitelist: Path | None = None,
    site: str | None = None,
    threshold: float | None = None,
    keywords: Sequence[str] = (),
) -> dict[str, Any]:
    """Score labelled exports and measure the result, per level and under the policy.

    ``keywords`` are the site's money keywords, as ``train`` and ``audit`` take
    them: a model trained with them is measured on the signals it will see.

    Referring domains whose label for the same audited site the model was trained
    on are recognised by content, from the hashes metadata.json records
    (``training_referring_domains``): how many there are is reported in
    ``training_overlap``, a share of SEEN_SHARE_WARNING or more in a file is
    warned about, and ``unseen_only`` holds the metrics without them. Where the
    site is unknown on one side (Search Console exports hold no target URL, and
    --site may be given to one command only), the domain alone is compared.
    Models made before those hashes were recorded (the
    shipped backlink-gb-v1 among them) fall back to comparing each file's sha256
    with the training files': a re-saved or edited copy of a training file then
    passes unnoticed, which ``training_overlap`` says.
    """
    model = load_model(model_dir, trust=trust_model)
    policy = Policy.from_thresholds(model.thresholds, threshold=threshold)
    domain_y, domain_p, domain_decisions, link_y, link_p = [], [], [], [], []
    domain_only: list[np.ndarray] = []
    domain_seen: list[np.ndarray] = []
    link_seen: list[np.ndarray] = []
    notes: list[str] = []
    trained_on = {str(src.get("sha256")): src.get("path")
                  for src in model.metadata.get("training_data") or [] if isinstance(src, dict)}
    seen_domains = _training_domain_digests(model.metadata)
    per_file: list[dict[str, Any]] = []
    for path, table in labelled_tables(paths, labels_from=labels_from, whitelist=whitelist,
                                       notes=notes):
        if seen_domains is None and (digest := sha256_file(path)) in trained_on:
            notes.append(
                f"{path} is one of the files {model.name} was trained on (same sha256 as "
                f"{trained_on[digest]}); its metrics are not honest: the model has "
                "seen these labels. Evaluate on labelled data it was not trained on"
            )
        profile = SiteProfile.infer(table, site, tuple(keywords))
        ok = table[s.STATUS].fillna("ok").eq(s.RowStatus.OK)
        usable = table[ok].copy()
        usable[s.LABEL] = parse_labels(usable[s.LABEL])
        usable = usable[usable[s.LABEL].notna()]
        feats = build_features(usable, profile)
        scores = model.score(feats.domains, "domain")
        truth = usable.groupby(usable[s.DOMAIN].astype(str))[s.LABEL].mean().ge(0.5)
        domain_y.append(truth.reindex(feats.domains.index).astype(float).to_numpy())
        domain_p.append(scores)
        site_policy = replace(policy, site=profile.site)
        decided = decide_domains(feats.domains.assign(score=scores), site_policy)
        domain_decisions.append(decided[s.DECISION].to_numpy())
        domain_only.append(feats.domains["n_pages"].isna().to_numpy())
        seen = _seen(audited_site(profile), feats.domains.index, seen_domains)
        domain_seen.append(seen)
        per_file.append({"path": str(path), "referring_domains": int(len(seen)),
                         "seen_in_training": int(seen.sum())})
        if seen_domains is not None and len(seen) and seen.mean() >= SEEN_SHARE_WARNING:
            notes.append(
                f"{path}: all {len(seen)} of its referring domains are ones {model.name} was "
                "trained on for this site (is it a copy of a training file?); its metrics are "
                "not honest: the model has seen these labels. Evaluate on labelled data it "
                "was not trained on" if seen.all() else
                f"{path}: {int(seen.sum())} of its {len(seen)} referring domains "
                f"({seen.mean():.0%}) are ones {model.name} was trained on for this site; "
                "metrics over them are not honest: the model has seen their labels. "
                "'unseen_only' measures the others; better, evaluate on labelled data it was "
                "not trained on"
            )
        is_link = usable[s.ROW_KIND].fillna("link").eq("link").to_numpy()
        if is_link.any():
            link_domains = usable[s.DOMAIN].astype(str)[is_link]
            link_y.append(usable[s.LABEL].to_numpy()[is_link])
            link_p.append(model.score(feats.links[is_link], "link", domains=link_domains))
            link_seen.append(_seen(audited_site(profile), link_domains, seen_domains))
    result: dict[str, Any] = {"model": model.name, "thresholds": {
        "domain_disavow": policy.domain_disavow, "domain_review": policy.domain_review,
        "domain_only_disavow": policy.domain_only_disavow,
        "domain_only_review": policy.domain_only_review,
        "link_disavow": policy.link_disavow, "link_review": policy.link_review}}
    y = np.concatenate(domain_y)
    p = np.concatenate(domain_p)
    decisions = np.concatenate(domain_decisions)
    only = np.concatenate(domain_only)
    seen = np.concatenate(domain_seen)
    ly = np.concatenate(link_y) if link_y else np.zeros(0)
    lp = np.concatenate(link_p) if link_p else np.zeros(0)
    link_was_seen = np.concatenate(link_seen) if link_seen else np.zeros(0, dtype=bool)
    result |= _measured(policy, y, p, decisions, only, np.ones(len(y), dtype=bool),
                        (ly, lp, np.ones(len(ly), dtype=bool)))
    if "domain" not in result and "link" not in result:
        raise DisavowError("Evaluation needs both toxic and ok labels in the data.")
    result["training_overlap"] = _overlap(seen, seen_domains is not None, per_file)
    if seen.any():
        unseen = _measured(policy, y, p, decisions, only, ~seen, (ly, lp, ~link_was_seen))
        result["unseen_only"] = unseen or {
            "note": f"the {int((~seen).sum())} referring domains the model was not trained on "
                    "do not hold both toxic and ok labels, so they cannot be measured alone"}
    toxic, ok = int((y == 1).sum()), int((y == 0).sum())
    if min(toxic, ok) < MIN_EVALUATION_DOMAINS:
        notes.append(
            f"only {toxic} toxic and {ok} ok referring domains were evaluated; with fewer "
            f"than {MIN_EVALUATION_DOMAINS} of each class the metrics are mostly chance "
            "(an AUC of 1.0 on three domains means little)"
        )
    result["warnings"] = notes
    return result


def _training_domain_digests(metadata: dict[str, Any]) -> dict[str, frozenset[str]] | None:
    """The hashed training referring domains per hashed site that metadata.json
    records; None if it records none."""
    record = metadata.get("training_referring_domains")
    by_site = record.get("by_site") if isinstance(record, dict) else None
    if not isinstance(by_site, dict):
        return None
    return {str(site): frozenset(str(d) for d in domains)
            for site, domains in by_site.items() if isinstance(domains, list)}


def _seen(site: str, domains: Any, by_site: dict[str, frozenset[str]] | None) -> np.ndarray:
    """Whether the model was trained on each referring domain for ``site`` (all False
    when the model records none).

    An unknown site on either side matches any: the labels may well be that site's.
    """
    if not by_site:
        return np.zeros(len(domains), dtype=bool)
    unknown = domain_digest("")
    if site:
        trained = by_site.get(domain_digest(site), frozenset()) | by_site.get(unknown, frozenset())
    else:
        trained = frozenset().union(*by_site.values())
    return np.array([domain_digest(str(d)) in trained for d in domains], dtype=bool)


def _overlap(seen: np.ndarray, checked: bool, per_file: list[dict[str, Any]]
             ) -> dict[str, Any]:
    if not checked:
        return {"checked_by": "file sha256", "note": (
            "this model's metadata.json records no training referring domains (it was made "
            "before they were recorded), so only a byte-identical copy of a training file "
            "is recognised; a re-saved copy is not")}
    return {"checked_by": "referring domains of the same site", "referring_domains": int(len(seen)),
            "seen_in_training": int(seen.sum()),
            "share": float(seen.mean()) if len(seen) else 0.0,
            "warning_from_share": SEEN_SHARE_WARNING, "files": per_file}


def _measured(
    policy: Policy, y: np.ndarray, p: np.ndarray, decisions: np.ndarray, only: np.ndarray,
    keep: np.ndarray, links: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> dict[str, Any]:
    """Domain and link metrics over the ``keep`` domains and the links ``links`` keeps
    (labels, scores, keep)."""
    result: dict[str, Any] = {}
    y, p, decisions, only = y[keep], p[keep], decisions[keep], only[keep]
    if len(np.unique(y)) == 2:
        result["domain"] = metrics(y, p) | {
            # Each domain against the threshold the policy reads it with, so that these
            # figures agree with the policy block below.
            "at_threshold": {
                "threshold": policy.domain_disavow,
                "name_only_threshold": policy.domain_only_disavow,
                **at_threshold(y, p, np.where(only, policy.domain_only_disavow,
                                              policy.domain_disavow))},
            "policy": {
                "disavowed_share_of_clean": float((decisions[y == 0] == "disavow").mean()),
                "disavowed_share_of_toxic": float((decisions[y == 1] == "disavow").mean()),
                "reviewed_share_of_clean": float((decisions[y == 0] == "review").mean()),
            },
        }
        for regime, mask in (("with_links", ~only), ("name_only", only)):
            if len(np.unique(y[mask])) == 2:
                result["domain"][regime] = {
                    "n": int(mask.sum()), "roc_auc": metrics(y[mask], p[mask])["roc_auc"]}
    link_y, link_p, link_keep = links
    link_y, link_p = link_y[link_keep], link_p[link_keep]
    if len(np.unique(link_y)) == 2:
        result["link"] = metrics(link_y, link_p) | {
            "at_threshold": at_threshold(link_y, link_p, policy.link_disavow)}
    return result


__all__ = ["evaluate_exports", "labels_from_disavow", "train_from_exports"]
