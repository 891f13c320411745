#!/usr/bin/env python3
"""Runs the scripts of .github/workflows/partnerctl-comment.yml against a stub `gh`.

The poster holds the only write token of the pull-request bot, and everything it reads from the
review run is controlled by a fork. Each scenario sets up what GitHub's API and the artifact
would say and checks that the job posts to exactly the right place, or fails before any write.
The steps' `run:` scripts are executed as GitHub runs them (bash -eo pipefail), with the
`${{ }}` values of their `env:` filled in from a fake event; the download step is simulated.
"""
import json
import os
import re
import stat
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKFLOW = os.path.join(ROOT, ".github", "workflows", "partnerctl-comment.yml")
MARKER = "<!-- partnerctl:diff -->"
SHA = "0123456789abcdef0123456789abcdef01234567"
RUN_ID = 1234
ARTIFACT_ID = 42

# Answers of the stub `gh`, from the JSON files of the scenario directory; writes are recorded.
STUB_GH = r"""#!/usr/bin/env python3
import json, os, sys
d = os.environ["STUB_DIR"]
args = sys.argv[1:]
with open(os.path.join(d, "calls.log"), "a") as log:
    log.write(json.dumps(args) + "\n")
def answer(name):
    sys.stdout.write(open(os.path.join(d, name)).read())
if "--method" in args and args[args.index("--method") + 1] in ("POST", "PATCH"):
    method = args[args.index("--method") + 1]
    body = json.load(open(args[args.index("--input") + 1]))
    json.dump({"method": method, "path": args[3], "body": body}, open(os.path.join(d, "write.json"), "w"))
elif args[:4] == ["api", "--method", "GET", "repos/base/repo/pulls"]:
    answer("pulls.json")
elif args[1] == f"repos/base/repo/actions/runs/{os.environ['STUB_RUN_ID']}/artifacts?name=partnerctl-comment":
    answer("artifacts.json")
elif args[:3] == ["api", "--paginate", "repos/base/repo/issues/7/comments?per_page=100"]:
    import subprocess
    jq = args[args.index("--jq") + 1]
    sys.stdout.write(subprocess.run(["jq", "-r", jq, os.path.join(d, "comments.json")],
                                    check=True, capture_output=True, text=True).stdout)
else:
    sys.exit("unexpected gh call: %r" % args)
"""


def event(head_sha=SHA):
    return {
        "token": "stub-token",
        "repository": "base/repo",
        "event": {
            "workflow_run": {
                "id": RUN_ID,
                "event": "pull_request",
                "conclusion": "success",
                "head_sha": head_sha,
                "head_branch": "feature",
                "head_repository": {"full_name": "fork/repo", "owner": {"login": "fork"}},
            }
        },
    }


def pull(number, sha=SHA, repo="fork/repo"):
    return {"number": number, "head": {"sha": sha, "repo": {"full_name": repo}}}


def artifact(size=900, expired=False, ident=ARTIFACT_ID):
    return {"id": ident, "name": "partnerctl-comment", "size_in_bytes": size, "expired": expired}


def comment(ident, login, kind, body):
    return {"id": ident, "user": {"login": login, "type": kind}, "body": body}


def good_body():
    return (MARKER + "\n**partnerctl:** Tier of Müller GmbH changes.\n").encode()


def scenario(**over):
    s = {
        "github": event(),
        "pulls": [pull(7)],
        "artifacts": {"total_count": 1, "artifacts": [artifact()]},
        "comments": [],
        "files": {"pr-number": b"7\n", "comment.md": good_body()},
    }
    s.update(over)
    return s


def expression(expr, ctx, outputs):
    parts = expr.strip().split(".")
    if parts[0] == "steps":
        return outputs.get(parts[1], {}).get(parts[3], "")
    if parts[0] == "runner" and parts[1] == "temp":
        return ctx["runner_temp"]
    cur = ctx["github"]
    for p in parts[1:]:
        cur = cur.get(p, "") if isinstance(cur, dict) else ""
    return str(cur)


