"""The command-line interface: parse options, call the library, report errors.

The only module that prints or exits. Every command turns its options into a
library call; a ``DisavowError`` becomes ``Error: ...`` on stderr and exit code
1, usage errors exit 2 (Typer's own), anything else is a bug and keeps its
traceback. stdout carries only machine-readable output; messages, progress
and tables go to stderr.

Exit codes: 0 success (also "nothing to disavow"), 1 the input, model or
output needs your attention, 2 wrong usage.
"""

from __future__ import annotations

import re
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from disavow import __version__
from disavow.errors import DisavowError
from disavow.strict_json import dumps
from disavow.text import from_os, one_line, show_bidi_controls

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    help=(
        "Audit backlink exports offline and write a safe Google disavow file.\n\n"
        "Exit codes: 0 success, 1 an input, model or output needs your attention, "
        "2 wrong usage."
    ),
)
# Control characters other than newline and tab, C1 ones included (0x9b is a CSI),
# and Unicode's line separators; bidirectional-text controls are shown as [U+202E].
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def _visible(text: str) -> str:
    r"""``text`` with its control characters written as escapes (newlines and tabs
    apart: messages are laid out with them; names from inputs come as :func:`one_line`).

    Messages quote input files (column names, cells, file names); an ESC from a
    hostile export would otherwise reach the terminal and clear or retitle it.

    >>> _visible("Anchor\x1b[2J\r\n")
    'Anchor\\x1b[2J\\r\n'
    """
    return show_bidi_controls(_CONTROL.sub(lambda m: repr(m.group())[1:-1], from_os(text)))


class _Console(Console):
    """A console that never passes a control character from its text to the terminal."""

    def print(self, *objects: Any, **kwargs: Any) -> None:
        super().print(*(_visible(o) if isinstance(o, str) else o for o in objects), **kwargs)


err = _Console(stderr=True, highlight=False, soft_wrap=True)

Inputs = Annotated[
    list[Path],
    typer.Argument(metavar="EXPORT",
                   help="Backlink exports: Ahrefs, Semrush, Search Console, Majestic, Moz, "
                   "CSV/TSV/XLSX/ZIP.", show_default=False),
]
SiteOption = Annotated[
    str | None, typer.Option("--site", help="The audited site's domain, e.g. example.com.")
]
KeywordsOption = Annotated[
    Path | None,
    typer.Option("--keywords", help="File of money keywords, one per line (improves anchor "
                 "classification)."),
]
ModelOption = Annotated[
    Path | None,
    typer.Option("--model", help="Model folder (default: the shipped model). Loading a model "
                 "runs code from it."),
]
TrustOption = Annotated[
    bool,
    typer.Option("--trust-model", help="Load a model folder that was neither shipped nor "
                 "trained on this machine. Only for models from a source you trust."),
]
ThresholdOption = Annotated[
    float | None,
    typer.Option("--threshold", min=0.0, max=1.0,
                 help="Disavow as a whole the domains scoring at least this, and no others "
                      "(default: the model's, and a doubtful domain whose links are mostly "
                      "toxic). Toxic single links of the other domains are still URL lines, "
                      "judged by the link model's threshold; --level domain writes none."),
]
class Level(StrEnum):
    """What ``--level`` accepts; a choice, so that any other value is a usage error."""

    AUTO = "auto"
    DOMAIN = "domain"
    URL = "url"


LevelOption = Annotated[
    Level, typer.Option("--level", help="auto: domain: lines plus URL lines for single spam "
                        "pages; domain: only domain: lines; url: only URL lines.")
]
AllowOption = Annotated[
    Path | None, typer.Option("--allow", help="Domains/URLs never to disavow, one per line.")
]
DenyOption = Annotated[
    Path | None, typer.Option("--deny", help="Domains/URLs always to disavow, one per line.")
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary on "
                                                           "stderr; warnings and errors still.")]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Replace files left by an earlier run in --out.")
]


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"disavow {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", help="Show the version and exit.", callback=_show_version,
                     is_eager=True),
    ] = False,
) -> None:
    """Audit backlink exports offline and write a safe Google disavow file."""


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn library errors into one clear message and exit code 1.

    A SIGTERM (a timeout, ``docker stop``, a cancelled CI job) ends the command as
    Ctrl-C does, unwinding: the library then removes its half-written temporary
    files, which the default action (die at once) would leave in --out.
    """
    previous = _terminate_by_unwinding()
    try:
        yield
    except DisavowError as exc:
        err.print(f"[bold red]Error:[/] {escape(str(exc))}", markup=True, highlight=False)
        raise typer.Exit(1) from None
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


class Terminated(SystemExit):
    """Raised by SIGTERM while a command runs: exit status 143, as the signal's."""


