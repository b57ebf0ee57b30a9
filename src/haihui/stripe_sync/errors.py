"""The one exception the sync raises for anything the user must fix or know."""


class SyncError(Exception):
    """Ends the run; the message names the tier (where there is one) and the cause.

    Messages are built from scrubbed text only: no key, and no part of one.
    """
