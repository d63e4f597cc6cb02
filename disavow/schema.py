"""Canonical column names and value sets, defined once for the whole package.

Every other module refers to these constants rather than to string literals, so
a column is renamed in exactly one place. Vendor metrics keep the vendor in the
name because Ahrefs DR, Semrush Authority Score, Moz DA and Majestic Trust Flow
are different quantities and must never be averaged together.
"""

from enum import StrEnum

# --- identity of a row -------------------------------------------------------
ROW_KIND = "row_kind"  # "link" (one backlink) or "domain" (a domain-level export row)
SOURCE_URL = "source_url"  # normalised linking page URL ("" for domain rows)
SOURCE_HOST = "source_host"  # lower-case punycode host of the linking page
DOMAIN = "domain"  # registrable domain (free-host subdomains kept whole)
TARGET_URL = "target_url"  # page on the audited site

# --- link text and attributes ------------------------------------------------
ANCHOR = "anchor"
SOURCE_TITLE = "source_title"
LEFT_CONTEXT = "left_context"
RIGHT_CONTEXT = "right_context"
NOFOLLOW = "nofollow"
UGC = "ugc"
SPONSORED = "sponsored"
SITEWIDE = "sitewide"
LINK_TYPE = "link_type"  # comma list: text, image, redirect, frame, form, ...
HTTP_STATUS = "http_status"
LANGUAGE = "language"
PLATFORM = "platform"
PAGE_TYPE = "page_type"
PAGE_CATEGORY = "page_category"  # Ahrefs page category or Majestic topical TF topic

# --- vendor metrics (the vendor is part of the name: scales differ) ----------
AHREFS_DOMAIN_RATING = "ahrefs_domain_rating"  # 0-100
AHREFS_URL_RATING = "ahrefs_url_rating"  # 0-100
AHREFS_DOMAIN_TRAFFIC = "ahrefs_domain_traffic"  # monthly organic visits
AHREFS_PAGE_TRAFFIC = "ahrefs_page_traffic"
AHREFS_IS_SPAM = "ahrefs_is_spam"  # Ahrefs' own spam label (bool)
SEMRUSH_PAGE_ASCORE = "semrush_page_ascore"  # 0-100, higher is stronger
SEMRUSH_DOMAIN_ASCORE = "semrush_domain_ascore"  # 0-100, higher is stronger
SEMRUSH_TOXICITY = "semrush_toxicity_score"  # 0-100, higher is worse (Backlink Audit)
SEMRUSH_TOXIC_MARKERS = "semrush_toxic_markers"  # comma list
MOZ_DOMAIN_AUTHORITY = "moz_domain_authority"  # 0-100
MOZ_PAGE_AUTHORITY = "moz_page_authority"  # 0-100
MOZ_SPAM_SCORE = "moz_spam_score"  # percent 0-100 (Link Explorer)
MOZ_SPAM_FLAGS = "moz_spam_flags"  # 0-17 flags (pre-2019 API); never mixed with the percent
MAJESTIC_TRUST_FLOW = "majestic_trust_flow"  # 0-100
MAJESTIC_CITATION_FLOW = "majestic_citation_flow"  # 0-100

# --- vendor-neutral counts ----------------------------------------------------
EXTERNAL_LINKS = "external_links"  # outbound links on the linking page
INTERNAL_LINKS = "internal_links"
LINKED_DOMAINS = "linked_domains"  # domains the linking page/site links to
PAGE_REF_DOMAINS = "page_ref_domains"
DOMAIN_REF_DOMAINS = "domain_ref_domains"
LINK_COUNT = "link_count"  # links from this domain (domain-level exports)
IP = "ip"
COUNTRY = "country"

# --- time ---------------------------------------------------------------------
FIRST_SEEN = "first_seen"
LAST_SEEN = "last_seen"
LOST = "lost"  # bool: the vendor reports the link as gone

# --- provenance and row status ------------------------------------------------
SOURCE_FORMAT = "source_format"  # one of Format values; "; "-joined after a merge
SOURCE_FILE = "source_file"  # "; "-joined when several files reported the link
# The row of the first file that reported it, as a spreadsheet numbers the file's rows:
# the header and any lines above it count, and a cell with a line break stays one row.
SOURCE_ROW = "source_row"
STATUS = "status"  # RowStatus value
PROBLEM = "problem"  # plain words, for rows that could not be used

