#!/usr/bin/env python3
"""Generate the labelled synthetic backlink exports that the toxicity model is trained on.

The generator invents target sites (a dentist in Leeds, a SaaS invoicing tool, a bakery in
Lyon, ...), gives each a realistic backlink profile mixed from named legitimate and spam
patterns, and writes the profile as the vendor export a site owner would download:
Ahrefs (UTF-16), SEMrush Backlinks and Backlink Audit, Majestic, Moz Link Explorer and
Google Search Console, plus SEMrush Referring domains with IP addresses for some sites.
Every export row carries two extra columns, ``label`` (1 = an expert would disavow it)
and ``label_reason`` (the pattern name). ``DATASHEET.md`` documents the result.

Usage::

    python training_data/generate.py --seed 1 --out training_data/generated
    python training_data/generate.py --seed 1 --sites 4 --out /tmp/small
    python training_data/generate.py --stats training_data/generated
    python training_data/generate.py --demo --seed 7 --out examples

Rules this file keeps: every random draw comes from a seeded ``numpy.random.Generator``
(never global state, never the clock, never set iteration order), so one seed gives the
same bytes on every machine; only numpy and the standard library are used; every
vocabulary below was written for this file (no list is copied from ``../shared``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import shutil
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

GENERATOR_VERSION = "1.0"
DEFAULT_SEED = 1
DEFAULT_DEMO_SEED = 7
DEFAULT_SITES = 40
BASE_FLIP_RATE = 0.012  # share of ordinary domains whose expert label is flipped
GSC_LATEST_CAP = 1000  # Search Console's "Latest links" table holds at most 1,000 rows
HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------------------------------
# Patterns: every label_reason the generator writes.
# level "domain": all links of the domain share the label; "link": the link is toxic on an
# otherwise fine domain; "site_group": a Search Console root-domain group row.
# ---------------------------------------------------------------------------------------
PATTERNS: dict[str, tuple[int, str, str]] = {
    "news": (0, "domain", "local or national news site that covered the business"),
    "niche_blog": (0, "domain", "topical blog in the site's niche"),
    "free_host_blog": (0, "domain", "real hobby blog on a free host (x.blogspot.com, ...)"),
    "local_directory": (0, "domain", "local business directory or city guide"),
    "legit_directory": (0, "domain",
                        "hard case: chamber of commerce or trade association member directory"),
    "forum": (0, "domain", "real forum; threads mention the business; nofollow/ugc common"),
    "edu_gov_org": (0, "domain", "university, council or charity page"),
    "social_platform": (0, "domain", "social network, video, maps or Q&A platform page"),
    "press_release": (0, "domain", "legitimate press-release wire, mostly nofollow/sponsored"),
    "review_site": (0, "domain", "customer review platform listing"),
    "seo_stats_page": (0, "domain",
                       "hard case: website-worth/stats page; low value is not toxic"),
    "legit_low_authority": (0, "domain",
                            "hard case: small business or hobby site, DR 0-10, little traffic"),
    "partner_sitewide": (0, "domain",
                         "hard case: sitewide branded footer link from a real partner"),
    "legit_cheap_tld": (0, "domain", "hard case: real startup or shop on a cheap TLD"),
    "free_host_platform": (0, "site_group",
                           "GSC groups all free-host subdomains under the platform: never "
                           "disavow the platform itself"),
    "pbn": (1, "domain",
            "private blog network on expired-looking names: DR 20-60, no traffic, exact-match "
            "anchors, first seen within days"),
    "link_farm": (1, "domain",
                  "numbered link-farm family: one title template and anchor, many outlinks"),
    "seo_service": (1, "domain", "link-selling / SEO-service domain on a cheap TLD"),
    "casino": (1, "domain", "casino or betting page linking to an unrelated site"),
    "pharma": (1, "domain", "online pharmacy spam"),
    "payday_loans": (1, "domain", "payday or instant-loan spam"),
    "adult": (1, "domain", "adult or escort spam"),
    "essay_writing": (1, "domain", "essay-writing service spam"),
    "crypto": (1, "domain", "crypto signals / forex bot spam"),
    "directory_farm": (1, "domain", "submit-your-site directory or bookmark farm"),
    "scraper": (1, "domain", "auto-generated scraper site: gibberish name, hundreds of outlinks"),
    "sitewide_footer": (1, "domain", "paid sitewide footer link from an unrelated site"),
    "negative_seo_burst": (1, "domain",
                           "negative-SEO attack: dozens of new spam domains in one week"),
    "spam_free_host": (1, "domain", "spam blog on a free host: only that subdomain is toxic"),
    "ip_host": (1, "domain", "spam page served from a bare IP address"),
    "high_authority_spam": (1, "domain",
                            "hard case: DR 60+ expired domain with no traffic selling links"),
    "nofollow_spam": (1, "domain", "hard case: spam domain whose links are nofollow"),
    "clean_name_spam_com": (1, "domain",
                            "hard case: guest-post farm on a clean-looking .com name"),
    "profile_spam": (1, "link", "forum profile link with a money anchor on a real forum"),
    "comment_spam": (1, "link", "blog comment link with a money anchor on a real blog"),
}
LEGIT_PATTERNS = [p for p, v in PATTERNS.items() if v[0] == 0 and v[1] == "domain"]
SPAM_PATTERNS = [p for p, v in PATTERNS.items() if v[0] == 1 and v[1] == "domain"]
TOPIC_SPAM = ["casino", "pharma", "payday_loans", "adult", "essay_writing", "crypto"]
# Patterns on which experts disagree most; label flips are drawn mostly from these.
BORDERLINE = {
    "sitewide_footer": 0.06, "seo_stats_page": 0.10, "legit_directory": 0.06,
    "partner_sitewide": 0.06, "nofollow_spam": 0.08, "press_release": 0.05,
    "directory_farm": 0.05, "legit_cheap_tld": 0.06, "clean_name_spam_com": 0.06,
    "legit_low_authority": 0.03, "high_authority_spam": 0.05, "free_host_blog": 0.03,
}

# ---------------------------------------------------------------------------------------
# Export layouts (formats.md section 3). Labelled files add LABEL_COLUMNS at the end.
# ---------------------------------------------------------------------------------------
LABEL_COLUMNS = ["label", "label_reason"]
AHREFS_COLUMNS = [
    "Referring page title", "Referring page URL", "Language", "Platform",
    "Referring page HTTP code", "Domain rating", "UR", "Domain traffic", "Referring domains",
    "Linked domains", "External links", "Page traffic", "Keywords", "Target URL",
    "Left context", "Anchor", "Right context", "Redirect Chain URLs",
    "Redirect Chain status codes", "Type", "Is spam", "Content", "Nofollow", "UGC",
    "Sponsored", "Rendered", "Raw", "Lost status", "Drop reason", "Discovered status",
    "First seen", "Last seen", "Lost", "Author", "Page type", "Page category",
    "Links in group",
]
SEMRUSH_COLUMNS = [
    "Page ascore", "Source title", "Source url", "Target url", "Anchor", "External links",
    "Internal links", "Nofollow", "Sponsored", "Ugc", "Text", "Frame", "Form", "Image",
    "Sitewide", "First seen", "Last seen", "New link", "Lost link",
]
SEMRUSH_AUDIT_COLUMNS = [
    "Source title", "Source url", "Target url", "Anchor", "Toxicity Score", "Toxic markers",
    "First seen", "Last seen", "Nofollow",
]
SEMRUSH_REFDOMAINS_COLUMNS = [
    "Domain ascore", "Domain", "Backlinks", "IP Address", "Country", "First seen",
    "Last seen",
]
MAJESTIC_COLUMNS = [
    "Target URL", "Source URL", "Anchor Text", "Source Crawl Date", "Source First Found Date",
    "FlagNoFollow", "FlagImageLink", "FlagRedirect", "FlagFrame", "FlagOldCrawl",
    "FlagAltText", "FlagMention", "SourceCitationFlow", "SourceTrustFlow",
    "TargetCitationFlow", "TargetTrustFlow", "SourceTopicalTrustFlow_Topic_0",
    "SourceTopicalTrustFlow_Value_0", "RefDomainTopicalTrustFlow_Topic_0",
    "RefDomainTopicalTrustFlow_Value_0",
]
MOZ_COLUMNS = [
    "No", "Source Page Title", "Source URL", "Target URL", "Domain Authority",
    "Page Authority", "Spam Score", "Anchor Text", "First Seen", "Last Seen",
]
GSC_LATEST_COLUMNS = ["Linking page", "Last crawled"]
GSC_TOP_SITES_COLUMNS = ["Site", "Linking pages", "Target pages"]

FORMAT_COLUMNS = {
    "ahrefs_backlinks": AHREFS_COLUMNS,
    "semrush_backlinks": SEMRUSH_COLUMNS,
    "semrush_backlink_audit": SEMRUSH_AUDIT_COLUMNS,
    "semrush_referring_domains": SEMRUSH_REFDOMAINS_COLUMNS,
    "majestic_backlinks": MAJESTIC_COLUMNS,
    "moz_link_explorer": MOZ_COLUMNS,
    "gsc_latest_links": GSC_LATEST_COLUMNS,
    "gsc_top_linking_sites": GSC_TOP_SITES_COLUMNS,
}
# The primary export of each site rotates through these, in this order.
PRIMARY_FORMATS = [
    "ahrefs_backlinks", "semrush_backlinks", "majestic_backlinks", "moz_link_explorer",
    "semrush_backlink_audit", "gsc_latest_links",
]
LINK_LEVEL_FORMATS = [
    "ahrefs_backlinks", "semrush_backlinks", "semrush_backlink_audit", "majestic_backlinks",
    "moz_link_explorer", "gsc_latest_links",
]


def words(text: str) -> list[str]:
    return text.split()


def phrases(text: str) -> list[str]:
    return [p.strip() for p in text.split("|") if p.strip()]


# ---------------------------------------------------------------------------------------
# Vocabulary, written for this generator.
# ---------------------------------------------------------------------------------------
COUNTRIES = {
    # code: (site suffix, org suffix, gov suffix, edu suffix, language, cities)
    "GB": ("co.uk", "org.uk", "gov.uk", "ac.uk", "en",
           words("Leeds Bristol Manchester Sheffield Norwich Cardiff Brighton York Nottingham "
                 "Glasgow Edinburgh Exeter Leicester Bath Derby")),
    "US": ("com", "org", "gov", "edu", "en",
           words("Austin Denver Portland Tampa Boise Raleigh Columbus Sacramento Tucson Omaha "
                 "Madison Spokane Savannah Asheville Richmond")),
    "AU": ("com.au", "org.au", "gov.au", "edu.au", "en",
           words("Brisbane Perth Adelaide Geelong Hobart Newcastle Wollongong Cairns")),
    "CA": ("ca", "org", "gc.ca", "ca", "en",
           words("Calgary Halifax Ottawa Winnipeg Victoria Kelowna Saskatoon")),
    "IE": ("ie", "ie", "gov.ie", "ie", "en", words("Galway Cork Limerick Kilkenny Waterford")),
    "NZ": ("co.nz", "org.nz", "govt.nz", "ac.nz", "en",
           words("Wellington Dunedin Hamilton Tauranga Nelson Napier")),
    "DE": ("de", "de", "de", "de", "de", words("Leipzig Freiburg Hannover Münster Dresden")),
    "FR": ("fr", "fr", "gouv.fr", "fr", "fr", words("Lyon Nantes Lille Rennes Bordeaux")),
    "NL": ("nl", "nl", "nl", "nl", "nl", words("Utrecht Groningen Eindhoven Leiden Haarlem")),
    "ES": ("es", "org", "es", "es", "es", words("Valencia Sevilla Bilbao Zaragoza Málaga")),
}
HOSTING_COUNTRIES = words("US US US DE NL GB FR CA SG IE FI PL")
SPAM_HOSTING_COUNTRIES = words("US US NL RU UA VN IN SG DE BG RO HK TR ID")

ADJ = words(
    "old green little bright silver golden quiet wild north south east west red blue true "
    "happy urban rural modern simple honest daily local open clear fresh humble rusty crooked "
    "sunny misty hidden lazy busy tidy curious gentle brave clever cosy jolly lucky plain")
NOUN = words(
    "mill harbour valley meadow river lantern kettle pantry garden bridge orchard cottage "
    "compass anchor ladder hive nest workshop studio journal notebook corner lane spoon table "
    "porch barn field stone hill ridge brook wharf forge quill acorn thimble teapot bicycle "
    "chimney lighthouse postbox market")
BLOG_SUFFIX = words(
    "diaries journal notes life corner kitchen weekly stories guide lab chronicles musings log "
    "tales digest days adventures files")
FIRST = words(
    "anna ben clara dan emma finn grace harry isla jack kate leo maya noah olivia pete rosie "
    "sam tom zoe amira priya jonas lucas mia nora oscar ruby theo hannah")
SURNAME = words(
    "hartley mercer fletcher thornton whitaker ashworth bramley carver dalton ellison "
    "fairbairn gould holloway ingram jessop kendrick lister marsh norcott oakley pemberton "
    "quayle radley sefton tolley underwood varley wakefield yardley")
BRAND_WORDS = words(
    "Alder Birch Oak Willow Harbour Riverside Northgate Kestrel Heron Meadow Copper Juniper "
    "Foxglove Bramble Larch Hawthorn Ember Linden Sage Cobalt Marigold Thistle Wren Finch "
    "Otter Saffron Clover Amber Cedar Fern Hazel Rowan Sorrel Tansy Yarrow Bluebell")
COINED_HEAD = words("Tally Ledg Flow Task Brisk Nimb Quill Tidy Sprout Pivot Kanb Loop Clar "
                    "Vanta Mint Orbi Penn Zest Fathom Lumen")
COINED_TAIL = words("ly io wise able hub loop desk base kit stack ify ora")
NEWS_NOUN = words(
    "herald gazette chronicle post echo times courier observer tribune express mercury "
    "advertiser star record bulletin standard")
NEWS_LEAD = words("daily morning evening weekly sunday national metro county regional")
FORUM_WORD = words("forum talk community boards chat exchange circle club")
ORG_WORD = words("trust foundation society alliance network collective project")
ASSOC_WORD = words("association guild federation society institute")
ASSOC_LEAD = words("northern southern national independent regional federated united")
CAUSES = phrases("the local food bank | a children's hospice | the city's night shelter | "
                 "a youth football club | the hospital radio | a wildlife rescue")
GROUPS = words("pensioners children students carers nurses volunteers")
STREETS = phrases("High Street | Market Street | Station Road | Church Lane | Mill Road | "
                  "Queen Street | King Street | Victoria Road")
DESTINATIONS = words("Lisbon Kyoto Porto Ljubljana Tbilisi Oaxaca Seville Hanoi Krakow Tallinn "
                     "Valparaiso Matera")
GENERIC_ANCHORS = phrases(
    "click here | website | here | this site | visit website | read more | source | "
    "learn more | this article | homepage | link | their site | official site | more info")
CONTEXT_LEFT = phrases(
    "We recommend | Thanks to | I booked with | According to | Read more at | Also see | "
    "We spoke to | Photos courtesy of | Many readers suggested | Our sponsor")
CONTEXT_RIGHT = phrases(
    "for more details. | who were great. | in the city centre. | and never looked back. | "
    "(opens in a new tab) | for opening times. | - highly recommended. | last spring.")
SPAM_LEFT = phrases("Looking for the best | Check out | Top rated | Get the cheapest | "
                    "Trusted partner: | Sponsored: | Best deals on")

# Local-language pieces for the non-English sites.
LOCAL = {
    "de": {
        "generic": phrases("hier | Webseite | mehr erfahren | zur Website | Link | Homepage"),
        "news": words("zeitung anzeiger kurier rundschau nachrichten"),
        "directory": words("branchenbuch firmenverzeichnis stadtfuehrer"),
        "forum": words("forum treff community"),
        "blog": words("blog tagebuch notizen"),
        "t_news": phrases("{brand} eröffnet neue Praxis in {city} | {city}: Neue Angebote für "
                       "{provider_l}-Patienten | Lokales: {brand} spendet für {cause_l}"),
        "t_blog": phrases("Mein Erfahrungsbericht: {brand} | {n} Tipps rund um {topic_l} | "
                       "Die besten {providers_l} in {city}"),
        "t_dir": phrases("{providers_l} in {city} - {site_name} | {brand} in {city} | "
                      "Firmeneintrag: {brand}"),
        "t_forum": phrases("Suche guten {provider_l} in {city} | Erfahrungen mit {brand}? | "
                        "Re: {topic_l} - wer kann helfen?"),
        "cause": phrases("die Tafel | den Sportverein | das Tierheim"),
    },
    "fr": {
        "generic": phrases("ici | site web | en savoir plus | cliquez ici | lien | voir le site"),
        "news": words("actu infos journal lepetit echos"),
        "directory": words("annuaire guide pagesdelaville"),
        "forum": words("forum communaute entraide"),
        "blog": words("blog carnet recettes"),
        "t_news": phrases("{brand} ouvre une nouvelle boutique à {city} | {city} : la {provider_l} "
                       "{brand} récompensée | {brand} soutient {cause_l}"),
        "t_blog": phrases("Mon avis sur {brand} | {n} adresses pour {topic_l} à {city} | "
                       "Où trouver la meilleure {provider_l} de {city} ?"),
        "t_dir": phrases("{providers_l} à {city} - {site_name} | {brand}, {city} | "
                      "Fiche entreprise : {brand}"),
        "t_forum": phrases("Quelle {provider_l} conseillez-vous à {city} ? | Avis sur {brand} ? | "
                        "Re: {topic_l}, vos conseils"),
        "cause": phrases("les Restos du Coeur | le club de foot | la banque alimentaire"),
    },
    "nl": {
        "generic": phrases("hier | website | klik hier | lees meer | link | bekijk de site"),
        "news": words("dagblad courant nieuws"),
        "directory": words("bedrijvengids stadsgids"),
        "forum": words("forum community"),
        "blog": words("blog dagboek"),
        "t_news": phrases("{brand} opent nieuwe winkel in {city} | {city}: {provider_l} {brand} "
                       "wint prijs | {brand} steunt {cause_l}"),
        "t_blog": phrases("Mijn ervaring met {brand} | {n} tips over {topic_l} | De beste "
                       "{providers_l} in {city}"),
        "t_dir": phrases("{providers_l} in {city} - {site_name} | {brand} in {city} | "
                      "Bedrijfsprofiel: {brand}"),
        "t_forum": phrases("Welke {provider_l} in {city} is goed? | Ervaringen met {brand}? | "
                        "Re: {topic_l} vraag"),
        "cause": phrases("de voedselbank | de voetbalclub | het dierenasiel"),
    },
    "es": {
        "generic": phrases("aquí | sitio web | más información | pincha aquí | enlace | web"),
        "news": words("diario noticias informacion heraldo"),
        "directory": words("directorio guiadeempresas"),
        "forum": words("foro comunidad"),
        "blog": words("blog cuaderno"),
        "t_news": phrases("{brand} abre nuevo despacho en {city} | {city}: el bufete {brand} "
                       "colabora con {cause_l} | Entrevista con los socios de {brand}"),
        "t_blog": phrases("Mi experiencia con {brand} | {n} consejos sobre {topic_l} | Los "
                       "mejores {providers_l} de {city}"),
        "t_dir": phrases("{providers_l} en {city} - {site_name} | {brand} en {city} | "
                      "Ficha de empresa: {brand}"),
        "t_forum": phrases("¿Conocéis un buen {provider_l} en {city}? | Opiniones sobre {brand} | "
                        "Re: {topic_l}, ayuda"),
        "cause": phrases("el banco de alimentos | el club de fútbol | la protectora de animales"),
    },
}


@dataclass(frozen=True)
class Niche:
    key: str
    provider: str
    providers: str
    nouns: tuple[str, ...]
    keywords: tuple[str, ...]  # money keywords; {city} or {dest} filled per site
    topics: tuple[str, ...]
    blog_words: tuple[str, ...]
    headlines: tuple[str, ...]
    category: str  # Ahrefs page category of topical pages
    topic: str  # Majestic topical Trust Flow topic of topical pages
    audience: str
    kind: str  # "local", "saas", "shop", "blog"
    language: str = "en"
    countries: tuple[str, ...] = ()


def _niche(key, provider, providers, nouns, keywords, topics, blog_words, headlines, category,
           topic, audience, kind, language="en", countries=()):
    return Niche(key, provider, providers, tuple(phrases(nouns)), tuple(phrases(keywords)),
                 tuple(phrases(topics)), tuple(words(blog_words)), tuple(phrases(headlines)),
                 category, topic, audience, kind, language, tuple(countries))


NICHES = [
    _niche("dentist", "dentist", "dentists", "Dental | Dental Care | Dentistry | Smile Studio",
           "emergency dentist {city} | dental implants {city} | teeth whitening {city} | "
           "invisalign {city} | cosmetic dentist {city} | family dentist {city}",
           "teeth whitening | dental implants | gum disease | children's teeth | "
           "braces for adults | dental anxiety | oral hygiene",
           "smile tooth floss dental",
           "{brand} opens new surgery in {city} | {city} dentist offers free check-ups for "
           "{group} | Dental practice raises money for {cause}",
           "/Health/Oral & Dental Care", "Health/Dentistry", "parents", "local"),
    _niche("plumber", "plumber", "plumbers",
           "Plumbing | Plumbing & Heating | Heating | Drainage",
           "emergency plumber {city} | boiler repair {city} | boiler installation {city} | "
           "blocked drains {city} | central heating repair {city} | bathroom fitters {city}",
           "boiler servicing | frozen pipes | leaking taps | underfloor heating | "
           "water pressure problems | bathroom renovation",
           "diy pipe home fixit",
           "{city} plumbers warn of frozen pipes this winter | {brand} takes on apprentices | "
           "Local heating firm helps {group} with free boiler checks",
           "/Home & Garden/Home Improvement/Plumbing", "Business/Construction and Maintenance",
           "homeowners", "local"),
    _niche("law_firm", "lawyer", "lawyers", "Solicitors | Law | Legal | & Partners",
           "personal injury lawyer {city} | divorce solicitor {city} | family law {city} | "
           "conveyancing solicitor {city} | employment lawyer {city} | will writing {city}",
           "making a will | divorce and children | buying a house | workplace disputes | "
           "road accident claims | power of attorney",
           "legal law rights advice",
           "{brand} named {city} law firm of the year | {city} solicitors offer free will "
           "writing for {group} | Law firm backs {cause}",
           "/Law & Government/Legal", "Society/Law", "families", "local"),
    _niche("bakery", "bakery", "bakeries", "Bakery | Bakehouse | Bread Co | Patisserie",
           "sourdough bread {city} | wedding cakes {city} | birthday cakes {city} | "
           "artisan bakery {city} | gluten free bakery {city} | custom cakes {city}",
           "sourdough starters | wedding cake trends | vegan baking | croissants | "
           "afternoon tea | gluten free bread",
           "crumb flour bake sugar",
           "{brand} wins regional award for its sourdough | New bakery opens on {street} | "
           "{city} bakers donate bread to {cause}",
           "/Food & Drink/Cooking & Recipes/Baked Goods", "Shopping/Food", "home bakers",
           "local"),
    _niche("roofer", "roofer", "roofers", "Roofing | Roofing Services | Roofing & Guttering",
           "roofers {city} | roof repairs {city} | flat roofing {city} | guttering {city} | "
           "chimney repairs {city} | emergency roof repair {city}",
           "storm damage | flat roof repairs | loft insulation | slate vs tiles | "
           "moss on roofs | gutter cleaning",
           "roof home build house",
           "{city} roofers busy after storm damage | {brand} repairs church roof for free | "
           "Roofing firm supports {cause}",
           "/Home & Garden/Home Improvement/Roofing", "Business/Construction and Maintenance",
           "homeowners", "local"),
    _niche("vet", "vet", "vets", "Vets | Veterinary Clinic | Animal Hospital | Pet Clinic",
           "vets {city} | emergency vet {city} | cat vaccinations {city} | "
           "dog neutering {city} | exotic pet vet {city} | pet dental care {city}",
           "puppy vaccinations | flea treatment | senior dogs | rabbit care | pet insurance | "
           "cat behaviour",
           "paw pet dog cat",
           "{city} vets treat injured swan | {brand} offers free microchipping | "
           "Vet practice raises funds for {cause}",
           "/Pets & Animals/Veterinarians", "Recreation/Pets", "pet owners", "local"),
    _niche("wedding_photographer", "wedding photographer", "wedding photographers",
           "Photography | Weddings | Photo | Studio",
           "wedding photographer {city} | engagement photos {city} | elopement photographer "
           "{city} | documentary wedding photography | wedding photography prices",
           "wedding venues | engagement shoots | golden hour portraits | wedding planning | "
           "bridal prep",
           "wedding bride veil vows",
           "{city} photographer's portrait shortlisted for national award | {brand} "
           "photographs {city} charity ball for {cause}",
           "/Arts & Entertainment/Visual Art & Design/Photographic & Digital Arts",
           "Arts/Photography", "couples", "local"),
    _niche("accountant", "accountant", "accountants",
           "Accountants | Accounting | Tax Advisers | Bookkeeping",
           "accountants {city} | tax return help {city} | small business accountant {city} | "
           "bookkeeping services {city} | payroll services {city}",
           "self assessment deadlines | VAT returns | payroll | limited company accounts | "
           "expense claims | cash flow",
           "tax money ledger numbers",
           "{city} accountants warn of tax deadline | {brand} hires two trainees | "
           "Accountancy firm runs free clinics for {group}",
           "/Finance/Accounting & Auditing", "Business/Accounting", "small business owners",
           "local"),
    _niche("yoga_studio", "yoga studio", "yoga studios", "Yoga | Yoga Studio | Movement",
           "yoga classes {city} | hot yoga {city} | beginner yoga {city} | "
           "pregnancy yoga {city} | pilates classes {city}",
           "yoga for beginners | breathing techniques | mobility | mindfulness | "
           "pregnancy yoga | back pain",
           "yoga zen flow calm",
           "{brand} hosts free outdoor yoga in {city} park | {city} studio raises funds for "
           "{cause}",
           "/Beauty & Fitness/Fitness/Yoga & Pilates", "Health/Fitness", "beginners", "local"),
    _niche("solar_installer", "solar installer", "solar installers",
           "Solar | Solar Energy | Renewables | Solar & Battery",
           "solar panels {city} | solar installers {city} | home battery storage {city} | "
           "heat pump installers {city} | ev charger installation {city}",
           "feed-in tariffs | battery storage | heat pumps | roof orientation | energy bills | "
           "ev charging",
           "green solar energy eco",
           "{city} school goes solar with {brand} | Local installer fits panels on "
           "community centre | {brand} supports {cause}",
           "/Business & Industrial/Energy & Utilities/Renewable & Alternative Energy",
           "Science/Environment", "homeowners", "local"),
    _niche("hotel_bnb", "guest house", "guest houses", "Guest House | B&B | Inn | Lodge",
           "bed and breakfast {city} | boutique hotel {city} | dog friendly hotel {city} | "
           "romantic weekend {city} | cheap hotels {city}",
           "weekend breaks | walking routes | local food | family holidays | "
           "dog friendly travel",
           "travel stay weekend trip",
           "{city} guest house named among the region's best | {brand} opens new garden rooms",
           "/Travel/Hotels & Accommodations", "Recreation/Travel", "travellers", "local"),
    _niche("saas_invoicing", "invoicing app", "invoicing apps", "",
           "invoicing software | online invoice generator | invoice app for freelancers | "
           "small business invoicing | recurring billing software | free invoice template",
           "getting paid on time | late payment reminders | freelance rates | VAT invoices | "
           "cash flow forecasting | accounting integrations",
           "freelance startup founder indie",
           "{brand} raises seed round to help freelancers get paid | {brand} launches "
           "recurring billing",
           "/Computers & Electronics/Software/Business & Productivity Software",
           "Computers/Software", "freelancers", "saas"),
    _niche("saas_project", "project management tool", "project management tools", "",
           "project management software | kanban board app | team task management | "
           "gantt chart software | remote team collaboration tool | sprint planning tool",
           "remote work | sprint planning | kanban boards | team productivity | "
           "async communication | OKRs",
           "remote team agile product",
           "{brand} adds AI summaries to its kanban boards | {brand} passes 10,000 teams",
           "/Computers & Electronics/Software/Business & Productivity Software",
           "Computers/Software", "team leads", "saas"),
    _niche("fintech", "business account", "business accounts", "",
           "business bank account | send money abroad | multi currency account | "
           "expense cards for teams | low fee international transfers",
           "exchange rates | business expenses | open banking | fraud prevention | "
           "international payroll | budgeting",
           "money finance startup budget",
           "{brand} secures e-money licence | {brand} launches expense cards for small teams",
           "/Finance/Banking", "Business/Financial Services", "founders", "saas"),
    _niche("travel_blog", "travel blog", "travel blogs", "",
           "things to do in {dest} | {dest} itinerary | budget travel tips | "
           "best time to visit {dest} | solo travel {dest} | hidden gems in {dest}",
           "packing lists | travel insurance | street food | hiking trails | train travel | "
           "budget hostels",
           "travel wander nomad trip",
           "Travel blogger {brand} on slow travel | {brand} wins travel writing award",
           "/Travel", "Recreation/Travel", "travellers", "blog"),
    _niche("shop_running", "running shop", "running shops", "Running | Run Co | Stride",
           "buy running shoes online | trail running shoes | running shoes for flat feet | "
           "womens running jackets | gait analysis {city}",
           "marathon training | trail running | injury prevention | running gear | parkrun | "
           "couch to 5k",
           "run runner miles trail",
           "{brand} sponsors {city} half marathon | Running shop {brand} opens on {street}",
           "/Shopping/Apparel/Athletic Apparel", "Sports/Running", "runners", "shop"),
    _niche("shop_tea", "tea shop", "tea shops", "Tea | Tea Co | Teahouse | Leaf",
           "loose leaf tea | buy matcha online | organic green tea | tea gift sets | "
           "chai tea blend | herbal tea subscription",
           "brewing green tea | matcha | herbal blends | tea ceremonies | caffeine | tea gifts",
           "tea leaf cup brew",
           "{brand} brings single-estate tea to {city} | {brand} launches plastic-free pouches",
           "/Food & Drink/Beverages/Coffee & Tea", "Shopping/Food", "tea lovers", "shop"),
    _niche("shop_jewellery", "jeweller", "jewellers", "Jewellery | Silver | Studio | Atelier",
           "handmade silver jewellery | personalised necklaces | engagement rings {city} | "
           "birthstone rings | sterling silver earrings | custom name necklace",
           "gift ideas | birthstones | ring sizing | silver care | sustainable jewellery | "
           "wedding accessories",
           "silver sparkle gem craft",
           "{city} jeweller {brand} uses recycled silver | {brand} designs charity pin for "
           "{cause}",
           "/Shopping/Apparel/Jewelry", "Shopping/Jewelry", "gift buyers", "shop"),
    _niche("shop_pets", "pet shop", "pet shops", "Pet Supplies | Pets | Pet Pantry",
           "natural dog food | grain free cat food | dog beds | puppy training treats | "
           "eco friendly cat litter | raw dog food delivery",
           "puppy training | dog nutrition | cat enrichment | pet allergies | dog walking gear",
           "paw pup woof kitty",
           "{brand} donates food to {city} animal shelter | Pet shop {brand} opens on {street}",
           "/Pets & Animals/Pet Food & Supplies", "Shopping/Pets", "pet owners", "shop"),
    _niche("shop_coffee", "coffee roaster", "coffee roasters", "Coffee | Roasters | Coffee Co",
           "speciality coffee beans | coffee subscription | single origin coffee | "
           "espresso beans online | decaf coffee beans | freshly roasted coffee",
           "home espresso | pour over | coffee origins | grind size | latte art | cold brew",
           "bean brew espresso roast",
           "{city} roastery {brand} wins gold at coffee awards | {brand} opens cafe on {street}",
           "/Food & Drink/Beverages/Coffee & Tea", "Shopping/Food", "coffee lovers", "shop"),
    # Local-language sites.
    _niche("zahnarzt", "Zahnarzt", "Zahnärzte", "Zahnarztpraxis | Zahnmedizin | Zahnärzte",
           "zahnarzt {city} | implantate {city} | bleaching {city} | zahnreinigung {city} | "
           "angstpatienten zahnarzt {city} | kieferorthopäde {city}",
           "Zahnreinigung | Implantate | Zahnangst | Kinderzahnheilkunde | Bleaching",
           "zahn laecheln praxis",
           "", "/Health/Oral & Dental Care", "Health/Dentistry", "Patienten", "local", "de",
           ("DE",)),
    _niche("boulangerie", "boulangerie", "boulangeries", "Boulangerie | Maison | Fournil",
           "boulangerie {city} | pain au levain {city} | gâteau d'anniversaire {city} | "
           "viennoiseries artisanales {city} | boulangerie bio {city}",
           "pain au levain | viennoiseries | galette des rois | pâtisserie | farine bio",
           "pain croissant gourmand",
           "", "/Food & Drink/Cooking & Recipes/Baked Goods", "Shopping/Food", "gourmands",
           "local", "fr", ("FR",)),
    _niche("fietsenwinkel", "fietsenwinkel", "fietsenwinkels", "Fietsen | Tweewielers | Bikes",
           "fietsenwinkel {city} | e-bike kopen {city} | fiets reparatie {city} | "
           "bakfiets kopen {city} | tweedehands fietsen {city}",
           "e-bikes | bakfietsen | fietsonderhoud | fietsverlichting | fietsvakantie",
           "fiets trappers wiel",
           "", "/Autos & Vehicles/Bicycles & Accessories", "Sports/Cycling", "fietsers",
           "local", "nl", ("NL",)),
    _niche("abogados", "abogado", "abogados", "Abogados | Asesores Legales | Bufete",
           "abogado {city} | abogado de divorcio {city} | abogado laboralista {city} | "
           "despacho de abogados {city} | abogado herencias {city}",
           "herencias | divorcio | despidos | accidentes de tráfico | contratos de alquiler",
           "legal derecho consejo",
           "", "/Law & Government/Legal", "Society/Law", "familias", "local", "es", ("ES",)),
]
NICHE_BY_KEY = {n.key: n for n in NICHES}
ENGLISH_NICHES = [n for n in NICHES if n.language == "en"]
LOCAL_LANGUAGE_NICHES = [n for n in NICHES if n.language != "en"]

# Legitimate platforms, invented for this generator (no real platform names).
SOCIAL_PLATFORMS = [
    # host, display name, path template, DR, log10 traffic
    ("kinnect.com", "Kinnect", "/company/{handle}/", 96, 8.6),
    ("pinspire.com", "Pinspire", "/pin/{num}/", 94, 8.2),
    ("vidloom.com", "Vidloom", "/watch?v={token}", 97, 9.0),
    ("chirpline.com", "Chirpline", "/{handle}/status/{num}", 95, 8.4),
    ("circlehub.com", "Circlehub", "/{handle}", 93, 8.0),
    ("snapgrid.com", "Snapgrid", "/{handle}/", 95, 8.5),
    ("mapspot.com", "Mapspot", "/place/{slug}/{num}", 92, 7.8),
    ("qandaly.com", "Qandaly", "/questions/{num}/{slug}", 88, 7.2),
    ("threadit.com", "Threadit", "/r/{sub}/comments/{token}/{slug}/", 93, 8.3),
    ("craftmarket.com", "Craftmarket", "/shop/{handle}", 90, 7.6),
]
FREE_HOSTS = ["blogspot.com", "wordpress.com", "tumblr.com", "wixsite.com", "weebly.com",
              "jimdosite.com", "webflow.io", "substack.com", "netlify.app", "home.blog"]
FREE_HOST_PLATFORM = {"blogspot.com": "blogger", "wordpress.com": "wordpress",
                      "tumblr.com": "tumblr", "wixsite.com": "wix", "weebly.com": "weebly",
                      "jimdosite.com": "jimdo", "webflow.io": "webflow",
                      "substack.com": "substack", "netlify.app": "", "home.blog": "wordpress"}
CHEAP_TLDS = words("xyz shop store site online agency click top buzz space website icu fun "
                   "live club pw monster cyou sbs cfd bond rest lol")
SEO_TOKENS = words("seo links backlinks backlink rank ranker serp linkbuilding guestpost "
                   "dofollow traffic boost authority pbn citation")
SEO_TAILS = words("pro hub lab king zone master expert express fast cheap buy best top star "
                  "gurus box base x hq")
SPAM_VOCAB = {
    "casino": {
        "tokens": words("casino slots bet poker jackpot spin roulette bonus lucky reels wager "
                     "vegas bingo betting spins odds"),
        "anchors": phrases("online casino | best casino bonus | free spins no deposit | "
                        "real money slots | sports betting tips | casino sites uk"),
        "titles": phrases("Best Online Casino Sites {year} - {n} Free Spins | {name} | "
                       "Slot Reviews and Bonus Codes - {name} | Betting Tips Today | {name} | "
                       "No Deposit Bonus Casinos ({year}) - {name}"),
        "category": "/Gambling", "topic": "Games/Gambling",
        "tlds": words("com net online bet site top"),
    },
    "pharma": {
        "tokens": words("pills pharmacy meds rx viagra cialis tramadol pharma drugstore generic "
                     "tablets"),
        "anchors": phrases("buy viagra online | cheap cialis | tramadol no prescription | "
                        "online pharmacy | generic pills"),
        "titles": phrases("Buy {token} Online Without Prescription - {name} | Cheap Generic Meds "
                       "Fast Delivery | {name} | {name} Online Pharmacy - {n}% Off"),
        "category": "/Health/Pharmacy", "topic": "Health/Pharmacy",
        "tlds": words("com net store shop"),
    },
    "payday_loans": {
        "tokens": words("loans payday cash credit lender advance quick instant funds money"),
        "anchors": phrases("payday loans | bad credit loans | instant cash advance | "
                        "same day loans | quick loans online"),
        "titles": phrases("Same Day Payday Loans - Bad Credit OK | {name} | Instant Cash Advance "
                       "in Minutes - {name} | {name}: Quick Loans Online"),
        "category": "/Finance/Credit & Lending", "topic": "Business/Financial Services",
        "tlds": words("com net online site loan")},
    "adult": {
        "tokens": words("xxx adult cams sexy escort hookup dating nsfw hot flirt"),
        "anchors": phrases("hot live cams | escort service | adult dating | xxx videos | "
                        "meet singles tonight"),
        "titles": phrases("Hot Live Cams Free - {name} | {name} Escorts and Dating | "
                       "Adult Videos Updated Daily - {name}"),
        "category": "/Adult", "topic": "Adult", "tlds": words("com net xxx live fun club")},
    "essay_writing": {
        "tokens": words("essay essays paper thesis homework assignment writers writing "
                     "dissertation"),
        "anchors": phrases("write my essay | essay writing service | cheap essay writers | "
                        "do my homework | buy dissertation"),
        "titles": phrases("Write My Essay Cheap - Professional Essay Writers | {name} | "
                       "{name}: Homework Help 24/7 | Buy Essays Online - {name}"),
        "category": "/Jobs & Education/Education", "topic": "Reference/Education",
        "tlds": words("com net org online")},
    "crypto": {
        "tokens": words("crypto bitcoin btc nft airdrop forex signals token coin defi trading "
                     "bot"),
        "anchors": phrases("crypto signals | bitcoin trading bot | forex robot | free airdrop | "
                        "best crypto exchange"),
        "titles": phrases("Crypto Signals and Bitcoin Trading Bot {year} | {name} | {name} - "
                       "Free Airdrops Daily | Forex Robot {n}% Monthly Profit - {name}"),
        "category": "/Finance/Investing/Currencies & Foreign Exchange",
        "topic": "Business/Financial Services", "tlds": words("io com net xyz app")},
}
DIRECTORY_WORDS = words("webdir linkdir sitelist weblist urlhub bizlist submitnow "
                        "dirlist freedir pagelist")
DIRECTORY_PATHS = ["/directory/{cat}/{slug}.html", "/submit-site/{slug}", "/bookmarks/{user}/",
                   "/links.html", "/web-directory/{cat}/{slug}/", "/detail/{slug}-{num}.html"]
DIRECTORY_CATS = words("business home-garden health shopping services local travel computers "
                       "society recreation")
UNRELATED_TOPICS = phrases(
    "Used Car Parts & Accessories | Fishing Tackle Online | Garden Furniture Sale | "
    "Guitar Lessons & Tabs | Printer Ink Cartridges | Caravan Holidays | Football Results | "
    "Vintage Watches | Scrap Metal Prices | Wedding Dresses | Kids Party Ideas | "
    "Motorbike Helmets | Aquarium Supplies | Bathroom Tiles | Golf Equipment")
GUEST_POST_TITLES = phrases(
    "{n} Ways {kw_t} Can Help Your Business | Why {kw_t} Matters More Than You Think | "
    "The Ultimate Guide to {kw_t} in {year} | {n} Things to Know Before Choosing {kw_t} | "
    "How to Pick the Right {kw_t}: Expert Tips | Top {n} Home Improvement Trends for {year} | "
    "{n} Budget Travel Hacks You Need to Try | How Technology Is Changing Small Business")
PBN_POST_TITLES = phrases(
    "{n} Things to Consider When Choosing {kw_t} | A Complete Guide to {kw_t} | "
    "{kw_t}: Everything You Need to Know | Is {kw_t} Worth It? | Best {kw_t} Tips for "
    "{year} | Our Favourite Recipes for Autumn | {n} Tips for a Greener Home | "
    "Planning the Perfect Family Holiday")
SEO_TITLES = phrases(
    "Buy High DA Backlinks - Cheap Guest Posts | {name} | {name} SEO Services - Rank #1 on "
    "Google | Our Clients and Case Studies | {name} | Dofollow PBN Links Packages - {name} | "
    "{name}: Link Building That Works")
TOXIC_MARKERS = {
    "legit": ["Weak domain", "Low domain power", "Poor layout", "Spam TLD"],
    "network": ["Link Network", "Mirror pages", "Weak domain"],
    "thin": ["Poor layout", "Weak domain", "Non-indexed domain", "Low domain power"],
    "topic": ["Malicious page", "Community warning", "Spam TLD", "Weak domain"],
    "seo": ["Spam TLD", "Link Network", "Community error"],
    "burst": ["Spam TLD", "Non-indexed domain", "De-indexed domain", "Poor layout"],
}
PAGE_CATEGORY = {
    "news": "/News", "forum": "/Online Communities", "social_platform": "/Online Communities",
    "edu_gov_org": "/Jobs & Education/Education", "press_release": "/News/Business News",
    "review_site": "/Business & Industrial", "seo_stats_page": "/Internet & Telecom",
    "local_directory": "/Business & Industrial", "legit_directory": "/Business & Industrial",
    "seo_service": "/Internet & Telecom/Web Services/Search Engine Optimization & Marketing",
    "directory_farm": "/Internet & Telecom/Web Services", "link_farm": "/Internet & Telecom",
}
MAJESTIC_TOPIC = {
    "news": "News/Newspapers", "forum": "Computers/Internet/On the Web",
    "social_platform": "Computers/Internet/On the Web",
    "edu_gov_org": "Reference/Education", "press_release": "News/Media",
    "review_site": "Business/Consumer Goods and Services", "seo_stats_page": "Computers/Internet",
    "local_directory": "Regional/Europe", "legit_directory": "Business/Associations",
    "seo_service": "Computers/Internet/Web Design and Development",
    "directory_farm": "Computers/Internet/Searching", "link_farm": "Computers/Internet",
    "scraper": "Computers/Internet", "pbn": "Recreation/Home",
    "clean_name_spam_com": "Business/Marketing and Advertising",
    "high_authority_spam": "Business/Marketing and Advertising",
}
IP_FIRST_OCTETS = [5, 23, 31, 37, 45, 46, 51, 62, 77, 78, 80, 81, 85, 89, 91, 93, 94, 95, 103,
                   104, 107, 109, 128, 134, 138, 139, 141, 143, 145, 146, 149, 151, 152, 154,
                   157, 158, 159, 162, 164, 165, 167, 168, 173, 176, 178, 185, 188, 193, 194,
                   195, 198, 199, 207, 208, 209, 212, 213, 216, 217]
TRADES = words("joinery electrical cleaning gardens decorating florist catering tutoring "
               "dogwalking tailoring printing removals garage cycles pottery upholstery")
HOBBIES = words("knitting birding baking running gardening fishing photos travels crafts "
                "cycling climbing sketches allotment recipes")
PARTNER_WORDS = words("supplies wholesale interiors events venues design builders merchants")
UNRELATED_WORDS = words("carparts tackle gardenfurniture guitartabs inkcartridges caravans "
                        "footballscores vintagewatches scrapmetal bridalwear partyideas "
                        "helmets aquatics tiles golfgear")
STARTUP_TLDS = words("xyz online site store shop club space live")
LOCAL_SURNAMES = {
    "de": words("Becker Hoffmann Krüger Wagner Schulz Lehmann Vogel Brandt"),
    "fr": words("Moreau Laurent Girard Fournier Lambert Rousseau Blanc"),
    "nl": words("Bakker Visser Smit Mulder Dekker Brouwer Jansen"),
    "es": words("Navarro Ortega Romero Castillo Ruiz Molina Serrano"),
}
LOCAL_TRADES = {
    "de": words("tischlerei malerbetrieb gartenbau elektro blumen"),
    "fr": words("menuiserie fleuriste traiteur plomberie"),
    "nl": words("timmerwerken bloemen schilders installatie"),
    "es": words("carpinteria floristeria reformas fontaneria"),
}
NATIONAL_NEWS_LOCAL = {
    "de": ["tageskurier.de", "neuerundschau.de", "abendanzeiger.de"],
    "fr": ["lequotidien-infos.fr", "actu-hebdo.fr", "lecourrierdumatin.fr"],
    "nl": ["hetdagblad-online.nl", "nieuwecourant.nl", "avondnieuws.nl"],
    "es": ["diariodelamanana.es", "noticiasaldia.es", "elheraldodigital.es"],
}
CONSONANTS = "bcdfghjklmnpqrstvwxz"
VOWELS = "aeiou"


# ---------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------
class Rng:
    """A seeded numpy Generator with the few draws the generator needs."""

    def __init__(self, *key: int):
        self.g = np.random.default_rng(np.random.SeedSequence([int(k) for k in key]))

    def pick(self, seq):
        return seq[int(self.g.integers(len(seq)))]

    def chance(self, p: float) -> bool:
        return bool(self.g.random() < p)

    def uni(self, a: float, b: float) -> float:
        return float(self.g.uniform(a, b))

    def int(self, a: int, b: int) -> int:  # inclusive
        return int(self.g.integers(a, b + 1))

    def sample(self, seq, k: int) -> list:
        k = min(k, len(seq))
        return [seq[int(i)] for i in self.g.choice(len(seq), size=k, replace=False)]

    def weighted(self, weights: dict):
        keys = list(weights)
        p = np.asarray([weights[k] for k in keys], dtype=float)
        return keys[int(self.g.choice(len(keys), p=p / p.sum()))]

    def normal(self, mu: float, sd: float) -> float:
        return float(self.g.normal(mu, sd))

    def zipf(self, a: float, lo: int, hi: int) -> int:
        return int(min(hi, lo - 1 + int(self.g.zipf(a))))

    def loguni(self, lo: float, hi: float) -> float:
        return float(np.exp(self.g.uniform(np.log(lo), np.log(hi))))

    def beta(self, a: float, b: float) -> float:
        return float(self.g.beta(a, b))


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(text).lower().replace("&", " and ")).strip("-")


def squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", ascii_fold(text).lower().replace("&", ""))


def title_case(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in text.split())


def clip(x: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, x))


def gibberish(rng: Rng, n: int, digits: float = 0.25) -> str:
    out = []
    for i in range(n):
        if rng.chance(digits):
            out.append(str(rng.int(0, 9)))
        else:
            out.append(rng.pick(CONSONANTS if i % 2 == 0 or rng.chance(0.3) else VOWELS))
    return "".join(out)


def new_block(rng: Rng) -> str:
    return f"{rng.pick(IP_FIRST_OCTETS)}.{rng.int(1, 254)}.{rng.int(0, 255)}"


def ip_in(block: str, rng: Rng) -> str:
    return f"{block}.{rng.int(2, 253)}"


# ---------------------------------------------------------------------------------------
# Entities
# ---------------------------------------------------------------------------------------
@dataclass
class Domain:
    """A referring domain: its name, pattern and vendor metrics (site-independent)."""

    key: str  # the disavow unit: registrable domain, free-host subdomain, or IP
    host: str  # host used in URLs (www., forum., ...)
    pattern: str
    name: str  # display name used in titles
    dr: int = 0
    traffic: int = 0
    ip: str = ""
    country: str = "US"
    language: str = "en"
    platform: str = ""
    family: str = ""
    flavour: str = ""  # spam topic for topic/nofollow spam
    ahrefs_spam: bool = False
    moz_spam: int | None = None
    da: int = 0
    tf: int = 0
    cf: int = 0
    https: bool = True
    free_host: str = ""
    ip_literal: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def label(self) -> int:
        return PATTERNS[self.pattern][0]

    @property
    def root(self) -> str:
        """Search Console's root-domain group for this domain."""
        return self.free_host or self.key

    @property
    def tld(self) -> str:
        return "" if self.ip_literal else self.key.rsplit(".", 1)[-1]


