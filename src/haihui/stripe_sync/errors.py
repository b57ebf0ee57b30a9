"""The one exception the sync raises for anything the user must fix or know."""

from haihui.languages.staff import SOURCE_LANGUAGE, Msg


class SyncError(Exception):
    """Ends the run; the message names the tier (where there is one) and the cause.

    `message` is a staff message (haihui.languages.staff), shown in each language
    of the site; `detail` is text that is in every language already (a data file's
    problems, each with its lines), shown once below it. Both are built from
    scrubbed text only: no key, and no part of one.
    """

    def __init__(self, message: Msg, detail: str = ""):
        self.message = message
        self.detail = detail
        english = message.render(SOURCE_LANGUAGE)
        super().__init__(f"{english}\n{detail}" if detail else english)
