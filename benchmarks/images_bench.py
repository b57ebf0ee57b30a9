"""Time to publish a new shoot: N new 4000x3000 phone JPEGs, first build and cached rebuild.

    .venv/bin/python benchmarks/images_bench.py --photos 40 --runs 2   (or: invoke bench-images)

In a temporary copy of the project it writes N photo-like JPEGs (4000x3000,
gradients and sensor-like noise, EXIF with GPS and camera model, half of
them stored on their side with orientation 6) and shows them in Jibuguoguo's
story, in both languages. Then, each time with an empty output folder and a
fresh `python -m pelican` process (the preview settings, as `make build`):

- the site without the photos (what the rest of the site costs, its own
  pictures already cached);
- first build: the photos are new, the picture cache is empty;
- cached rebuild: output/ deleted, the cache kept (nothing to encode).

The first build is run `--runs` times, each with an emptied cache. It prints
each figure (median of the runs) and the encoded/reused counts the plugin
wrote, so a figure can be checked against what was done.
"""

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import ExifTags, Image

ROOT = Path(__file__).resolve().parents[1]
PARTS = ("content", "theme", "plugins", "pelicanconf.py", "publishconf.py")
STORY = "content/stories/jibuguoguo.{lang}.md"
ALT = {"en": "A pigsty in the Daliang Mountains, photo {n}", "zh": "大凉山的一座猪圈，第 {n} 张照片"}
SIZE = (4000, 3000)


def photo(path: Path, seed: int) -> None:
    """Photo-like pixels: soft shapes and light, plus sensor grain, so encoders work as on a photo."""
    rng = random.Random(seed)
    shapes = [
        Image.effect_noise((400, 300), 60 + 10 * i).resize(SIZE, Image.Resampling.BICUBIC) for i in range(3)
    ]
    light = Image.linear_gradient("L").rotate(rng.choice((0, 90, 180, 270))).resize(SIZE)
    image = Image.merge("RGB", [Image.blend(shape, light, 0.5) for shape in shapes])
    grain = Image.frombytes("RGB", SIZE, rng.randbytes(SIZE[0] * SIZE[1] * 3))
    image = Image.blend(image, grain, 0.03)
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = "Pixel 9 Pro"
    exif[ExifTags.Base.Orientation] = 6 if seed % 2 else 1
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (28.0, 1.0, float(seed))}
    )
    image.save(path, "JPEG", quality=90, exif=exif)


def make_project(folder: Path) -> Path:
    for part in PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, folder / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, folder / part)
    return folder


def add_shoot(project: Path, n: int) -> None:
    shoot = project / "content/images/photos/shoot"
    shoot.mkdir(parents=True)
    for number in range(n):
        photo(shoot / f"{number:03d}.jpg", number)
    for lang in ("en", "zh"):
        path = project / STORY.format(lang=lang)
        text = path.read_text("utf-8").replace("Photos: no", "Photos: yes")
        pictures = "\n\n".join(
            f"![{ALT[lang].format(n=k)}]({{static}}/images/photos/shoot/{k:03d}.jpg)" for k in range(n)
        )
        path.write_text(f"{text}\n{pictures}\n", "utf-8")


def timed_build(project: Path) -> tuple[float, float, dict]:
    """(wall seconds, CPU seconds of Pelican and its picture workers, the plugin's counts)."""
    shutil.rmtree(project / "output", ignore_errors=True)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"build failed:\n{result.stdout}\n{result.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stats = json.loads((project / ".cache/images/last-build.json").read_text("utf-8"))
    return elapsed, cpu, stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=40, help="new photos (default 40)")
    parser.add_argument("--runs", type=int, default=2, help="builds per figure (default 2)")
    args = parser.parse_args()
    before_load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="images-bench-") as tmp:
        project = make_project(Path(tmp) / "project")
        timed_build(project)  # encodes the site's own pictures once: the baseline is a warm build
        without = [timed_build(project)[:2] for _ in range(args.runs)]
        started = time.perf_counter()
        add_shoot(project, args.photos)
        size = sum(p.stat().st_size for p in (project / "content/images/photos/shoot").iterdir())
        print(
            f"wrote {args.photos} photos of {SIZE[0]}x{SIZE[1]} ({size / 1e6:.0f} MB) "
            f"in {time.perf_counter() - started:.0f} s"
        )
        first, cached = [], []
        for _ in range(args.runs):
            shutil.rmtree(project / ".cache", ignore_errors=True)
            *figures, stats = timed_build(project)
            assert stats["encoded"] >= args.photos, stats
            first.append(figures)
            *figures, stats = timed_build(project)
            assert stats["encoded"] == 0, stats
            cached.append(figures)
        published = sum(p.stat().st_size for p in (project / "output/images").iterdir())
        print(
            f"cores: {os.cpu_count()}; load average before: {before_load:.1f}; runs per figure: "
            f"{args.runs}; median wall time (min-max) and CPU time (Pelican and its workers)"
        )
        for label, runs in (
            ("site without the photos", without),
            (f"first build, {args.photos} new photos", first),
            ("cached rebuild, output/ deleted", cached),
        ):
            walls, cpus = [w for w, _ in runs], [c for _, c in runs]
            print(
                f"  {label:34} {statistics.median(walls):6.2f} s ({min(walls):.2f}-{max(walls):.2f})"
                f"   CPU {statistics.median(cpus):6.2f} s"
            )
        baseline = statistics.median(c for _, c in without)
        per_photo = (statistics.median(c for _, c in first) - baseline) / args.photos
        print(
            f"  CPU per new photo: {per_photo:.2f} s; published files: {published / 1e6:.1f} MB "
            f"for {args.photos} photos (every width, WebP and JPEG)"
        )


if __name__ == "__main__":
    main()