@dataclass
class Link:
    dom: Domain
    source_url: str
    target_url: str
    anchor: str
    title: str
    left: str
    right: str
    nofollow: bool
    ugc: bool
    sponsored: bool
    content: bool
    sitewide: bool
    image: bool
    redirect: tuple[str, str] | None
    http_code: int
    first_seen: datetime
    last_seen: datetime
    lost: datetime | None
    drop_reason: str
    ext_links: int
    int_links: int
    ur: int
    page_traffic: int
    keywords: int
    page_rd: int
    linked_domains: int
    links_in_group: int
    page_type: str
    author: str
    category: str
    topic: str
    label: int
    reason: str
    toxicity: int = 0
    markers: str = ""
    pa: int = 0
    page_ascore: int = 0
    stf: int = 0
    scf: int = 0
    anchor_kind: str = ""
    crawled: date | None = None  # Search Console "Last crawled" (set for GSC rows)


@dataclass
class Site:
    index: int
    seed_key: list[int]
    niche: Niche
    country: str
    city: str
    language: str
    brand: str
    domain: str
    www: bool
    money_keywords: list[str]
    kw_pages: dict[str, str]
    pages: list[str]
    export_date: date
    start_date: date
    spam_profile: str
    fmt: str
    refdomains: bool
    tf: int
    cf: int

    @property
    def host(self) -> str:
        return ("www." if self.www else "") + self.domain

    @property
    def base_url(self) -> str:
        return f"https://{self.host}"

    @property
    def suffix(self) -> str:
        return COUNTRIES[self.country][0]

    @property
    def dir_name(self) -> str:
        return f"site-{self.index + 1:02d}-{self.domain}"


