#!/usr/bin/env python3
"""Runs the steps of .github/workflows/partnerctl-review.yml that get partnerctl, against a stub
`curl` serving a fake release from a local directory.

The review runs whatever binary these steps put on PATH, so each scenario checks that a release
archive is run only when its SHA-256 matches the caller's pinned one (or, without a pin, the
release's own .sha256), that a mismatch stops the job before anything is unpacked, and that the
choice between downloading and building follows the inputs. It also runs release.yml's packaging
and checksum steps over stand-in binaries and checks that the review accepts exactly what a
release publishes, and that cargo-binstall's templates name those archives. The `run:` scripts
are executed as GitHub runs them (bash -eo pipefail) with their `env:` filled in.
"""
import hashlib
import io
import os
import re
import stat
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKFLOW = os.path.join(ROOT, ".github", "workflows", "partnerctl-review.yml")
REPO = "owner/partnerctl"
TAG = "v0.2.0"
LINUX = "x86_64-unknown-linux-gnu"
RELEASES = f"https://github.com/{REPO}/releases/download/"
SCRATCH = tempfile.TemporaryDirectory()  # every scenario's files, removed at exit

# Serves RELEASES/<tag>/<file> from $STUB_RELEASE/<tag>/<file>; anything else is a 404 (exit 22,
# as `curl --fail` does). Every call is logged.
STUB_CURL = r"""#!/usr/bin/env python3
import os, shutil, sys
args = sys.argv[1:]
with open(os.environ["STUB_LOG"], "a") as log:
    log.write(" ".join(args) + "\n")
url, out = args[-1], args[args.index("--output") + 1]
prefix = os.environ["STUB_PREFIX"]
path = os.path.join(os.environ["STUB_RELEASE"], url[len(prefix):]) if url.startswith(prefix) else ""
if not path or not os.path.isfile(path):
    sys.exit(22)
shutil.copyfile(path, out)
"""


def archive(version="0.2.0", target=LINUX, name="partnerctl"):
    """A release archive like release.yml's whose partnerctl prints `partnerctl VERSION`."""
    script = f'#!/bin/sh\necho "partnerctl {version}"\n'.encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo(f"partnerctl-{target}/{name}")
        info.size, info.mode = len(script), 0o755
        tar.addfile(info, io.BytesIO(script))
    return buf.getvalue()


def sha(data):
    return hashlib.sha256(data).hexdigest()


GOOD = archive()


def step(name, workflow=WORKFLOW, job="review"):
    steps = yaml.safe_load(open(workflow))["jobs"][job]["steps"]
    return next(s for s in steps if s.get("name") == name)


def run_step(name, env, tmp, workflow=WORKFLOW, job="review", cwd=None):
    """Runs one step's script; returns (exit code, log, GITHUB_OUTPUT, GITHUB_PATH lines)."""
    files = {k: os.path.join(tmp, k) for k in ("output", "path")}
    for f in files.values():
        open(f, "w").close()
    full = dict(os.environ, GITHUB_OUTPUT=files["output"], GITHUB_PATH=files["path"], **env)
    script = step(name, workflow, job)["run"]
    r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                       env=full, capture_output=True, text=True, cwd=cwd or tmp, timeout=60)
    lines = {k: open(f).read().splitlines() for k, f in files.items()}
    return r.returncode, r.stdout + r.stderr, lines["output"], lines["path"]


def download(release, pinned="", version=TAG, runner=("Linux", "X64")):
    """Runs the download step with `release` ({file name: bytes}) published under TAG."""
    tmp = tempfile.mkdtemp(dir=SCRATCH.name)
    tag_dir = os.path.join(tmp, "release", TAG)
    os.makedirs(tag_dir)
    for name, data in release.items():
        open(os.path.join(tag_dir, name), "wb").write(data)
    stub_bin = os.path.join(tmp, "bin")
    os.makedirs(stub_bin)
    curl = os.path.join(stub_bin, "curl")
    open(curl, "w").write(STUB_CURL)
    os.chmod(curl, os.stat(curl).st_mode | stat.S_IEXEC)
    temp = os.path.join(tmp, "runner-temp")
    os.makedirs(temp)
    env = {"PATH": stub_bin + os.pathsep + os.environ["PATH"], "STUB_LOG": os.path.join(tmp, "curl.log"),
           "STUB_RELEASE": os.path.join(tmp, "release"), "STUB_PREFIX": RELEASES,
           "RUNNER_TEMP": temp, "RUNNER_OS": runner[0], "RUNNER_ARCH": runner[1],
           "REPOSITORY": REPO, "VERSION": version, "PINNED_SHA256": pinned}
    code, log, _, path = run_step("Download and verify partnerctl", env, tmp)
    calls = open(env["STUB_LOG"]).read().splitlines() if os.path.exists(env["STUB_LOG"]) else []
    unpacked = os.path.isdir(os.path.join(temp, "partnerctl-release", f"partnerctl-{LINUX}"))
    return code, log, path, calls, unpacked


