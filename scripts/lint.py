#!/usr/bin/env python3
"""clang-tidy over every source file of src/, with .clang-tidy's checks as errors.

A full run takes about ten minutes on two cores (clang-tidy parses each file with every header
it includes), so a file is linted only when no clean result is known for it. A result is keyed
by the SHA-256 of the clang-tidy release, .clang-tidy, the file and every project header it
includes (from the debug build's dependency records, `ninja -t deps`): any change to one of
them lints the file again. Known clean keys come from
  - .lint-clean in the repository: the keys of the last commit whose every file was clean
    (`scripts/lint.py --record` rewrites it), so that a fresh checkout lints only the files
    changed since;
  - ~/.cache/xronox/lint/, where every clean result of this machine is remembered.

  scripts/lint.py [--all] [--record] [--build DIR] [--jobs N]
    --all     lint every file, whatever is known
    --record  after a run in which every file is clean, rewrite .lint-clean
Needs a debug build (scripts/build.sh debug) for compile_commands.json and the dependencies.
Exit 0 when every linted file is clean, 1 otherwise (clang-tidy's findings on stderr).
"""
import argparse
import concurrent.futures
import hashlib
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
TIDY = "clang-tidy-14"
CLEAN_LIST = ROOT / ".lint-clean"
CACHE = pathlib.Path(os.environ.get("XDG_CACHE_HOME", pathlib.Path.home() / ".cache")) / "xronox" / "lint"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def project_dependencies(build: pathlib.Path) -> dict:
    """Source file (relative to ROOT) -> the project headers it includes, from ninja's deps."""
    out = subprocess.run(["ninja", "-C", str(build), "-t", "deps"], check=True,
                         capture_output=True, text=True).stdout
    targets = []  # One list of project files per object file.
    for line in out.splitlines():
        if not line.startswith(" "):
            targets.append([])
            continue
        try:
            targets[-1].append(pathlib.Path(line.strip()).resolve().relative_to(ROOT))
        except ValueError:
            pass  # A system header.
    by_source = {}
    for files in targets:
        sources = [f for f in files if f.suffix == ".cc" and f.parts[0] == "src"]
        if len(sources) == 1:
            headers = sorted({f for f in files if f.suffix == ".h"})
            by_source[sources[0]] = headers
    return by_source


def key_of(source: pathlib.Path, headers: list, prefix: bytes) -> str:
    digest = hashlib.sha256(prefix)
    for path in [source] + headers:
        digest.update(str(path).encode() + b"\0" + (ROOT / path).read_bytes() + b"\0")
    return digest.hexdigest()


def read_clean_list() -> set:
    if not CLEAN_LIST.exists():
        return set()
    return {line.split()[0] for line in CLEAN_LIST.read_text().splitlines() if line.strip()}


def lint(source: pathlib.Path, build: pathlib.Path):
    result = subprocess.run([TIDY, "-p", str(build), "--quiet", str(source)], cwd=ROOT,
                            capture_output=True, text=True)
    findings = "\n".join(line for line in (result.stdout + result.stderr).splitlines()
                         if "warnings generated" not in line and
                         "warnings treated as errors" not in line and line.strip())
    return result.returncode == 0 and "warning:" not in findings and "error:" not in findings, findings


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--all", action="store_true")
    parser.add_argument("--record", action="store_true")
    parser.add_argument("--build", default=str(ROOT / "build" / "debug"))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    build = pathlib.Path(args.build)
    # The first line names the release ("Debian LLVM version 14.0.6"); later lines name this
    # machine's CPU, which would make the keys of .lint-clean useless anywhere else.
    version = subprocess.run([TIDY, "--version"], check=True, capture_output=True).stdout
    release = version.strip().splitlines()[0]
    prefix = release + b"\0" + (ROOT / ".clang-tidy").read_bytes()
    by_source = project_dependencies(build)
    sources = sorted(p.relative_to(ROOT) for p in (ROOT / "src").rglob("*.cc"))
    missing = [s for s in sources if s not in by_source]
    if missing:
        print(f"lint: no dependency record for {missing[0]} (and {len(missing) - 1} more): "
              "build the debug preset first", file=sys.stderr)
        return 1
    keys = {s: key_of(s, by_source[s], prefix) for s in sources}
    known = read_clean_list() | ({p.name for p in CACHE.iterdir()} if CACHE.is_dir() else set())
    todo = sources if args.all else [s for s in sources if keys[s] not in known]
    print(f"lint: {len(todo)} of {len(sources)} files to lint "
          f"({len(sources) - len(todo)} unchanged since a clean run)", flush=True)
    started = time.monotonic()
    failed = []
    CACHE.mkdir(parents=True, exist_ok=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {pool.submit(lint, s, build): s for s in todo}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            source = futures[future]
            clean, findings = future.result()
            if clean:
                (CACHE / keys[source]).touch()
            else:
                failed.append(source)
                print(findings, file=sys.stderr)
            if done % 10 == 0 or done == len(todo):
                print(f"lint: {done}/{len(todo)} files, {len(failed)} with findings, "
                      f"{time.monotonic() - started:.0f} s", flush=True)
    if failed:
        print("lint: findings in " + ", ".join(map(str, failed)), file=sys.stderr)
        return 1
    if args.record:
        CLEAN_LIST.write_text("".join(f"{keys[s]} {s}\n" for s in sources))
        print(f"lint: recorded {len(sources)} clean keys in .lint-clean")
    print("lint: clean")
    return 0


if __name__ == "__main__":
    sys.exit(main())
