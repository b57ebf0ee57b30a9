#!/usr/bin/env python3
"""Set up .venv and run a task: what `make <task>` does, also where there is no make (Windows).

    py bootstrap.py serve                 Windows (another Python: py -3.12 bootstrap.py serve)
    python3 bootstrap.py test             Linux, macOS (the Makefile runs this file)
    python3 bootstrap.py new-story --slug ayi --campaign left-behind-mothers
    python3 bootstrap.py help             every task, one line each

The first run creates .venv with the Python that runs this file (3.11.5 or
newer), installs the pinned requirements with their hashes (pip
--require-hashes) and then the project itself, editable; a later run installs
again only when requirements.txt, requirements-dev.txt or pyproject.toml
changed since (as make decides, by modification time). Then it runs
`invoke <task>` with the Python of .venv (.venv/bin/python, or
.venv\\Scripts\\python.exe on Windows). The Makefile calls this file: one
set-up for make and for Windows.

This file runs on any Python from 3.6 on (a stock Mac has 3.9), so that an old one
is told what to install instead of failing on a line it cannot read; the
tasks themselves run on the Python of .venv.
"""

import ntpath
import os
import posixpath
import shutil
import subprocess
import sys
from collections import namedtuple

MINIMUM = (3, 11, 5)
VENV = ".venv"
READY = ".requirements-installed"
DEV_READY = ".dev-requirements-installed"

# Each task: its name, whether it needs requirements-dev.txt and npm's packages, one line in
# English and one in Chinese. The Makefile's targets are these names (tests/test_setup.py).
Task = namedtuple("Task", "name dev npm en zh")
TASKS = (
    Task(
        "serve",
        False,
        False,
        "Build, preview at http://127.0.0.1:8000, rebuild on every save",
        "生成网站，在 http://127.0.0.1:8000 预览，每次保存后自动重新生成",
    ),
    Task(
        "check",
        False,
        False,
        'Check all content without building (ARGS="--publish": the public rules)',
        '不生成网站，只检查全部内容（ARGS="--publish"：按正式发布的规则）',
    ),
    Task("new-story", False, False, "Start a story in both languages", "新建一个中英文故事"),
    Task("build", False, False, "Build the preview site into output/", "生成预览网站到 output/"),
    Task("rebuild", False, False, "Delete output/ and build again", "删除 output/ 后重新生成"),
    Task(
        "regenerate",
        False,
        False,
        "Rebuild on every save, without a server",
        "每次保存后重新生成（不启动预览）",
    ),
    Task(
        "livereload",
        False,
        False,
        "Like serve; the browser reloads by itself",
        "和 serve 一样，浏览器还会自动刷新",
    ),
    Task(
        "preview",
        False,
        False,
        "The public build, warning about what publish refuses",
        "按正式发布的设置生成，对 publish 会拒绝的问题只给出警告",
    ),
    Task(
        "publish",
        False,
        False,
        "The public build: output/ replaced only if every check passes",
        "正式构建：所有检查都通过才替换 output/",
    ),
    Task(
        "deploy",
        False,
        False,
        "Upload the last publish to DEPLOY_REMOTE (rclone)",
        "把最近一次 publish 的结果上传到 DEPLOY_REMOTE（rclone）",
    ),
    Task(
        "stripe-sync", False, False, "Create or update the Stripe payment links", "创建或更新 Stripe 付款链接"
    ),
    Task(
        "translations",
        False,
        False,
        "Update the translation catalogs (theme and staff messages)",
        "更新翻译目录（网站界面和给员工的提示）",
    ),
    Task(
        "test",
        True,
        True,
        "The gates (ruff, mypy) and the whole test suite",
        "代码检查（ruff、mypy）和全部测试",
    ),
    Task(
        "bench",
        True,
        False,
        'Build time against bare Pelican (ARGS="--stories 100")',
        "与原版 Pelican 比较生成时间",
    ),
    Task(
        "bench-images",
        True,
        False,
        'Time to publish a new photo shoot (ARGS="--photos 40")',
        "发布一批新照片需要的时间",
    ),
    Task(
        "audit",
        True,
        True,
        "Lighthouse scores of the served site, into audit/",
        "用 Lighthouse 给网站评分，结果写入 audit/",
    ),
    Task(
        "screenshots",
        True,
        False,
        "Screenshots of the pages staff check, into docs/screenshots/",
        "为员工要检查的页面截图，保存到 docs/screenshots/",
    ),
)
# What the Makefile and this file do themselves, without invoke.
OWN = (
    Task("venv", False, False, "Set up .venv only", "只安装 .venv"),
    Task("clean", False, False, "Delete output/ and the caches", "删除 output/ 和缓存"),
    Task("help", False, False, "This list", "显示本清单"),
)
CLEANED = ("output", ".build", ".cache")

