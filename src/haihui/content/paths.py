"""Paths as staff write them (always with /), worked on as strings: the checks
handle every line of every file, and pathlib objects cost more than the work."""


def relative_to_content(path: str, content_root: str) -> str:
    """`content/stories/x.en.md` -> `stories/x.en.md` (paths as staff see them)."""
    path = path.replace("\\", "/")
    root = content_root.replace("\\", "/").rstrip("/")
    return path[len(root) + 1 :] if root and path.startswith(root + "/") else path


def suffix(path: str) -> str:
    """ ".jpg" for "images/a.JPG": the lower-case extension of a path (as PurePosixPath.suffix)."""
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""
