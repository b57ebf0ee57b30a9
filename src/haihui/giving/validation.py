"""Turn pydantic's validation errors into problems staff can fix, in English and Chinese."""

import difflib
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from haihui.giving.data_problems import data_problem
from haihui.giving.yaml_source import YamlSource
from haihui.problems import Problem


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


def _wording(error: ErrorDetails, model: type[BaseModel]) -> tuple[str, str, str, str]:
    kind, loc, value = error["type"], error["loc"], error.get("input")
    field = str(loc[-1]) if loc else ""
    is_fen = field.endswith("_fen")
    if kind == "missing":
        return (
            f"'{field}' is missing",
            f"add '{field}:' here (see the comments at the top of the file)",
            f"缺少“{field}”",
            f"请在这里加上“{field}:”（参见文件开头的说明）",
        )
    if kind == "extra_forbidden":
        allowed = fields_at(model, tuple(loc[:-1]))
        close = difflib.get_close_matches(field, allowed, n=1, cutoff=0.5)
        listed = ", ".join(allowed)
        fix = f"did you mean '{close[0]}'?" if close else f"remove it; allowed here: {listed}"
        fix_zh = f"是不是想写“{close[0]}”？" if close else f"请删除它；这里可以写：{listed}"
        return f"unknown key '{field}'", fix, f"未知的键“{field}”", fix_zh
    if kind in {"int_type", "int_from_float", "int_parsing"}:
        if is_fen:
            return (
                f"{value!r} is not a whole number of fen",
                "write the amount in fen as a whole number (1 yuan = 100 fen), e.g. 100000 for 1,000 yuan",
                f"{value!r} 不是整数（以分为单位）",
                "金额以“分”为单位、写成整数（1 元 = 100 分），例如 1,000 元写成 100000",
            )
        return (
            f"{value!r} is not a whole number",
            "write a whole number such as 1, 20 or 200",
            f"{value!r} 不是整数",
            "请填写整数，例如 1、20 或 200",
        )
    if kind in {"bool_type", "bool_parsing"}:
        return (
            f"{value!r} is not true or false",
            "write true or false (yes, no, on and off are read as text, as YAML 1.2 reads them)",
            f"{value!r} 不是 true 或 false",
            "请写 true 或 false（按 YAML 1.2 的规则，yes、no、on、off 都只是文字）",
        )
    if kind in {"greater_than", "greater_than_equal"}:
        limit = error.get("ctx", {}).get("gt", error.get("ctx", {}).get("ge"))
        if is_fen and limit == 0 and kind == "greater_than":
            return (
                f"{value!r} is not a positive amount",
                "write an amount above zero, or remove the entry",
                f"{value!r} 不是正数金额",
                "请填写大于零的金额，或删除这一项",
            )
        relation, relation_zh = ("above", "大于") if kind == "greater_than" else ("at least", "不小于")
        return (
            f"{value!r} must be {relation} {limit}",
            f"write a number {relation} {limit}",
            f"{value!r} 必须{relation_zh} {limit}",
            f"请填写{relation_zh} {limit} 的数",
        )
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return (
            f"{value!r} is not allowed here",
            f"write one of: {expected}",
            f"这里不能填 {value!r}",
            f"请填写以下之一：{expected}",
        )
    if kind == "string_pattern_mismatch":
        return (
            f"{value!r} is not a valid id",
            "use lower-case letters a-z, digits and hyphens, e.g. 'mothers-start'",
            f"{value!r} 不是有效的标识",
            "只能用小写字母 a-z、数字和连字符，例如“mothers-start”",
        )
    if kind in {"string_too_short", "string_type"}:
        return (
            "is empty or not text",
            'write the text in quotes, e.g. "A pigsty"',
            "是空的或不是文字",
            '请用引号写上文字，例如 "一个猪圈"',
        )
    return (
        error["msg"],
        "correct the value (see the comments at the top of the file)",
        f"值不正确（{error['msg']}）",
        "请改正这个值（参见文件开头的说明）",
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