def expect_installed(release, pinned="", warned=False):
    code, log, path, calls, _ = download(release, pinned)
    assert code == 0, f"exit {code}: {log}"
    assert len(path) == 1 and path[0].endswith(f"/partnerctl-release/partnerctl-{LINUX}"), path
    out = subprocess.run([os.path.join(path[0], "partnerctl"), "--version"], capture_output=True, text=True)
    assert out.stdout == "partnerctl 0.2.0\n", out.stdout
    assert calls[-1].endswith(f" {RELEASES}{TAG}/partnerctl-{LINUX}.tar.gz"), calls
    assert all("--proto =https" in c for c in calls), calls
    assert ("::warning" in log) == warned, log
    assert (len(calls) == 2) == warned, f"the release's .sha256 is fetched only without a pin: {calls}"


def expect_refused(release, message, pinned="", version=TAG, runner=("Linux", "X64"), fetched=True):
    code, log, path, calls, unpacked = download(release, pinned, version, runner)
    assert code != 0, f"installed: {log}"
    assert message in log, f"expected {message!r} in: {log}"
    assert path == [], f"put {path} on PATH"
    assert not unpacked, "unpacked an archive it refused"
    assert bool(calls) == fetched, f"curl calls: {calls}"


def choose(version="", ref="", build="false"):
    tmp = tempfile.mkdtemp(dir=SCRATCH.name)
    code, log, output, _ = run_step("Choose how to get partnerctl",
                                    {"VERSION": version, "REF": ref, "BUILD": build}, tmp)
    return (code, sorted(output)) if code == 0 else (code, log)


ARCHIVE = f"partnerctl-{LINUX}.tar.gz"
MISMATCH = "refusing to run it"


def cases():
    good = {ARCHIVE: GOOD, ARCHIVE + ".sha256": f"{sha(GOOD)} *{ARCHIVE}\n".encode()}
    evil = archive(version="6.6.6")  # other bytes under the same name, as a replaced release has
    replaced = {ARCHIVE: evil, ARCHIVE + ".sha256": f"{sha(GOOD)} *{ARCHIVE}\n".encode()}
    yield "pinned checksum matches", lambda: expect_installed(good, pinned=sha(GOOD))
    yield "pinned checksum in upper case", lambda: expect_installed(good, pinned=sha(GOOD).upper())
    yield "no pin: the release's .sha256, with a warning", lambda: expect_installed(good, warned=True)
    yield "pinned checksum differs", lambda: expect_refused(good, MISMATCH, pinned="0" * 64)
    yield "archive replaced, pin kept", lambda: expect_refused(replaced, MISMATCH, pinned=sha(GOOD))
    yield "no pin, archive and .sha256 disagree", lambda: expect_refused(replaced, MISMATCH)
    yield "no pin, release without .sha256", lambda: expect_refused(
        {ARCHIVE: GOOD}, "could not download " + RELEASES + TAG + "/" + ARCHIVE + ".sha256")
    yield "pin is not a digest", lambda: expect_refused(
        good, "is not 64 hex digits", pinned=sha(GOOD) + "; echo pwned", fetched=False)
    yield "version is not a tag", lambda: expect_refused(
        good, "is not a release tag", version="v0.2.0/../../x", fetched=False)
    yield "no archive for the runner", lambda: expect_refused(
        good, "no partnerctl release archive for Windows/X64", runner=("Windows", "X64"), fetched=False)
    yield "pinned archive of another version", lambda: check_other(archive(version="0.1.0"))
    yield "download mode", lambda: assert_eq(choose(version=TAG), (0, ["mode=download"]))
    yield "a ref builds", lambda: assert_eq(choose(ref="abc123"), (0, ["mode=build", "ref=abc123"]))
    yield "build-from-source builds the tag", lambda: assert_eq(
        choose(version=TAG, build="true"), (0, ["mode=build", f"ref={TAG}"]))
    yield "neither version nor ref", lambda: assert_refusal(choose(), "set partnerctl-version")
    yield "both version and ref", lambda: assert_refusal(choose(version=TAG, ref="main"), "not both")
    yield "binstall metadata names the released archives", check_binstall_names
    yield "the review downloads only released targets", check_review_targets
    yield "the review installs what release.yml packs", check_release_installs


