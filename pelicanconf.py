"""Preview settings: what `make build` and `make serve` use.

Everything a page needs to know about languages, URLs and hosts lives here once;
publishconf.py changes only what differs for the public site.
"""

AUTHOR = "Haihui"
SITENAME = "Haihui"
SITEURL = ""
# Absolute origin for canonical URLs, hreflang, Open Graph, feeds and sitemap.
# Links inside pages stay root-relative so the preview works on any port.
SITE_ORIGIN = "http://127.0.0.1:8000"

PATH = "content"
THEME = "theme"
TIMEZONE = "Asia/Shanghai"
DEFAULT_DATE_FORMAT = "%Y-%m-%d"

# ---------------------------------------------------------------- languages
DEFAULT_LANG = "en"
# Order matters: it is the order of the language switcher and hreflang links.
# name: in the switcher; html_lang: <html lang> and hreflang; locale: Babel's, for
# dates and digits; prefix: of every address; og_locale: Open Graph's og:locale
# (language_TERRITORY). A language without og_locale gets its Babel locale's, with
# the territory CLDR finds likely when the locale names none ("fr" -> "fr_FR").
LANGUAGES = {
    "en": {"name": "English", "html_lang": "en", "locale": "en", "prefix": "", "og_locale": "en_US"},
    "zh": {
        "name": "中文",
        "html_lang": "zh-Hans",
        "locale": "zh_Hans_CN",
        "prefix": "zh/",
        "og_locale": "zh_CN",
    },
}
# Gettext catalogs of the theme (theme/translations/<locale>/LC_MESSAGES/messages.po).
# Autoescape: every value a template prints is escaped unless it is marked as
# HTML (the sanitized text of a story or page, the pictures, the tier cards), so
# a header field such as Title is always shown as text.
JINJA_ENVIRONMENT = {
    "extensions": ["jinja2.ext.i18n"],
    "trim_blocks": True,
    "lstrip_blocks": True,
    "autoescape": True,
}

# ---------------------------------------------------------------- content
ARTICLE_PATHS = ["stories"]
# Progress reports are pages with `Template: report` in content/reports/ (haihui.reports).
PAGE_PATHS = ["pages", "reports"]
REPORT_PATHS = ["reports"]
STATIC_PATHS = ["images"]
ARTICLE_TRANSLATION_ID = "slug"
PAGE_TRANSLATION_ID = "slug"
# A story is `<slug>.<lang>.md`; Pelican must not guess slugs from Chinese titles.
SLUGIFY_SOURCE = "basename"
DEFAULT_CATEGORY = "stories"
SUMMARY_MAX_LENGTH = 40
DEFAULT_PAGINATION = False
# No `smarty` extension: it re-scans all text for quotes and cost a quarter of
# the build time (make bench); staff can type curly quotes themselves.
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
    },
    "output_format": "html5",
}

# ---------------------------------------------------------------- URLs
# Every URL pattern of the site, in one place. `{prefix}` is the language's
# prefix from LANGUAGES ("" for English, "zh/" for Chinese).
ARTICLE_URL = "stories/{slug}/"
ARTICLE_SAVE_AS = "stories/{slug}/index.html"
ARTICLE_LANG_URL = "{lang}/stories/{slug}/"
ARTICLE_LANG_SAVE_AS = "{lang}/stories/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
PAGE_LANG_URL = "{lang}/{slug}/"
PAGE_LANG_SAVE_AS = "{lang}/{slug}/index.html"
CAMPAIGN_URL = "{prefix}campaigns/{slug}/"
LISTING_URLS = {
    "index": "{prefix}",
    "stories": "{prefix}stories/",
    "campaigns": "{prefix}campaigns/",
}
FEED_URL = "{prefix}feeds/stories.atom.xml"
# Progress reports: each report, each campaign's listing of them and its feed per language.
REPORT_URL = "{prefix}reports/{slug}/"
REPORT_LISTING_URL = "{prefix}campaigns/{campaign}/reports/"
REPORT_FEED_URL = "{prefix}feeds/{campaign}-reports.atom.xml"
SITEMAP_URL = "sitemap.xml"
# Preview builds only: every problem `make check` reports, one page per language.
CHECK_REPORT_URL = "{prefix}preview-problems/"
PAGINATED_TEMPLATES = {"stories": 24}
# The home page and a campaign page show the newest stories and link to the
# listing for the rest.
HOME_STORIES_SHOWN = 3
CAMPAIGN_STORIES_SHOWN = 6
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# This site has no tag, category, author or date archives: stories are
# reached by campaign and by the per-language listings our plugin writes.
DIRECT_TEMPLATES = []
TAG_SAVE_AS = TAGS_SAVE_AS = ""
CATEGORY_SAVE_AS = CATEGORIES_SAVE_AS = ""
AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""
# Feeds are written per language by haihui_languages (FEED_URL above).
FEED_ALL_ATOM = FEED_ALL_RSS = FEED_ATOM = FEED_RSS = None
CATEGORY_FEED_ATOM = CATEGORY_FEED_RSS = None
TAG_FEED_ATOM = TAG_FEED_RSS = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = TRANSLATION_FEED_RSS = None