def _on_sigterm(signum: int, _frame: object) -> None:
    raise Terminated(128 + signum)


def _terminate_by_unwinding() -> Any:
    """Make SIGTERM raise :class:`Terminated`; the previous handler, or None if not set."""
    if threading.current_thread() is not threading.main_thread():
        return None  # handlers can only be set from the main thread
    previous = signal.getsignal(signal.SIGTERM)
    if previous is signal.SIG_IGN:
        return None  # the caller asked for SIGTERM to be ignored
    signal.signal(signal.SIGTERM, _on_sigterm)
    return signal.SIG_DFL if previous is None else previous  # None: set outside Python


@contextmanager
def progress_display(quiet: bool) -> Iterator:
    """A transient status line on stderr for long runs; silent when quiet or piped."""
    if quiet or not err.is_terminal:
        yield lambda _stage: None
        return
    with err.status("starting") as status:
        yield lambda stage: status.update(f"{stage}...")


def _keywords(path: Path | None) -> tuple[str, ...]:
    if path is None:
        return ()
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        raise DisavowError(f"Cannot read the keywords file {path}: {exc.strerror}.") from None
    return tuple(line.strip() for line in text.splitlines() if line.strip()
                 and not line.startswith("#"))


def _n(count: int, noun: str) -> str:
    """``count`` and ``noun``, plural unless the count is one.

    >>> _n(1, "URL line"), _n(2, "URL line")
    ('1 URL line', '2 URL lines')
    """
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def _say(quiet: bool, message: str) -> None:
    if not quiet:
        err.print(message, markup=False, highlight=False)


@app.command()
def inspect(inputs: Inputs) -> None:
    """Show how each export is read: format, encoding, delimiter, rows, columns.

    Example: disavow inspect ahrefs.csv gsc-links.zip
    """
    from disavow.normalize import read_exports

    with reported_errors():
        for path in inputs:
            # Read as every other command reads it, so that the rows it skips (no URL, no
            # valid host name) are counted here too, not only the malformed ones.
            for report in read_exports([path]).reports:
                err.print(f"[bold]{escape(str(report.path))}[/]", markup=True, highlight=False)
                lines = [
                    f"  format     {report.format}",
                    f"  encoding   {report.encoding}",
                    f"  delimiter  {report.delimiter!r}",
                    f"  rows       {report.rows_read} read, {report.rows_skipped} skipped",
                ]
                for row, why in report.skipped[:10]:
                    lines.append(f"    skipped spreadsheet row {row}: {why}")
                # Column names and warnings are the export's text: one line each.
                mapped = ", ".join(f"{one_line(orig)} -> {canon}"
                                   for canon, orig in report.mapped_columns.items())
                ignored = ", ".join(map(one_line, report.ignored_columns))
                lines.append(f"  mapped     {mapped or '(none)'}")
                lines.append(f"  ignored    {ignored or '(none)'}")
                lines += [f"  warning    {one_line(w)}" for w in report.warnings]
                err.print("\n".join(lines), markup=False, highlight=False)


@app.command()
def normalize(
    inputs: Inputs,
    out: Annotated[Path, typer.Option("--out", help="Where to write the canonical CSV.")],
    force: ForceOption = False,
    quiet: QuietOption = False,
) -> None:
    """Read exports into one canonical link table (CSV, UTF-8).

    score, audit and train read the table back as it was written.

    Example: disavow normalize ahrefs.csv semrush.csv --out links.csv
    """
    from disavow.normalize import read_exports
    from disavow.tables import write_csv

    with reported_errors():
        if out.resolve() in {p.resolve() for p in inputs}:
            raise DisavowError(f"--out {out} is one of the inputs; it is never overwritten.")
        if (out.exists() or out.is_symlink()) and not force:
            raise DisavowError(f"{out} already exists. Choose another --out file, or pass "
                               "--force to replace it.")
        result = read_exports(inputs)
        write_csv(result.links, out, overwrite=force)
        skipped = int((result.links["status"] != "ok").sum())
    # Said even with --quiet, as audit does: an input was only partly or oddly read.
    _warn_about_reports(result.reports)
    _say(quiet, f"Wrote {_n(len(result.links), 'row')} ({skipped} unusable) to {out}")


