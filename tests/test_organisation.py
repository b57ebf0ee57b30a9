"""The organisation file (content/data/organisation.yaml): every refused input at its line, in both languages.

Most tests read small YAML texts with the plain functions (no Pelican); two
builds at the end check that a broken file stops the build without touching
output/, and that a changed contact reaches the pages.
"""

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import copy_project, edit, plain, tree_digest
from haihui.build import ROOT, run_pelican
from haihui.checks import CHECKS
from haihui.content.content_rules import Rules
from haihui.organisation import Organisation, check_organisation, load_organisation, read_organisation
from haihui.problems import ERROR, WARNING, Problem

ORGANISATION = "content/data/organisation.yaml"
LANGS = ("en", "zh")
CHANNELS = {"stripe": {"hosts": ["buy.stripe.com"]}, "platform": {"hosts": ["gongyi.qq.com"]}}
GOOD = """\
# A comment line, as staff find in the real file.
contact:
  name: Rachel Jia
  phone: "+86 28 8537 3997"
  email: jiaruting@haihuichina.org
icp_number: ""
replaced_link_message:
  en: "This donation link has been replaced. Please give through {url} - thank you."
  zh: "此捐赠链接已更换。请前往 {url} 捐赠,谢谢您的支持。"
fundraising_disclosure:
  organisation: {en: "Haihui (海惠)", zh: 海惠}
  qualification:
    en: Holds a public-fundraising qualification
    zh: 具有公开募捐资格
  record_number: "51000000MJ0000000X"
  lookup_url: "https://cishan.chinanpo.gov.cn/"
  samples: []
checkout_channels:
  platform:
    names: {en: Tencent Gongyi, zh: 腾讯公益}
"""


def read(tmp_path: Path, text: str, strict: bool = False, channels: dict | None = CHANNELS):
    path = tmp_path / "organisation.yaml"
    path.write_text(text, "utf-8")
    organisation, problems = read_organisation(path, LANGS, channels, strict)
    return path, organisation, problems