@dataclass
class Profile:
    site: Site
    domains: list[Domain]
    labels: dict[str, int]  # domain key -> expert label after noise
    noise: dict[str, str]  # domain key -> "flipped"
    links: list[Link]


# ---------------------------------------------------------------------------------------
# Metrics per pattern: DR range, traffic model, Ahrefs "Is spam" rate, Moz spam beta(a, b)
# ---------------------------------------------------------------------------------------
METRICS = {
    "news": ((45, 92), "tracks", 0.0, (1.2, 14)),
    "niche_blog": ((8, 48), "tracks", 0.01, (1.3, 9)),
    "free_host_blog": ((0, 14), "low", 0.03, (1.8, 6)),
    "local_directory": ((15, 55), "tracks", 0.02, (1.6, 7)),
    "legit_directory": ((20, 60), "tracks", 0.01, (1.3, 10)),
    "forum": ((18, 70), "tracks", 0.01, (1.4, 9)),
    "edu_gov_org": ((40, 88), "tracks", 0.0, (1.1, 16)),
    "social_platform": ((88, 97), "tracks", 0.0, (1.1, 20)),
    "press_release": ((42, 78), "tracks", 0.04, (1.5, 7)),
    "review_site": ((50, 85), "tracks", 0.0, (1.2, 12)),
    "seo_stats_page": ((15, 50), "some", 0.12, (2.0, 4)),
    "legit_low_authority": ((0, 10), "low", 0.015, (1.6, 7)),
    "partner_sitewide": ((4, 30), "tracks", 0.01, (1.4, 8)),
    "legit_cheap_tld": ((8, 40), "tracks", 0.05, (2.0, 5)),
    "pbn": ((20, 60), "zero", 0.15, (2.0, 3.2)),
    "link_farm": ((0, 18), "zero", 0.6, (3.5, 2.0)),
    "seo_service": ((0, 35), "low", 0.45, (2.6, 2.6)),
    "casino": ((2, 45), "some", 0.45, (2.6, 2.4)),
    "pharma": ((0, 35), "low", 0.5, (2.8, 2.2)),
    "payday_loans": ((0, 35), "low", 0.45, (2.6, 2.4)),
    "adult": ((0, 40), "some", 0.5, (2.6, 2.4)),
    "essay_writing": ((5, 40), "low", 0.35, (2.2, 2.8)),
    "crypto": ((0, 38), "low", 0.4, (2.4, 2.6)),
    "directory_farm": ((5, 35), "zero", 0.3, (2.6, 2.4)),
    "scraper": ((0, 10), "zero", 0.5, (3.0, 2.0)),
    "sitewide_footer": ((10, 40), "tracks", 0.05, (1.6, 5)),
    "negative_seo_burst": ((0, 5), "zero", 0.4, (3.0, 2.0)),
    "spam_free_host": ((0, 8), "zero", 0.3, (2.6, 2.4)),
    "ip_host": ((0, 0), "zero", 0.2, (3.0, 2.0)),
    "high_authority_spam": ((60, 82), "zero", 0.1, (1.6, 4.5)),
    "nofollow_spam": ((0, 40), "low", 0.4, (2.6, 2.4)),
    "clean_name_spam_com": ((20, 50), "low", 0.08, (1.6, 4.5)),
}


def assign_metrics(d: Domain, rng: Rng) -> Domain:
    (lo, hi), traffic_mode, spam_rate, (a, b) = METRICS[d.pattern]
    if not d.dr:
        d.dr = rng.int(lo, hi)
    if traffic_mode == "tracks":
        t = 10 ** (d.dr * 0.065 + rng.normal(0, 0.35))
        d.traffic = 0 if (d.dr < 12 and rng.chance(0.25)) else int(t)
    elif traffic_mode == "low":
        d.traffic = 0 if rng.chance(0.4) else int(rng.loguni(1, 300))
    elif traffic_mode == "zero":
        d.traffic = 0 if rng.chance(0.75) else int(rng.loguni(1, 40))
    elif traffic_mode == "some":
        d.traffic = int(rng.loguni(5, 8000))
    d.ahrefs_spam = rng.chance(spam_rate)
    d.moz_spam = None if rng.chance(0.05) else int(clip(round(100 * rng.beta(a, b)), 1, 99))
    d.da = int(clip(round(d.dr * 0.8 + rng.normal(4, 7)), 1, 100))
    d.cf = int(clip(round(d.dr * 0.6 + rng.normal(0, 6)), 0, 75))
    spammy = PATTERNS[d.pattern][0] == 1
    d.tf = int(clip(round(d.cf * (rng.uni(0.05, 0.45) if spammy else rng.uni(0.6, 1.1))), 0, 75))
    if not d.ip:
        d.ip = ip_in(new_block(rng), rng)
    return d


# ---------------------------------------------------------------------------------------
# The world: domains that link to many sites (platforms, wires, spam networks)
# ---------------------------------------------------------------------------------------
@dataclass
class World:
    seed: int
    pools: dict[str, list[Domain]]
    taken: dict[str, Domain]
    niche_order: list[Niche]

    def claim(self, d: Domain) -> Domain | None:
        """Register a new domain; return the existing one when the same pattern already
        owns the key, None when another pattern does (the caller draws a new name)."""
        old = self.taken.get(d.key)
        if old is None:
            self.taken[d.key] = d
            return d
        return old if old.pattern == d.pattern else None


def make_domain(world: World, rng: Rng, pattern: str, namer, *, tries: int = 40,
                reuse: bool = False, **attrs) -> Domain:
    """Draw names from ``namer`` until one is free, then assign metrics."""
    for _ in range(tries):
        key, host, name = namer()
        d = Domain(key=key, host=host, pattern=pattern, name=name, **attrs)
        got = world.claim(d)
        if got is d:
            return assign_metrics(d, rng)
        if got is not None and reuse:
            return got
    key, host, name = namer()
    key = f"{key.split('.')[0]}{rng.int(10, 99)}.{key.split('.', 1)[1]}"
    d = Domain(key=key, host=key, pattern=pattern, name=name, **attrs)
    world.taken[key] = d
    return assign_metrics(d, rng)