Step = namedtuple("Step", "command stamp")  # the words of a command; the file to touch once it succeeds


def say(english, chinese, stream=None):
    """A message for staff, in English and Chinese (this file runs before the catalogs can be read)."""
    stream = stream or sys.stdout
    stream.write(english + "\n" + chinese + "\n")
    stream.flush()


def venv_python(root, windows):
    """The Python of .venv: Scripts\\python.exe on Windows, bin/python elsewhere."""
    if windows:
        return ntpath.join(root, VENV, "Scripts", "python.exe")
    return posixpath.join(root, VENV, "bin", "python")


def is_stale(stamp, sources):
    """True when `stamp` is missing or older than one of `sources`: make's rule."""
    try:
        made = os.stat(stamp).st_mtime
    except OSError:
        return True
    return any(os.path.exists(source) and os.stat(source).st_mtime > made for source in sources)


def too_old(version):
    """What to say when this Python cannot create .venv; None when it can."""
    if tuple(version[:3]) >= MINIMUM:
        return None
    found = ".".join(str(part) for part in version[:3])
    python_org = "https://www.python.org/downloads/"
    return (
        f"Python {found} is too old: the site needs Python 3.11.5 or newer.\n"
        f"  macOS: install Python 3.12 from {python_org} (or `brew install python@3.12`),\n"
        "    then: make PYTHON=python3.12 serve\n"
        f"  Windows: install Python 3.12 from {python_org},\n"
        "    then: py -3.12 bootstrap.py serve\n"
        "  Debian/Ubuntu: Ubuntu 24.04 and Debian 13 have one (sudo apt install python3 python3-venv make);\n"
        "    on older releases install Python 3.12 (e.g. uv python install 3.12), then:\n"
        "    make PYTHON=/path/to/python3.12 serve\n"
        f"Python {found} 版本太旧：网站需要 Python 3.11.5 或更新版本。\n"
        f"  macOS：从 {python_org} 安装 Python 3.12（或 `brew install python@3.12`），\n"
        "    然后运行：make PYTHON=python3.12 serve\n"
        f"  Windows：从 {python_org} 安装 Python 3.12，\n"
        "    然后运行：py -3.12 bootstrap.py serve\n"
        "  Debian/Ubuntu：Ubuntu 24.04 和 Debian 13 自带的版本可以用\n"
        "    （sudo apt install python3 python3-venv make）；\n"
        "    更早的版本请先安装 Python 3.12（例如 uv python install 3.12），然后运行：\n"
        "    make PYTHON=/path/to/python3.12 serve"
    )


