"""Public build: what `make publish` uses. Only what differs from preview."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

# The public address of the site; set SITEURL in the deploy environment if the
# site moves (the default is the domain of Haihui's published e-mail address;
# an empty SITEURL, as a CI step may pass, means the default too).
SITEURL = (os.environ.get("SITEURL") or "https://haihuichina.org").rstrip("/")
SITE_ORIGIN = SITEURL
RELATIVE_URLS = False
# Refuse what a preview only warns about: single-language stories not marked
# as such, sample checkout links, Stripe test links, missing alt text.
STRICT_PUBLISH = True
# No draft is read or written (`make preview` too): the build leaves drafts
# unread, and Pelican's own draft addresses are empty, so it would write none.
BUILD_DRAFTS = False
DRAFT_SAVE_AS = DRAFT_LANG_SAVE_AS = DRAFT_PAGE_SAVE_AS = DRAFT_PAGE_LANG_SAVE_AS = ""