def plain(key: str, www: float, rng: Rng, name: str | None = None) -> tuple[str, str, str]:
    host = ("www." + key) if rng.chance(www) else key
    return key, host, name or title_case(key.split(".")[0].replace("-", " "))


def build_world(seed: int) -> World:
    rng = Rng(seed, 0)
    order = list(ENGLISH_NICHES)
    perm = rng.g.permutation(len(order))
    world = World(seed, {}, {}, [order[int(i)] for i in perm])
    pools = world.pools

    def add(pool: str, d: Domain) -> Domain:
        pools.setdefault(pool, []).append(d)
        return d

    for host, name, _path, dr, logt in SOCIAL_PLATFORMS:
        d = Domain(key=host, host="www." + host if "map" not in host else host,
                   pattern="social_platform", name=name, dr=dr, extra={"path": _path})
        world.taken[host] = d
        assign_metrics(d, rng)
        d.traffic = int(10 ** (logt + rng.normal(0, 0.1)))
        add("social_platform", d)

    wire_words = ["newswire.com", "prwire.com", "pressdesk.com", "mediapost.net"]
    for i in range(8):
        w = rng.pick(NOUN + ADJ)
        add("press_release", make_domain(
            world, rng, "press_release",
            lambda w=w, i=i: plain(w + wire_words[i % 4], 0.7, rng),
            country=rng.pick(HOSTING_COUNTRIES)))
    for key in ["starrater.com", "vouchly.com", "feedbackpost.com", "localrated.com",
                "trustyreviews.net", "honestverdict.com", "tradevouch.co.uk"]:
        add("review_site", make_domain(world, rng, "review_site",
                                       lambda key=key: plain(key, 0.8, rng),
                                       country=rng.pick(HOSTING_COUNTRIES)))
    for key in ["sitevaluecheck.net", "webworthometer.com", "domainstatsly.com",
                "siteprice.info", "statsforsites.com", "websitevalue.top", "hostinginsight.xyz",
                "siteoutlook.org", "whoisdigest.com", "trafficestimate.info",
                "urlworth.site", "pagerankchecker.online"]:
        add("seo_stats_page", make_domain(world, rng, "seo_stats_page",
                                          lambda key=key: plain(key, 0.3, rng),
                                          country=rng.pick(HOSTING_COUNTRIES)))
    for cc, (sfx, *_rest) in COUNTRIES.items():
        lang = COUNTRIES[cc][4]
        if lang == "en":
            for _ in range(5):
                add(f"national_news_{cc}", make_domain(
                    world, rng, "news",
                    lambda sfx=sfx: plain(f"{rng.pick(NEWS_LEAD)}{rng.pick(NEWS_NOUN)}.{sfx}",
                                          0.8, rng),
                    country=cc))
        else:
            for key in NATIONAL_NEWS_LOCAL[lang]:
                add(f"national_news_{cc}", make_domain(
                    world, rng, "news", lambda key=key: plain(key, 0.8, rng),
                    country=cc, language=lang))
        for d in pools[f"national_news_{cc}"]:
            d.dr = rng.int(70, 92)
            assign_metrics(d, rng)

    # Private blog networks: expired-looking normal names, some on one /24.
    for net in range(6):
        block = new_block(rng)
        fam = f"pbn{net + 1}"
        for _ in range(rng.int(8, 14)):
            def namer():
                tld = rng.pick(["com", "com", "net", "org", "info", "co"])
                stem = rng.pick([
                    f"{rng.pick(ADJ)}{rng.pick(NOUN)}",
                    f"the{rng.pick(NOUN)}{rng.pick(BLOG_SUFFIX)}",
                    f"{rng.pick(ADJ)}{rng.pick(NOUN)}{rng.pick(BLOG_SUFFIX)}",
                    f"{rng.pick(NOUN)}and{rng.pick(NOUN)}"])
                return plain(f"{stem}.{tld}", 0.5, rng)
            ip = ip_in(block, rng) if rng.chance(0.4) else ""
            add(fam, make_domain(world, rng, "pbn", namer, family=fam, ip=ip,
                                 platform="wordpress"))
        pools.setdefault("pbn_networks", []).append(fam)

    # Link-farm families: <token>-links-<cc>.<tld>, one title template, one /24.
    for _family in range(4):
        token = gibberish(rng, 3, digits=0.0)
        tld = rng.pick(["xyz", "top", "site", "online"])
        fam = f"farm-{token}"
        block = new_block(rng)
        title = f"{token.upper()} Links {{cc}} - Free Link Exchange Page {{n}}"
        members = rng.sample(words("uk de us fr au ca nl es it pl ie nz se dk no at ch be "
                                   "01 02 03 04 05 06 07 08 09 10 11 12"), rng.int(7, 14))
        for m in members:
            add(fam, make_domain(world, rng, "link_farm",
                                 lambda m=m, token=token, tld=tld: plain(
                                     f"{token}-links-{m}.{tld}", 0.0, rng,
                                     f"{token.upper()} Links {m.upper()}"),
                                 family=fam, ip=ip_in(block, rng), https=False,
                                 extra={"title": title}))
        pools.setdefault("farm_families", []).append(fam)

    # SEO-service and link-selling domains.
    seo_blocks = [new_block(rng) for _ in range(3)]
    for _ in range(34):
        def namer():
            tok, tail, cheap = rng.pick(SEO_TOKENS), rng.pick(SEO_TAILS), rng.pick(CHEAP_TLDS)
            stem = rng.pick([f"{tok}{tail}", f"buy{tok}", f"{tok}-{tail}", f"{tail}{tok}",
                             f"gig{tok}-{rng.int(1, 40)}", f"{tok}{rng.pick(NOUN)}"])
            return plain(f"{stem}.{cheap}", 0.2, rng)
        ip = ip_in(rng.pick(seo_blocks), rng) if rng.chance(0.4) else ""
        add("seo_service", make_domain(world, rng, "seo_service", namer, ip=ip))

    # Topic spam (casino, pharma, ...), some of each topic on a shared /24.
    for flavour in TOPIC_SPAM:
        voc = SPAM_VOCAB[flavour]
        block = new_block(rng)
        for _ in range(22 if flavour == "casino" else 14):
            def namer(voc=voc):
                a, b = rng.sample(voc["tokens"], 2)
                num = str(rng.pick([7, 24, 77, 88, 99, 247, 365, 777, 1, 2024]))
                stem = rng.pick([f"{a}{b}", f"{a}-{b}", f"{a}{b}{num}", f"{a}{rng.pick(NOUN)}",
                                 f"{rng.pick(SEO_TAILS)}{a}"])
                return plain(f"{stem}.{rng.pick(voc['tlds'])}", 0.4, rng)
            ip = ip_in(block, rng) if rng.chance(0.5) else ""
            add(flavour, make_domain(world, rng, flavour, namer, ip=ip, flavour=flavour,
                                     country=rng.pick(SPAM_HOSTING_COUNTRIES)))

    # Directory and bookmark farms.
    dir_blocks = [new_block(rng) for _ in range(2)]
    for _ in range(26):
        def namer():
            w = rng.pick(DIRECTORY_WORDS)
            stem = rng.pick([f"{rng.pick(ADJ)}{w}", f"{w}{rng.int(1, 99)}",
                             f"{rng.pick(NOUN)}bookmarks", f"submit{rng.pick(NOUN)}",
                             f"{rng.pick(ADJ)}-web-directory", f"{w}-{rng.pick(NOUN)}"])
            return plain(f"{stem}.{rng.pick(['info', 'org', 'net', 'com', 'biz', 'in'])}",
                         0.5, rng)
        ip = ip_in(rng.pick(dir_blocks), rng) if rng.chance(0.6) else ""
        add("directory_farm", make_domain(world, rng, "directory_farm", namer, ip=ip,
                                          https=rng.chance(0.4)))

    # Scrapers: random-looking labels with digits, hundreds of outbound links.
    scraper_block = new_block(rng)
    for _ in range(40):
        def namer():
            stem = rng.pick([gibberish(rng, rng.int(5, 9)),
                             f"{gibberish(rng, 4)}-{rng.pick(['info', 'stats', 'web', 'site'])}",
                             f"{rng.pick(['web', 'site', 'dom', 'url'])}{rng.int(100, 9999)}",
                             f"{gibberish(rng, 3, 0)}{rng.pick(NOUN)}{rng.int(1, 99)}"])
            return plain(f"{stem}.{rng.pick(CHEAP_TLDS + ['com', 'net', 'info'])}", 0.1, rng)
        ip = ip_in(scraper_block, rng) if rng.chance(0.3) else ""
        add("scraper", make_domain(world, rng, "scraper", namer, ip=ip,
                                   country=rng.pick(SPAM_HOSTING_COUNTRIES),
                                   https=rng.chance(0.5)))

    # Hard cases: high-DR expired domains without traffic, clean .com guest-post farms,
    # nofollow spam.
    for _ in range(12):
        def namer():
            stem = rng.pick([f"{rng.pick(ADJ)}{rng.pick(NOUN)}magazine",
                             f"the{rng.pick(NOUN)}review", f"{rng.pick(NEWS_LEAD)}{rng.pick(NOUN)}",
                             f"{rng.pick(NOUN)}{rng.pick(NEWS_NOUN)}"])
            return plain(f"{stem}.{rng.pick(['com', 'org', 'net'])}", 0.6, rng)
        add("high_authority_spam", make_domain(world, rng, "high_authority_spam", namer))
    gp_block = new_block(rng)
    for _ in range(18):
        def namer():
            stem = (rng.pick(["daily", "smart", "modern", "urban", "the", "true", "prime", "next"])
                    + rng.pick(["business", "home", "tech", "money", "lifestyle", "health",
                                "travel", "garden", "startup"])
                    + rng.pick(["insight", "insider", "journal", "hub", "digest", "times",
                                "magazine", "review", "today", "weekly"]))
            return plain(f"{stem}.com", 0.6, rng)
        ip = ip_in(gp_block, rng) if rng.chance(0.5) else ""
        add("clean_name_spam_com", make_domain(world, rng, "clean_name_spam_com", namer, ip=ip,
                                               platform="wordpress"))
    for _ in range(16):
        flavour = rng.pick(TOPIC_SPAM + ["seo", "seo"])

        def namer(flavour=flavour):
            if flavour == "seo":
                stem = f"{rng.pick(SEO_TOKENS)}{rng.pick(SEO_TAILS)}"
                return plain(f"{stem}.{rng.pick(CHEAP_TLDS)}", 0.3, rng)
            voc = SPAM_VOCAB[flavour]
            a, b = rng.sample(voc["tokens"], 2)
            return plain(f"{a}{b}{rng.int(1, 99)}.{rng.pick(voc['tlds'])}", 0.3, rng)
        add("nofollow_spam", make_domain(world, rng, "nofollow_spam", namer, flavour=flavour))
    return world


# ---------------------------------------------------------------------------------------
# Target sites
# ---------------------------------------------------------------------------------------
PROFILE_CYCLE = ["typical", "bought", "clean", "attacked", "typical", "typical", "clean",
                 "bought", "attacked"]
COUNTRY_WEIGHTS = {"GB": 3, "US": 3, "AU": 1.5, "CA": 1.2, "IE": 0.8, "NZ": 0.8}


def make_brand(rng: Rng, niche: Niche, city: str, country: str) -> tuple[str, str]:
    """Return (brand, domain stem)."""
    if niche.language != "en":
        sur = rng.pick(LOCAL_SURNAMES[niche.language])
        if niche.key == "zahnarzt":
            return f"Zahnarztpraxis {sur}", f"zahnarzt-{squash(sur)}"
        if niche.key == "boulangerie":
            w = rng.pick(["du Parc", "des Halles", sur, "Saint-Roch"])
            return f"Boulangerie {w}", f"boulangerie-{slug(w)}"
        if niche.key == "fietsenwinkel":
            return f"Fietsen {sur}", f"fietsen{squash(sur)}"
        return f"{sur} Abogados", f"{squash(sur)}abogados"
    w1, w2 = rng.sample(BRAND_WORDS, 2)
    if niche.kind == "saas":
        b = rng.pick(COINED_HEAD) + rng.pick(COINED_TAIL)
        return b, squash(b)
    if niche.kind == "blog":
        b = rng.pick([f"{rng.pick(FIRST).title()} Wanders", f"The {w1} Compass",
                      f"{w1} & {w2} Travels"])
        return b, squash(b)
    noun = rng.pick(niche.nouns)
    if niche.kind == "shop":
        b = rng.pick([f"{w1} & {w2}", f"{w1} {noun}", f"{w1} {noun}"])
        return b, squash(b)
    if niche.key in ("law_firm", "accountant") and rng.chance(0.5):
        s1, s2 = rng.sample(SURNAME, 2)
        b = f"{s1.title()} & {s2.title()} {noun}"
        return b, squash(f"{s1}{s2}")
    b = rng.pick([f"{w1} {noun}", f"{w1} & {w2} {noun}", f"{city} {noun}"])
    stem = squash(b)
    if len(stem) > 22:
        stem = squash(b.split()[0] + noun.split()[0])
    return b, stem