def plan(task, args, root, windows, python, exists=os.path.exists, stale=is_stale, npm=None):
    """The steps that make .venv ready for `task`, then run it, in order.

    `root` is the project folder, `windows` which layout .venv has, `python`
    the interpreter that creates .venv, `npm` npm's path or None. The last
    step runs the task; a Step with no command says something instead.
    """
    join = ntpath.join if windows else posixpath.join
    venv = join(root, VENV)
    python_of_venv = venv_python(root, windows)
    known = {t.name: t for t in TASKS}
    steps = []
    new = not exists(python_of_venv)
    if new:
        steps.append(Step([python, "-m", "venv", venv], None))
    pip = [python_of_venv, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    ready = join(venv, READY)
    base = new or stale(ready, [join(root, "requirements.txt"), join(root, "pyproject.toml")])
    if base:
        steps.append(Step([*pip, "--require-hashes", "-r", join(root, "requirements.txt")], None))
        steps.append(Step([*pip, "--no-deps", "-e", root], ready))
    if task in known and known[task].dev:
        dev_ready = join(venv, DEV_READY)
        if base or stale(dev_ready, [join(root, "requirements-dev.txt"), ready]):
            steps.append(
                Step([*pip, "--require-hashes", "-r", join(root, "requirements-dev.txt")], dev_ready)
            )
    if task in known and known[task].npm:
        # The Nu HTML Checker (tests) and Lighthouse (audit), pinned in package-lock.json.
        if npm is None:
            steps.append(Step(None, "npm"))
        elif stale(join(root, "node_modules", ".package-lock.json"), [join(root, "package-lock.json")]):
            steps.append(Step([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], None))
    if task in known:
        steps.append(Step([python_of_venv, "-m", "invoke", task, *args], None))
    return steps


def help_text():
    width = max(len(t.name) for t in TASKS + OWN) + 2
    lines = [
        'Usage: make <task> [ARGS="..."]   Without make (Windows): py bootstrap.py <task> [options]',
        '用法：make <任务> [ARGS="..."]    没有 make 时（Windows）：py bootstrap.py <任务> [选项]',
        "",
    ]
    for t in TASKS + OWN:
        lines.append("  " + t.name.ljust(width) + t.en)
        lines.append("  " + " " * width + t.zh)
    lines += [
        "",
        "Another Python (a Mac's own is too old): make PYTHON=python3.12 serve",
        "换一个 Python（Mac 自带的版本太旧）：make PYTHON=python3.12 serve",
        'Options of a task: make serve ARGS="--port 8001"; the full list: .venv/bin/invoke --help serve',
        '任务的选项：make serve ARGS="--port 8001"；完整说明：.venv/bin/invoke --help serve',
    ]
    return "\n".join(lines)


def _run(step):
    """Run one set-up step; stop with a message in both languages if it fails."""
    if step.command is None:
        say(
            "npm not found: install Node.js to run the HTML validator tests and make audit",
            "没有找到 npm：安装 Node.js 后才能运行 HTML 校验测试和 make audit",
        )
        return
    status = subprocess.call(step.command)
    if status == 0:
        if step.stamp:
            with open(step.stamp, "a"):
                os.utime(step.stamp, None)
        return
    if step.command[1:3] == ["-m", "venv"]:
        shutil.rmtree(step.command[-1], ignore_errors=True)  # a half-made .venv would look ready
        say(
            "Could not create .venv (see above). On Debian or Ubuntu install the venv module first:\n"
            "  sudo apt install python3-venv   (for another Python, e.g. python3.12-venv)",
            "无法创建 .venv（见上方信息）。在 Debian 或 Ubuntu 上请先安装 venv 模块：\n"
            "  sudo apt install python3-venv   （其他版本的 Python，例如 python3.12-venv）",
            sys.stderr,
        )
    else:
        say(
            "Setting up failed (see above): check the internet connection and run the same command again.",
            "安装失败（见上方信息）：请检查网络连接，然后再运行一次同样的命令。",
            sys.stderr,
        )
    sys.exit(status)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    root = os.path.dirname(os.path.abspath(__file__))
    os.chdir(root)
    task, args = (argv[0], argv[1:]) if argv else ("help", [])
    if task in ("help", "-h", "--help"):
        sys.stdout.write(help_text() + "\n")
        return 0
    if task == "clean":
        for folder in CLEANED:
            shutil.rmtree(os.path.join(root, folder), ignore_errors=True)
        return 0
    if task not in [t.name for t in TASKS] + ["venv"]:
        say(f"Unknown task '{task}'.", f"没有“{task}”这个任务。", sys.stderr)
        sys.stderr.write(help_text() + "\n")
        return 2
    windows = os.name == "nt"
    if not os.path.exists(venv_python(root, windows)):
        message = too_old(sys.version_info)
        if message:
            sys.stderr.write(message + "\n")
            return 1
        say("Setting up .venv: the first time takes a few minutes.", "正在安装 .venv：第一次需要几分钟。")
    steps = plan(task, args, root, windows, sys.executable, npm=shutil.which("npm"))
    run_task = steps.pop() if task != "venv" else None
    for step in steps:
        _run(step)
    if run_task is None:
        return 0
    sys.stdout.flush()
    if windows:  # os.execv does not replace the process there: wait for the task instead
        task_process = subprocess.Popen(run_task.command)
        while True:
            try:
                return task_process.wait()
            except KeyboardInterrupt:  # Ctrl+C reaches the task too, which stops by itself
                continue
    os.execv(run_task.command[0], run_task.command)  # the task takes this process: Ctrl+C goes to it
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