@app.command()
def score(
    inputs: Inputs,
    out: Annotated[Path, typer.Option("--out", help="Folder for links.csv and domains.csv.")],
    site: SiteOption = None,
    keywords: KeywordsOption = None,
    model: ModelOption = None,
    trust_model: TrustOption = False,
    threshold: ThresholdOption = None,
    level: LevelOption = Level.AUTO,
    force: ForceOption = False,
    quiet: QuietOption = False,
) -> None:
    """Score every link and referring domain; write links.csv and domains.csv.

    Example: disavow score ahrefs.csv --site example.com --out scores
    """
    from disavow.pipeline import score_to_folder

    with reported_errors(), progress_display(quiet) as progress:
        scored = score_to_folder(
            inputs, out_dir=out, overwrite=force, keywords_file=keywords,
            site=site, keywords=_keywords(keywords), model_dir=model,
            trust_model=trust_model, threshold=threshold, level=level.value, progress=progress,
        )
    said = _warn_about_reports(scored.reports)
    for warning in scored.warnings:
        if warning not in said:
            _warn(warning)
    decisions = scored.domains["decision"].value_counts()
    _say(quiet, f"{len(scored.domains)} referring domains: "
         f"{decisions.get('disavow', 0)} disavow, {decisions.get('review', 0)} review, "
         f"{decisions.get('keep', 0)} keep. Wrote {out}/links.csv and {out}/domains.csv")


@app.command()
def audit(
    inputs: Inputs,
    site: Annotated[str, typer.Option("--site", help="The audited site's domain, e.g. "
                                      "example.com. It is never disavowed.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for disavow.txt and the reports.")],
    existing: Annotated[
        Path | None,
        typer.Option("--existing", help="Your current disavow file (download it from Search "
                     "Console). Every line of it is kept; new entries are appended."),
    ] = None,
    allow: AllowOption = None,
    deny: DenyOption = None,
    threshold: ThresholdOption = None,
    level: LevelOption = Level.AUTO,
    keywords: KeywordsOption = None,
    model: ModelOption = None,
    trust_model: TrustOption = False,
    force: ForceOption = False,
    quiet: QuietOption = False,
) -> None:
    """Score exports and write disavow.txt, domains.csv, links.csv, report.html, summary.json.

    Example: disavow audit ahrefs.csv gsc.zip --site example.com --existing current.txt --out audit
    """
    from disavow.pipeline import audit as run_audit

    with reported_errors(), progress_display(quiet) as progress:
        result = run_audit(
            inputs, site=site, out_dir=out, existing=existing, overwrite=force,
            progress=progress, allow=allow, deny=deny, threshold=threshold, level=level.value,
            keywords=_keywords(keywords), keywords_file=keywords, model_dir=model,
            trust_model=trust_model,
        )
    summary = result.summary
    counts = summary["counts"]["domain_decisions"]
    file_info = summary["disavow_file"]
    left_out = file_info.get("left_out")
    # Warnings are said even with --quiet: each means the outputs are not what a user
    # expects (an input only partly read, an incomplete or empty disavow file).
    _warn_about_audit(result)
    lines = [
        f"{summary['counts']['domains']} referring domains, {summary['counts']['links']} links "
        f"({_n(summary['counts']['rows_skipped'], 'input row')} skipped)",
        f"  disavow {counts['disavow']}   review {counts['review']}   keep {counts['keep']}",
        f"disavow.txt: {_n(file_info['domain_lines'], 'domain: line')}, "
        f"{_n(file_info['url_lines'], 'URL line')} in all; this run added "
        f"{_n(file_info['new_domain_lines'], 'domain: line')}, "
        f"{_n(file_info['new_url_lines'], 'URL line')}"
        + (f", {left_out['entries']:,} entries left out (see the warning)" if left_out else ""),
    ]
    if summary.get("merge"):
        merge = summary["merge"]
        lines.append(
            f"  merged with {merge['existing']}: every old line kept, {len(merge['added'])} "
            f"added, {len(merge['already_present'])} already present, "
            f"{len(merge['covered_by_domain'])} covered by a domain: line"
        )
        whole = merge["domains_in_existing_file"]["whole"]
        parts = [_n(whole["review"], "review domain")] if whole["review"] else []
        parts += [f"{_n(whole['keep'], 'domain')} scored keep"] if whole["keep"] else []
        if parts:
            lines.append(f"  it already disavows {' and '.join(parts)} (see in_existing_file "
                         "in domains.csv)")
    lines.append(f"Wrote {out}/disavow.txt, domains.csv, links.csv, report.html, summary.json")
    if counts["review"] and file_info["lines"]:
        # Not with nothing to review, nor under the warning not to upload an empty file.
        lines.append("Review the 'review' domains in report.html before uploading disavow.txt.")
    _say(quiet, "\n".join(lines))


