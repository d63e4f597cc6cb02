"""Hand-curated vocabularies behind the text signals.

Written for this project from SEO practice (see ../shared/docs/signals.md);
nothing here is copied from a third-party list. Words are matched on word
boundaries in anchors and titles, and as substrings in domain labels (domain
names have no spaces), where only tokens of four or more letters are used so
that "bet" does not fire on "alphabet".
"""

# Risky topics: a link from one of these to an unrelated site is a classic
# paid-link or hacked-site footprint.
RISKY_TOPICS: dict[str, tuple[str, ...]] = {
    "gambling": (
        "casino", "casinos", "poker", "slots", "slot", "betting", "bet", "bets", "bookmaker",
        "jackpot", "roulette", "blackjack", "baccarat", "lottery", "lotto", "togel", "sportsbook",
        "gambling", "judi", "bingo", "spins", "freespins", "1xbet", "wager",
    ),
    "adult": (
        "porn", "porno", "xxx", "sex", "sexy", "escort", "escorts", "nude", "nudes", "milf",
        "camgirl", "webcam", "hentai", "erotic", "adult", "fetish", "onlyfans", "xvideos",
        "hookup", "hookups",
    ),
    "pharma": (
        "viagra", "cialis", "levitra", "pharmacy", "pills", "pill", "tramadol", "xanax",
        "kamagra", "pharma", "rx", "meds", "drugstore", "steroids", "phentermine", "ambien",
        "oxycodone", "cbd", "kratom", "modafinil",
    ),
    # Payday-style lending only: "credit", "mortgage" and "bank" name real banks.
    "loans": (
        "loan", "loans", "payday", "cashadvance", "quickcash", "fastcash", "titleloan",
        "paydayloan", "cashloan", "instantloan",
    ),
    "essays": (
        "essay", "essays", "dissertation", "homework", "thesis", "coursework", "assignment",
        "termpaper", "paperwriting", "writemypaper",
    ),
    "crypto": (
        "crypto", "bitcoin", "btc", "forex", "binaryoption", "airdrop", "nft", "cryptocasino",
        "ethereum",
    ),
    "seo_services": (
        "seo", "backlink", "backlinks", "linkbuilding", "pagerank", "serp", "guestpost",
        "guestposts", "pbn", "dofollow", "linkfarm", "indexer", "submitter", "bookmarking",
    ),
    "warez": (
        "crack", "cracked", "keygen", "serial", "torrent", "torrents", "warez", "nulled",
        "apk", "mod", "download", "downloads", "freedownload", "mp3", "movies", "streaming",
        "putlocker", "123movies",
    ),
    "replica": (
        "replica", "replicas", "outlet", "cheap", "wholesale", "discount", "fake", "knockoff",
        "jerseys", "uggs", "louboutin", "rolex",
    ),
}

# What a reason may call a domain name "about", where that differs from the words
# above. The replica words the model was trained on include words of honest trade
# (outlet, cheap, wholesale, discount) and "fake" (Fakenham): they stay in the model's
# signal, since changing them would change its scores, but a reason names the topic
# only for a word that means it.
NAME_TOPIC_REASON_WORDS: dict[str, tuple[str, ...]] = {
    "replica": ("replica", "replicas", "knockoff", "knockoffs"),
}

# Tokens in domain names that advertise link selling; the 2025-26 wave of
# seolinkpro.shop-style domains is built from these.
LINK_SELLING_TOKENS: tuple[str, ...] = (
    "seo", "links", "backlink", "linkbuild", "serp", "guestpost", "pbn", "dofollow",
    "outrank", "rankboost", "linkjuice", "nichelink", "seolink", "toplink", "buylink",
)

# Words that name real institutions and media. Matched as substrings of the
# domain name (four letters or more); they lower risk, they do not clear it.
INSTITUTION_WORDS: tuple[str, ...] = (
    "bank", "banque", "banca", "banco", "credit", "caisse", "sparkasse", "insurance",
    "assurance", "versicherung", "mutual", "savings", "finance", "journal", "news", "times",
    "gazette", "tribune", "herald", "daily", "presse", "prensa", "zeitung", "radio",
    "magazine", "forum", "community", "society", "university", "college", "school", "ecole",
    "academy", "institute", "museum", "library", "hospital", "clinic", "council", "county",
    "government", "police", "church", "foundation", "association", "federation", "chamber",
    "ministry", "library", "observer", "courier", "express", "chronicle", "weekly",
)

# Cheap TLDs heavily used by link-selling and spam networks. Only used for the
# plain-words reasons; the model learns TLD risk from labelled data.
CHEAP_TLDS: frozenset[str] = frozenset(
    {
        "xyz", "top", "shop", "store", "site", "online", "click", "agency", "space", "website",
        "buzz", "icu", "pw", "tk", "ml", "ga", "cf", "gq", "loan", "win", "bid", "monster",
        "cyou", "sbs", "rest", "fun", "live", "life", "link", "work", "today", "best",
    }
)

GENERIC_ANCHORS: frozenset[str] = frozenset(
    {
        "click here", "here", "this", "website", "web site", "site", "this site", "this website",
        "link", "this link", "read more", "more", "more info", "more information", "learn more",
        "visit", "visit site", "visit website", "visit us", "source", "homepage", "home page",
        "home", "go", "go here", "check it out", "check this out", "see more", "details",
        "view", "view more", "continue reading", "official site", "official website", "www",
        "url", "page", "article", "blog", "post", "link here", "click", "read", "info",
        "find out more", "go to site", "website link", "their website", "our website",
    }
)