def changed(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def only_problem(tmp_path: Path, text: str, **options) -> Problem:
    path, organisation, problems = read(tmp_path, text, **options)
    assert len(problems) == 1, "\n".join(map(str, problems))
    (problem,) = problems
    assert problem.path == str(path)  # the file, as staff find it (relative when inside the project)
    assert problem.message and problem.fix and problem.translated("zh")
    assert re.search(r"[\u4e00-\u9fff]", problem.message_in("zh") + problem.fix_in("zh"))
    if problem.severity == ERROR:
        assert organisation is None
    return problem


def test_a_complete_file_reads_without_a_problem(tmp_path):
    _, organisation, problems = read(tmp_path, GOOD, strict=True)
    assert problems == []
    assert isinstance(organisation, Organisation)
    assert organisation.contact.email == "jiaruting@haihuichina.org"
    assert organisation.fundraising_disclosure.organisation["zh"] == "海惠"
    assert organisation.checkout_channels["platform"].names["en"] == "Tencent Gongyi"
    assert organisation.icp_number == ""


# (what is wrong, the text, the fragment of the line named, English, Chinese)
REFUSED = [
    (
        "missing required field",
        changed("  email: jiaruting@haihuichina.org\n", ""),
        "contact:",
        "contact.email: 'email' is missing",
        "缺少“email”",
    ),
    (
        "missing section",
        GOOD.split("fundraising_disclosure:", maxsplit=1)[0]
        + "checkout_channels:\n  platform:\n    names: {en: T, zh: 腾}\n",
        "# A comment",
        "fundraising_disclosure: 'fundraising_disclosure' is missing",
        "缺少“fundraising_disclosure”",
    ),
    (
        "a language of the site missing",
        changed("    zh: 具有公开募捐资格\n", ""),
        "qualification:",
        "fundraising_disclosure.qualification: has no text in 'zh'",
        "缺少“zh”语言的文字",
    ),
    (
        "a channel name missing a language",
        changed("names: {en: Tencent Gongyi, zh: 腾讯公益}", "names: {en: Tencent Gongyi}"),
        "names:",
        "checkout_channels.platform.names: has no text in 'zh'",
        "缺少“zh”语言的文字",
    ),
    (
        "a language that is not the site's",
        changed(
            'organisation: {en: "Haihui (海惠)", zh: 海惠}',
            'organisation: {en: "Haihui", zh: 海惠, fr: Haihui}',
        ),
        "organisation: {",
        "fundraising_disclosure.organisation.fr: 'fr' is not a language of this site",
        "“fr”不是本网站的语言",
    ),
    (
        "an e-mail that is not an address",
        changed("email: jiaruting@haihuichina.org", "email: Rachel Jia <jiaruting@haihuichina.org>"),
        "email:",
        "contact.email: 'Rachel Jia <jiaruting@haihuichina.org>' is not an e-mail address",
        "不是邮箱地址",
    ),
    (
        "an e-mail without a domain",
        changed("email: jiaruting@haihuichina.org", "email: jiaruting"),
        "email:",
        "contact.email: 'jiaruting' is not an e-mail address",
        "不是邮箱地址",
    ),
    (
        "a phone with letters",
        changed('phone: "+86 28 8537 3997"', 'phone: "+86 28 8537 3997 ext. 12"'),
        "phone:",
        "contact.phone: '+86 28 8537 3997 ext. 12' is not a phone number",
        "不是电话号码",
    ),
    (
        "a phone in full-width digits",
        changed('phone: "+86 28 8537 3997"', 'phone: "＋８６ ２８ ８５３７ ３９９７"'),
        "phone:",
        "is not a phone number",
        "不是电话号码",
    ),
    (
        "lookup_url not https",
        changed(
            'lookup_url: "https://cishan.chinanpo.gov.cn/"', 'lookup_url: "http://cishan.chinanpo.gov.cn/"'
        ),
        "lookup_url:",
        "fundraising_disclosure.lookup_url: 'http://cishan.chinanpo.gov.cn/' is not an https address",
        "不是 https 网址",
    ),
    (
        "a samples entry naming no field",
        changed("  samples: []\n", "  samples:\n    - qualifcation\n"),
        "- qualifcation",
        "fundraising_disclosure.samples[0]: 'qualifcation' is not a field of fundraising_disclosure",
        "“qualifcation”不是 fundraising_disclosure 里的项",
    ),
    (
        "an unknown key at the top",
        GOOD + "website: https://haihuichina.org\n",
        "website:",
        "website: unknown key 'website'",
        "未知的键“website”",
    ),
    (
        "an unknown key inside a section",
        changed("  name: Rachel Jia\n", "  name: Rachel Jia\n  wechat: haihui-china\n"),
        "wechat:",
        "contact.wechat: unknown key 'wechat'",
        "未知的键“wechat”",
    ),
    (
        "text where a list belongs",
        changed("  samples: []", "  samples: qualification"),
        "samples:",
        "fundraising_disclosure.samples: should be a list",
        "应当是列表",
    ),
    (
        "one value where keys and values belong",
        changed('organisation: {en: "Haihui (海惠)", zh: 海惠}', "organisation: Haihui"),
        "organisation: Haihui",
        "fundraising_disclosure.organisation: should hold keys and values (en:, zh:)",
        "应当包含键和值（en:, zh:）",
    ),
    (
        "a list where text belongs",
        changed('record_number: "51000000MJ0000000X"', "record_number: [5100, 0000]"),
        "record_number:",
        "fundraising_disclosure.record_number: is empty or not text",
        "是空的或不是文字",
    ),
    (
        "a number where text belongs",
        changed('phone: "+86 28 8537 3997"', "phone: 862885373997"),
        "phone:",
        "contact.phone: is empty or not text",
        "是空的或不是文字",
    ),
    (
        "an empty value",
        changed("  name: Rachel Jia", "  name:"),
        "name:",
        "contact.name: is empty or not text",
        "是空的或不是文字",
    ),
    (
        "a key written twice",
        changed("  name: Rachel Jia\n", "  name: Rachel Jia\n  name: Jia Ruting\n"),
        "Jia Ruting",
        "contact.name: is written twice",
        "写了两次",
    ),
    (
        "a channel that is not the site's",
        GOOD + "  wechat-pay:\n    names: {en: WeChat Pay, zh: 微信支付}\n",
        "wechat-pay:",
        "checkout_channels.wechat-pay: 'wechat-pay' is not a checkout channel of this site",
        "不是本网站的付款渠道",
    ),
    (
        "not YAML",
        changed("  name: Rachel Jia", "  name: Rachel: Jia"),
        "name: Rachel: Jia",
        "not valid YAML",
        "不是有效的 YAML",
    ),
    (
        "no replaced-link message",
        changed(GOOD[GOOD.index("replaced_link_message:") : GOOD.index("fundraising_disclosure:")], ""),
        "# A comment",
        "replaced_link_message: 'replaced_link_message' is missing",
        "缺少“replaced_link_message”",
    ),
    (
        "a replaced-link message missing a language",
        changed('  zh: "此捐赠链接已更换。请前往 {url} 捐赠,谢谢您的支持。"\n', ""),
        "replaced_link_message:",
        "replaced_link_message: has no text in 'zh'",
        "缺少“zh”语言的文字",
    ),
    (
        "a replaced-link message without {url}",
        changed("请前往 {url} 捐赠", "请前往项目页面捐赠"),
        "请前往项目页面捐赠",
        "replaced_link_message.zh: has no {url}, where the address of the campaign's page goes",
        "缺少 {url}",
    ),
    (
        "a replaced-link message with {url} twice",
        changed("Please give through {url} - thank you.", "Please give through {url} - thank you. {url}"),
        "Please give through",
        "replaced_link_message.en: has {url} 2 times",
        "写了 2 次 {url}",
    ),
    (
        "a replaced-link message with another placeholder",
        changed("- thank you.", "- thank you, {name}."),
        "Please give through",
        "replaced_link_message.en: has a brace { or } other than the one {url}",
        "除了 {url} 之外还有别的花括号",
    ),
    (
        "a placeholder",
        changed("  name: Rachel Jia", "  name: TODO"),
        "name: TODO",
        "contact.name: still a placeholder",
        "还是占位文字",
    ),
]


@pytest.mark.parametrize(
    "text,fragment,english,chinese", [case[1:] for case in REFUSED], ids=[case[0] for case in REFUSED]
)
def test_each_refused_input_is_named_at_its_line_in_both_languages(
    tmp_path, text, fragment, english, chinese
):
    problem = only_problem(tmp_path, text, strict=True)
    assert problem.line == line_of(text, fragment), str(problem)
    assert english in problem.message, str(problem)
    assert chinese in problem.message_in("zh"), str(problem)
    assert problem.severity == ERROR


def test_a_replaced_link_message_without_url_is_refused_at_its_line_in_both_languages(tmp_path):
    """The words Stripe shows on a replaced link need {url}, or donors are told to give "through"
    nothing: the file and the line, what is wrong and how to fix it, in English and in Chinese."""
    text = changed("Please give through {url} - thank you.", "Please give through our website - thank you.")
    path, organisation, problems = read(tmp_path, text)
    assert organisation is None
    (problem,) = problems
    english, chinese = str(problem).splitlines()
    assert english == (
        f"{path}:{line_of(text, 'Please give through')}: replaced_link_message.en: has no {{url}}, where the "
        "address of the campaign's page goes; write {url} exactly once in the text, where the donor should "
        "read the address of the campaign's page, and no other { or }"
    )
    assert chinese == (
        "    replaced_link_message.en：缺少 {url}，也就是填入项目页面网址的地方；"
        "请在文字里恰好写一次 {url}，放在捐赠人应当看到项目页面网址的位置，不要写其他的 { 或 }"
    )


def test_a_misspelt_key_is_named_and_the_one_meant_suggested(tmp_path):
    text = changed("  record_number:", "  record_numbr:")
    path, organisation, problems = read(tmp_path, text)
    assert organisation is None
    assert [(p.path, p.line, p.message) for p in problems] == [
        (
            str(path),
            line_of(text, "fundraising_disclosure:"),
            "fundraising_disclosure.record_number: 'record_number' is missing",
        ),
        (
            str(path),
            line_of(text, "record_numbr:"),
            "fundraising_disclosure.record_numbr: unknown key 'record_numbr'",
        ),
    ]
    assert problems[1].fix == "did you mean 'record_number'?" and "record_number" in problems[1].fix_in("zh")


def test_a_channel_of_the_settings_without_a_name_is_refused(tmp_path):
    text = GOOD.split("checkout_channels:", maxsplit=1)[0]
    problem = only_problem(tmp_path, text)
    assert problem.line == 1
    assert "the checkout channel 'platform' has no name" in problem.message
    assert "付款渠道“platform”没有" in problem.message_in("zh")


@pytest.mark.parametrize("strict,severity", [(False, WARNING), (True, ERROR)])
def test_sample_values_are_marked_in_a_preview_and_refused_in_publish(tmp_path, strict, severity):
    text = changed("  samples: []", "  samples: [qualification, record_number]")
    path, organisation, problems = read(tmp_path, text, strict=strict)
    (problem,) = problems
    assert (problem.path, problem.line, problem.severity) == (str(path), line_of(text, "samples:"), severity)
    assert problem.message == (
        "fundraising_disclosure.samples: the disclosure still has sample values "
        "(qualification, record_number), which a publish build refuses"
    )
    assert "仍有示例值（qualification, record_number），正式发布时不允许" in problem.message_in("zh")
    assert (organisation is None) == strict


def test_an_empty_file_and_a_missing_file_are_named(tmp_path):
    problem = only_problem(tmp_path, "# only a comment\n")
    assert (
        "is not a list of keys and values" in problem.message
        and "不是“键: 值”的列表" in problem.message_in("zh")
    )
    organisation, problems = read_organisation(tmp_path / "nowhere.yaml", LANGS, CHANNELS)
    assert organisation is None and len(problems) == 1
    assert "the organisation file" in problems[0].message and "git checkout" in problems[0].fix
    assert "缺少机构信息文件" in problems[0].message_in("zh")


def test_a_file_not_in_utf8_is_named(tmp_path):
    path = tmp_path / "organisation.yaml"
    path.write_bytes(GOOD.encode("gbk"))
    organisation, (problem,) = read_organisation(path, LANGS, CHANNELS)
    assert (
        organisation is None and "not saved as UTF-8" in problem.message and "UTF-8" in problem.fix_in("zh")
    )


# ---------------------------------------------------------------- with the project's settings


@pytest.fixture(scope="module")
def settings(conf) -> dict:
    """The real preview settings (conftest), with PATH absolute as Pelican makes it."""
    return conf


def test_the_real_file_has_only_its_sample_values_to_confirm(settings):
    organisation, problems = load_organisation(settings)
    assert organisation is not None
    assert [(p.path, p.line, p.severity) for p in problems] == [
        (ORGANISATION, line_of((ROOT / ORGANISATION).read_text("utf-8"), "  samples: ["), WARNING),
        # The donation receipt's wording (the partner brief), until the finance team confirms it.
        (ORGANISATION, line_of((ROOT / ORGANISATION).read_text("utf-8"), "  sample: true"), WARNING),
    ]


@pytest.mark.parametrize("setting", ["CONTACT", "ICP_NUMBER", "FUNDRAISING_DISCLOSURE", "CHANNEL_NAMES"])
def test_a_setting_that_moved_to_the_file_is_not_silently_ignored(settings, setting):
    changed_settings = dict(settings)
    if setting == "CHANNEL_NAMES":
        changed_settings["CHECKOUT_CHANNELS"] = {
            **settings["CHECKOUT_CHANNELS"],
            "platform": {"hosts": ["gongyi.qq.com"], "names": {"en": "Tencent Gongyi", "zh": "腾讯公益"}},
        }
        named = "CHECKOUT_CHANNELS['platform']['names']"
    else:
        changed_settings[setting] = {}
        named = setting
    errors = [p for p in load_organisation(changed_settings)[1] if p.severity == ERROR]
    assert len(errors) == 1 and errors[0].path == "pelicanconf.py"
    assert errors[0].message == f"{named} is no longer read: the site takes it from {ORGANISATION}"
    assert ORGANISATION in errors[0].message_in("zh")


def test_invoke_check_reports_the_file_too(settings, tmp_path):
    """`invoke check` and the build run the same list of checks; this one is in it."""
    assert check_organisation in CHECKS
    data = tmp_path / "data"
    shutil.copytree(ROOT / "content" / "data", data)
    edit(data / "organisation.yaml", "email: jiaruting@haihuichina.org", "email: jiaruting")
    rules = Rules(
        languages=LANGS, strict=False, templates=frozenset(), settings=dict(settings, PATH=str(tmp_path))
    )
    found = [p for p in check_organisation([], rules) if p.severity == ERROR]
    assert [(p.line, p.message) for p in found] == [
        (
            line_of((data / "organisation.yaml").read_text("utf-8"), "email:"),
            "contact.email: 'jiaruting' is not an e-mail address",
        )
    ]


# ---------------------------------------------------------------- whole builds


NEW_EMAIL = "giving@haihuichina.org"


@pytest.fixture(scope="module")
def new_contact_build(tmp_path_factory) -> Path:
    """A project copy whose organisation file has another contact e-mail, built once."""
    project = copy_project(tmp_path_factory.mktemp("organisation") / "project")
    edit(project / ORGANISATION, "email: jiaruting@haihuichina.org", f"email: {NEW_EMAIL}")
    result = run_pelican("pelicanconf.py", project / "output", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project


def test_a_changed_contact_email_shows_on_the_built_pages(new_contact_build):
    output = new_contact_build / "output"
    for url in (
        "index.html",
        "zh/index.html",
        "campaigns/left-behind-mothers/index.html",
        "zh/partner/index.html",
    ):
        soup = BeautifulSoup((output / url).read_text("utf-8"), "lxml")
        footer = soup.select_one("footer.site-footer")
        mail = footer.select_one('a[href^="mailto:"]')
        assert mail["href"] == f"mailto:{NEW_EMAIL}" and mail.get_text() == NEW_EMAIL, url
        assert "jiaruting@haihuichina.org" not in str(soup.select_one("main .disclosure") or ""), url
    campaign = BeautifulSoup((output / "campaigns/left-behind-mothers/index.html").read_text("utf-8"), "lxml")
    assert NEW_EMAIL in campaign.select_one("main .disclosure").get_text()


def test_a_broken_organisation_file_stops_the_build_at_its_line_and_leaves_output_alone(
    new_contact_build, tmp_path
):
    project = tmp_path / "project"
    shutil.copytree(new_contact_build, project)
    edit(project / ORGANISATION, f"email: {NEW_EMAIL}", "email: giving at haihuichina.org")
    before = tree_digest(project / "output")
    result = run_pelican("pelicanconf.py", project / "output", cwd=project)
    messages = plain(result)
    assert result.returncode != 0
    assert "Traceback" not in messages
    line = line_of((project / ORGANISATION).read_text("utf-8"), "email:")
    assert (
        f"{ORGANISATION}:{line}: contact.email: 'giving at haihuichina.org' is not an e-mail address"
        in messages
    )
    assert "不是邮箱地址" in messages.replace(" ", "")
    assert tree_digest(project / "output") == before