def _warn_about_audit(result: Any) -> None:
    from disavow.pipeline import left_out_warning

    summary = result.summary
    said = set()
    left_out = summary["disavow_file"].get("left_out")
    if left_out:
        warning = left_out_warning(left_out["entries"])
        said.add(warning)
        _warn(f"{warning} {left_out['domains']:,} domains in domains.csv say so in their "
              "reasons; report.html lists the entries.")
    said |= _warn_about_reports(result.scored.reports)
    for warning in summary["warnings"]:
        if warning not in said:
            _warn(warning)


def _warn_about_reports(reports: Any) -> set[str]:
    """Say every input's warnings, after its path; return what was said (as summary.json
    has it, path first)."""
    said = set()
    for report in reports:
        for warning in report.warnings:
            said.add(f"{report.path}: {warning}")
            _warn(f"{report.path}: {warning}")
    return said


def _warn(message: str) -> None:
    err.print(f"[bold yellow]Warning:[/] {escape(message)}", markup=True, highlight=False)


@app.command()
def train(
    inputs: Annotated[list[Path], typer.Argument(metavar="LABELLED",
                                                 help="Labelled exports (a 'label' column: "
                                                 "toxic/ok or 1/0), one site per file.")],
    out: Annotated[Path, typer.Option("--out", help="New model folder, e.g. models/mine.")],
    labels_from: Annotated[
        Path | None,
        typer.Option("--labels-from", help="Take labels from an old disavow file instead: "
                     "listed domains and URLs are toxic, the rest ok."),
    ] = None,
    whitelist: Annotated[
        Path | None,
        typer.Option("--whitelist", help="With --labels-from: domains/URLs that are ok even if "
                     "listed."),
    ] = None,
    site: SiteOption = None,
    keywords: KeywordsOption = None,
    force: ForceOption = False,
    quiet: QuietOption = False,
) -> None:
    """Train a model on your own labels; prints grouped cross-validation metrics.

    Example: disavow train labelled.csv --out models/mine
    """
    from disavow.retrain import train_from_exports

    with reported_errors(), progress_display(quiet) as progress:
        metadata = train_from_exports(
            inputs, out, labels_from=labels_from, whitelist=whitelist, site=site,
            keywords=_keywords(keywords), overwrite=force, progress=progress,
        )
    typer.echo(dumps(metadata["metrics"]))
    for warning in metadata.get("warnings", []):
        _warn(warning)
    trust = " --trust-model" if metadata.get("needs_trust_model") else ""
    _say(quiet, f"Wrote model {out}. Use it with --model {out}{trust}.")