def fill(value, ctx, outputs):
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: expression(m.group(1), ctx, outputs), str(value))


def place_artifact(step, s, ctx, outputs, tmp):
    """What download-artifact would do, after checking it fetches the artifact that was checked."""
    if fill(step["with"]["artifact-ids"], ctx, outputs) != str(ARTIFACT_ID):
        return "download of another artifact than the checked one"
    dest = fill(step["with"]["path"], ctx, outputs)
    os.makedirs(dest, exist_ok=True)
    for name, content in s["files"].items():
        path = os.path.join(dest, name)
        if isinstance(content, tuple):  # ("symlink", target)
            os.symlink(content[1], path)
        else:
            open(path, "wb").write(content)
    return None


def run(s):
    """Returns (failed step name or None, log text, the write gh made or None)."""
    job = yaml.safe_load(open(WORKFLOW))["jobs"]["comment"]
    with tempfile.TemporaryDirectory() as tmp:
        stub_bin = os.path.join(tmp, "bin")
        os.makedirs(stub_bin)
        gh = os.path.join(stub_bin, "gh")
        open(gh, "w").write(STUB_GH)
        os.chmod(gh, os.stat(gh).st_mode | stat.S_IEXEC)
        for name in ("pulls", "artifacts", "comments"):
            json.dump(s[name], open(os.path.join(tmp, name + ".json"), "w"))
        ctx = {"github": s["github"], "runner_temp": os.path.join(tmp, "runner-temp")}
        os.makedirs(ctx["runner_temp"])
        outputs, log = {}, ""
        env0 = dict(os.environ, PATH=stub_bin + os.pathsep + os.environ["PATH"], STUB_DIR=tmp,
                    STUB_RUN_ID=str(RUN_ID), RUNNER_TEMP=ctx["runner_temp"])
        for k, v in job.get("env", {}).items():
            env0[k] = fill(v, ctx, outputs)
        for step in job["steps"]:
            if "uses" in step:
                problem = place_artifact(step, s, ctx, outputs, tmp)
                if problem:
                    return step["name"], problem, None
                continue
            env = dict(env0, GITHUB_OUTPUT=os.path.join(tmp, "output"))
            open(env["GITHUB_OUTPUT"], "w").close()
            for k, v in step.get("env", {}).items():
                env[k] = fill(v, ctx, outputs)
            r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                               env=env, capture_output=True, text=True, cwd=tmp, timeout=60)
            log += r.stdout + r.stderr
            if "id" in step:
                lines = open(env["GITHUB_OUTPUT"]).read().splitlines()
                outputs[step["id"]] = dict(l.split("=", 1) for l in lines if "=" in l)
            if r.returncode != 0:
                return step["name"], log, read_write(tmp)
        return None, log, read_write(tmp)


def read_write(tmp):
    path = os.path.join(tmp, "write.json")
    return json.load(open(path)) if os.path.exists(path) else None


def expect_post(s, method, path):
    failed, log, write = run(s)
    assert failed is None, f"failed in {failed!r}: {log}"
    assert write is not None and write["method"] == method and write["path"] == path, write
    body = s["files"]["comment.md"].decode()
    assert write["body"] == {"body": body}, "the posted body differs from the artifact's comment"


def expect_refusal(s, step, message):
    failed, log, write = run(s)
    assert write is None, f"wrote {write!r}"
    assert failed == step, f"expected a failure in {step!r}, got {failed!r}: {log}"
    assert message in log, f"expected {message!r} in: {log}"


FIND = "Find the pull request of the triggering run"
ARTIFACT = "Find the comment artifact"
CHECK = "Check the comment"
NO_PR = "no single open pull request has head fork/repo@" + SHA
NO_ARTIFACT = "no single partnerctl-comment artifact of at most 1 MiB"
OTHER_PR = "the artifact names another pull request than #7"
NOT_TEXT = "is not UTF-8 text of at most 65,536 characters"
NO_MARKER = "does not start with the partnerctl marker"