TEXT_COLUMNS = (
    ROW_KIND, SOURCE_URL, SOURCE_HOST, DOMAIN, TARGET_URL, ANCHOR, SOURCE_TITLE,
    LEFT_CONTEXT, RIGHT_CONTEXT, LINK_TYPE, LANGUAGE, PLATFORM, PAGE_TYPE,
    PAGE_CATEGORY, SEMRUSH_TOXIC_MARKERS, IP, COUNTRY, SOURCE_FORMAT, SOURCE_FILE,
    STATUS, PROBLEM,
)
BOOL_COLUMNS = (NOFOLLOW, UGC, SPONSORED, SITEWIDE, AHREFS_IS_SPAM, LOST)
NUMBER_COLUMNS = (
    HTTP_STATUS, AHREFS_DOMAIN_RATING, AHREFS_URL_RATING, AHREFS_DOMAIN_TRAFFIC,
    AHREFS_PAGE_TRAFFIC, SEMRUSH_PAGE_ASCORE, SEMRUSH_DOMAIN_ASCORE, SEMRUSH_TOXICITY,
    MOZ_DOMAIN_AUTHORITY, MOZ_PAGE_AUTHORITY, MOZ_SPAM_SCORE, MOZ_SPAM_FLAGS,
    MAJESTIC_TRUST_FLOW, MAJESTIC_CITATION_FLOW, EXTERNAL_LINKS, INTERNAL_LINKS,
    LINKED_DOMAINS, PAGE_REF_DOMAINS, DOMAIN_REF_DOMAINS, LINK_COUNT, SOURCE_ROW,
)
# Number columns that count things (links, domains, visits): never a fraction, so a
# dot in them can only group thousands (1.240 from a German or Italian export).
COUNT_COLUMNS = (
    AHREFS_DOMAIN_TRAFFIC, AHREFS_PAGE_TRAFFIC, EXTERNAL_LINKS, INTERNAL_LINKS,
    LINKED_DOMAINS, PAGE_REF_DOMAINS, DOMAIN_REF_DOMAINS, LINK_COUNT,
)
DATE_COLUMNS = (FIRST_SEEN, LAST_SEEN)

# The canonical link table, in output order.
LINK_COLUMNS = (
    ROW_KIND, SOURCE_URL, SOURCE_HOST, DOMAIN, TARGET_URL, ANCHOR, SOURCE_TITLE,
    LEFT_CONTEXT, RIGHT_CONTEXT, NOFOLLOW, UGC, SPONSORED, SITEWIDE, LINK_TYPE,
    HTTP_STATUS, LANGUAGE, PLATFORM, PAGE_TYPE, PAGE_CATEGORY,
    AHREFS_DOMAIN_RATING, AHREFS_URL_RATING, AHREFS_DOMAIN_TRAFFIC, AHREFS_PAGE_TRAFFIC,
    AHREFS_IS_SPAM, SEMRUSH_PAGE_ASCORE, SEMRUSH_DOMAIN_ASCORE, SEMRUSH_TOXICITY,
    SEMRUSH_TOXIC_MARKERS, MOZ_DOMAIN_AUTHORITY, MOZ_PAGE_AUTHORITY, MOZ_SPAM_SCORE,
    MOZ_SPAM_FLAGS, MAJESTIC_TRUST_FLOW, MAJESTIC_CITATION_FLOW, EXTERNAL_LINKS,
    INTERNAL_LINKS, LINKED_DOMAINS, PAGE_REF_DOMAINS, DOMAIN_REF_DOMAINS, LINK_COUNT,
    IP, COUNTRY, FIRST_SEEN, LAST_SEEN, LOST, SOURCE_FORMAT, SOURCE_FILE, SOURCE_ROW,
    STATUS, PROBLEM,
)

# --- scoring outputs ------------------------------------------------------------
SCORE = "score"  # calibrated probability in [0, 1] that the link/domain is toxic
DECISION = "decision"  # Decision value
REASONS = "reasons"  # " | "-joined plain-words sentences
N_LINKS = "n_links"
# What the --existing disavow file already disavows of a domain, in words
# ("domain:x.com (line 8)", "2 of 5 links (lines 16, 17)"); empty if nothing.
IN_EXISTING_FILE = "in_existing_file"
SAMPLE_LINKS = "sample_links"
LABEL = "label"  # training label: 1 toxic, 0 ok


class RowKind(StrEnum):
    LINK = "link"
    DOMAIN = "domain"


class RowStatus(StrEnum):
    OK = "ok"
    SKIPPED = "skipped"  # unusable: see the problem column


class Decision(StrEnum):
    DISAVOW = "disavow"
    REVIEW = "review"
    KEEP = "keep"


class Format(StrEnum):
    """Every export layout the reader recognises."""

    AHREFS_BACKLINKS = "ahrefs_backlinks"
    AHREFS_BACKLINKS_LEGACY = "ahrefs_backlinks_legacy"
    AHREFS_REFDOMAINS = "ahrefs_referring_domains"
    SEMRUSH_BACKLINKS = "semrush_backlinks"
    SEMRUSH_REFDOMAINS = "semrush_referring_domains"
    SEMRUSH_AUDIT = "semrush_backlink_audit"
    GSC_LATEST_LINKS = "gsc_latest_links"
    GSC_SAMPLE_LINKS = "gsc_more_sample_links"
    GSC_TOP_SITES = "gsc_top_linking_sites"
    MAJESTIC = "majestic_backlinks"
    MOZ_LINK_EXPLORER = "moz_link_explorer"
    MOZ_OSE = "moz_open_site_explorer"
    GENERIC = "generic"
    # The canonical link table `disavow normalize` writes, read back column for column.
    CANONICAL = "canonical"
