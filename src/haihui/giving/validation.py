"""Turn pydantic's validation errors into problems staff can fix, in English and Chinese."""

import difflib
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from haihui.giving.data_problems import data_problem
from haihui.giving.yaml_source import YamlSource
from haihui.problems import Msg, Problem, msg


def _unwrap(annotation):
    """The model, dict or list inside Annotated[...] and X | None."""
    while True:
        if getattr(annotation, "__metadata__", None) is not None:  # Annotated[...]
            annotation = annotation.__origin__
        elif get_origin(annotation) in (Union, UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            return annotation


def fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys allowed in the mapping at `loc` (empty if it is not a model)."""
    annotation: Any = model  # a model, then whatever annotation each field has
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if part not in annotation.model_fields:
                return []
            annotation = annotation.model_fields[part].annotation
        elif get_origin(annotation) in (dict, list):
            annotation = get_args(annotation)[-1]
        else:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _wording(error: ErrorDetails, model: type[BaseModel]) -> tuple[Msg, Msg]:
    kind, loc, value = error["type"], error["loc"], repr(error.get("input"))
    field = str(loc[-1]) if loc else ""
    is_fen = field.endswith("_fen")
    if kind == "missing":
        return (
            msg("'{key}' is missing", key=field),
            msg("add '{key}:' here (see the comments at the top of the file)", key=field),
        )
    if kind == "extra_forbidden":
        allowed = fields_at(model, tuple(loc[:-1]))
        close = difflib.get_close_matches(field, allowed, n=1, cutoff=0.5)
        fix = (
            msg("did you mean '{close}'?", close=close[0])
            if close
            else msg("remove it; allowed here: {allowed}", allowed=", ".join(allowed))
        )
        return msg("unknown key '{key}'", key=field), fix
    if kind in {"int_type", "int_from_float", "int_parsing"}:
        if is_fen:
            return (
                msg("{value} is not a whole number of fen", value=value),
                msg(
                    "write the amount in fen as a whole number (1 yuan = 100 fen), e.g. 100000 for 1,000 yuan"
                ),
            )
        return msg("{value} is not a whole number", value=value), msg(
            "write a whole number such as 1, 20 or 200"
        )
    if kind in {"bool_type", "bool_parsing"}:
        return (
            msg("{value} is not true or false", value=value),
            msg("write true or false (yes, no, on and off are read as text, as YAML 1.2 reads them)"),
        )
    if kind in {"greater_than", "greater_than_equal"}:
        limit = error.get("ctx", {}).get("gt", error.get("ctx", {}).get("ge"))
        if is_fen and limit == 0 and kind == "greater_than":
            return (
                msg("{value} is not a positive amount", value=value),
                msg("write an amount above zero, or remove the entry"),
            )
        if kind == "greater_than":
            return (
                msg("{value} must be above {limit}", value=value, limit=str(limit)),
                msg("write a number above {limit}", limit=str(limit)),
            )
        return (
            msg("{value} must be at least {limit}", value=value, limit=str(limit)),
            msg("write a number at least {limit}", limit=str(limit)),
        )
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return msg("{value} is not allowed here", value=value), msg(
            "write one of: {known}", known=str(expected)
        )
    if kind == "string_pattern_mismatch":
        return (
            msg("{value} is not a valid id", value=value),
            msg("use lower-case letters a-z, digits and hyphens, e.g. 'mothers-start'"),
        )
    if kind in {"string_too_short", "string_type"}:
        return msg("is empty or not text"), msg('write the text in quotes, e.g. "A pigsty"')
    # pydantic's own words, in English; the catalog gives them a sentence in each language.
    return (
        msg("{error}", error=error["msg"]),
        msg("correct the value (see the comments at the top of the file)"),
    )


def validation_problems(
    error: ValidationError, model: type[BaseModel], path: Path, source: YamlSource
) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        # pydantic marks a bad mapping key with a trailing "[key]"; the key itself is the place.
        loc = tuple(part for part in item["loc"] if part != "[key]")
        problems.append(data_problem(path, source, loc, *_wording(item, model)))
    return problems