# Words that turn an anchor into a money anchor.
COMMERCIAL_WORDS: frozenset[str] = frozenset(
    {
        "buy", "cheap", "best", "price", "prices", "cost", "discount", "deal", "deals", "sale",
        "order", "hire", "near", "services", "service", "company", "online", "affordable", "top",
        "quote", "quotes", "free", "shop", "store", "rental", "repair", "agency", "expert",
        "professional", "emergency", "coupon", "review", "reviews",
    }
)

# URL patterns of pages where anyone can drop a link: user profiles, comments,
# directories and bookmarks. Matched on the lower-cased path and query.
URL_PATTERNS: dict[str, tuple[str, ...]] = {
    "profile": (
        "/member/", "/members/", "/user/", "/users/", "/profile", "/author/", "/u/",
        "memberlist", "action=profile", "/people/", "/account/", "userinfo", "/space-uid",
    ),
    "comment": ("replytocom=", "#comment", "/comment", "comments", "guestbook", "/reply"),
    "directory": (
        "/directory", "/dir/", "submit", "add-url", "addurl", "add_url", "/links/", "links.html",
        "/link-", "/listing", "/listings/", "web-directory", "/category/", "/catalog/", "/sites/",
    ),
    "bookmark": ("/bookmark", "bookmarks", "/story/", "/stories/", "social-bookmark"),
    "forum": ("/forum", "/forums/", "/thread", "/topic", "showthread", "viewtopic", "/t/"),
    "guest_post": ("guest-post", "write-for-us", "sponsored-post", "/press-release", "/pr/"),
}

# Established platforms: user content lives there, so a domain-level entry
# would disavow millions of unrelated pages. Never disavowed as a whole; a
# spam page on them can still be listed as a URL line.
PROTECTED_DOMAINS: frozenset[str] = frozenset(
    {
        "google.com", "youtube.com", "facebook.com", "twitter.com", "x.com", "instagram.com",
        "linkedin.com", "pinterest.com", "reddit.com", "wikipedia.org", "wikimedia.org",
        "github.com", "github.io", "gitlab.com", "bitbucket.org", "stackoverflow.com",
        "stackexchange.com", "medium.com", "wordpress.com", "wordpress.org", "blogger.com",
        "blogspot.com", "tumblr.com", "quora.com", "amazon.com", "apple.com", "microsoft.com",
        "yahoo.com", "bing.com", "msn.com", "live.com", "outlook.com", "tiktok.com",
        "vimeo.com", "dailymotion.com", "flickr.com", "imgur.com", "archive.org",
        "web.archive.org", "mozilla.org", "t.co", "bit.ly", "goo.gl", "sites.google.com",
        "docs.google.com", "drive.google.com", "feedburner.com", "feedly.com", "slideshare.net",
        "scribd.com", "issuu.com", "soundcloud.com", "spotify.com", "twitch.tv", "discord.com",
        "telegram.org", "t.me", "whatsapp.com", "wa.me", "substack.com", "weebly.com",
        "wix.com", "wixsite.com", "squarespace.com", "shopify.com", "myshopify.com",
        "etsy.com", "ebay.com", "yelp.com", "tripadvisor.com", "trustpilot.com",
        "foursquare.com", "craigslist.org", "indeed.com", "glassdoor.com", "crunchbase.com",
        "producthunt.com", "behance.net", "dribbble.com", "deviantart.com", "about.me",
        "linktr.ee", "gravatar.com", "disqus.com", "livejournal.com", "weibo.com", "vk.com",
        "ok.ru", "yandex.ru", "baidu.com", "naver.com", "daum.net", "line.me", "bbc.co.uk",
        "bbc.com", "nytimes.com", "theguardian.com", "cnn.com", "forbes.com", "reuters.com",
        "washingtonpost.com", "wsj.com", "bloomberg.com", "huffpost.com", "businessinsider.com",
        "techcrunch.com", "wired.com", "theverge.com", "cloudflare.com", "netlify.app",
        "vercel.app", "pages.dev", "web.app", "firebaseapp.com", "herokuapp.com",
        "amazonaws.com", "azurewebsites.net", "apple.news", "play.google.com", "zoom.us",
        "dropbox.com", "box.com", "notion.so", "notion.site", "canva.com", "mailchimp.com",
        "eventbrite.com", "meetup.com", "patreon.com", "kickstarter.com", "gofundme.com",
        "researchgate.net", "academia.edu", "nih.gov", "ncbi.nlm.nih.gov", "europa.eu",
        "gov.uk", "usa.gov", "who.int", "un.org", "w3.org", "ietf.org", "python.org",
        "npmjs.com", "pypi.org", "hubspot.com", "salesforce.com", "adobe.com", "oracle.com",
        "ibm.com", "samsung.com", "sony.com", "nature.com", "sciencedirect.com",
        "springer.com", "wiley.com", "jstor.org", "imdb.com", "goodreads.com", "booking.com",
        "airbnb.com", "expedia.com", "paypal.com", "stripe.com", "alibaba.com",
        "aliexpress.com", "rakuten.co.jp", "mercadolibre.com", "jimdo.com",
        "over-blog.com", "typepad.com", "hatenablog.com", "ameblo.jp", "tistory.com",
        # In public blocklists (docs: signals.md, known failure modes), but hosting
        # user profiles and pages: semrush.com and paltalk.com among them.
        "semrush.com", "paltalk.com", "ahrefs.com", "moz.com", "majestic.com",
        "similarweb.com", "gumroad.com", "fandom.com", "wikia.com", "archive.ph",
    }
)
