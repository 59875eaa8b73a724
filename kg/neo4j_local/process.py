"""Run the launcher as a background process tracked by a pid file under a state directory.

Each port gets its own instance directory, ``<state_dir>/<port>/``, holding ``neo4j.pid``,
``neo4j.log`` (the launcher's stdout and stderr) and ``instance.json`` (pid, uri, data dir).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

from kg.neo4j_local.build import MAIN_CLASS, find_java, launcher_classpath
from kg.neo4j_local.errors import Neo4jLocalError, PortInUseError, StartupError

HOST = "127.0.0.1"
USER = "neo4j"
_LOG_TAIL_LINES = 30
_POLL_SECONDS = 0.5
READY_LINE = b"NEO4J_READY "


@dataclass(frozen=True)
class Neo4jLocalStatus:
    """What is known about the local Neo4j on one port."""

    running: bool
    pid: int | None
    uri: str
    data_dir: Path | None
    log_file: Path


@dataclass(frozen=True)
class Instance:
    """Paths of one port's instance directory."""

    port: int
    directory: Path

    @classmethod
    def at(cls, state_dir: Path, port: int) -> Instance:
        return cls(port=port, directory=Path(state_dir).expanduser() / str(port))

    @property
    def uri(self) -> str:
        return f"bolt://{HOST}:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.directory / "neo4j.pid"

    @property
    def log_file(self) -> Path:
        return self.directory / "neo4j.log"

    @property
    def info_file(self) -> Path:
        return self.directory / "instance.json"

    @property
    def default_data_dir(self) -> Path:
        return self.directory / "data"


def instance_status(instance: Instance) -> Neo4jLocalStatus:
    """Report whether the launcher recorded for ``instance`` is alive."""
    pid = _read_pid(instance.pid_file)
    data_dir = _read_data_dir(instance.info_file)
    running = pid is not None and _is_our_launcher(pid, instance.port)
    return Neo4jLocalStatus(
        running=running,
        pid=pid if running else None,
        uri=instance.uri,
        data_dir=data_dir,
        log_file=instance.log_file,
    )


def start_instance(
    instance: Instance, data_dir: Path, password: str, timeout: float, *,
    heap: str, pagecache_mb: int, quiet: bool,
) -> Neo4jLocalStatus:
    """Start the launcher unless it already runs, and return once Bolt answers."""
    current = instance_status(instance)
    if current.running:
        if current.data_dir is not None and current.data_dir != data_dir:
            raise Neo4jLocalError(
                f"a local Neo4j already runs on port {instance.port} with data dir "
                f"{current.data_dir}, not {data_dir}; stop it first"
            )
        _wait_for_bolt(instance, password, None, time.monotonic() + timeout)
        return current
    java = find_java()
    classpath = launcher_classpath(quiet=quiet)
    _check_port_free(instance.port)
    process = _spawn(instance, java, classpath, data_dir, password, heap, pagecache_mb)
    try:
        _wait_for_bolt(instance, password, process, time.monotonic() + timeout)
    except BaseException:
        _terminate(process.pid, grace=30.0)
        _remove_files(instance)
        raise
    return instance_status(instance)


def stop_instance(instance: Instance, timeout: float) -> bool:
    """Stop the launcher with SIGTERM (SIGKILL after ``timeout``); False if none was running."""
    current = instance_status(instance)
    if current.running and current.pid is not None:
        _terminate(current.pid, grace=timeout)
    _remove_files(instance)
    return current.running


def _spawn(
    instance: Instance, java: Path, classpath: str, data_dir: Path, password: str,
    heap: str, pagecache_mb: int,
) -> subprocess.Popen[bytes]:
    instance.directory.mkdir(parents=True, exist_ok=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    command = [
        str(java), f"-Xmx{heap}", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseG1GC",
        "-cp", classpath, MAIN_CLASS,
        "--port", str(instance.port), "--home", str(data_dir), "--pagecache-mb", str(pagecache_mb),
    ]
    env = {**os.environ, "NEO4J_PASSWORD": password}
    with open(instance.log_file, "wb") as log:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            cwd=data_dir, env=env, start_new_session=True,
        )
    _write_atomically(instance.pid_file, f"{process.pid}\n")
    info = {"pid": process.pid, "port": instance.port, "uri": instance.uri,
            "data_dir": str(data_dir)}
    _write_atomically(instance.info_file, json.dumps(info, indent=2) + "\n")
    return process


