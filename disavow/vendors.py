"""Vendor export layouts: detection signatures and header alias tables.

This is the only module where vendor header names appear (formats.md sections
3.11 and 4). It owns data, not I/O: :mod:`disavow.read` matches a file's header
against :data:`LAYOUTS` and uses the winning layout's columns to rename the
vendor's headers to the canonical names of :mod:`disavow.schema`.

Header names are compared by :func:`header_key`: case-folded, with whitespace and
underscores removed, so ``"Traffic "`` (Ahrefs' trailing space), ``source_url``
(a snake_case re-head), ``SourceURL`` (Majestic API) and ``Source URL`` all match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from disavow import schema as s
from disavow.schema import Format, RowKind

_SPACE = re.compile(r"[\s_\ufeff\u200b]+")


def header_key(name: object) -> str:
    """The comparison key of a header cell.

    >>> header_key("  Traffic ")
    'traffic'
    >>> header_key("\\ufeffSource_URL") == header_key("SourceURL") == header_key("Source URL")
    True
    """
    if not isinstance(name, str):
        return ""
    return _SPACE.sub("", name).casefold()


# How a vendor cell becomes a canonical value (applied by disavow.read):
VALUE = "value"  # the cell as it is; normalize.py coerces the dtype
FLAG = "flag"  # Majestic Flag*: non-empty means set (True), empty means unset (False)
NOT = "not"  # a yes/no that means the opposite: Moz OSE Followable=Yes -> nofollow=False
NONEMPTY = "nonempty"  # a date or reason that is only present when true: Ahrefs Lost
LOST_STATUS = "lost_status"  # Ahrefs legacy Backlink Status: "lost"/"removed" -> True
TYPE_FOLLOW = "type_follow"  # Ahrefs legacy Type "Dofollow, Content" -> nofollow False
TYPE_LIST = "type_list"  # a comma list of link kinds, follow words removed
KIND_FLAG = "kind_flag"  # a yes/true/non-empty flag adding ``Column.tag`` to link_type


@dataclass(frozen=True)
class Column:
    """One canonical column and the vendor headers that can fill it.

    The first header of ``names`` found in a file wins. Several ``Column``
    entries may target the same canonical column; the first one that finds a
    header wins, except ``KIND_FLAG`` entries, which all add to ``link_type``.
    """

    canonical: str
    names: tuple[str, ...]
    kind: str = VALUE
    tag: str = ""  # the link kind a KIND_FLAG column adds, e.g. "image"

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(header_key(n) for n in self.names)


@dataclass(frozen=True)
class Layout:
    """A vendor export layout: how to recognise it and how to map its headers.

    ``signature`` is a tuple of groups; a header matches when every group has
    at least one of its names present (formats.md section 3.11).
    """

    format: Format
    name: str  # plain words, for messages
    row_kind: RowKind
    signature: tuple[tuple[str, ...], ...]
    columns: tuple[Column, ...]
    key_column: str = s.SOURCE_URL  # the column a row cannot do without
    usable: bool = True  # False: recognised, but holds no linking pages or domains
    why_unusable: str = ""
    export_instead: str = ""  # for an unusable layout: which report to export in its place
    signature_keys: tuple[frozenset[str], ...] = field(init=False)

    def __post_init__(self) -> None:
        keys = tuple(frozenset(header_key(n) for n in group) for group in self.signature)
        object.__setattr__(self, "signature_keys", keys)

    def matches(self, keys: set[str]) -> bool:
        return all(group & keys for group in self.signature_keys)


def _c(canonical: str, *names: str, kind: str = VALUE, tag: str = "") -> Column:
    return Column(canonical, names, kind, tag)


LABEL_COLUMN = _c(
    s.LABEL, "label", "labels", "is toxic", "toxic", "verdict", "class", "y",
    "should disavow", "training label",
)

# Columns any export may carry as extra, user-added columns (training data).
COMMON_COLUMNS = (LABEL_COLUMN,)

_SEMRUSH_LINK = (
    _c(s.SOURCE_URL, "Source url", "source_url"),
    _c(s.SOURCE_TITLE, "Source title"),
    _c(s.TARGET_URL, "Target url"),
    _c(s.ANCHOR, "Anchor"),
    _c(s.SEMRUSH_PAGE_ASCORE, "Page ascore", "Page score"),
    _c(s.SEMRUSH_DOMAIN_ASCORE, "Domain ascore"),
    _c(s.EXTERNAL_LINKS, "External links"),
    _c(s.INTERNAL_LINKS, "Internal links"),
    _c(s.NOFOLLOW, "Nofollow"),
    _c(s.SPONSORED, "Sponsored"),
    _c(s.UGC, "Ugc"),
    _c(s.LINK_TYPE, "Text", kind=KIND_FLAG, tag="text"),
    _c(s.LINK_TYPE, "Image", kind=KIND_FLAG, tag="image"),
    _c(s.LINK_TYPE, "Frame", kind=KIND_FLAG, tag="frame"),
    _c(s.LINK_TYPE, "Form", kind=KIND_FLAG, tag="form"),
    _c(s.SITEWIDE, "Sitewide"),
    _c(s.FIRST_SEEN, "First seen"),
    _c(s.LAST_SEEN, "Last seen"),
    _c(s.LOST, "Lost link"),
)

_MOZ_LINK = (
    _c(s.SOURCE_URL, "URL", "Source URL"),
    _c(s.SOURCE_TITLE, "Title", "Source Page Title"),
    _c(s.TARGET_URL, "Target URL"),
    _c(s.ANCHOR, "Anchor Text"),
    _c(s.MOZ_PAGE_AUTHORITY, "Page Authority"),
    _c(s.MOZ_DOMAIN_AUTHORITY, "Domain Authority"),
    _c(s.PAGE_REF_DOMAINS, "Number of Domains Linking to this Page"),
    _c(s.DOMAIN_REF_DOMAINS, "Number of Domains Linking to Domain"),
    _c(s.NOFOLLOW, "Only rel=nofollow"),
    _c(s.NOFOLLOW, "Only follow", kind=NOT),
    _c(s.LINK_TYPE, "301", kind=KIND_FLAG, tag="redirect"),
    _c(s.FIRST_SEEN, "First Seen"),
    _c(s.LAST_SEEN, "Last Seen"),
)

# Search Console headers follow the UI language; the English, Spanish and Hebrew
# names below come from public fixtures. Other languages are found by content.
GSC_LINKING_PAGE = ("Linking page", "Página de enlace", "Pagina de enlace", "דף מקשר")
GSC_LAST_CRAWLED = ("Last crawled", "Último rastreo", "Ultimo rastreo", "סריקה אחרונה")
GSC_SITE = ("Site", "Sitio", "אתר")
GSC_LINKING_PAGES = ("Linking pages", "Páginas que enlazan", "Páginas enlazadas", "דפים מקשרים")
GSC_TARGET_PAGES = ("Target pages", "Páginas de destino", "דפי יעד")

GSC_INSTEAD = ("In Search Console, export 'Latest links', 'More sample links' or 'Top linking "
               "sites' instead.")

# The canonical link table (disavow normalize): every column under its own name.
# source_file and source_row are not read back: they become the table's own name and
# row, so that a row can be found in it, and the table's rows, merged already, are
# not merged again as rows of different files.
_CANONICAL_COLUMNS = tuple(_c(name, name) for name in s.LINK_COLUMNS
                           if name not in (s.SOURCE_FILE, s.SOURCE_ROW))

# Test order matters: the first layout whose signature matches wins.
LAYOUTS: tuple[Layout, ...] = (
    Layout(
        Format.CANONICAL, "disavow link table (disavow normalize)", RowKind.LINK,
        ((s.ROW_KIND,), (s.SOURCE_URL,), (s.SOURCE_FORMAT,), (s.STATUS,)),
        _CANONICAL_COLUMNS,
    ),
    Layout(
        Format.SEMRUSH_AUDIT, "Semrush Backlink Audit", RowKind.LINK,
        (("Toxicity Score", "Toxic Score", "Toxicity"), ("Source url",)),
        (
            *_SEMRUSH_LINK,
            _c(s.SEMRUSH_TOXICITY, "Toxicity Score", "Toxic Score", "Toxicity"),
            _c(s.SEMRUSH_TOXIC_MARKERS, "Toxic markers"),
        ),
    ),
    # Before Referring domains: Linked domains has its two signature columns too.
    Layout(
        Format.GENERIC, "Ahrefs Linked domains (outgoing links)", RowKind.DOMAIN,
        (("Links from target", "Linked pages"),),
        (),
        usable=False,
        why_unusable="it lists the sites your site links to, not the sites linking to it",
        export_instead="In Ahrefs Site Explorer, export Backlinks or Referring domains instead.",
    ),
    Layout(
        Format.AHREFS_REFDOMAINS, "Ahrefs Referring domains", RowKind.DOMAIN,
        (("Dofollow ref. domains",), ("Dofollow linked domains",)),
        (
            _c(s.DOMAIN, "Domain"),
            _c(s.AHREFS_IS_SPAM, "Is spam"),
            _c(s.AHREFS_DOMAIN_RATING, "DR", "Domain rating"),
            _c(s.DOMAIN_REF_DOMAINS, "Dofollow ref. domains"),
            _c(s.LINKED_DOMAINS, "Dofollow linked domains"),
            _c(s.AHREFS_DOMAIN_TRAFFIC, "Traffic", "Domain traffic"),
            _c(s.LINK_COUNT, "Links to target", "Dofollow links"),
            _c(s.FIRST_SEEN, "First seen"),
            _c(s.LAST_SEEN, "Last seen"),
            _c(s.LOST, "Lost", kind=NONEMPTY),
        ),
        key_column=s.DOMAIN,
    ),
    Layout(
        Format.AHREFS_BACKLINKS_LEGACY, "Ahrefs Backlinks (legacy layout)", RowKind.LINK,
        (("Referring Page URL", "Ref. page URL"), ("Link URL", "Link Anchor", "TextPre")),
        (
            _c(s.SOURCE_URL, "Referring Page URL", "Ref. page URL", "url_from"),
            _c(s.SOURCE_TITLE, "Referring Page Title", "Ref. page title"),
            _c(s.TARGET_URL, "Link URL", "Target URL", "url_to"),
            _c(s.ANCHOR, "Link Anchor", "Anchor", "Anchor and target URL"),
            _c(s.LEFT_CONTEXT, "TextPre"),
            _c(s.RIGHT_CONTEXT, "TextPost"),
            _c(s.NOFOLLOW, "Nofollow"),
            _c(s.NOFOLLOW, "Type", "Backlink type", kind=TYPE_FOLLOW),
            _c(s.LINK_TYPE, "Type", "Backlink type", kind=TYPE_LIST),
            _c(s.AHREFS_DOMAIN_RATING, "Domain Rating", "DR", "domain_rating_source"),
            _c(s.AHREFS_URL_RATING, "URL Rating", "UR"),
            _c(s.HTTP_STATUS, "Last HTTP Code", "Referring page HTTP code"),
            _c(s.EXTERNAL_LINKS, "External Links Count", "External links"),
            _c(s.INTERNAL_LINKS, "Internal Links Count"),
            _c(s.LINKED_DOMAINS, "Linked Domains"),
            _c(s.PAGE_REF_DOMAINS, "Referring Domains"),
            _c(s.LANGUAGE, "Language"),
            _c(s.AHREFS_DOMAIN_TRAFFIC, "Traffic", "Domain traffic"),
            _c(s.FIRST_SEEN, "Found", "First seen"),
            _c(s.LAST_SEEN, "Last check", "Last seen"),
            _c(s.LOST, "Backlink Status", kind=LOST_STATUS),
        ),
    ),
    Layout(
        Format.AHREFS_BACKLINKS, "Ahrefs Backlinks", RowKind.LINK,
        (
            ("Referring page URL", "url_from"),
            ("Anchor", "Lost status", "Domain rating", "url_to", "domain_rating_source"),
        ),
        (
            _c(s.SOURCE_URL, "Referring page URL", "url_from"),
            _c(s.SOURCE_TITLE, "Referring page title"),
            _c(s.TARGET_URL, "Target URL", "url_to", "Link URL"),
            _c(s.ANCHOR, "Anchor"),
            _c(s.LEFT_CONTEXT, "Left context"),
            _c(s.RIGHT_CONTEXT, "Right context"),
            _c(s.LANGUAGE, "Language"),
            _c(s.PLATFORM, "Platform"),
            _c(s.HTTP_STATUS, "Referring page HTTP code"),
            _c(s.AHREFS_DOMAIN_RATING, "Domain rating", "DR", "domain_rating_source"),
            _c(s.AHREFS_URL_RATING, "UR", "URL rating"),
            _c(s.AHREFS_DOMAIN_TRAFFIC, "Domain traffic"),
            _c(s.AHREFS_PAGE_TRAFFIC, "Page traffic"),
            _c(s.PAGE_REF_DOMAINS, "Referring domains"),
            _c(s.LINKED_DOMAINS, "Linked domains"),
            _c(s.EXTERNAL_LINKS, "External links"),
            _c(s.LINK_TYPE, "Type", kind=TYPE_LIST),
            _c(s.AHREFS_IS_SPAM, "Is spam"),
            _c(s.NOFOLLOW, "Nofollow"),
            _c(s.UGC, "UGC"),
            _c(s.SPONSORED, "Sponsored"),
            _c(s.FIRST_SEEN, "First seen"),
            _c(s.LAST_SEEN, "Last seen", "Last check"),
            _c(s.LOST, "Lost", "Lost status", kind=NONEMPTY),
            _c(s.PAGE_TYPE, "Page type"),
            _c(s.PAGE_CATEGORY, "Page category"),
        ),
    ),
    Layout(
        Format.SEMRUSH_BACKLINKS, "Semrush Backlinks", RowKind.LINK,
        (("Source url",), ("Target url",), ("Page ascore", "Page score")),
        _SEMRUSH_LINK,
    ),
    Layout(
        Format.SEMRUSH_REFDOMAINS, "Semrush Referring domains", RowKind.DOMAIN,
        (("Domain",), ("Domain ascore", "IP Address")),
        (
            _c(s.DOMAIN, "Domain"),
            _c(s.SEMRUSH_DOMAIN_ASCORE, "Domain ascore", "Authority score"),
            _c(s.LINK_COUNT, "Backlinks"),
            _c(s.IP, "IP Address", "IP"),
            _c(s.COUNTRY, "Country"),
            _c(s.FIRST_SEEN, "First seen"),
            _c(s.LAST_SEEN, "Last seen"),
        ),
        key_column=s.DOMAIN,
    ),
    Layout(
        Format.MAJESTIC, "Majestic backlinks", RowKind.LINK,
        (
            ("Source URL", "SourceURL"),
            ("SourceTrustFlow", "Source Trust Flow", "FlagNoFollow", "Flag No Follow"),
        ),
        (
            _c(s.SOURCE_URL, "Source URL", "SourceURL"),
            _c(s.TARGET_URL, "Target URL", "TargetURL"),
            _c(s.ANCHOR, "Anchor Text", "AnchorText"),
            _c(s.NOFOLLOW, "FlagNoFollow", "Flag No Follow", kind=FLAG),
            _c(s.LINK_TYPE, "FlagImageLink", "FlagImages", "Flag Image Link", kind=KIND_FLAG,
               tag="image"),
            _c(s.LINK_TYPE, "FlagRedirect", "Flag Redirect", kind=KIND_FLAG, tag="redirect"),
            _c(s.LINK_TYPE, "FlagFrame", "Flag Frame", kind=KIND_FLAG, tag="frame"),
            _c(s.LINK_TYPE, "FlagAltText", "Flag Alt Text", kind=KIND_FLAG, tag="alt text"),
            _c(s.LINK_TYPE, "FlagMention", "Flag Mention", kind=KIND_FLAG, tag="mention"),
            _c(s.MAJESTIC_TRUST_FLOW, "SourceTrustFlow", "Source Trust Flow", "Domain Trust Flow"),
            _c(s.MAJESTIC_CITATION_FLOW, "SourceCitationFlow", "Source Citation Flow",
               "Domain Citation Flow"),
            _c(s.PAGE_CATEGORY, "SourceTopicalTrustFlow_Topic_0"),
            _c(s.FIRST_SEEN, "Source First Found Date", "FirstIndexedDate",
               "Link First Indexed Date"),
            _c(s.LAST_SEEN, "Source Crawl Date", "LastSeenDate"),
            _c(s.LOST, "DateLost", "FlagDeleted", "ReasonLost", kind=NONEMPTY),
        ),
    ),
    Layout(
        Format.MOZ_LINK_EXPLORER, "Moz Link Explorer (inbound links)", RowKind.LINK,
        (("URL",), ("Anchor Text",), ("Spam Score",), ("Domain Authority",)),
        (*_MOZ_LINK, _c(s.MOZ_SPAM_SCORE, "Spam Score")),
    ),
    Layout(
        Format.MOZ_LINK_EXPLORER, "Moz Link Explorer (inbound links)", RowKind.LINK,
        (("Source URL",), ("Source Page Title",), ("Spam Score",)),
        (*_MOZ_LINK, _c(s.MOZ_SPAM_SCORE, "Spam Score")),
    ),
    Layout(
        Format.MOZ_OSE, "Moz Open Site Explorer", RowKind.LINK,
        (("URL",), ("Anchor Text",), ("Followable",)),
        (
            *_MOZ_LINK,
            _c(s.NOFOLLOW, "Followable", kind=NOT),
            _c(s.LINK_COUNT, "Number of Links"),
            # Spam Score before 2019 counted 17 flags; never mix it with the percent.
            _c(s.MOZ_SPAM_FLAGS, "Spam Score"),
        ),
    ),
    Layout(
        Format.GSC_LATEST_LINKS, "Search Console Latest links", RowKind.LINK,
        (GSC_LINKING_PAGE, GSC_LAST_CRAWLED),
        (_c(s.SOURCE_URL, *GSC_LINKING_PAGE), _c(s.LAST_SEEN, *GSC_LAST_CRAWLED)),
    ),
    Layout(
        Format.GSC_SAMPLE_LINKS, "Search Console More sample links", RowKind.LINK,
        (GSC_LINKING_PAGE,),
        (_c(s.SOURCE_URL, *GSC_LINKING_PAGE),),
    ),
    Layout(
        Format.GSC_TOP_SITES, "Search Console Top linking sites", RowKind.DOMAIN,
        (GSC_SITE, GSC_LINKING_PAGES),
        (_c(s.DOMAIN, *GSC_SITE), _c(s.LINK_COUNT, *GSC_LINKING_PAGES)),
        key_column=s.DOMAIN,
    ),
    Layout(
        Format.GENERIC, "Search Console Top linked pages", RowKind.LINK,
        (("Target page",), ("Incoming links",)),
        (),
        usable=False,
        why_unusable="it lists pages of your own site, not the pages that link to it",
        export_instead=GSC_INSTEAD,
    ),
    Layout(
        Format.GENERIC, "Search Console Top linking text", RowKind.LINK,
        (("Linking text",),),
        (),
        usable=False,
        why_unusable="it lists anchor texts, not the pages that link to your site",
        export_instead=GSC_INSTEAD,
    ),
)

# Positional layouts for Search Console tables recognised by content in a
# language whose header names we do not know (formats.md section 3.7).
GSC_BY_POSITION: dict[Format, tuple[str, ...]] = {
    Format.GSC_LATEST_LINKS: (s.SOURCE_URL, s.LAST_SEEN),
    Format.GSC_SAMPLE_LINKS: (s.SOURCE_URL,),
    Format.GSC_TOP_SITES: (s.DOMAIN, s.LINK_COUNT),
}
GSC_NAMES: dict[Format, str] = {
    layout.format: layout.name
    for layout in LAYOUTS
    if layout.format in GSC_BY_POSITION
}
# Sheet or zip-member names of Search Console's multi-table downloads.
GSC_TABLE_NAMES = (
    "latest links", "more sample links", "top linking sites", "top linked pages",
    "top linking text", "sample links",
)

# A generic CSV: any column with one of these names (section 4, "generic").
GENERIC_COLUMNS: tuple[Column, ...] = (
    _c(s.SOURCE_URL, "source url", "url", "urls", "link", "links", "backlink", "backlinks",
       "backlink url", "referring page", "referring page url", "referring url", "ref url",
       "ref page", "source", "source page", "from", "from url", "url from", "linking page",
       "linking url", "page", "page url", "address", "linking page url"),
    _c(s.DOMAIN, "domain", "domains", "referring domain", "referring domains", "ref domain",
       "root domain", "site", "website", "host", "hostname", "linking domain", "source domain",
       "linking site"),
    _c(s.TARGET_URL, "target url", "target", "target page", "to", "to url", "url to",
       "destination", "destination url", "landing page", "link target"),
    _c(s.ANCHOR, "anchor", "anchor text", "link text"),
    _c(s.SOURCE_TITLE, "title", "page title", "source title", "source page title"),
    _c(s.NOFOLLOW, "nofollow", "no follow", "rel nofollow", "is nofollow"),
    _c(s.NOFOLLOW, "dofollow", "follow", "followable", "is dofollow", kind=NOT),
    _c(s.UGC, "ugc"),
    _c(s.SPONSORED, "sponsored"),
    _c(s.SITEWIDE, "sitewide"),
    _c(s.FIRST_SEEN, "first seen", "first found", "found", "discovered", "first indexed"),
    _c(s.LAST_SEEN, "last seen", "last crawled", "last checked", "last check", "crawl date"),
    _c(s.LOST, "lost", kind=NONEMPTY),
    _c(s.AHREFS_DOMAIN_RATING, "dr", "domain rating", "ahrefs dr"),
    _c(s.AHREFS_URL_RATING, "ur", "url rating", "ahrefs ur"),
    _c(s.MOZ_DOMAIN_AUTHORITY, "da", "domain authority", "moz da"),
    _c(s.MOZ_PAGE_AUTHORITY, "pa", "page authority", "moz pa"),
    _c(s.MOZ_SPAM_SCORE, "spam score", "moz spam score", "spam score %"),
    _c(s.MOZ_SPAM_FLAGS, "spam flags", "moz spam flags", "spam score flags"),
    _c(s.MAJESTIC_TRUST_FLOW, "trust flow", "tf", "source trust flow"),
    _c(s.MAJESTIC_CITATION_FLOW, "citation flow", "cf", "source citation flow"),
    _c(s.SEMRUSH_TOXICITY, "toxicity score", "toxic score", "toxicity"),
    _c(s.SEMRUSH_PAGE_ASCORE, "page ascore"),
    _c(s.SEMRUSH_DOMAIN_ASCORE, "domain ascore", "authority score"),
    _c(s.HTTP_STATUS, "http code", "http status", "status code"),
    _c(s.EXTERNAL_LINKS, "external links", "outbound links"),
    _c(s.INTERNAL_LINKS, "internal links"),
    _c(s.LINK_COUNT, "link count", "links to target", "number of links", "backlinks count"),
    _c(s.IP, "ip", "ip address"),
    _c(s.COUNTRY, "country"),
    _c(s.LANGUAGE, "language", "lang"),
    LABEL_COLUMN,
)
GENERIC_URL_KEYS = GENERIC_COLUMNS[0].keys
GENERIC_DOMAIN_KEYS = GENERIC_COLUMNS[1].keys


def find_layout(keys: set[str]) -> Layout | None:
    """The first layout whose signature the header keys satisfy."""
    for layout in LAYOUTS:
        if layout.matches(keys):
            return layout
    return None


def describe_expected() -> str:
    """Plain words listing what the reader understands, for error messages."""
    return (
        "an export from Ahrefs (Backlinks, Referring domains), Semrush (Backlinks, Referring "
        "domains, Backlink Audit), Google Search Console (Latest links, More sample links, Top "
        "linking sites, or the zip of them), Majestic or Moz (Link Explorer, Open Site "
        "Explorer), as CSV, TSV, XLSX or zip; or any table with a column of linking pages named "
        "like 'URL', 'Source URL', 'Referring page URL' or 'Linking page', or of domains named "
        "'Domain' or 'Site'; or a plain list of URLs or domains, one per line"
    )