def long_body(chars):
    head = MARKER + "\n"
    return (head + "ä" * (chars - len(head))).encode()


def cases():
    bot = "github-actions[bot]"
    yield "new comment", lambda: expect_post(scenario(), "POST", "repos/base/repo/issues/7/comments")
    yield "updates the bot's marked comment, not a user's", lambda: expect_post(
        scenario(comments=[comment(5, "mallory", "User", MARKER + "\nfake"),
                           comment(8, bot, "Bot", "unrelated"),
                           comment(9, bot, "Bot", MARKER + "\nold"),
                           comment(11, bot, "Bot", MARKER + "\nolder duplicate")]),
        "PATCH", "repos/base/repo/issues/comments/9")
    yield "65,536 characters of umlauts arrive intact", lambda: expect_post(
        scenario(files={"pr-number": b"7\n", "comment.md": long_body(65536)}),
        "POST", "repos/base/repo/issues/7/comments")
    yield "artifact names another pull request", lambda: expect_refusal(
        scenario(files={"pr-number": b"8\n", "comment.md": good_body()}), CHECK, OTHER_PR)
    yield "artifact number with shell text", lambda: expect_refusal(
        scenario(files={"pr-number": b"7; echo pwned\n", "comment.md": good_body()}), CHECK, OTHER_PR)
    yield "no open pull request with that head", lambda: expect_refusal(
        scenario(pulls=[]), FIND, NO_PR)
    yield "same branch, other commit", lambda: expect_refusal(
        scenario(pulls=[pull(7, sha="f" * 40)]), FIND, NO_PR)
    yield "same branch name, other repository", lambda: expect_refusal(
        scenario(pulls=[pull(7, repo="other/repo")]), FIND, NO_PR)
    yield "two pull requests with that head", lambda: expect_refusal(
        scenario(pulls=[pull(7), pull(9)]), FIND, NO_PR)
    yield "malformed head sha", lambda: expect_refusal(
        scenario(github=event(head_sha="HEAD; true")), FIND, "no usable head commit")
    yield "artifact over 1 MiB is not downloaded", lambda: expect_refusal(
        scenario(artifacts={"artifacts": [artifact(size=1048577)]}), ARTIFACT, NO_ARTIFACT)
    yield "no artifact", lambda: expect_refusal(
        scenario(artifacts={"artifacts": []}), ARTIFACT, NO_ARTIFACT)
    yield "expired artifact", lambda: expect_refusal(
        scenario(artifacts={"artifacts": [artifact(expired=True)]}), ARTIFACT, NO_ARTIFACT)
    yield "two artifacts of that name", lambda: expect_refusal(
        scenario(artifacts={"artifacts": [artifact(), artifact(ident=43)]}), ARTIFACT, NO_ARTIFACT)
    yield "65,537 characters", lambda: expect_refusal(
        scenario(files={"pr-number": b"7\n", "comment.md": long_body(65537)}), CHECK, NOT_TEXT)
    yield "not UTF-8", lambda: expect_refusal(
        scenario(files={"pr-number": b"7\n", "comment.md": MARKER.encode() + b"\n\xff\xfe\n"}),
        CHECK, NOT_TEXT)
    yield "marker not on the first line", lambda: expect_refusal(
        scenario(files={"pr-number": b"7\n", "comment.md": b"hi\n" + good_body()}), CHECK, NO_MARKER)
    yield "comment is a symlink", lambda: expect_refusal(
        scenario(files={"pr-number": b"7\n", "comment.md": ("symlink", "/etc/passwd")}),
        CHECK, "the artifact lacks comment.md")
    yield "number file missing", lambda: expect_refusal(
        scenario(files={"comment.md": good_body()}), CHECK, "the artifact lacks pr-number")


def main():
    failures = 0
    for name, check in cases():
        try:
            check()
        except AssertionError as e:
            failures += 1
            print(f"FAIL {name}: {e}")
    total = sum(1 for _ in cases())
    print(f"comment workflow: {total - failures} of {total} scenarios behave")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