RELEASE = os.path.join(ROOT, ".github", "workflows", "release.yml")


def released_targets():
    matrix = yaml.safe_load(open(RELEASE))
    return [row["target"] for row in matrix["jobs"]["build"]["strategy"]["matrix"]["include"]]


def check_binstall_names():
    """cargo-binstall's templates name the archives and the binary path release.yml publishes."""
    meta = tomllib.load(open(os.path.join(ROOT, "Cargo.toml"), "rb"))["package"]["metadata"]["binstall"]
    for target in released_targets():
        over = meta.get("overrides", {}).get(target, {})
        ext, suffix = (".exe", ".zip") if "windows" in target else ("", ".tar.gz")
        values = {"repo": "https://github.com/" + REPO, "version": "0.2.0", "name": "partnerctl",
                  "target": target, "bin": "partnerctl", "binary-ext": ext}
        expand = lambda t: re.sub(r"\{ ([a-z-]+) \}", lambda m: values[m.group(1)], t)
        assert_eq(expand(over.get("pkg-url", meta["pkg-url"])), f"{RELEASES}{TAG}/partnerctl-{target}{suffix}")
        assert_eq(expand(over.get("bin-dir", meta["bin-dir"])), f"partnerctl-{target}/partnerctl{ext}")
        assert_eq(over.get("pkg-fmt", meta["pkg-fmt"]), "zip" if ext else "tgz")


def release_of_fake_builds():
    """release.yml's Package and Checksums steps over stand-in binaries; returns {file: bytes}."""
    tmp = tempfile.mkdtemp(dir=SCRATCH.name)
    open(os.path.join(tmp, "README.md"), "w").write("# partnerctl\n")
    for target in released_targets():
        exe = ".exe" if "windows" in target else ""
        release_dir = os.path.join(tmp, "target", target, "release")
        os.makedirs(release_dir)
        open(os.path.join(release_dir, "partnerctl" + exe), "w").write('#!/bin/sh\necho "partnerctl 0.2.0"\n')
        os.chmod(os.path.join(release_dir, "partnerctl" + exe), 0o755)
        if exe:  # 7-Zip is on the Windows runners only; its zip is made here instead
            os.makedirs(os.path.join(tmp, "dist"), exist_ok=True)
            zipfile.ZipFile(os.path.join(tmp, "dist", f"partnerctl-{target}.zip"), "w").close()
            continue
        env = {"TARGET": target, "NATIVE": "true" if LINUX == target else "false", "TAG": TAG}
        code, log, _, _ = run_step("Package", env, tmp, RELEASE, "build")
        assert code == 0, f"Package {target}: {log}"
    code, log, _, _ = run_step("Checksums", {}, tmp, RELEASE, "checksums", cwd=os.path.join(tmp, "dist"))
    assert code == 0, f"Checksums: {log}"
    dist = os.path.join(tmp, "dist")
    return {name: open(os.path.join(dist, name), "rb").read() for name in os.listdir(dist)}


def check_release_installs():
    """What release.yml publishes is what the review's download step accepts."""
    release = release_of_fake_builds()
    assert_eq(len(release), 11)  # 5 archives, 5 .sha256, sha256.sum
    lines = release["sha256.sum"].decode().splitlines()
    assert_eq(lines[0].split(" *")[1], "partnerctl-aarch64-apple-darwin.tar.gz")
    assert f"{sha(release[ARCHIVE])} *{ARCHIVE}" in lines, lines
    expect_installed(release, warned=True)
    expect_installed(release, pinned=sha(release[ARCHIVE]))


def check_review_targets():
    """Every archive the download step asks for is one that release.yml builds."""
    script = step("Download and verify partnerctl")["run"]
    asked = re.findall(r"\) target=([a-z0-9_-]+) ;;", script)
    assert len(asked) == 4 and set(asked) <= set(released_targets()), (asked, released_targets())


def check_other(other):
    """A pinned archive is still run only if it is the version asked for (unpacked, then refused)."""
    code, log, path, _, _ = download({ARCHIVE: other}, pinned=sha(other))
    assert code != 0 and "does not hold partnerctl 0.2.0" in log, log
    assert path == [], path


def assert_eq(got, want):
    assert got == want, f"{got!r} != {want!r}"


def assert_refusal(got, message):
    assert got[0] != 0 and message in got[1], got


def main():
    failures = total = 0
    for name, check in cases():
        total += 1
        try:
            check()
        except AssertionError as e:
            failures += 1
            print(f"FAIL {name}: {e}")
    print(f"review install steps: {total - failures} of {total} scenarios behave")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