def _wait_for_bolt(
    instance: Instance, password: str, process: subprocess.Popen[bytes] | None, deadline: float,
) -> None:
    """Poll Bolt with the official driver until it answers, the process dies or time runs out.

    For a process we spawned, polling starts after its ready line: Bolt listens a moment
    before the launcher has set the password, and would refuse it meanwhile.
    """
    while True:
        if process is not None and process.poll() is not None:
            raise StartupError(
                f"the Neo4j launcher exited with code {process.returncode} before Bolt answered "
                f"on {instance.uri}; log {instance.log_file}:\n{log_tail(instance.log_file)}"
            )
        if process is not None and not _saw_ready_line(instance.log_file):
            if time.monotonic() >= deadline:
                raise StartupError(
                    f"Neo4j was not ready on {instance.uri} in time; "
                    f"log {instance.log_file}:\n{log_tail(instance.log_file)}"
                )
            time.sleep(_POLL_SECONDS)
            continue
        try:
            with GraphDatabase.driver(
                instance.uri, auth=(USER, password), connection_timeout=2.0,
                connection_acquisition_timeout=5.0,
            ) as driver:
                driver.verify_connectivity()
            return
        except AuthError as err:
            raise StartupError(
                f"Neo4j on {instance.uri} refused the credentials for user {USER!r}: {err.message}"
            ) from err
        except (ServiceUnavailable, Neo4jError, OSError) as err:
            if time.monotonic() >= deadline:
                raise StartupError(
                    f"Neo4j did not answer on {instance.uri} in time ({err}); "
                    f"log {instance.log_file}:\n{log_tail(instance.log_file)}"
                ) from err
        time.sleep(_POLL_SECONDS)


def _saw_ready_line(log_file: Path) -> bool:
    try:
        with open(log_file, "rb") as log:
            return any(line.startswith(READY_LINE) for line in log)
    except OSError:
        return False


def _check_port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as err:
            raise PortInUseError(
                f"port {port} on {HOST} is already in use by another process ({err.strerror}); "
                "choose another port or stop that process"
            ) from err


def _terminate(pid: int, grace: float) -> None:
    """SIGTERM the process, wait up to ``grace`` seconds, then SIGKILL it."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 10.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not _is_alive(pid):
                return
            time.sleep(0.2)
    raise Neo4jLocalError(f"the Neo4j launcher (pid {pid}) did not stop, even after SIGKILL")


def _is_alive(pid: int) -> bool:
    """True while ``pid`` runs; reaps it if it is our exited child."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return _proc_state(pid) not in {"Z", "X"}


def _is_our_launcher(pid: int, port: int) -> bool:
    """True if ``pid`` is alive and (where /proc tells) is our launcher on ``port``."""
    if not _is_alive(pid):
        return False
    cmdline_file = Path(f"/proc/{pid}/cmdline")
    if not cmdline_file.exists():
        return True
    try:
        args = cmdline_file.read_bytes().split(b"\0")
    except OSError:
        return False
    return MAIN_CLASS.encode() in args and _arg_after(args, b"--port") == str(port).encode()


def _arg_after(args: list[bytes], flag: bytes) -> bytes | None:
    index = args.index(flag) if flag in args else -1
    return args[index + 1] if 0 <= index < len(args) - 1 else None


def _proc_state(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return stat.rpartition(")")[2].split()[0] if ")" in stat else ""


def _read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None


def _read_data_dir(info_file: Path) -> Path | None:
    try:
        return Path(json.loads(info_file.read_text(encoding="utf-8"))["data_dir"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _remove_files(instance: Instance) -> None:
    for path in (instance.pid_file, instance.info_file):
        path.unlink(missing_ok=True)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def log_tail(log_file: Path, lines: int = _LOG_TAIL_LINES) -> str:
    """Return the last ``lines`` lines of ``log_file`` (or a note that it is missing)."""
    try:
        text = log_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return f"(no log at {log_file})"
    return "\n".join(text.splitlines()[-lines:]) or "(log is empty)"