# ---------------------------------------------------------------- plugins
PLUGIN_PATHS = ["plugins"]
PLUGINS = [
    "haihui_content",
    "haihui_speed",
    "haihui_languages",
    "haihui_listings",
    "haihui_reports",  # progress reports: their addresses, listings and feeds per campaign
    "haihui_giving",
    "haihui_gift_chain",  # Passing on the Gift: the chain's page, its open data, stories' links
    "haihui_partners",  # the CSR partner kit: each campaign's printable partner brief
    "haihui_pictures",
    "haihui_sharing",  # share images, WeChat posters, QR codes, the printable flyer and honour cards
    "haihui_assets",  # the theme's files by fingerprinted names (asset() in templates)
]
# Preview builds warn about what a publish build refuses.
STRICT_PUBLISH = False
# The disclosure clock: a preview warns this many days before a progress report is due,
# and a publish build refuses a campaign whose report is overdue. HAIHUI_TODAY = "2026-12-01"
# fixes the day the build takes as today (else SOURCE_DATE_EPOCH, else the clock).
REPORT_WARNING_DAYS = 30
HAIHUI_TODAY = ""

# ---------------------------------------------------------------- drafts
# A story not finished yet (a TODO / 待填写 left in it, or `Status: draft`) is
# built by `make serve` and `make build` at these addresses, with a banner
# listing what is missing, and listed nowhere. publishconf.py builds none
# (src/haihui/content/drafts.py).
BUILD_DRAFTS = True
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"
DRAFT_LANG_URL = "{lang}/drafts/{slug}/"
DRAFT_LANG_SAVE_AS = "{lang}/drafts/{slug}/index.html"
DRAFT_PAGE_URL = "drafts/pages/{slug}/"
DRAFT_PAGE_SAVE_AS = "drafts/pages/{slug}/index.html"
DRAFT_PAGE_LANG_URL = "{lang}/drafts/pages/{slug}/"
DRAFT_PAGE_LANG_SAVE_AS = "{lang}/drafts/pages/{slug}/index.html"

# ---------------------------------------------------------------- organisation
# The published contact, the ICP filing number, the Charity Law disclosure
# beside the checkout links and the checkout channels' names (path inside PATH;
# Pelican does not read it as a page). Staff edit it there; see its comments.
ORGANISATION_FILE = "data/organisation.yaml"

# ---------------------------------------------------------------- giving
# The one source of every amount on the site, and the checkout links per tier
# (paths inside PATH; Pelican reads neither as a page). See README, "Tiers".
FUND_USE_FILE = "data/fund-use.yaml"
CHECKOUT_LINKS_FILE = "data/checkout-links.yaml"
# The summary as open data, beside the fund-use page (both languages link here).
FUND_USE_DATA_FILES = {"csv": "fund-use/fund-use.csv", "json": "fund-use/fund-use.json"}
# The Passing on the Gift chain: families and pass-ons (path inside PATH; see its comments),
# its open data beside the page, and the most families drawn one by one (beyond: a summary).
GIFT_CHAIN_FILE = "data/gift-chain.yaml"
GIFT_CHAIN_DATA_FILES = {
    "csv": "passing-on-the-gift/gift-chain.csv",
    "json": "passing-on-the-gift/gift-chain.json",
}
GIFT_CHAIN_DRAW_LIMIT = 40
# Every checkout URL must be https on one of its channel's hosts, or the build
# fails: a tampered link would send donations elsewhere.
CHECKOUT_CHANNELS = {
    "stripe": {"hosts": ["buy.stripe.com", "donate.stripe.com"]},
    # The appeal's page on a fundraising platform designated by the Ministry of Civil Affairs
    # (its name per language: checkout_channels in ORGANISATION_FILE).
    "platform": {"hosts": ["gongyi.qq.com", "ssl.gongyi.qq.com"]},
}
# Links in the text of a story or page that count as payment or donation links:
# to one of these hosts (or a subdomain), with one of these schemes, or whose
# host or path has a word starting with one of `words`. Each must be https on a
# host of a CHECKOUT_CHANNELS channel, or the build fails
# (plugins/haihui_content/html_rules.py): donations go only where checkout-links.yaml sends them.
PAYMENT_LINKS = {
    "hosts": [
        "paypal.com",
        "paypal.me",
        "stripe.com",
        "buy.stripe.com",
        "donate.stripe.com",
        "checkout.stripe.com",
        "alipay.com",
        "alipay.cn",
        "alipayobjects.com",
        "alipay.hk",
        "tenpay.com",
        "wxpay.com",
        "pay.weixin.qq.com",
        "wx.tenpay.com",
        "payapp.weixin.qq.com",
        "gofundme.com",
        "ko-fi.com",
        "patreon.com",
        "buymeacoffee.com",
        "givebutter.com",
        "donorbox.org",
        "justgiving.com",
        "globalgiving.org",
        "opencollective.com",
        "liberapay.com",
        "venmo.com",
        "cash.app",
        "gongyi.qq.com",
        "ssl.gongyi.qq.com",
        "gongyi.weibo.com",
        "gongyi.alipay.com",
        "gongyi.baidu.com",
        "gongyi.163.com",
        "ssl.gongyi.jd.com",
        "gongyi.jd.com",
        "lianquan.org",
        "99.qq.com",
        "shuidichou.com",
        "qschou.com",
        "easyhelp.com",
        "unionpay.com",
        "95516.com",
    ],
    "schemes": [
        "alipays",
        "alipay",
        "alipayqr",
        "weixin",
        "wxp",
        "wechat",
        "paypal",
        "venmo",
        "cashme",
        "upwallet",
        "unionpay",
    ],
    "words": ["donat", "pay", "checkout", "捐", "支付", "付款", "募"],
}

LOAD_CONTENT_CACHE = False
# Every build starts from an empty folder, previews too: `make serve` rebuilds
# straight into output/, and a withdrawn story must not linger there. The
# checks run before Pelican empties it, so a content mistake leaves it alone.
DELETE_OUTPUT_DIRECTORY = True
