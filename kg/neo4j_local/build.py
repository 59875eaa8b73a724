"""Find Java and Maven, and build the launcher jar plus its Neo4j classpath once.

The build output lives in ``launcher/target/`` next to this module; Maven caches Neo4j's jars
in ``~/.m2``, so only the first call downloads anything.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from kg.neo4j_local.errors import JavaNotFoundError, LauncherBuildError

LAUNCHER_DIR = Path(__file__).resolve().parent / "launcher"
MAIN_CLASS = "org.ketaminekg.Neo4jLauncher"
MIN_JAVA = 17
BUILD_TIMEOUT = 1800.0
_TAIL_LINES = 40


def find_java(java: str | os.PathLike[str] | None = None) -> Path:
    """Return a Java executable of version 17 or newer.

    Looks at ``java`` if given, then ``$JAVA_HOME/bin/java``, then ``java`` on ``PATH``.
    """
    candidate = _java_candidate(java)
    if candidate is None:
        raise JavaNotFoundError(
            f"Java {MIN_JAVA}+ is needed for the local Neo4j but none was found: "
            "install a JDK (e.g. the openjdk-17-jdk-headless package) or set JAVA_HOME"
        )
    major = java_major_version(candidate)
    if major < MIN_JAVA:
        raise JavaNotFoundError(f"{candidate} is Java {major}; Neo4j 5.26 needs Java {MIN_JAVA}+")
    return candidate


def _java_candidate(java: str | os.PathLike[str] | None) -> Path | None:
    if java is not None:
        return Path(java) if Path(java).is_file() else None
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return Path(java_home) / "bin" / "java"
    found = shutil.which("java")
    return Path(found) if found else None


def java_major_version(java: Path) -> int:
    """Return the major version that ``java -version`` reports (8 for ``1.8``)."""
    try:
        result = subprocess.run(
            [str(java), "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except OSError as err:
        raise JavaNotFoundError(f"cannot run {java}: {err}") from err
    match = re.search(r'version "(\d+)(?:\.(\d+))?', result.stderr + result.stdout)
    if match is None:
        raise JavaNotFoundError(f"cannot tell the version of {java}: {result.stderr.strip()}")
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def launcher_classpath(mvn: str | None = None, quiet: bool = False) -> str:
    """Return the launcher's full classpath, building it with Maven first if needed.

    Progress of a (slow, first-time) build goes to stderr unless ``quiet``.
    """
    target = LAUNCHER_DIR / "target"
    target.mkdir(parents=True, exist_ok=True)
    with open(target / ".build.lock", "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _build_is_current(target):
            _run_maven(mvn, quiet)
        entries = (target / "classpath.txt").read_text(encoding="utf-8").strip()
    return os.pathsep.join([str(target / "neo4j-launcher.jar"), entries])


def _build_is_current(target: Path) -> bool:
    jar, classpath = target / "neo4j-launcher.jar", target / "classpath.txt"
    if not (jar.is_file() and classpath.is_file()):
        return False
    sources = [LAUNCHER_DIR / "pom.xml", *LAUNCHER_DIR.glob("src/**/*.java")]
    newest_source = max(path.stat().st_mtime for path in sources)
    if min(jar.stat().st_mtime, classpath.stat().st_mtime) < newest_source:
        return False
    entries = classpath.read_text(encoding="utf-8").strip().split(os.pathsep)
    return all(Path(entry).exists() for entry in entries if entry)


def _run_maven(mvn: str | None, quiet: bool) -> None:
    executable = mvn or shutil.which("mvn")
    if executable is None:
        raise LauncherBuildError(
            "Maven (mvn) is needed to fetch Neo4j for the local server but is not on PATH: "
            "install it (e.g. the maven package)"
        )
    command = [
        executable, "-q", "-B", "-Dstyle.color=never", "package",
        "dependency:build-classpath", "-Dmdep.outputFile=target/classpath.txt",
    ]
    _progress(quiet, "building the Neo4j launcher with Maven (the first run downloads Neo4j "
                     "into ~/.m2; this can take a few minutes)...")
    started = time.monotonic()
    try:
        result = subprocess.run(
            command, cwd=LAUNCHER_DIR, capture_output=True, text=True,
            timeout=BUILD_TIMEOUT, check=False, env=_maven_env(),
        )
    except subprocess.TimeoutExpired as err:
        raise LauncherBuildError(f"mvn did not finish within {BUILD_TIMEOUT:.0f} s") from err
    except OSError as err:
        raise LauncherBuildError(f"cannot run {executable}: {err}") from err
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-_TAIL_LINES:])
        raise LauncherBuildError(
            f"mvn failed with exit code {result.returncode} in {LAUNCHER_DIR}:\n{tail}"
        )
    _progress(quiet, f"launcher built in {time.monotonic() - started:.0f} s")


def _maven_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("MAVEN_OPTS", "-Xmx512m")
    return env


def _progress(quiet: bool, message: str) -> None:
    if not quiet:
        print(f"kg.neo4j_local: {message}", file=sys.stderr, flush=True)