def build_site(world: World, seed: int, index: int, niche: Niche | None = None,
               country: str | None = None, city: str | None = None,
               brand: tuple[str, str] | None = None,
               keywords: list[str] | None = None) -> Site:
    rng = Rng(seed, 1, index)
    if niche is None:
        if index % 9 == 4:
            niche = LOCAL_LANGUAGE_NICHES[(index // 9) % len(LOCAL_LANGUAGE_NICHES)]
        else:
            niche = world.niche_order[index % len(world.niche_order)]
    if country is None:
        country = niche.countries[0] if niche.countries else rng.weighted(COUNTRY_WEIGHTS)
    if city is None:
        city = rng.pick(COUNTRIES[country][5])
    sfx = COUNTRIES[country][0]
    brand_name, stem = brand or make_brand(rng, niche, city, country)
    if niche.kind == "saas":
        domain = f"{stem}.{rng.pick(['io', 'com', 'app', 'io'])}"
    elif niche.kind == "blog":
        domain = f"{stem}.{rng.pick(['com', 'com', 'blog'])}"
    elif niche.kind == "shop" and country == "US":
        domain = f"{stem}.com"
    else:
        domain = f"{stem}.{sfx}"
    dest = rng.pick(DESTINATIONS)
    kws = rng.sample(list(niche.keywords), rng.int(5, min(6, len(niche.keywords))))
    money = [k.replace("{city}", city.lower()).replace("{dest}", dest.lower()) for k in kws]
    if keywords:
        money = list(keywords)
    kw_pages = {}
    for k in money:
        core = k.replace(city.lower(), "").replace(dest.lower(), "").strip()
        kw_pages[k] = f"/{slug(core) or 'services'}/"
    pages = ["/", "/about/", "/contact/"] + [
        f"/blog/{slug(t)}/" for t in rng.sample(list(niche.topics), 3)]
    export = date(2026, 11, rng.int(9, 21))
    start = export - timedelta(days=rng.int(800, 3300))
    return Site(
        index=index, seed_key=[seed, 1, index], niche=niche, country=country, city=city,
        language=niche.language, brand=brand_name, domain=domain,
        www=niche.kind != "saas" and rng.chance(0.6), money_keywords=money, kw_pages=kw_pages,
        pages=pages, export_date=export, start_date=start,
        spam_profile=PROFILE_CYCLE[index % len(PROFILE_CYCLE)],
        fmt=PRIMARY_FORMATS[index % len(PRIMARY_FORMATS)], refdomains=(index * 7) % 5 == 0,
        tf=rng.int(8, 35), cf=rng.int(12, 40))


# ---------------------------------------------------------------------------------------
# Per-site referring domains
# ---------------------------------------------------------------------------------------
LEGIT_WEIGHTS = {
    "news": 6, "niche_blog": 14, "free_host_blog": 5, "local_directory": 6,
    "legit_directory": 4, "forum": 8, "edu_gov_org": 3, "social_platform": 5,
    "press_release": 2.5, "review_site": 3, "seo_stats_page": 5, "legit_low_authority": 16,
    "partner_sitewide": 0.7, "legit_cheap_tld": 2.5,
}
SPAM_WEIGHTS = {
    "typical": {"pbn": 3, "link_farm": 3, "seo_service": 3, "casino": 2, "pharma": 1,
                "payday_loans": 1, "adult": 1, "essay_writing": 1, "crypto": 1,
                "directory_farm": 4, "scraper": 5, "sitewide_footer": 1, "spam_free_host": 2,
                "ip_host": 1, "high_authority_spam": 1, "nofollow_spam": 2,
                "clean_name_spam_com": 1.5},
    "clean": {"scraper": 5, "directory_farm": 3, "seo_service": 1.5, "casino": 1, "pharma": .5,
              "payday_loans": .5, "adult": .6, "essay_writing": .5, "crypto": .5,
              "spam_free_host": 1.5, "link_farm": 1.2, "sitewide_footer": .4, "ip_host": .8,
              "nofollow_spam": 1.5, "high_authority_spam": .3, "clean_name_spam_com": .4,
              "pbn": .4},
    "bought": {"pbn": 8, "clean_name_spam_com": 4, "high_authority_spam": 2.5, "seo_service": 3,
               "sitewide_footer": 1.5, "link_farm": 3, "directory_farm": 3, "scraper": 3,
               "casino": 1, "pharma": .5, "payday_loans": .5, "adult": .5,
               "essay_writing": .5, "crypto": .5, "spam_free_host": 2, "ip_host": .5,
               "nofollow_spam": 1},
}
SPAM_WEIGHTS["attacked"] = SPAM_WEIGHTS["typical"]
SPAM_SHARE = {"clean": (0.06, 0.12), "typical": (0.17, 0.28), "bought": (0.3, 0.42),
              "attacked": (0.14, 0.22)}


class SiteNamer:
    """Name factories for domains that belong to one site's neighbourhood."""

    def __init__(self, site: Site, rng: Rng):
        self.s, self.r = site, rng
        self.c = squash(site.city)
        self.sfx = site.suffix
        self.org = COUNTRIES[site.country][1]
        self.lang = site.language
        self.loc = LOCAL.get(self.lang)

    def tld(self, com_share: float = 0.4) -> str:
        return "com" if self.r.chance(com_share) else self.sfx

    def news(self):
        r = self.r
        if self.loc:
            word = r.pick(self.loc["news"])
            stem = r.pick([self.c + word, word + "-" + self.c])
            return plain(f"{stem}.{self.sfx}", 0.7, r)
        stem = r.pick([f"{self.c}{r.pick(NEWS_NOUN)}", f"the{self.c}{r.pick(NEWS_NOUN)}",
                       f"{self.c}live", f"{self.c}{r.pick(NEWS_NOUN)}"])
        return plain(f"{stem}.{self.tld(0.3)}", 0.8, r)

    def niche_blog(self):
        r, n = self.r, self.s.niche
        if self.loc and r.chance(0.7):
            w = r.pick(n.blog_words)
            if self.lang == "de" and r.chance(0.25):
                w = r.pick(["zahnärzte", "lächeln", "gesundezähne"])
            return plain(f"{w}{r.pick(self.loc['blog'])}.{self.sfx}", 0.5, r)
        stem = r.pick([f"{r.pick(n.blog_words)}{r.pick(BLOG_SUFFIX)}",
                       f"the{r.pick(ADJ)}{r.pick(n.blog_words)}",
                       f"{r.pick(FIRST)}{r.pick(n.blog_words)}{r.pick(BLOG_SUFFIX)}",
                       f"{r.pick(n.blog_words)}and{r.pick(NOUN)}"])
        return plain(f"{stem}.{r.pick(['com', 'com', 'net', 'blog', self.sfx])}", 0.5, r)

    def free_host_blog(self):
        r, n = self.r, self.s.niche
        host = r.pick(FREE_HOSTS[:7])
        sub = f"{r.pick(FIRST)}{r.pick(n.blog_words)}{r.pick(BLOG_SUFFIX)}"
        key = f"{sub}.{host}"
        return key, key, title_case(sub)

    def local_directory(self):
        r = self.r
        if self.loc:
            word = r.pick(self.loc["directory"])
            stem = r.pick([word + "-" + self.c, self.c + word])
            return plain(f"{stem}.{self.sfx}", 0.6, r)
        prov = squash(self.s.niche.provider)
        stem = r.pick([f"{self.c}pages", f"{self.c}localguide", f"find{prov}s",
                       f"{self.c}businessfinder", f"best{self.c}", f"{self.c}directory"])
        return plain(f"{stem}.{self.tld(0.3)}", 0.7, r)

    def legit_directory(self):
        r = self.r
        prov = squash(self.s.niche.provider)
        if self.loc:
            stem = {"de": f"{self.c}-handelskammer", "fr": f"cci-{self.c}",
                    "nl": f"ondernemers-{self.c}", "es": f"camara{self.c}"}[self.lang]
            if r.chance(0.4):
                stem = f"verband-{prov}" if self.lang == "de" else f"{prov}-{self.c}-asso"
            return plain(f"{stem}.{self.sfx}", 0.7, r)
        stem = r.pick([f"{self.c}chamber", f"{self.c}-chamber", f"{self.c}businessnetwork",
                       f"{r.pick(ASSOC_LEAD)}{prov}{r.pick(ASSOC_WORD)}",
                       f"{prov}{r.pick(ASSOC_WORD)}"])
        return plain(f"{stem}.{self.org}", 0.7, r)

    def forum(self):
        r, n = self.r, self.s.niche
        if self.loc:
            return plain(f"{self.c}-{r.pick(self.loc['forum'])}.{self.sfx}", 0.5, r)
        stem = r.pick([f"{r.pick(n.blog_words)}{r.pick(FORUM_WORD)}",
                       f"{self.c}{r.pick(FORUM_WORD)}", f"{self.c}diy{r.pick(FORUM_WORD)}",
                       f"{r.pick(ADJ)}{r.pick(n.blog_words)}{r.pick(FORUM_WORD)}"])
        key, host, name = plain(f"{stem}.{self.tld(0.6)}", 0.5, r)
        if r.chance(0.25):
            host = f"{r.pick(['forum', 'community', 'talk'])}.{key}"
        return key, host, name

    def edu_gov_org(self):
        r = self.r
        _, org, gov, edu, *_ = COUNTRIES[self.s.country]
        kind = r.pick(["edu", "gov", "org", "org"])
        if self.loc:
            stem = {"edu": f"uni-{self.c}", "gov": f"stadt-{self.c}",
                    "org": f"{self.c}-{r.pick(['tafel', 'verein', 'hilfe'])}"}[kind]
            return plain(f"{stem}.{self.sfx}", 0.8, r)
        if kind == "edu":
            stem = r.pick([f"{self.c}college", f"univ{self.c}", f"{self.c}-university",
                           f"{self.c}tech"])
            return plain(f"{stem}.{edu}", 0.8, r)
        if kind == "gov":
            stem = r.pick([f"{self.c}council", f"cityof{self.c}", f"{self.c}"])
            return plain(f"{stem}.{gov}", 0.8, r)
        stem = r.pick([f"{self.c}{r.pick(ORG_WORD)}", f"friendsof{self.c}{r.pick(NOUN)}",
                       f"{self.c}foodbank", f"{r.pick(ADJ)}{r.pick(NOUN)}{r.pick(ORG_WORD)}"])
        return plain(f"{stem}.{org}", 0.7, r)

    def legit_low_authority(self):
        r = self.r
        if self.loc and r.chance(0.7):
            stem = f"{squash(r.pick(LOCAL_SURNAMES[self.lang]))}-{r.pick(LOCAL_TRADES[self.lang])}"
            return plain(f"{stem}.{self.sfx}", 0.6, r)
        if r.chance(0.55):
            stem = f"{r.pick(SURNAME)}{r.pick(TRADES)}"
            return plain(f"{stem}.{self.tld(0.3)}", 0.6, r)
        stem = f"{r.pick(FIRST)}s{r.pick(HOBBIES)}"
        return plain(f"{stem}.{r.pick(['com', 'net', self.sfx])}", 0.4, r)

    def partner_sitewide(self):
        r = self.r
        stem = f"{r.pick(BRAND_WORDS).lower()}{r.pick(PARTNER_WORDS)}"
        return plain(f"{stem}.{self.tld(0.3)}", 0.6, r)

    def legit_cheap_tld(self):
        r = self.r
        stem = (r.pick(COINED_HEAD) + r.pick(COINED_TAIL)).lower()
        return plain(f"{stem}.{r.pick(STARTUP_TLDS)}", 0.2, r)

    def sitewide_footer(self):
        r = self.r
        i = r.int(0, len(UNRELATED_WORDS) - 1)
        stem = f"{r.pick(ADJ)}{UNRELATED_WORDS[i]}"
        key, host, _ = plain(f"{stem}.{r.pick(['com', 'net', self.sfx])}", 0.6, r)
        return key, host, UNRELATED_TOPICS[i]

    def negative_seo_burst(self):
        r = self.r
        core = squash(r.pick(self.s.money_keywords).split()[0])
        stem = r.pick([gibberish(r, r.int(6, 10)), f"{r.pick(SEO_TOKENS)}-{core}-{r.int(1, 999)}",
                       f"{core}{gibberish(r, 4)}", f"{r.pick(SPAM_VOCAB['adult']['tokens'])}"
                                                  f"{gibberish(r, 4)}"])
        if r.chance(0.12):
            key = f"{stem}.{r.pick(FREE_HOSTS)}"
            return key, key, stem
        return plain(f"{stem}.{r.pick(CHEAP_TLDS)}", 0.0, r)

    def spam_free_host(self):
        r = self.r
        kw = r.pick(self.s.money_keywords)
        stem = r.pick([f"{slug(kw)}-{r.int(1, 999)}", f"best{squash(kw)}{r.int(1, 99)}",
                       f"cheap-{slug(kw)}-guide", f"{squash(kw)}{gibberish(r, 3)}"])
        key = f"{stem}.{r.pick(FREE_HOSTS)}"
        return key, key, title_case(kw)

    def ip_host(self):
        r = self.r
        ip = ip_in(new_block(r), r)
        return ip, ip, ip


PER_SITE_PATTERNS = ["niche_blog", "free_host_blog", "local_directory", "legit_directory",
                     "forum", "edu_gov_org", "legit_low_authority", "partner_sitewide",
                     "legit_cheap_tld", "sitewide_footer", "negative_seo_burst",
                     "spam_free_host", "ip_host"]
POOL_PATTERNS = ["social_platform", "press_release", "review_site", "seo_stats_page",
                 "seo_service", "directory_farm", "scraper", "high_authority_spam",
                 "nofollow_spam", "clean_name_spam_com"] + TOPIC_SPAM


def draw_counts(site: Site, rng: Rng) -> dict[str, int]:
    """How many referring domains of each pattern a site gets, from its spam profile."""
    n_domains = int(clip(round(np.exp(rng.normal(np.log(225), 0.45))), 40, 450))
    spam_share = rng.uni(*SPAM_SHARE[site.spam_profile])
    n_spam = max(3, round(n_domains * spam_share))
    legit_w = dict(LEGIT_WEIGHTS)
    if site.niche.kind != "local":
        legit_w.update(local_directory=1.5, legit_directory=1.5, niche_blog=20,
                       press_release=4, review_site=5, legit_cheap_tld=4)
    counts: dict[str, int] = {}
    for weights, n in ((legit_w, n_domains - n_spam), (SPAM_WEIGHTS[site.spam_profile], n_spam)):
        keys = list(weights)
        p = np.asarray([weights[k] for k in keys], dtype=float)
        for k, c in zip(keys, rng.g.multinomial(n, p / p.sum()), strict=True):
            counts[k] = counts.get(k, 0) + int(c)
    if site.spam_profile == "attacked":
        counts["negative_seo_burst"] = rng.int(25, 70)
    return counts


def site_domains(world: World, site: Site, rng: Rng,
                 counts: dict[str, int] | None = None) -> list[Domain]:
    """Choose the referring domains of one site, by pattern (``counts`` fixes the mix)."""
    if counts is None:
        counts = draw_counts(site, rng)
    namer = SiteNamer(site, rng)
    out: list[Domain] = []
    seen: set[str] = {site.domain}

    def keep(d: Domain) -> None:
        if d.key not in seen:
            seen.add(d.key)
            out.append(d)

    for pattern, n in counts.items():
        if n <= 0:
            continue
        if pattern == "news":
            national = world.pools[f"national_news_{site.country}"]
            n_nat = min(len(national), rng.int(0, max(1, n // 3)))
            for d in rng.sample(national, n_nat):
                keep(d)
            for _ in range(n - n_nat):
                keep(make_domain(world, rng, "news", namer.news, reuse=True,
                                 country=site.country, language=site.language))
        elif pattern == "pbn":
            nets = rng.sample(world.pools["pbn_networks"], 2 if n > 8 else 1)
            members = [d for fam in nets for d in world.pools[fam]]
            for d in rng.sample(members, n):
                keep(d)
        elif pattern == "link_farm":
            fam = rng.pick(world.pools["farm_families"])
            for d in rng.sample(world.pools[fam], max(3, n)):
                keep(d)
        elif pattern in POOL_PATTERNS:
            for d in rng.sample(world.pools[pattern], n):
                keep(d)
        else:
            lang = site.language if pattern in ("niche_blog", "local_directory", "forum",
                                                "legit_directory", "edu_gov_org",
                                                "legit_low_authority") else "en"
            country = site.country if PATTERNS[pattern][0] == 0 else \
                rng.pick(SPAM_HOSTING_COUNTRIES)
            for _ in range(n):
                d = make_domain(world, rng, pattern, getattr(namer, pattern), reuse=True,
                                country=country, language=lang)
                if pattern in ("free_host_blog", "spam_free_host") or \
                        (pattern == "negative_seo_burst" and d.key.split(".", 1)[1]
                         in FREE_HOSTS):
                    d.free_host = d.key.split(".", 1)[1]
                    d.platform = FREE_HOST_PLATFORM[d.free_host]
                if pattern == "ip_host":
                    d.ip, d.ip_literal, d.https, d.dr, d.traffic = d.key, True, False, 0, 0
                keep(d)
    if site.spam_profile == "attacked":
        block = new_block(rng)
        for d in out:
            if d.pattern == "negative_seo_burst" and rng.chance(0.6) and not d.free_host:
                d.ip = ip_in(block, rng)
    return out


# ---------------------------------------------------------------------------------------
# Links
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Style:
    anchors: dict[str, float]
    nofollow: float
    ugc: float
    sponsored: float
    content: float  # share of links in the main content (vs nav, footer, sidebar)
    ext: tuple[int, int]  # outbound links on the page (log-uniform)
    links: tuple  # ("zipf", a, lo, hi) or ("log", lo, hi): links from the domain
    dates: str  # spread, cluster, burst
    lost: float
    page_type: str


def mix(text: str) -> dict[str, float]:
    """'brand=.5 naked=.1' -> {'brand': 0.5, 'naked': 0.1}: anchor-category weights."""
    return {k: float(v) for k, v in (part.split("=") for part in text.split())}


LEGIT_ANCHORS = "brand=.40 naked=.25 generic=.18 partial=.12 exact=.03 image=.02"
# pattern: anchors | nofollow ugc sponsored content | ext links | links per domain | dates,
#          lost share, page type.  Links per domain: "z a lo hi" = Zipf(a) clipped to
#          [lo, hi]; "log lo hi" = log-uniform.
_STYLE_TABLE = """
news            | brand=.5 naked=.1 generic=.15 partial=.17 exact=.02 image=.06
                | .35 0 .02 .95 | 15 120 | z 2.3 1 6 | spread .08 article
niche_blog      | LEGIT | .15 0 .03 .9 | 8 90 | z 2.0 1 8 | spread .1 article
free_host_blog  | LEGIT | .2 0 .02 .9 | 5 60 | z 2.4 1 4 | spread .12 article
local_directory | brand=.7 naked=.25 generic=.05 | .3 0 0 .8 | 20 150 | z 2.5 1 3
                | spread .06 directory
legit_directory | brand=.7 naked=.25 title=.05 | .25 0 0 .85 | 20 180 | z 3.0 1 2
                | spread .04 directory
forum           | brand=.35 naked=.3 generic=.2 partial=.13 exact=.02 | .55 .4 0 .95 | 3 40
                | z 1.6 1 80 | spread .12 forum
edu_gov_org     | brand=.6 naked=.3 generic=.1 | .2 0 0 .9 | 10 80 | z 2.8 1 3
                | spread .05 article
social_platform | brand=.5 naked=.45 generic=.05 | .85 .1 0 .7 | 3 30 | z 1.6 1 30
                | spread .1 profile
press_release   | brand=.7 naked=.15 partial=.1 exact=.05 | .55 0 .35 .95 | 5 40 | z 2.0 1 8
                | spread .15 article
review_site     | brand=.55 naked=.4 generic=.05 | .5 .2 0 .8 | 10 60 | z 2.1 1 6
                | spread .05 listing
seo_stats_page  | naked=.9 brand=.1 | .4 0 0 .6 | 50 300 | z 2.2 1 4 | spread .2 other
legit_low_authority | brand=.45 naked=.35 generic=.15 partial=.05 | .1 0 0 .85 | 3 40
                | z 2.2 1 5 | spread .1 article
partner_sitewide | brand=.8 naked=.2 | .05 0 0 0 | 5 30 | log 15 160 | spread .05 other
legit_cheap_tld | brand=.5 naked=.3 generic=.1 partial=.1 | .15 0 0 .9 | 5 60 | z 2.2 1 5
                | spread .08 article
pbn             | exact=.7 partial=.2 brand=.05 naked=.05 | .02 0 0 1 | 3 25 | z 2.5 1 3
                | cluster .1 article
link_farm       | family=.85 naked=.15 | .08 0 0 .2 | 300 3000 | z 1.9 1 12 | cluster .2 other
seo_service     | exact=.5 brand=.2 naked=.3 | .1 0 0 .6 | 80 600 | z 2.0 1 6 | spread .2 other
directory_farm  | brand=.45 title=.25 exact=.2 naked=.1 | .1 0 0 .7 | 50 400 | z 2.2 1 5
                | spread .2 directory
scraper         | naked=.7 brand=.15 generic=.05 image=.1 | .3 0 0 .5 | 200 2000 | z 1.6 3 80
                | spread .25 other
sitewide_footer | exact=.75 partial=.2 brand=.05 | .05 0 0 0 | 10 60 | log 20 320
                | spread .1 other
negative_seo_burst | exact=.6 spam=.3 naked=.1 | .2 0 0 .5 | 100 1500 | z 1.8 1 25
                | burst .05 other
spam_free_host  | exact=.7 partial=.25 naked=.05 | .05 0 0 .95 | 5 60 | z 2.2 1 6
                | spread .2 article
ip_host         | exact=.4 naked=.4 spam=.2 | .1 0 0 .6 | 20 800 | z 2.0 1 6 | spread .2 other
high_authority_spam | exact=.6 partial=.3 brand=.1 | .05 0 .05 1 | 10 60 | z 2.5 1 3
                | spread .1 article
nofollow_spam   | exact=.4 naked=.3 spam=.3 | 1 .1 0 .7 | 40 400 | z 2.0 1 8 | spread .15 other
clean_name_spam_com | exact=.55 partial=.35 brand=.1 | .03 0 .1 1 | 30 120 | z 2.5 1 3
                | spread .1 article
profile_spam    | exact=.7 naked=.2 brand=.1 | .5 .2 0 .3 | 1 8 | z 2.0 1 4 | spread .1 profile
comment_spam    | exact=.6 partial=.15 brand=.1 naked=.15 | .55 .35 0 0 | 10 80 | z 2.2 1 3
                | spread .1 article
topic_spam      | exact=.35 partial=.15 naked=.25 brand=.1 spam=.15 | .12 0 0 .8 | 40 400
                | z 1.9 1 10 | spread .2 article
"""


def _parse_styles(table: str) -> dict[str, Style]:
    rows: list[str] = []
    for line in table.strip().splitlines():
        if line.startswith(" "):
            rows[-1] += " " + line.strip()
        else:
            rows.append(line)
    styles = {}
    for row in rows:
        name, anchors, flags, ext, links, tail = (c.strip() for c in row.split("|"))
        nofollow, ugc, sponsored, content = (float(x) for x in flags.split())
        lo, hi = (int(x) for x in ext.split())
        kind, *nums = links.split()
        spec = ("log", float(nums[0]), float(nums[1])) if kind == "log" else \
            ("zipf", float(nums[0]), int(nums[1]), int(nums[2]))
        dates, lost, page_type = tail.split()
        styles[name] = Style(mix(LEGIT_ANCHORS if anchors == "LEGIT" else anchors), nofollow,
                             ugc, sponsored, content, (lo, hi), spec, dates, float(lost),
                             page_type)
    for flavour in TOPIC_SPAM:
        styles[flavour] = styles["topic_spam"]
    return styles


STYLES = _parse_styles(_STYLE_TABLE)
SITEWIDE_PATTERNS = {"partner_sitewide", "sitewide_footer"}
GENERIC_HEADLINES = phrases(
    "{city} firms shortlisted for {year} business awards | Best {providers} in {city}: "
    "readers' picks | New {provider} opens on {street} | {city} traders report busy summer | "
    "Meet the {city} business owners backing {cause}")
BLOG_TITLES = phrases(
    "{n} {topic_t} tips every {audience} should know | A beginner's guide to {topic} | "
    "Where to find the best {providers} in {city} | What I learned about {topic} this year | "
    "{topic_t}: our favourite local finds | Honest review: {brand} | The {city} guide to "
    "{topic} | Ask the expert: {topic}")
FORUM_TITLES = phrases(
    "Can anyone recommend a good {provider} in {city}? | {topic_t} - advice needed | "
    "Re: {topic} question | Best {provider} near {city}? | Recommendations thread: {providers} "
    "({year}) | Anyone used {brand}?")
PRESS_TITLES = phrases(
    "{brand} announces expansion into {city2} | {brand} launches new {topic} service | "
    "{brand} appoints new managing director | {brand} marks {n} years in business")


class LinkContext:
    """Per-site state shared by the link factories (cluster dates, family anchors)."""

    def __init__(self, site: Site, rng: Rng):
        self.site, self.rng = site, rng
        self.cluster: dict[str, date] = {}
        self.family_anchor: dict[str, str] = {}
        days = (site.export_date - site.start_date).days
        self.burst = site.export_date - timedelta(days=rng.int(12, 75))
        self.span = days

    def cluster_date(self, family: str) -> date:
        if family not in self.cluster:
            back = self.rng.int(60, max(90, min(self.span - 10, 1000)))
            self.cluster[family] = self.site.export_date - timedelta(days=back)
        return self.cluster[family]

    def fill(self, template: str, d: Domain, kw: str = "") -> str:
        s, r = self.site, self.rng
        n = s.niche
        topic = r.pick(n.topics)
        loc = LOCAL.get(s.language, {})
        values = {
            "brand": s.brand, "city": s.city, "city2": r.pick(COUNTRIES[s.country][5]),
            "provider": n.provider, "providers": n.providers, "topic": topic,
            "topic_t": title_case(topic), "audience": n.audience, "year": r.int(2019, 2026),
            "n": r.pick([3, 5, 7, 8, 10, 12, 15]), "street": r.pick(STREETS),
            "cause": r.pick(CAUSES), "group": r.pick(GROUPS), "name": d.name,
            "kw_t": title_case(kw or r.pick(s.money_keywords)), "site_name": d.name,
            "provider_l": n.provider, "providers_l": n.providers, "topic_l": topic,
            "cause_l": r.pick(loc.get("cause", CAUSES)), "token": title_case(d.flavour),
        }
        return template.format(**values)


def year_path(day: date, slug_text: str, style: str) -> str:
    if style == "blogspot":
        return f"/{day.year}/{day.month:02d}/{slug_text[:40]}.html"
    if style == "wordpress":
        return f"/{day.year}/{day.month:02d}/{day.day:02d}/{slug_text}/"
    return f"/{day.year}/{day.month:02d}/{slug_text}/"


def free_host_path(d: Domain, day: date, text: str, rng: Rng) -> str:
    sl = slug(text)[:60]
    host = d.free_host
    if host == "blogspot.com":
        return year_path(day, sl, "blogspot")
    if host in ("wordpress.com", "home.blog"):
        return year_path(day, sl, "wordpress")
    if host == "tumblr.com":
        return f"/post/{rng.int(10**11, 10**12 - 1)}/{sl}"
    if host == "wixsite.com":
        return f"/{d.key.split('.')[0][:8]}/post/{sl}"
    if host == "substack.com":
        return f"/p/{sl}"
    return rng.pick([f"/blog/{sl}", f"/{sl}/", f"/posts/{sl}"])


def make_page(d: Domain, pattern: str, ctx: LinkContext, day: date, kw: str,
              base: Domain | None = None) -> tuple[str, str]:
    """Return (path, title) of a linking page."""
    s, r = ctx.site, ctx.rng
    loc = LOCAL.get(d.language) if d.language != "en" else None
    if pattern == "news":
        if loc:
            t = ctx.fill(r.pick(loc["t_news"]), d)
        else:
            t = ctx.fill(r.pick(list(s.niche.headlines) + GENERIC_HEADLINES), d)
        sl = slug(t)[:70]
        p = r.pick([f"/{r.pick(['news', 'local-news', 'business', 'community'])}/{sl}-"
                    f"{r.int(1000000, 9999999)}", year_path(day, sl, "news"),
                    f"/article/{r.int(100000, 999999)}/{sl}.html"])
        return p, f"{t} | {d.name}" if r.chance(0.6) else t
    if pattern in ("niche_blog", "free_host_blog", "legit_cheap_tld", "comment_spam"):
        host = base or d
        t = ctx.fill(r.pick(loc["t_blog"] if loc else BLOG_TITLES), host)
        if host.pattern == "legit_cheap_tld" and r.chance(0.5):
            topic_t = ctx.fill("{topic_t}", host)
            t = r.pick([f"Integrations | {host.name}", f"{host.name} - {topic_t} made simple",
                        f"Partners and friends of {host.name}"])
        if host.free_host:
            p = free_host_path(host, day, t, r)
        else:
            p = r.pick([f"/{slug(t)}/", year_path(day, slug(t), "wordpress"), f"/blog/{slug(t)}"])
        if pattern == "comment_spam":
            num = r.int(1000, 99999)
            if host.free_host == "blogspot.com":
                p = f"{p}?showComment={r.int(10**12, 10**13 - 1)}#c{num}"
            else:
                p = r.pick([f"{p}?replytocom={num}", f"{p}#comment-{num}",
                            f"{p}comment-page-{r.int(1, 4)}/#comment-{num}"])
        return p, t
    if pattern == "local_directory":
        t = ctx.fill(r.pick(loc["t_dir"]), d) if loc else \
            f"{s.brand} - {title_case(s.niche.providers)} in {s.city} | {d.name}"
        return r.pick([f"/{slug(s.city)}/{slug(s.niche.provider)}/{slug(s.brand)}-"
                       f"{r.int(1000, 99999)}", f"/listing/{slug(s.brand)}/",
                       f"/business/{slug(s.brand)}-{slug(s.city)}"]), t
    if pattern == "legit_directory":
        t = r.pick([f"{s.brand} | {d.name} Member Directory", f"Member profile: {s.brand}",
                    f"Find a {s.niche.provider} - {d.name}"])
        return r.pick([f"/member-directory/{slug(s.brand)}/", f"/directory/members/{slug(s.brand)}",
                       f"/members/{slug(s.brand)}", f"/find-a-member/?id={r.int(100, 9999)}"]), t
    if pattern == "forum":
        t = ctx.fill(r.pick(loc["t_forum"] if loc else FORUM_TITLES), d)
        sl, num = slug(t)[:60], r.int(1000, 999999)
        p = r.pick([f"/threads/{sl}.{num}/", f"/forum/topic/{num}-{sl}", f"/t/{sl}/{num}",
                    f"/viewtopic.php?t={num}", f"/threads/{sl}.{num}/page-{r.int(2, 6)}"])
        return p, f"{t} | {d.name}"
    if pattern == "edu_gov_org":
        t = r.pick([f"Local employers and partners | {d.name}", f"Community resources - {d.name}",
                    f"Student discounts and local businesses | {d.name}",
                    f"Our sponsors | {d.name}",
                    f"{s.city} small business grants: {r.int(2020, 2026)} recipients"])
        return r.pick(["/careers/local-employers/", "/students/discounts/", "/community/partners/",
                       f"/news/{slug(t)}/", "/supporters/", "/our-sponsors/",
                       f"/business/support/{slug(s.niche.providers)}/"]), t
    if pattern == "social_platform":
        handle = squash(s.brand)[:15]
        p = d.extra["path"].format(handle=handle, num=r.int(10**8, 10**12), slug=slug(s.brand),
                                   token=gibberish(r, 11, 0.3), sub=s.niche.blog_words[0])
        t = r.pick([f"{s.brand} (@{handle}) | {d.name}", f"{s.brand} | {d.name}",
                    f"{s.brand} on {d.name}: \"{ctx.fill('{topic_t}', d)}\""])
        return p, t
    if pattern == "press_release":
        t = ctx.fill(r.pick(PRESS_TITLES), d)
        return r.pick([f"/news/{day.year}/{day.month:02d}/{slug(t)}-{r.int(10000, 99999)}.html",
                       f"/release/{r.int(100000, 999999)}/{slug(t)}"]), t
    if pattern == "review_site":
        t = r.pick([f"{s.brand} Reviews | Read Customer Reviews of {s.domain}",
                    f"{s.brand}, {s.city} - Reviews and Ratings | {d.name}"])
        return r.pick([f"/review/{s.domain}", f"/biz/{slug(s.brand)}-{slug(s.city)}",
                       f"/reviews/{slug(s.brand)}/"]), t
    if pattern == "seo_stats_page":
        t = r.pick([f"{s.domain} Website Traffic, Worth and SEO Stats | {d.name}",
                    f"{s.domain} - Is it safe? Site info and ranking", f"{s.domain} | {d.name}"])
        return r.pick([f"/{s.domain}", f"/site/{s.domain}", f"/www.{s.domain}.html",
                       f"/worth/{s.domain}"]), t
    if pattern == "legit_low_authority":
        t = r.pick([f"Useful links | {d.name}", f"Our partners | {d.name}",
                    f"Local recommendations - {d.name}", ctx.fill("{topic_t} diary: week {n}", d),
                    "My favourite local spots", f"Who we work with - {d.name}"])
        return r.pick(["/links/", "/partners/", "/useful-links.html", "/recommended/",
                       f"/{slug(t)}/"]), t
    if pattern in SITEWIDE_PATTERNS:
        section = r.pick(["products", "blog", "gallery", "category", "news", "shop", "tag",
                          "offers", "guides"])
        words_ = f"{r.pick(ADJ)} {r.pick(NOUN)}"
        path = r.pick([f"/{section}/{slug(words_)}-{r.int(1, 5000)}/",
                       f"/{section}/{slug(words_)}/", f"/{section}/page/{r.int(2, 300)}/"])
        page = title_case(words_) if r.chance(0.7) else title_case(section)
        title = f"{page} | {d.name}" if pattern == "sitewide_footer" else \
            f"{page} - {d.name} {s.city}"
        return path, title
    if pattern == "pbn":
        t = ctx.fill(r.pick(PBN_POST_TITLES), d, kw)
        return r.pick([f"/{slug(t)}/", year_path(day, slug(t), "news")]), t
    if pattern == "link_farm":
        n = r.int(1, 400)
        cc = d.key.split("-links-")[1].split(".")[0].upper()
        t = d.extra["title"].format(cc=cc, n=n)
        return r.pick([f"/links/{n}.html", f"/page/{n}/",
                       f"/{r.pick(DIRECTORY_CATS)}/links-{n}.html"]), t
    if pattern == "seo_service":
        t = ctx.fill(r.pick(SEO_TITLES), d)
        return r.pick(["/our-clients/", "/portfolio/", "/sample-links/",
                       f"/{slug(kw)}-guest-post/", f"/blog/{slug(kw)}"]), t
    if pattern in TOPIC_SPAM or pattern == "nofollow_spam":
        flavour = d.flavour if pattern == "nofollow_spam" else pattern
        if flavour == "seo":
            t = ctx.fill(r.pick(SEO_TITLES), d)
        else:
            voc = SPAM_VOCAB[flavour]
            t = ctx.fill(r.pick(voc["titles"]), d)
        sl = slug(t)[:50]
        return r.pick([f"/{sl}/", f"/{gibberish(r, 5, 0)}/{sl}.html", year_path(day, sl, "news"),
                       f"/?p={r.int(100, 99999)}"]), t
    if pattern == "directory_farm":
        cat = r.pick(DIRECTORY_CATS)
        tmpl = r.pick(DIRECTORY_PATHS)
        p = tmpl.format(cat=cat, slug=slug(s.brand), user=gibberish(r, 6, 0.3),
                        num=r.int(100, 9999))
        t = r.pick([f"{title_case(cat.replace('-', ' '))} Websites - {d.name} Web Directory",
                    f"Submit Your Site - {d.name}", f"{s.brand} - {d.name}",
                    f"Social Bookmarks by {gibberish(r, 6, 0.3)} | {d.name}"])
        return p, t
    if pattern == "scraper":
        t = r.pick([f"{s.domain} - {gibberish(r, 6, 0)} {gibberish(r, 5, 0)}",
                    f"Website info for {s.domain}",
                    f"{s.brand} - {title_case(kw)} | {gibberish(r, 5, 0).title()}",
                    f"{s.domain} | {r.pick(['reviews', 'login', 'info'])}"])
        return r.pick([f"/{s.domain}", f"/site/{s.domain}.html",
                       f"/{gibberish(r, 5, 0.2)}/{slug(s.brand)}.html",
                       f"/domain/{s.domain}/{r.int(1, 50)}", f"/{gibberish(r, 8, 0.3)}"]), t
    if pattern == "negative_seo_burst":
        t = r.pick([f"{title_case(kw)} {gibberish(r, 5, 0)}", gibberish(r, 9, 0.1),
                    f"{r.pick(SPAM_VOCAB['adult']['anchors']).title()} - {title_case(kw)}", ""])
        return r.pick([f"/{gibberish(r, 5, 0.2)}/{slug(kw)}-{r.int(1, 999)}.html",
                       f"/?p={r.int(1, 9999)}", f"/{slug(kw)}/{gibberish(r, 6, 0.4)}"]), t
    if pattern == "spam_free_host":
        t = ctx.fill("{kw_t} - Best {kw_t} Guide {year}", d, kw)
        return free_host_path(d, day, t, r), t
    if pattern == "ip_host":
        t = r.pick(["", "Index of /", f"{title_case(kw)} - cheap", gibberish(r, 8, 0.2)])
        return r.pick([f"/~{gibberish(r, 5, 0)}/{slug(kw)}.html",
                       f"/index.php?page={r.int(1, 999)}", f"/wp/{slug(kw)}/"]), t
    if pattern in ("high_authority_spam", "clean_name_spam_com"):
        t = ctx.fill(r.pick(GUEST_POST_TITLES), d, kw)
        if pattern == "high_authority_spam" and r.chance(0.2):
            t = f"Write for Us - {d.name}"
        return r.pick([f"/{slug(t)}/", f"/{r.pick(['business', 'home', 'lifestyle', 'tech'])}/"
                       f"{slug(t)}/"]), t
    if pattern == "profile_spam":
        user = profile_user(r, kw)
        num = r.int(100, 99999)
        p = r.pick([f"/members/{user.lower()}.{num}/", f"/member/{num}-{user.lower()}",
                    f"/user/{user}", f"/profile/{user}/", f"/index.php?action=profile;u={num}",
                    f"/u/{user.lower()}/summary", f"/@{user}", f"/Members/Profile/{num}-{user}"])
        return p, r.pick([f"{user} - Member Profile | {d.name}", f"User Profile: {user} | {d.name}",
                          f"{user} | Profile | {d.name} Community"])
    raise ValueError(pattern)


def profile_user(rng: Rng, kw: str) -> str:
    if rng.chance(0.55):
        return "".join(w.title() for w in kw.split()[:3]) + str(rng.int(1, 99))
    return f"{rng.pick(FIRST).title()}{rng.pick(SURNAME).title()}{rng.int(1, 999)}"


def make_anchor(cat: str, ctx: LinkContext, d: Domain, kw: str) -> tuple[str, str, bool]:
    """Return (anchor, target path, is_image)."""
    s, r = ctx.site, ctx.rng
    home = "/" if r.chance(0.75) else r.pick(s.pages)
    core = kw.replace(s.city.lower(), "").strip()
    if cat == "brand":
        return r.pick([s.brand, s.brand, s.brand.split()[0], f"{s.brand} {s.city}"]), home, False
    if cat == "naked":
        return r.pick([s.domain, f"www.{s.domain}", s.base_url + "/", f"https://{s.domain}",
                       s.domain.capitalize()]), "/", False
    if cat == "generic":
        loc = LOCAL.get(d.language)
        return r.pick(loc["generic"] if loc else GENERIC_ANCHORS), home, False
    if cat == "partial":
        t = r.pick([f"{core} tips from {s.brand}", f"best {core} in {s.city}", f"{core} services",
                    f"affordable {core}", f"a great {s.niche.provider} in {s.city}",
                    f"their {core} page", f"{s.brand} {core}"])
        return t, s.kw_pages[kw], False
    if cat == "exact":
        return kw, s.kw_pages[kw], False
    if cat == "family":
        return ctx.family_anchor.setdefault(d.family, r.pick(s.money_keywords)), s.kw_pages.get(
            ctx.family_anchor[d.family], "/"), False
    if cat == "title":
        return f"{s.brand} - {title_case(kw)}", "/", False
    if cat == "spam":
        flavour = d.flavour if d.flavour in SPAM_VOCAB else r.pick(TOPIC_SPAM)
        return r.pick(SPAM_VOCAB[flavour]["anchors"]), home, False
    if cat == "image":
        return "", home, True
    raise ValueError(cat)


def n_links_for(style: Style, rng: Rng) -> int:
    if style.links[0] == "log":
        return int(rng.loguni(style.links[1], style.links[2]))
    _, a, lo, hi = style.links
    return rng.zipf(a, lo, hi)


GENERAL_CATEGORIES = ["/Business & Industrial", "/Home & Garden", "/Internet & Telecom",
                      "/Shopping", "/Arts & Entertainment", "/Travel", "/Health"]


def make_author(rng: Rng) -> str:
    if rng.chance(0.15):
        return rng.pick(["admin", "Editorial Team", "Guest Author", "Staff Writer"])
    return f"{rng.pick(FIRST).title()} {rng.pick(SURNAME).title()}"


def stamp(day: date, rng: Rng) -> datetime:
    return datetime(day.year, day.month, day.day, rng.int(0, 23), rng.int(0, 59), rng.int(0, 59))


def make_links(d: Domain, pattern: str, n: int, ctx: LinkContext) -> list[Link]:
    """The links from one domain (or the link-level spam on it) to the site."""
    s, r = ctx.site, ctx.rng
    st = STYLES[pattern]
    export = s.export_date
    if st.dates == "cluster":
        base = ctx.cluster_date(d.family or d.key) + timedelta(days=r.int(0, 6))
    elif st.dates == "burst":
        base = ctx.burst + timedelta(days=r.int(0, 6))
    else:
        base = s.start_date + timedelta(days=r.int(0, max(1, (export - s.start_date).days - 20)))
    label = PATTERNS[pattern][0]
    sitewide = pattern in SITEWIDE_PATTERNS
    fixed_anchor = None
    out = []
    seen_urls: set[str] = set()
    for _ in range(n):
        kw = r.pick(s.money_keywords[:3] if r.chance(0.6) else s.money_keywords)
        if st.dates in ("cluster", "burst"):
            first = base + timedelta(days=r.int(0, 4))
        else:
            first = base + timedelta(days=r.int(0, max(0, min(500, (export - base).days - 3))))
        path, title = make_page(d, pattern, ctx, first, kw,
                                base=d if pattern == "comment_spam" else None)
        if r.chance(0.03):
            title = ""  # pages without a <title>; exports leave the cell empty
        scheme = "https" if d.https else "http"
        if d.ip_literal:
            scheme = "http"
        url = f"{scheme}://{d.host}{path}"
        if url in seen_urls and pattern not in ("forum",):
            url = f"{url}{'&' if '?' in url else '?'}page={r.int(2, 40)}"
        seen_urls.add(url)
        if sitewide:
            if fixed_anchor is None:
                cat = r.weighted(st.anchors)
                fixed_anchor = (cat, *make_anchor(cat, ctx, d, kw))
            cat, anchor, tpath, image = fixed_anchor
        else:
            cat = r.weighted(st.anchors)
            anchor, tpath, image = make_anchor(cat, ctx, d, kw)
        target = s.base_url + tpath
        redirect = None
        if r.chance(0.07 if label == 0 else 0.02):
            old = f"http://{s.domain}{tpath}"
            target = old
            redirect = (f"{old}\n{s.base_url}{tpath}", "301\n200")
        lost = None
        drop = ""
        http = 200
        if r.chance(st.lost):
            lost_day = first + timedelta(days=r.int(1, max(2, (export - first).days)))
            lost_day = max(first, min(lost_day, export - timedelta(days=1)))
            lost = stamp(lost_day, r)
            drop = r.pick(["link removed", "link removed", "page not found", "page redirected",
                           "noindex"])
            http = {"page not found": 404, "page redirected": 301}.get(drop, 200)
            last = max(stamp(first, r), lost - timedelta(days=r.int(1, 20)))
        else:
            last = stamp(export - timedelta(days=r.int(0, 25)), r)
        first_dt = stamp(first, r)
        if last < first_dt:
            last = first_dt
        content = (not sitewide) and r.chance(st.content)
        ext = int(r.loguni(*st.ext))
        nofollow = r.chance(st.nofollow)
        ugc = r.chance(st.ugc)
        sponsored = r.chance(st.sponsored)
        if label == 0:
            ur = int(clip(r.normal(d.dr * 0.25 + 4, 5), 0, 70))
            ptraffic = 0 if r.chance(0.7) else int(r.loguni(1, max(2, d.traffic * 0.02 + 2)))
            page_rd = int(r.loguni(1, 60)) - 1
        else:
            ur = int(clip(r.normal(d.dr * 0.15, 4), 0, 45))
            ptraffic = 0 if r.chance(0.93) else int(r.loguni(1, 30))
            page_rd = int(r.loguni(1, 8)) - 1
        links_in_group = r.int(1, 4) if content else r.int(5, 25)
        if pattern == "link_farm":
            links_in_group = int(ext * r.uni(0.5, 0.9))
        category = "" if r.chance(0.3) else PAGE_CATEGORY.get(
            pattern, SPAM_VOCAB[d.flavour]["category"] if d.flavour in SPAM_VOCAB
            else (s.niche.category if label == 0 else r.pick(GENERAL_CATEGORIES)))
        topic = "" if r.chance(0.15) else MAJESTIC_TOPIC.get(
            pattern, SPAM_VOCAB[d.flavour]["topic"] if d.flavour in SPAM_VOCAB
            else (s.niche.topic if label == 0 else "Computers/Internet"))
        if pattern == "sitewide_footer":
            category, topic = "/Shopping", "Shopping/General Merchandise"
        out.append(Link(
            dom=d, source_url=url, target_url=target, anchor=anchor, title=title,
            left=r.pick(SPAM_LEFT if r.chance(0.6 if label else 0.08) else CONTEXT_LEFT)
            if content else "",
            right=r.pick(CONTEXT_RIGHT) if content and r.chance(0.7) else "",
            nofollow=nofollow, ugc=ugc, sponsored=sponsored, content=content,
            sitewide=sitewide, image=image, redirect=redirect, http_code=http,
            first_seen=first_dt, last_seen=last, lost=lost, drop_reason=drop, ext_links=ext,
            int_links=int(r.loguni(5, 300 if label == 0 else 60)), ur=ur, page_traffic=ptraffic,
            keywords=0 if ptraffic == 0 else int(r.loguni(1, 120)), page_rd=page_rd,
            linked_domains=max(1, int(ext * r.uni(0.3, 0.9))), links_in_group=links_in_group,
            page_type=st.page_type, author=make_author(r) if st.page_type == "article" and
            r.chance(0.35 if label == 0 else 0.25) else "",
            category=category, topic=topic, label=label, reason=pattern, anchor_kind=cat,
        ))
        vendor_scores(out[-1], r)
        if pattern in ECHO and r.chance(ECHO[pattern]):
            out.extend(echoes(out[-1], ctx))
    return out


# Blogs show the same link again on archive pages (tag, category, author, paged home).
ECHO = {"niche_blog": 0.35, "free_host_blog": 0.3, "legit_low_authority": 0.2, "news": 0.25,
        "legit_cheap_tld": 0.25, "pbn": 0.35, "clean_name_spam_com": 0.3,
        "high_authority_spam": 0.3, "spam_free_host": 0.3, "forum": 0.15}


def echoes(k: Link, ctx: LinkContext) -> list[Link]:
    r = ctx.rng
    d = k.dom
    root = k.source_url.split("://", 1)[0] + "://" + d.host
    topic = slug(r.pick(ctx.site.niche.topics)) if k.label == 0 else slug(r.pick(NOUN))
    out = []
    used = set()
    for _ in range(r.int(1, 6)):
        kind = r.pick(["tag", "category", "author", "page", "feed"])
        if kind == "tag":
            path, title = f"/tag/{topic}/", f"{title_case(topic.replace('-', ' '))} Archives"
        elif kind == "category":
            cat = r.pick(["news", "blog", "uncategorized", "local", "reviews", "guides"])
            path, title = f"/category/{cat}/", f"{cat.title()} Archives"
        elif kind == "author":
            who = r.pick(FIRST)
            path, title = f"/author/{who}/", f"{who.title()}, Author at {d.name}"
        elif kind == "page":
            n = r.int(2, 40)
            path, title = f"/page/{n}/", f"{d.name} - Page {n}"
        else:
            path, title = "/feed/", f"{d.name} Feed"
        if path in used:
            continue
        used.add(path)
        if kind in ("tag", "category"):
            title = f"{title} - {d.name}"
        out.append(replace(k, source_url=root + path, title=title, left="", right="",
                           first_seen=k.first_seen + timedelta(days=r.int(0, 9)),
                           ext_links=int(k.ext_links * r.uni(1.5, 4)), links_in_group=1,
                           page_type="category", author="", page_traffic=0, keywords=0,
                           page_rd=max(0, k.page_rd // 3)))
        if out[-1].first_seen > out[-1].last_seen:
            out[-1].first_seen = k.first_seen
    return out


def vendor_scores(k: Link, r: Rng) -> None:
    """Noisy per-link vendor columns: SEMrush toxicity and markers, Moz PA, Majestic flows."""
    d = k.dom
    spam = k.label == 1
    tox = r.normal(48, 22) if spam else r.normal(22, 15)
    if not spam and r.chance(0.08):
        tox += 30  # the false positives users complain about
    if d.free_host:
        tox += 12  # vendors over-flag blogspot-style hosts
    if k.anchor_kind == "exact":
        tox += 10  # vendors flag money anchors, also on good links
    if k.reason in ("clean_name_spam_com", "high_authority_spam", "pbn"):
        tox -= 15
    if k.reason in ("profile_spam", "comment_spam"):
        tox = r.normal(30, 15)
    k.toxicity = int(clip(round(tox), 0, 100))
    if k.toxicity >= 35:
        group = {"link_farm": "network", "pbn": "network", "clean_name_spam_com": "network",
                 "scraper": "thin", "directory_farm": "thin", "seo_service": "seo",
                 "negative_seo_burst": "burst", "ip_host": "burst"}.get(
                     k.reason, "topic" if spam else "legit")
        pool = TOXIC_MARKERS[group]
        chosen = r.sample(pool, r.int(1, min(3, len(pool))))
        if d.tld in CHEAP_TLDS and "Spam TLD" not in chosen and r.chance(0.7):
            chosen.append("Spam TLD")
        k.markers = ", ".join(sorted(chosen))
    k.pa = int(clip(round(k.ur * 0.9 + r.normal(3, 4)), 1, 100))
    k.page_ascore = int(clip(round(d.dr * 0.45 + r.normal(0, 6)), 0, 100))
    k.stf = int(clip(round(d.tf * r.uni(0.5, 1.0)), 0, 100))
    k.scf = int(clip(round(d.cf * r.uni(0.5, 1.0)), 0, 100))


# ---------------------------------------------------------------------------------------
# One site's profile: domains, link-level spam, label noise
# ---------------------------------------------------------------------------------------
def build_profile(world: World, site: Site, counts: dict[str, int] | None = None) -> Profile:
    rng = Rng(*site.seed_key, 2)
    domains = site_domains(world, site, rng, counts)
    ctx = LinkContext(site, rng)
    links: list[Link] = []
    for d in domains:
        st = STYLES[d.pattern]
        n = n_links_for(st, rng)
        link_spam = None
        if d.pattern == "forum" and rng.chance(0.2 if site.spam_profile == "clean" else 0.4):
            link_spam = "profile_spam"
        elif d.pattern in ("niche_blog", "free_host_blog", "legit_low_authority") and \
                rng.chance(0.15):
            link_spam = "comment_spam"
        if link_spam and rng.chance(0.3):
            n = 0  # the domain only links through the spam (URL-level disavow case)
        links.extend(make_links(d, d.pattern, n, ctx))
        if link_spam:
            links.extend(make_links(d, link_spam, n_links_for(STYLES[link_spam], rng), ctx))
    # Expert disagreement: flip a small share of domain labels, mostly on borderline patterns.
    labels, noise = {}, {}
    for d in domains:
        labels[d.key] = d.label
        if rng.chance(BORDERLINE.get(d.pattern, BASE_FLIP_RATE)):
            labels[d.key] = 1 - d.label
            noise[d.key] = "flipped"
    for k in links:
        if PATTERNS[k.reason][1] == "domain":
            k.label = labels[k.dom.key]
    # Vendors list newest or strongest first; never in pattern order.
    order = rng.g.permutation(len(links))
    links = [links[int(i)] for i in order]
    return Profile(site, domains, labels, noise, links)


# ---------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------
def tf(value: bool, upper: bool = False) -> str:
    text = "true" if value else "false"
    return text.upper() if upper else text


def ts(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ""


def ds(value: datetime | date | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def csv_text(rows: list[list], lineterminator: str = "\n") -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=lineterminator)
    writer.writerows(rows)
    return buf.getvalue()


def label_cells(k: Link, labelled: bool) -> list:
    return [k.label, k.reason] if labelled else []


def ahrefs_bytes(links: list[Link], export: date, labelled: bool) -> bytes:
    header = AHREFS_COLUMNS + (LABEL_COLUMNS if labelled else [])
    rows = [header]
    for k in sorted(links, key=lambda k: (-k.dom.dr, -k.ur, k.source_url)):
        d = k.dom
        kinds = ["image" if k.image else "text"] + (["content"] if k.content else [])
        discovered = "new" if (export - k.first_seen.date()).days <= 30 else ""
        rows.append([
            k.title, k.source_url, d.language if not d.ip_literal else "", d.platform,
            k.http_code, d.dr, k.ur, d.traffic, k.page_rd, k.linked_domains, k.ext_links,
            k.page_traffic, k.keywords, k.target_url, k.left, k.anchor, k.right,
            k.redirect[0] if k.redirect else "", k.redirect[1] if k.redirect else "",
            ", ".join(kinds), tf(d.ahrefs_spam), tf(k.content), tf(k.nofollow), tf(k.ugc),
            tf(k.sponsored), "true", tf(d.pattern != "social_platform"),
            "lost" if k.lost else "", k.drop_reason, discovered, ts(k.first_seen),
            ts(k.last_seen), ts(k.lost), k.author, k.page_type, k.category, k.links_in_group,
        ] + label_cells(k, labelled))
    text = "\n".join("\t".join('"' + str(c).replace('"', '""') + '"' for c in row)
                     for row in rows) + "\n"
    return b"\xff\xfe" + text.encode("utf-16-le")


def semrush_bytes(links: list[Link], export: date, labelled: bool, bom: bool) -> bytes:
    rows = [SEMRUSH_COLUMNS + (LABEL_COLUMNS if labelled else [])]
    for k in sorted(links, key=lambda k: (-k.page_ascore, k.source_url)):
        new = (export - k.first_seen.date()).days <= 30 and not k.lost
        rows.append([
            k.page_ascore, k.title, k.source_url, k.target_url, k.anchor, k.ext_links,
            k.int_links, tf(k.nofollow), tf(k.sponsored), tf(k.ugc), tf(not k.image), "false",
            "false", tf(k.image), tf(k.sitewide), ds(k.first_seen), ds(k.last_seen), tf(new),
            tf(k.lost is not None),
        ] + label_cells(k, labelled))
    return (b"\xef\xbb\xbf" if bom else b"") + csv_text(rows).encode("utf-8")


def audit_bytes(links: list[Link], labelled: bool) -> tuple[bytes, int]:
    rows = [SEMRUSH_AUDIT_COLUMNS + (LABEL_COLUMNS if labelled else [])]
    # The audit covers at most 500 backlinks per referring domain.
    per_domain: dict[str, int] = {}
    for k in sorted(links, key=lambda k: (-k.toxicity, k.source_url)):
        per_domain[k.dom.key] = per_domain.get(k.dom.key, 0) + 1
        if per_domain[k.dom.key] > 500:
            continue
        rows.append([
            k.title, k.source_url, k.target_url, k.anchor, k.toxicity, k.markers,
            ds(k.first_seen), ds(k.last_seen), tf(k.nofollow, upper=True),
        ] + label_cells(k, labelled))
    return csv_text(rows).encode("utf-8"), len(rows) - 1


def majestic_bytes(links: list[Link], site: Site, labelled: bool) -> bytes:
    rows = [MAJESTIC_COLUMNS + (LABEL_COLUMNS if labelled else [])]

    def flag(v: bool) -> str:
        return "+" if v else ""

    for k in sorted(links, key=lambda k: (-k.stf, -k.scf, k.source_url)):
        d = k.dom
        home = k.target_url.rstrip("/").endswith(site.domain)
        ttf, tcf = (site.tf, site.cf) if home else (max(0, site.tf - 12), max(0, site.cf - 10))
        ref_topic = k.topic if k.topic else ""
        rows.append([
            k.target_url, k.source_url, k.anchor, ds(k.last_seen), ds(k.first_seen),
            flag(k.nofollow), flag(k.image), flag(k.redirect is not None), "",
            flag(k.lost is not None), flag(k.image and bool(k.anchor)), "", k.scf, k.stf, tcf,
            ttf, k.topic, int(k.stf * 0.8) if k.topic else "", ref_topic,
            d.tf if ref_topic else "",
        ] + label_cells(k, labelled))
    return csv_text(rows).encode("utf-8")


def moz_bytes(links: list[Link], labelled: bool, bom: bool) -> bytes:
    """Moz Link Explorer layout B: text quoted, numbers bare, CRLF, titles may hold \\r\\n\\t."""
    header = MOZ_COLUMNS + (LABEL_COLUMNS if labelled else [])
    lines = [",".join(header)]

    def q(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    ordered = sorted(links, key=lambda k: (-k.dom.da, -k.pa, k.source_url))
    for i, k in enumerate(ordered, 1):
        title = k.title
        if title and (i % 23 == 0):
            title = f"\r\n\t{title}\r\n"
        spam = "null" if k.dom.moz_spam is None else str(k.dom.moz_spam)
        cells = [str(i), q(title), q(k.source_url), q(k.target_url), str(k.dom.da), str(k.pa),
                 spam, q(k.anchor), q(ds(k.first_seen)), q(ds(k.last_seen))]
        if labelled:
            cells += [str(k.label), q(k.reason)]
        lines.append(",".join(cells))
    return (b"\xef\xbb\xbf" if bom else b"") + ("\r\n".join(lines) + "\r\n").encode("utf-8")


GSC_DATE_STYLES = ["%Y-%m-%d", "%b %d, %Y", "%d/%m/%Y"]


def gsc_latest(links: list[Link], site: Site, rng: Rng, cap: int = GSC_LATEST_CAP) -> list[Link]:
    """The links Search Console would list: one row per linking page, newest crawl first."""
    by_url: dict[str, Link] = {}
    for k in links:
        if k.lost is not None:
            continue
        k_crawl = k.last_seen.date() - timedelta(days=rng.int(0, 40))
        prev = by_url.get(k.source_url)
        # GSC lists a page once; a page with any toxic link to the site is toxic.
        if prev is None or (k.label > prev.label):
            by_url[k.source_url] = k
            k.crawled = max(k_crawl, k.first_seen.date())
    rows = sorted(by_url.values(), key=lambda k: (k.crawled, k.source_url), reverse=True)
    return rows[:cap]


def gsc_latest_bytes(rows: list[Link], date_style: str, labelled: bool) -> bytes:
    out = [GSC_LATEST_COLUMNS + (LABEL_COLUMNS if labelled else [])]
    for k in rows:
        out.append([k.source_url, k.crawled.strftime(date_style)] + label_cells(k, labelled))
    return csv_text(out).encode("utf-8")


def gsc_groups(profile: Profile, links: list[Link]) -> list[tuple[str, int, int, int, str]]:
    """Top linking sites: (site, linking pages, target pages, label, reason) per root group."""
    groups: dict[str, dict] = {}
    for k in links:
        g = groups.setdefault(k.dom.root, {"pages": set(), "targets": set(), "doms": {}})
        g["pages"].add(k.source_url)
        g["targets"].add(k.target_url.split("://", 1)[1].split("/", 1)[-1])
        g["doms"][k.dom.key] = k.dom
    out = []
    for root, g in groups.items():
        doms = list(g["doms"].values())
        if doms[0].free_host:
            label, reason = 0, "free_host_platform"
        else:
            label, reason = profile.labels[doms[0].key], doms[0].pattern
        out.append((root, len(g["pages"]), len(g["targets"]), label, reason))
    out.sort(key=lambda row: (-row[1], row[0]))
    return out


def gsc_top_sites_bytes(groups, labelled: bool) -> bytes:
    out = [GSC_TOP_SITES_COLUMNS + (LABEL_COLUMNS if labelled else [])]
    for root, pages, targets, label, reason in groups:
        out.append([root, f"{pages:,}", f"{targets:,}"] + ([label, reason] if labelled else []))
    return csv_text(out).encode("utf-8")


def refdomain_rows(profile: Profile) -> list[list]:
    by_dom: dict[str, list[Link]] = {}
    for k in profile.links:
        by_dom.setdefault(k.dom.key, []).append(k)
    rows = []
    for d in profile.domains:
        ks = by_dom.get(d.key)
        if not ks:
            continue
        ascore = int(clip(round(d.dr * 0.7 + 3), 0, 100))
        rows.append([ascore, d.key, len(ks), d.ip, d.country, ds(min(k.first_seen for k in ks)),
                     ds(max(k.last_seen for k in ks)), profile.labels[d.key], d.pattern])
    rows.sort(key=lambda row: (-row[0], row[1]))
    return rows


def refdomains_bytes(profile: Profile, labelled: bool) -> bytes:
    out = [SEMRUSH_REFDOMAINS_COLUMNS + (LABEL_COLUMNS if labelled else [])]
    for row in refdomain_rows(profile):
        out.append(row if labelled else row[:-2])
    return csv_text(out).encode("utf-8")


def domain_labels_bytes(profile: Profile) -> bytes:
    rows = [["domain", "label", "pattern", "noise"]]
    for d in sorted(profile.domains, key=lambda d: d.key):
        rows.append([d.key, profile.labels[d.key], d.pattern, profile.noise.get(d.key, "")])
    return csv_text(rows).encode("utf-8")


def export_name(site: Site, fmt: str) -> str:
    stamp_ = f"{site.export_date:%Y-%m-%d}_09-{site.index % 60:02d}-17"
    return {
        "ahrefs_backlinks": f"{site.domain}-backlinks-subdomains_{stamp_}.csv",
        "semrush_backlinks": f"{site.domain}-backlinks.csv",
        "semrush_backlink_audit": f"{site.domain}-backlink_audit.csv",
        "semrush_referring_domains": f"{site.domain}-backlinks_refdomains.csv",
        "majestic_backlinks": f"{site.domain}_fresh_backlinks.csv",
        "moz_link_explorer": f"inbound-links-{site.domain}.csv",
        "gsc_latest_links": "Latest links.csv",
        "gsc_top_linking_sites": "Top linking sites.csv",
    }[fmt]


ENCODING = {"ahrefs_backlinks": "utf-16"}
DELIMITER = {"ahrefs_backlinks": "\t"}


def site_files(profile: Profile, labelled: bool = True) -> list[tuple[str, str, bytes, int]]:
    """(file name, format, bytes, data rows) for every export of one site."""
    site = profile.site
    rng = Rng(*site.seed_key, 3)
    links = profile.links
    fmt = site.fmt
    files = []
    if fmt == "ahrefs_backlinks":
        files.append((fmt, ahrefs_bytes(links, site.export_date, labelled), len(links)))
    elif fmt == "semrush_backlinks":
        # Meant to vary, but the primary format rotates over six sites, so Semrush
        # sites (1, 7, 13, ...) and Moz sites (3, 9, 15, ...) are always odd: every
        # Semrush file has a BOM and no Moz file has one (--stats counts them).
        # Left as is so that seed 1 still reproduces the committed files.
        data = semrush_bytes(links, site.export_date, labelled, bom=site.index % 2 == 1)
        files.append((fmt, data, len(links)))
    elif fmt == "semrush_backlink_audit":
        files.append((fmt, *audit_bytes(links, labelled)))
    elif fmt == "majestic_backlinks":
        files.append((fmt, majestic_bytes(links, site, labelled), len(links)))
    elif fmt == "moz_link_explorer":
        files.append((fmt, moz_bytes(links, labelled, bom=site.index % 2 == 0), len(links)))
    elif fmt == "gsc_latest_links":
        latest = gsc_latest(links, site, rng)
        style = GSC_DATE_STYLES[site.index % len(GSC_DATE_STYLES)]
        files.append((fmt, gsc_latest_bytes(latest, style, labelled), len(latest)))
        groups = gsc_groups(profile, links)
        files.append(("gsc_top_linking_sites", gsc_top_sites_bytes(groups, labelled),
                      len(groups)))
    if site.refdomains:
        rows = refdomain_rows(profile)
        files.append(("semrush_referring_domains", refdomains_bytes(profile, labelled),
                      len(rows)))
    return [(export_name(site, f), f, data, n) for f, data, n in files]


# ---------------------------------------------------------------------------------------
# Dataset, manifest and statistics
# ---------------------------------------------------------------------------------------
def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_entry(rel: str, fmt: str, data: bytes, rows: int) -> dict:
    encoding = "utf-16" if data.startswith(b"\xff\xfe") else (
        "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8")
    level = "link" if fmt in LINK_LEVEL_FORMATS else "domain"
    return {"path": rel, "format": fmt, "level": level, "encoding": encoding,
            "delimiter": DELIMITER.get(fmt, ","), "rows": rows, "bytes": len(data),
            "sha256": sha256(data)}


def site_manifest(profile: Profile, files: list[dict], labels_rel: str) -> dict:
    site = profile.site
    patterns: dict[str, int] = {}
    for k in profile.links:
        patterns[k.reason] = patterns.get(k.reason, 0) + 1
    return {
        "id": f"site-{site.index + 1:02d}", "dir": site.dir_name, "site": site.domain,
        "url": site.base_url + "/", "brand": site.brand, "niche": site.niche.key,
        "country": site.country, "city": site.city, "language": site.language,
        "money_keywords": site.money_keywords, "spam_profile": site.spam_profile,
        "format": site.fmt, "seed": site.seed_key, "export_date": site.export_date.isoformat(),
        "files": [f["path"] for f in files], "exports": files, "domain_labels": labels_rel,
        "counts": {
            "referring_domains": len(profile.domains),
            "toxic_domains": sum(profile.labels.values()),
            "label_flips": len(profile.noise),
            "links": len(profile.links),
            "toxic_links": sum(k.label for k in profile.links),
            "links_by_pattern": dict(sorted(patterns.items())),
        },
    }


def generate(seed: int, n_sites: int, out: Path) -> dict:
    """Write ``n_sites`` labelled sites and the manifest into ``out``; return the manifest."""
    world = build_world(seed)
    out.mkdir(parents=True, exist_ok=True)
    for old in sorted(out.glob("site-*")):
        if old.is_dir():
            shutil.rmtree(old)
    sites = []
    for index in range(n_sites):
        site = build_site(world, seed, index)
        profile = build_profile(world, site)
        site_dir = out / site.dir_name
        site_dir.mkdir()
        entries = []
        for name, fmt, data, rows in site_files(profile):
            (site_dir / name).write_bytes(data)
            entries.append(file_entry(f"{site.dir_name}/{name}", fmt, data, rows))
        (site_dir / "domain_labels.csv").write_bytes(domain_labels_bytes(profile))
        sites.append(site_manifest(profile, entries, f"{site.dir_name}/domain_labels.csv"))
    totals = {
        "sites": len(sites),
        "referring_domains": sum(s["counts"]["referring_domains"] for s in sites),
        "toxic_domains": sum(s["counts"]["toxic_domains"] for s in sites),
        "label_flips": sum(s["counts"]["label_flips"] for s in sites),
        "links": sum(s["counts"]["links"] for s in sites),
        "toxic_links": sum(s["counts"]["toxic_links"] for s in sites),
        "exported_rows": sum(f["rows"] for s in sites for f in s["exports"]),
    }
    manifest = {
        "dataset": "disavow synthetic labelled backlink exports",
        "generator": "training_data/generate.py",
        "generator_version": GENERATOR_VERSION,
        "command": f"python training_data/generate.py --seed {seed} --sites {n_sites}",
        "seed": seed,
        "label_columns": {
            "label": "1 = toxic: an expert would disavow it; 0 = keep",
            "label_reason": "the pattern that produced the row (see patterns)",
        },
        "label_noise": "a small share of domains carry a flipped expert label; they are marked "
                       "noise=flipped in each domain_labels.csv",
        "patterns": {name: {"label": v[0], "level": v[1], "description": v[2]}
                     for name, v in PATTERNS.items()},
        "formats": {fmt: {"columns": cols, "encoding": ENCODING.get(fmt, "utf-8"),
                          "delimiter": DELIMITER.get(fmt, ",")}
                    for fmt, cols in FORMAT_COLUMNS.items()},
        "sites": sites,
        "totals": totals,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    return manifest


def read_rows(path: Path, encoding: str) -> list[dict[str, str]]:
    """Read one generated export back with the csv module (the way a reader must)."""
    text = path.read_bytes().decode(encoding)
    delimiter = "\t" if text.split("\n", 1)[0].count("\t") else ","
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def collect_stats(root: Path) -> dict:
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    fmt_stats: dict[str, list[int]] = {}
    pat_links: dict[str, list[int]] = {}
    pat_domains: dict[str, list[int]] = {}
    unique_domains: set[str] = set()
    boms: dict[str, int] = {}
    size = 0
    n_files = 0
    for site in manifest["sites"]:
        for f in site["exports"]:
            path = root / f["path"]
            size += path.stat().st_size
            n_files += 1
            rows = read_rows(path, f["encoding"])
            with path.open("rb") as head:
                boms[f["format"]] = boms.get(f["format"], 0) + has_bom(head.read(3))
            st = fmt_stats.setdefault(f["format"], [0, 0, 0])
            st[0] += 1
            st[1] += len(rows)
            st[2] += sum(int(r["label"]) for r in rows)
            if f["level"] == "link":
                for r in rows:
                    p = pat_links.setdefault(r["label_reason"], [0, 0])
                    p[0] += 1
                    p[1] += int(r["label"])
            elif f["format"] == "gsc_top_linking_sites":
                for r in rows:
                    if r["label_reason"] == "free_host_platform":
                        p = pat_domains.setdefault("free_host_platform", [0, 0, 0])
                        p[0] += 1
        labels_path = root / site["domain_labels"]
        size += labels_path.stat().st_size
        n_files += 1
        for r in read_rows(labels_path, "utf-8"):
            unique_domains.add(r["domain"])
            p = pat_domains.setdefault(r["pattern"], [0, 0, 0])
            p[0] += 1
            p[1] += int(r["label"])
            p[2] += r["noise"] == "flipped"
    size += (root / "manifest.json").stat().st_size
    suffixes = Counter(site["site"].split(".", 1)[1] for site in manifest["sites"])
    return {"manifest": manifest, "formats": fmt_stats, "links": pat_links,
            "domains": pat_domains, "unique_domains": len(unique_domains), "bytes": size,
            "files": n_files + 1, "boms": boms, "suffixes": suffixes}


def has_bom(head: bytes) -> bool:
    return head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))


def print_stats(root: Path) -> None:
    st = collect_stats(root)
    m = st["manifest"]
    link_rows = sum(v[0] for v in st["links"].values())
    toxic_rows = sum(v[1] for v in st["links"].values())
    pairs = sum(v[0] for k, v in st["domains"].items() if k != "free_host_platform")
    toxic_pairs = sum(v[1] for k, v in st["domains"].items() if k != "free_host_platform")
    flips = sum(v[2] for v in st["domains"].values())
    print(f"dataset: {root.as_posix()}  (generator {m['generator_version']}, seed {m['seed']})")
    print(f"sites: {len(m['sites'])}   files: {st['files']}   size on disk: "
          f"{st['bytes'] / 1e6:.1f} MB")
    print(f"link rows: {link_rows:,}   toxic: {toxic_rows:,} ({toxic_rows / link_rows:.1%})")
    print(f"site-domain pairs: {pairs:,}   toxic: {toxic_pairs:,} ({toxic_pairs / pairs:.1%})   "
          f"unique domains: {st['unique_domains']:,}   flipped labels: {flips} "
          f"({flips / pairs:.1%})")
    print("sites per suffix: " + ", ".join(
        f".{suffix} {n}" for suffix, n in sorted(st["suffixes"].items(),
                                                 key=lambda item: (-item[1], item[0]))))
    print()
    print("| format | files | with BOM | rows | toxic rows | toxic share |")
    print("|---|---:|---:|---:|---:|---:|")
    for fmt in FORMAT_COLUMNS:
        if fmt in st["formats"]:
            f, r, t = st["formats"][fmt]
            print(f"| {fmt} | {f} | {st['boms'][fmt]} | {r:,} | {t:,} | {t / max(r, 1):.1%} |")
    print()
    print("| pattern | label | level | site-domain pairs | flipped | link rows | toxic link rows |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for name, (label, level, _desc) in PATTERNS.items():
        dn, _dl, df = st["domains"].get(name, [0, 0, 0])
        ln, lt = st["links"].get(name, [0, 0])
        dn_text = f"{dn:,}" if level != "link" else "-"
        print(f"| {name} | {label} | {level} | {dn_text} | {df} | {ln:,} | {lt:,} |")


# ---------------------------------------------------------------------------------------
# The bundled demo (examples/): one invented plumber, as the owner would export it
# ---------------------------------------------------------------------------------------
DEMO_SITE = {
    "niche": "plumber", "country": "GB", "city": "Leeds",
    "brand": ("Alder & Finch Plumbing", "alderfinchplumbing"),
    "keywords": ["emergency plumber leeds", "boiler repair leeds", "boiler installation leeds",
              "blocked drains leeds", "central heating repair leeds", "bathroom fitters leeds"],
}
DEMO_COUNTS = {
    "news": 8, "niche_blog": 24, "free_host_blog": 7, "local_directory": 8,
    "legit_directory": 5, "forum": 14, "edu_gov_org": 4, "social_platform": 8,
    "press_release": 4, "review_site": 3, "seo_stats_page": 10, "legit_low_authority": 28,
    "partner_sitewide": 1, "legit_cheap_tld": 3,
    "pbn": 4, "link_farm": 4, "seo_service": 3, "casino": 2, "pharma": 1, "payday_loans": 1,
    "adult": 1, "essay_writing": 1, "crypto": 1, "directory_farm": 5, "scraper": 6,
    "sitewide_footer": 1, "spam_free_host": 2, "ip_host": 1, "high_authority_spam": 1,
    "nofollow_spam": 2, "clean_name_spam_com": 2,
}
DEMO_FILES = {
    "ahrefs_backlinks": "{domain}-backlinks-subdomains_2026-11-18_09-14-03.csv",
    "semrush_backlinks": "{domain}-backlinks.csv",
    "gsc_latest_links": "gsc-latest-links.csv",
    "gsc_top_linking_sites": "gsc-top-linking-sites.csv",
}


def demo_disavow(profile: Profile, rng: Rng) -> bytes:
    """A plausible disavow file the owner uploaded in 2025: comments, domain: lines, URL lines
    with mixed-case paths, one common mistake (a www. domain line), CRLF line endings."""
    site = profile.site
    by_pattern: dict[str, list[Domain]] = {}
    for d in profile.domains:
        by_pattern.setdefault(d.pattern, []).append(d)

    def some(pattern: str, k: int) -> list[Domain]:
        return rng.sample(by_pattern.get(pattern, []), k)

    lines = [f"# Disavow file for {site.domain}",
             "# Prepared by our previous SEO agency after the March 2025 link audit",
             "# Last edited 2025-03-14 - do not remove entries without checking with Tom", "",
             "# Link networks and paid directories"]
    for pattern in ("link_farm", "directory_farm", "seo_service"):
        lines += [f"domain:{d.key}" for d in some(pattern, 1)]
    lines.append(f"domain:{gibberish(rng, 4, 0)}-links-uk.xyz")  # gone since; still listed
    lines += [f"domain:www.{d.key}" for d in some("casino", 1)]
    lines += ["", "# Spam blogs"]
    lines += [f"domain:{d.key}" for d in some("spam_free_host", 1)]
    lines += ["", "# Forum profiles and comments the old agency created"]
    spam_urls = [k.source_url for k in profile.links if k.reason == "profile_spam"]
    mixed = [u for u in spam_urls if any(c.isupper() for c in u.split("/", 3)[-1])]
    lines += rng.sample(sorted(set(mixed)) or sorted(set(spam_urls)), 2)
    comments = sorted({k.source_url for k in profile.links if k.reason == "comment_spam"
                       and "#" in k.source_url})
    lines += rng.sample(comments, 1)
    lines.append("https://www.leedsdiyforum.co.uk/Members/Profile/8841-EmergencyPlumberLeeds")
    return ("\r\n".join(lines) + "\r\n").encode("ascii", "strict")


def write_demo(seed: int, out: Path) -> dict:
    """Write the unlabelled demo exports into ``out``; return a summary of the truth."""
    world = build_world(seed)
    spec = DEMO_SITE
    site = build_site(world, seed, 0, niche=NICHE_BY_KEY[spec["niche"]], country=spec["country"],
                      city=spec["city"], brand=spec["brand"], keywords=spec["keywords"])
    site.spam_profile, site.fmt, site.refdomains = "typical", "ahrefs_backlinks", False
    site.export_date = date(2026, 11, 18)
    profile = build_profile(world, site, counts=DEMO_COUNTS)
    rng = Rng(seed, 4)
    links = profile.links
    in_ahrefs = [k for k in links if rng.chance(0.85)]
    in_semrush = [k for k in links if rng.chance(0.55)]
    gsc = gsc_latest([k for k in links if rng.chance(0.5)], site, rng)
    groups = gsc_groups(profile, links)
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "ahrefs_backlinks": ahrefs_bytes(in_ahrefs, site.export_date, labelled=False),
        "semrush_backlinks": semrush_bytes(in_semrush, site.export_date, False, bom=True),
        "gsc_latest_links": gsc_latest_bytes(gsc, "%Y-%m-%d", labelled=False),
        "gsc_top_linking_sites": gsc_top_sites_bytes(groups, labelled=False),
    }
    for fmt, data in files.items():
        (out / DEMO_FILES[fmt].format(domain=site.domain)).write_bytes(data)
    (out / "current_disavow.txt").write_bytes(demo_disavow(profile, rng))
    (out / "keywords.txt").write_text("\n".join(site.money_keywords) + "\n", encoding="utf-8")
    toxic = {d.key for d in profile.domains if profile.labels[d.key]}
    link_level = {k.dom.key for k in links if k.reason in ("profile_spam", "comment_spam")}
    return {
        "site": site.domain, "brand": site.brand, "keywords": site.money_keywords,
        "links": len(links), "ahrefs_rows": len(in_ahrefs), "semrush_rows": len(in_semrush),
        "both_vendors": len({id(k) for k in in_ahrefs} & {id(k) for k in in_semrush}),
        "gsc_latest_rows": len(gsc), "gsc_sites": len(groups),
        "domains": len(profile.domains), "toxic_domains": len(toxic),
        "domains_with_link_level_spam": len(link_level),
        "toxic_links": sum(k.label for k in links),
    }


# ---------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="generate.py",
        description="Generate labelled synthetic backlink exports for training disavow's "
                    "toxicity model, the unlabelled demo exports, or statistics of a "
                    "generated dataset.")
    parser.add_argument("--seed", type=int, default=None,
                        help=f"random seed (default {DEFAULT_SEED}; {DEFAULT_DEMO_SEED} with "
                             "--demo)")
    parser.add_argument("--sites", type=int, default=DEFAULT_SITES, metavar="N",
                        help=f"number of target sites (default {DEFAULT_SITES})")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="output folder (default training_data/generated, or examples "
                             "with --demo); site-* folders in it are replaced")
    parser.add_argument("--demo", action="store_true",
                        help="write the unlabelled demo exports for one site instead")
    parser.add_argument("--stats", type=Path, default=None, metavar="DIR",
                        help="print counts per format and pattern of a generated folder")
    args = parser.parse_args(argv)
    if args.stats is not None:
        if not (args.stats / "manifest.json").is_file():
            parser.error(f"{args.stats} has no manifest.json: generate it first")
        print_stats(args.stats)
        return 0
    if args.sites < 1:
        parser.error("--sites must be at least 1")
    if args.demo:
        seed = DEFAULT_DEMO_SEED if args.seed is None else args.seed
        out = args.out or HERE.parent / "examples"
        summary = write_demo(seed, out)
        print(json.dumps(summary, indent=1))
        return 0
    seed = DEFAULT_SEED if args.seed is None else args.seed
    out = args.out or HERE / "generated"
    manifest = generate(seed, args.sites, out)
    t = manifest["totals"]
    print(f"wrote {t['sites']} sites, {t['links']:,} links ({t['toxic_links']:,} toxic), "
          f"{t['referring_domains']:,} site-domain pairs to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