@app.command()
def evaluate(
    inputs: Annotated[list[Path], typer.Argument(
        metavar="LABELLED", help="Labelled exports (a 'label' column).")],
    model: ModelOption = None,
    trust_model: TrustOption = False,
    labels_from: Annotated[
        Path | None, typer.Option("--labels-from", help="Labels from an old disavow file.")
    ] = None,
    whitelist: Annotated[
        Path | None, typer.Option("--whitelist", help="With --labels-from: domains/URLs that "
                                  "are ok even if listed.")
    ] = None,
    site: SiteOption = None,
    keywords: KeywordsOption = None,
    threshold: Annotated[
        float | None,
        typer.Option("--threshold", min=0.0, max=1.0,
                     help="Measure the domain decisions (at_threshold) at this score instead "
                          "of the model's thresholds, as audit --threshold would decide them: "
                          "for domains known by name only too."),
    ] = None,
) -> None:
    """Measure a model on labelled data; prints JSON metrics.

    Referring domains it was trained on for the same site are counted in
    training_overlap, warned about from 10% of a file, and left out of unseen_only.

    Example: disavow evaluate heldout.csv --model models/mine
    """
    from disavow.retrain import evaluate_exports

    with reported_errors():
        result = evaluate_exports(
            inputs, model_dir=model, trust_model=trust_model, labels_from=labels_from,
            whitelist=whitelist, site=site, threshold=threshold, keywords=_keywords(keywords),
        )
    typer.echo(dumps(result))
    for warning in result["warnings"]:
        _warn(warning)


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A disavow .txt file.")],
    quiet: QuietOption = False,
) -> None:
    """Check a disavow file against Google's rules; exit 1 when it has errors.

    Example: disavow validate disavow.txt
    """
    from disavow.disavow_file import read_disavow_file
    from disavow.disavow_file import validate as validate_file

    with reported_errors():
        parsed = read_disavow_file(file)
        issues = validate_file(parsed)
    for note in parsed.warnings:  # how it was decoded, when not as UTF-8
        _warn(note)
    errors = [i for i in issues if i.severity == "error"]
    for issue in issues:
        where = f"line {issue.line}" if issue.line else "file"
        hint = f" ({issue.suggestion})" if getattr(issue, "suggestion", None) else ""
        # The findings are what validate is asked for: --quiet only drops the count.
        _say(False, f"{file}:{where}: {issue.severity}: {issue.message}{hint}")
    _say(quiet, f"{file}: {_n(len(errors), 'error')}, "
                f"{_n(len(issues) - len(errors), 'warning')}")
    if errors:
        raise typer.Exit(1)


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(metavar="OLD",
                                        help="The disavow file Google has now.")],
    new: Annotated[Path, typer.Argument(metavar="NEW",
                                        help="The file you are about to upload.")],
) -> None:
    """Show what uploading NEW instead of OLD would add and remove (JSON on stdout).

    Example: disavow diff current.txt audit/disavow.txt
    """
    from disavow.disavow_file import (
        cr_line_endings_message,
        diff_disavow,
        lines_joined_by_cr,
        read_disavow_file,
    )

    with reported_errors():
        new_file = read_disavow_file(new)
        old_file = read_disavow_file(old)
        result = diff_disavow(old_file, new_file)
    for note in dict.fromkeys((*old_file.warnings, *new_file.warnings)):  # how each was decoded
        _warn(note)
    payload = {
        "added": list(result.added), "removed": list(result.removed),
        "unchanged": result.unchanged,
        "not_counted": [{"line": d.line, "text": d.text, "why": d.why}
                        for d in result.new_doubtful],
    }
    typer.echo(dumps(payload))
    written = result.written_doubtfully
    if result.un_disavowed:
        why = (f"; {new} holds {len(written)} of them only in a form Google may not read "
               f"(the first is {one_line(str(written[0]))}), which 'disavow validate {new}' "
               "shows how to write") if written else ""
        _warn(f"uploading {new} would un-disavow {len(result.un_disavowed)} entries{why}.")
    # Bare-CR joins have their own warning below.
    unsure = [d for d in result.new_doubtful if not d.joined_by_cr and d not in written]
    if unsure:
        _warn(f"{new} has {len(unsure)}{' other' if written else ''} "
              f"entr{'ies' if len(unsure) != 1 else 'y'} that Google may not read as written "
              f"(the first is {one_line(str(unsure[0]))}), not counted above as added or "
              f"unchanged; 'disavow validate {new}' shows how to write them.")
    dropped = result.old_doubtful_dropped
    if dropped:
        one = len(dropped) == 1
        _warn(f"{new} lacks {len(dropped)} entr{'y' if one else 'ies'} that {old} writes in a "
              f"form Google may not read (the first is {one_line(str(dropped[0]))}): if Google "
              f"read {'it' if one else 'them'}, the upload un-disavows {'it' if one else 'them'}.")
    if any(line.entry is not None for line in lines_joined_by_cr(new_file.lines)):
        _warn(f"{new}: {cr_line_endings_message(new_file.lines)}.")


def run() -> None:  # pragma: no cover - console entry point
    app(prog_name="disavow")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
