#!/usr/bin/env python3
"""tinytrace compatibility runner for bpftrace's runtime-test format.

Takes: a tracer (--tool), a data directory holding suite files plus
scripts/ and outputs/ (--data), the helper programs (--testprogs) and
libraries (--testlibs).  Produces: one line per test (PASS/FAIL/TIMEOUT/
SKIP), a per-suite table, and the closing line `N passed, N failed,
N skipped`; exit status 1 when anything failed or timed out.

The format and the run protocol are specified in
shared/bpftrace-runtime-tests/README.md section 2; the section numbers in
the comments below refer to it.  Written from that description (stdlib
only, Python 3.7+).  Deliberate deviations from the reference engine:
  - `--verify-llvm-ir` is passed only with --pass-verify-llvm-ir;
  - BEFORE/AFTER output goes to temporary files rather than pipes that
    are read only at the end (a chatty helper can never block);
  - a BEFORE that exits while the runner waits for it fails at once
    instead of after TIMEOUT seconds;
  - files named README*, LICENSE*, COPYING* or containing a '.' in the
    data directory are not suites (the data directory carries them);
  - {{BEFORE_PID}} prefers this run's own BEFORE process among the PIDs
    pidof prints (the reference takes the first), so parallel runs on one
    machine do not trace each other's helpers.
Extras: --tool-name runs the tool through a symlink of that name (tests
that look for a process called `bpftrace`), --timeout-scale, --list, -v.

One directive of our own, for hardware that a machine or its hypervisor
may not provide (the reference format has none):
  REQUIRES_CAPABILITY NAME...
      before the test runs, `testprogs/has_capability NAME` (built from
      tests/testprogs/has_capability.c) checks that the capability really
      works -- e.g. hw_breakpoint sets a write watchpoint on a variable of
      its own, writes it and reads the counter.  When it exits 1 the test
      is SKIPped with the reason "missing capability: NAME", and the
      summary lists such capability skips (which tests, which capability,
      why) just before the closing line.  A capability skip is a skip like
      any other: it does not fail the run, also not with CI=true (the tier
      scripts still fail for a missing setup step, e.g. not root).  A probe
      program that is missing, exits otherwise or hangs FAILs the test.
      Names (see CAPABILITIES): hw_breakpoint (a write watchpoint fires),
      hw_breakpoint_exec (an execution breakpoint fires), hw_pmu (a
      hardware PMU counter counts).  The probe runs once per name per run.
      Unlike REQUIRES_FEATURE (what the tool says in --info), this asks the
      machine, not the tool.

And one for a test written before the feature it needs exists:
  XFAIL WHAT IS MISSING
      the test runs as usual; when it fails (or times out) it is reported
      as XFAIL with WHAT IS MISSING and the failure, does not fail the run,
      and the summary lists every XFAIL test with what it waits for.  When
      it passes it is reported as XPASS and FAILS the run ("passes now:
      remove XFAIL"), so the marker goes once the feature lands.  SKIPs
      stay SKIPs.  The closing line gains ", N expected to fail" when there
      are any.
"""

import argparse
import json
import os
import re
import select
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

NOTIFY_ATTACHED = "__BPFTRACE_NOTIFY_PROBES_ATTACHED"
NOTIFY_AOT = "__BPFTRACE_NOTIFY_AOT_PORTABILITY_DISABLED"
DEFAULT_TIMEOUT = 5
ATTACH_TIMEOUT = 10

# 2.7: feature name -> substring of `<tool> --info` that makes it true.
# `aot` is a build-time constant of the original; a non-AOT tool lacks it.
FEATURES = {
    "loop": "Loop support: yes",
    "probe_read_kernel": "probe_read_kernel: yes",
    "btf": "btf: yes",
    "fentry": "fentry: yes",
    "dpath": "dpath: yes",
    "signal": "send_signal: yes",
    "iter": "iter: yes",
    "libpath_resolv": "bcc library path resolution: yes",
    "dwarf": "libdw (DWARF support): yes",
    "kprobe_multi": "kprobe_multi: yes",
    "kprobe_session": "kprobe_session: yes",
    "uprobe_multi": "uprobe_multi: yes",
    "skboutput": "skboutput: yes",
    "get_tai_ns": "get_ktime_ns: yes",
    "get_func_ip": "get_func_ip: yes",
    "jiffies64": "jiffies64: yes",
    "lookup_percpu_elem": "lookup_percpu_elem: yes",
    "dwunwind": "dwunwind (DWARF stack unwinding): yes",
    "blazesym": "blazesym (advanced symbolization): yes",
    "aot": None,
}

# REQUIRES_CAPABILITY names (checked by testprogs/has_capability, which
# must know the same names; test_runner.py compares them).
CAPABILITY_PROBE = "has_capability"
CAPABILITIES = {
    "hw_breakpoint": "a hardware write watchpoint fires",
    "hw_breakpoint_exec": "a hardware execution breakpoint fires",
    "hw_pmu": "a hardware PMU counter (cpu-cycles) counts",
}

DIRECTIVES = {
    "NAME", "RUN", "PROG", "EXPECT", "EXPECT_NONE", "EXPECT_REGEX",
    "EXPECT_REGEX_NONE", "EXPECT_FILE", "EXPECT_JSON", "TIMEOUT", "BEFORE",
    "AFTER", "SETUP", "CLEANUP", "REQUIRES", "REQUIRES_FEATURE",
    "MIN_KERNEL", "MAX_KERNEL", "ARCH", "ENV", "WILL_FAIL", "RETURN_CODE",
    "NEW_PIDNS", "SKIP_IF_ENV_HAS", "LOCALIZE_TIMESTAMPS",
    "REQUIRES_CAPABILITY", "XFAIL",
}
CONTINUABLE = {"PROG", "EXPECT", "EXPECT_REGEX"}
EXPECT_KINDS = {"EXPECT", "EXPECT_NONE", "EXPECT_REGEX",
                "EXPECT_REGEX_NONE", "EXPECT_FILE", "EXPECT_JSON"}


class ParseError(Exception):
    pass


class Test:
    """One test block of a suite file (2.3)."""

    def __init__(self, suite, line):
        self.suite = suite
        self.line = line            # line number where the block starts
        self.name = ""
        self.run = ""
        self.prog = ""
        self.expects = []           # [(directive, text)]
        self.timeout = DEFAULT_TIMEOUT
        self.befores = []
        self.after = ""
        self.setup = ""
        self.cleanup = ""
        self.requires = []
        self.features = set()
        self.neg_features = set()
        self.capabilities = []      # REQUIRES_CAPABILITY names, in order
        self.min_kernel = ""
        self.max_kernel = ""
        self.arch = []
        self.env = {}
        self.will_fail = False
        self.return_code = 0
        self.has_return_code = False
        self.new_pidns = False
        self.skip_if_env_has = None
        self.localize_ts = None
        self.xfail = ""             # XFAIL: what the test waits for

    @property
    def full_name(self):
        return "%s.%s" % (self.suite, self.name)

    def sort_key(self):
        return (self.name, self.run, self.prog)


# ---- parsing (2.2) -------------------------------------------------------

def host_arch_ids():
    ids = {os.uname().machine.lower()}
    ids.add("le" if sys.byteorder == "little" else "be")
    return ids


def arch_matches(arch, host):
    """ARCH a|b|!c: kept if (no positive entry or one matches) and no
    negative entry matches."""
    pos = [a for a in arch if a and not a.startswith("!")]
    neg = [a[1:] for a in arch if a.startswith("!")]
    if pos and not any(a in host for a in pos):
        return False
    return not any(a in host for a in neg)


def _int_value(suite, lineno, directive, value):
    try:
        return int(value.strip())
    except ValueError:
        raise ParseError("%s:%d: %s needs an integer, got '%s'"
                         % (suite, lineno, directive, value))


def parse_block(suite, lines):
    """lines: [(lineno, text with its newline)] of one test block."""
    t = Test(suite, lines[0][0])
    prev = ""
    for lineno, raw in lines:
        width = len(prev) + 1
        if prev in CONTINUABLE and raw[:width].isspace():
            cont = raw[width:]
            if cont.endswith("\n"):
                cont = cont[:-1]
            if prev == "PROG":
                t.prog += "\n" + cont
            else:
                kind, text = t.expects[-1]
                t.expects[-1] = (kind, text + "\n" + cont)
            continue
        words = raw.split(None, 1)
        if not words:
            raise ParseError("%s:%d: whitespace-only line inside a test "
                             "(not a continuation of PROG/EXPECT/"
                             "EXPECT_REGEX)" % (suite, lineno))
        d = words[0]
        value = words[1].strip() if len(words) > 1 else ""
        prev = d
        if d not in DIRECTIVES:
            raise ParseError("%s:%d: unknown directive '%s'"
                             % (suite, lineno, d))
        if d == "NAME":
            t.name = value
        elif d == "RUN":
            t.run = value
        elif d == "PROG":
            t.prog = value
        elif d in EXPECT_KINDS:
            t.expects.append((d, value))
        elif d == "TIMEOUT":
            t.timeout = _int_value(suite, lineno, d, value)
        elif d == "BEFORE":
            t.befores.append(value)
        elif d == "AFTER":
            t.after = value
        elif d == "SETUP":
            t.setup = value
        elif d == "CLEANUP":
            t.cleanup = value
        elif d == "REQUIRES":
            t.requires.append(value)
        elif d == "REQUIRES_FEATURE":
            for f in value.split():
                neg = f.startswith("!")
                name = f[1:] if neg else f
                if name not in FEATURES:
                    raise ParseError("%s:%d: unknown REQUIRES_FEATURE '%s'"
                                     % (suite, lineno, name))
                (t.neg_features if neg else t.features).add(name)
        elif d == "REQUIRES_CAPABILITY":
            if not value:
                raise ParseError("%s:%d: REQUIRES_CAPABILITY needs a "
                                 "capability name (one of %s)"
                                 % (suite, lineno,
                                    ", ".join(sorted(CAPABILITIES))))
            for c in value.split():
                if c not in CAPABILITIES:
                    raise ParseError("%s:%d: unknown REQUIRES_CAPABILITY "
                                     "'%s' (known: %s)"
                                     % (suite, lineno, c,
                                        ", ".join(sorted(CAPABILITIES))))
                if c not in t.capabilities:
                    t.capabilities.append(c)
        elif d == "MIN_KERNEL":
            t.min_kernel = value
        elif d == "MAX_KERNEL":
            t.max_kernel = value
        elif d == "ARCH":
            t.arch = [a.strip() for a in value.split("|")]
        elif d == "ENV":
            for tok in value.split():
                if tok.count("=") != 1:
                    raise ParseError("%s:%d: ENV entry '%s' needs exactly "
                                     "one '='" % (suite, lineno, tok))
                k, v = tok.split("=")
                t.env[k] = v
        elif d == "WILL_FAIL":
            t.will_fail = True
        elif d == "RETURN_CODE":
            t.return_code = _int_value(suite, lineno, d, value)
            t.has_return_code = True
        elif d == "NEW_PIDNS":
            t.new_pidns = True
        elif d == "SKIP_IF_ENV_HAS":
            if "=" not in value:
                raise ParseError("%s:%d: SKIP_IF_ENV_HAS needs K=V"
                                 % (suite, lineno))
            k, v = value.split("=", 1)
            t.skip_if_env_has = (k, v)
        elif d == "LOCALIZE_TIMESTAMPS":
            t.localize_ts = _int_value(suite, lineno, d, value)
        elif d == "XFAIL":
            if not value:
                raise ParseError("%s:%d: XFAIL needs the missing feature the "
                                 "test waits for" % (suite, lineno))
            t.xfail = value

    where = "%s:%d" % (suite, t.line)
    if not t.name:
        raise ParseError("%s: test has no NAME" % where)
    if not t.run and not t.prog:
        raise ParseError("%s: test '%s' has neither RUN nor PROG"
                         % (where, t.name))
    if t.run and t.prog:
        raise ParseError("%s: test '%s' has both RUN and PROG"
                         % (where, t.name))
    if not t.expects and not t.has_return_code:
        raise ParseError("%s: test '%s' has no expectation and no "
                         "RETURN_CODE" % (where, t.name))
    exact = [k for k, _ in t.expects if k in ("EXPECT_FILE", "EXPECT_JSON")]
    if exact and len(t.expects) > 1:
        raise ParseError("%s: test '%s': EXPECT_FILE/EXPECT_JSON must be the "
                         "only expectation" % (where, t.name))
    if t.will_fail and t.return_code != 0:
        raise ParseError("%s: test '%s': WILL_FAIL with a non-zero "
                         "RETURN_CODE" % (where, t.name))
    if t.new_pidns and not t.befores:
        raise ParseError("%s: test '%s': NEW_PIDNS needs a BEFORE"
                         % (where, t.name))
    return t


def parse_suite(suite, text, host=None):
    """Parse the text of one suite file; returns the tests that match this
    host's architecture, in file order."""
    if host is None:
        host = host_arch_ids()
    lines = text.splitlines(keepends=True)
    tests = []
    block = []
    for i, line in enumerate(lines, 1):
        if line.startswith("#"):
            # Dropped wherever it is -- also when it is the last line, so a
            # trailing comment after the last test loses that test (quirk
            # of the reference parser, kept on purpose).
            continue
        empty = line in ("\n", "")
        if not empty:
            block.append((i, line))
        if empty or i == len(lines):
            if block:
                t = parse_block(suite, block)
                if arch_matches(t.arch, host):
                    tests.append(t)
            block = []
    return tests


def is_suite_file(name):
    if name.startswith(".") or "." in name:
        return False
    return not re.match(r"(README|LICENSE|COPYING)", name)


def discover_suites(data_dir):
    """2.1: every regular file below data_dir, skipping engine/, scripts/,
    outputs/ and dot-names. Returns [(suite name, path)] sorted by name."""
    found = []
    for root, dirs, files in os.walk(data_dir, followlinks=True):
        dirs[:] = [d for d in dirs if d not in ("engine", "scripts", "outputs")
                   and not d.startswith(".")]
        for f in files:
            path = os.path.join(root, f)
            if is_suite_file(f) and os.path.isfile(path):
                found.append((f, path))
    found.sort()
    return found


# ---- filters ---------------------------------------------------------------

def compile_filter(spec):
    """TEST_FILTER: ':'-separated regexes searched in <suite>.<NAME>;
    '-'-prefixed ones exclude."""
    inc, exc = [], []
    for part in (spec or "").split(":"):
        if not part:
            continue
        if part.startswith("-"):
            exc.append(re.compile(part[1:]))
        else:
            inc.append(re.compile(part))

    def keep(full_name):
        if inc and not any(r.search(full_name) for r in inc):
            return False
        return not any(r.search(full_name) for r in exc)
    return keep


def read_allowlist(path):
    allowed = set()
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                allowed.add(line)
    return allowed


# ---- kernel versions -------------------------------------------------------

def loose_version(s):
    parts = []
    for p in re.split(r"(\d+|[a-zA-Z]+|\.)", s):
        if not p or p == ".":
            continue
        parts.append(int(p) if p.isdigit() else p)
    return parts


def version_cmp(a, b):
    """Loose compare: numbers numerically, words as text, a number sorts
    before a word; a shorter prefix sorts first (6.1 < 6.1.0-28)."""
    for x, y in zip(loose_version(a), loose_version(b)):
        if x == y:
            continue
        if type(x) == type(y):
            return -1 if x < y else 1
        return -1 if isinstance(x, int) else 1
    la, lb = len(loose_version(a)), len(loose_version(b))
    return (la > lb) - (la < lb)


# ---- output matching (2.6) -------------------------------------------------

def decode_output(raw):
    text = raw.decode("utf-8", errors="backslashreplace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def expect_line(text, output):
    pat = r"^\s*" + re.escape(text) + r"\s*$"
    return re.search(pat, output, re.M) is not None


def json_equal(a, b):
    return a == b   # dicts unordered, lists ordered, 1 == 1.0


def check_json(path, output):
    """Returns None when equal, else a short reason."""
    try:
        with open(path) as f:
            expected = f.read()
    except OSError as e:
        return "cannot read %s: %s" % (path, e.strerror)
    got = output.strip()
    try:
        if path.endswith(".ndjson"):
            exp_lines = [l.strip() for l in expected.strip().split("\n")]
            got_lines = [l.strip() for l in got.split("\n")] if got else []
            if len(exp_lines) != len(got_lines):
                return ("%d JSON lines expected, got %d"
                        % (len(exp_lines), len(got_lines)))
            for n, (e, g) in enumerate(zip(exp_lines, got_lines), 1):
                if not json_equal(json.loads(e), json.loads(g)):
                    return "JSON line %d differs" % n
            return None
        if "\n" in got:
            return "output is not exactly one line of JSON"
        if not json_equal(json.loads(expected), json.loads(got)):
            return "JSON differs"
        return None
    except ValueError as e:
        return "JSON parse error: %s" % e


def check_expectations(t, output, cwd="."):
    """Returns [(directive, text, ok, note)]; EXPECT_FILE/EXPECT_JSON paths
    are relative to cwd."""
    results = []
    for kind, text in t.expects:
        ok, note = False, ""
        if kind == "EXPECT":
            ok = expect_line(text, output)
        elif kind == "EXPECT_NONE":
            ok = not expect_line(text, output)
        elif kind in ("EXPECT_REGEX", "EXPECT_REGEX_NONE"):
            try:
                found = re.search(text, output, re.M) is not None
                ok = found if kind == "EXPECT_REGEX" else not found
            except re.error as e:
                note = "bad regex: %s" % e
        elif kind == "EXPECT_FILE":
            try:
                with open(os.path.join(cwd, text)) as f:
                    exp = f.read()
                if t.localize_ts is not None:
                    exp = time.strftime(exp, time.localtime(t.localize_ts))
                ok = output.strip() == exp.strip()
                if not ok:
                    note = "output differs from %s" % text
            except OSError as e:
                note = "cannot read %s: %s" % (text, e.strerror)
        elif kind == "EXPECT_JSON":
            note = check_json(os.path.join(cwd, text), output) or ""
            ok = not note
        results.append((kind, text, ok, note))
    return results


# ---- processes -------------------------------------------------------------

_live_groups = set()


def killpg(pid, sig):
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def spawn(argv, **kw):
    p = subprocess.Popen(argv, start_new_session=True, **kw)
    _live_groups.add(p.pid)
    return p


def finish(p, grace):
    """Give p `grace` seconds to exit by itself, then SIGKILL its group."""
    if p is None:
        return
    try:
        p.wait(timeout=max(grace, 0))
    except subprocess.TimeoutExpired:
        pass
    killpg(p.pid, signal.SIGKILL)
    p.wait()
    _live_groups.discard(p.pid)


def kill_all_live():
    for pid in list(_live_groups):
        killpg(pid, signal.SIGKILL)


def child_comms(ppid):
    r = subprocess.run(["ps", "--ppid", str(ppid), "-o", "pid=,comm="],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       universal_newlines=True)
    out = []
    for line in r.stdout.splitlines():
        parts = line.split(None, 1)
        if len(parts) == 2 and parts[1] != "ps":
            out.append((int(parts[0]), parts[1]))
    return out


def read_file_text(f):
    try:
        f.seek(0)
        return decode_output(f.read())
    except (OSError, ValueError):
        return ""


class Result:
    def __init__(self, status, reason="", detail=""):
        self.status = status        # PASS FAIL TIMEOUT SKIP XFAIL XPASS
        self.reason = reason
        self.detail = detail
        self.duration = 0.0
        self.capabilities = []      # a SKIP for these missing capabilities


class CapabilityError(Exception):
    """The capability probe could not give an answer."""


class Context:
    def __init__(self, args, workdir, tool):
        self.args = args
        self.workdir = workdir
        self.tool = tool
        self.scale = args.timeout_scale
        self.kernel = os.uname().release
        self._info = None
        self._caps = {}     # name -> (present, explanation) or CapabilityError

    def info(self):
        if self._info is None:
            try:
                r = subprocess.run([self.tool, "--info"], cwd=self.workdir,
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT,
                                   timeout=30 * self.scale)
                self._info = decode_output(r.stdout)
            except (OSError, subprocess.TimeoutExpired) as e:
                self._info = ""
                sys.stderr.write("warning: `%s --info` failed: %s\n"
                                 % (self.tool, e))
        return self._info

    def has_feature(self, name):
        s = FEATURES[name]
        return s is not None and s in self.info()

    def capability(self, name):
        """REQUIRES_CAPABILITY: runs `testprogs/has_capability NAME` once
        per run.  Returns (present, its explanation); raises
        CapabilityError when the probe gives no answer (missing, crashed,
        hung, or an exit status other than 0 and 1)."""
        if name not in self._caps:
            try:
                self._caps[name] = self._probe_capability(name)
            except CapabilityError as e:
                self._caps[name] = e
        got = self._caps[name]
        if isinstance(got, CapabilityError):
            raise got
        return got

    def capability_explanation(self, name):
        got = self._caps.get(name)
        return got[1] if isinstance(got, tuple) else ""

    def _probe_capability(self, name):
        rel = os.path.join("testprogs", CAPABILITY_PROBE)
        prog = os.path.join(self.workdir, rel)
        cmd = "%s %s" % (rel, name)
        if not os.access(prog, os.X_OK):
            raise CapabilityError("cannot check capability %s: no %s "
                                  "(--testprogs; `make testprogs` builds it)"
                                  % (name, rel))
        try:
            r = subprocess.run([prog, name], cwd=self.workdir,
                               stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT,
                               timeout=30 * self.scale)
        except subprocess.TimeoutExpired:
            raise CapabilityError("`%s` did not finish within %gs"
                                  % (cmd, 30 * self.scale))
        except OSError as e:
            raise CapabilityError("cannot run `%s`: %s" % (cmd, e))
        out = decode_output(r.stdout).strip()
        # "NAME: yes (why)" / "NAME: no (why)": keep the why
        why = out.split("\n")[-1] if out else ""
        m = re.match(r"%s: (yes|no) \((.*)\)$" % re.escape(name), why)
        if m:
            why = m.group(2)
        if r.returncode == 0:
            return True, why
        if r.returncode == 1:
            return False, why
        st = ("killed by signal %d" % -r.returncode if r.returncode < 0
              else "exit status %d" % r.returncode)
        raise CapabilityError("`%s` gave no answer (%s): %s"
                              % (cmd, st, out or "no output"))


def sh(cmd, ctx, capture=True, timeout=None):
    return subprocess.run(["/bin/sh", "-c", cmd], cwd=ctx.workdir,
                          stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                          stderr=subprocess.STDOUT if capture else subprocess.DEVNULL,
                          timeout=timeout)


def tool_command(t, ctx):
    """2.3/2.5: the shell command line that runs the tool."""
    tool = shlex.quote(ctx.tool)
    verify = ["--verify-llvm-ir"] if ctx.args.pass_verify_llvm_ir else []
    if t.run:
        return t.run.replace("{{BPFTRACE}}", " ".join([tool] + verify))
    words = [tool]
    if t.expects and t.expects[0][0] == "EXPECT_JSON":
        words += ["-q", "-f", "json"]
    words += verify
    words += ["-e", "'%s'" % t.prog.replace("'", "'\\''")]
    return " ".join(words)


def skip_reason(t, ctx):
    """Steps 1-3 of 2.4."""
    if t.min_kernel and version_cmp(ctx.kernel, t.min_kernel) < 0:
        return "kernel %s < MIN_KERNEL %s" % (ctx.kernel, t.min_kernel)
    if t.max_kernel and version_cmp(ctx.kernel, t.max_kernel) > 0:
        return "kernel %s > MAX_KERNEL %s" % (ctx.kernel, t.max_kernel)
    if t.skip_if_env_has:
        k, v = t.skip_if_env_has
        if os.environ.get(k) == v:
            return "SKIP_IF_ENV_HAS %s=%s" % (k, v)
    for req in t.requires:
        try:
            r = sh(req, ctx, capture=False, timeout=60 * ctx.scale)
            if r.returncode != 0:
                return "REQUIRES failed: %s" % req
        except subprocess.TimeoutExpired:
            return "REQUIRES timed out: %s" % req
    missing = sorted(f for f in t.features if not ctx.has_feature(f))
    present = sorted(f for f in t.neg_features if ctx.has_feature(f))
    if missing or present:
        return "feature: " + ",".join(missing + ["!" + f for f in present])
    return None


def missing_capabilities(t, ctx):
    """REQUIRES_CAPABILITY: returns (missing names, error or None)."""
    missing = []
    for c in t.capabilities:
        try:
            present, _ = ctx.capability(c)
        except CapabilityError as e:
            return missing, str(e)
        if not present:
            missing.append(c)
    return missing, None


def start_befores(t, ctx, files):
    """Step 5. Returns (processes, tool prefix, error or None)."""
    procs = []
    prefix = ""
    scale = ctx.scale
    if t.new_pidns:
        words = t.befores[0].split()
        f = tempfile.TemporaryFile()
        files.append(f)
        try:
            p = spawn(["unshare", "--fork", "--pid", "--mount-proc", "-r",
                       "--kill-child", "--"] + words, cwd=ctx.workdir,
                      stdin=subprocess.DEVNULL, stdout=f,
                      stderr=subprocess.STDOUT)
        except OSError as e:
            return procs, prefix, "cannot start unshare: %s" % e
        procs.append(p)
        deadline = time.monotonic() + t.timeout * scale
        child = None
        while child is None:
            kids = child_comms(p.pid)
            if kids:
                child = kids[0][0]
                break
            if p.poll() is not None or time.monotonic() >= deadline:
                return procs, prefix, ("BEFORE in new pid namespace did not "
                                       "start: %s" % t.befores[0])
            time.sleep(0.1)
        prefix = "nsenter -p -m -t %d " % child
        for b in t.befores[1:]:
            words = [os.path.abspath(w) if "/" in w and
                     os.path.exists(os.path.join(ctx.workdir, w)) else w
                     for w in b.split()]
            f = tempfile.TemporaryFile()
            files.append(f)
            try:
                procs.append(spawn(["nsenter", "-p", "-m", "-t", str(child)]
                                   + words, cwd=ctx.workdir,
                                   stdin=subprocess.DEVNULL, stdout=f,
                                   stderr=subprocess.STDOUT))
            except OSError as e:
                return procs, prefix, "cannot start BEFORE %s: %s" % (b, e)
        return procs, prefix, None

    expected = []
    for b in t.befores:
        words = b.split()
        f = tempfile.TemporaryFile()
        files.append(f)
        try:
            procs.append(spawn(words, cwd=ctx.workdir,
                               stdin=subprocess.DEVNULL, stdout=f,
                               stderr=subprocess.STDOUT))
        except OSError as e:
            return procs, prefix, "cannot start BEFORE '%s': %s" % (b, e)
        expected.append(os.path.basename(words[-1])[:15])
    expected.sort()
    deadline = time.monotonic() + t.timeout * scale
    while True:
        names = sorted(c for _, c in child_comms(os.getpid()))
        for b, p in zip(t.befores, procs):
            if p.poll() is not None:
                return procs, prefix, ("BEFORE '%s' exited with status %d "
                                       "before the test started"
                                       % (b, p.returncode))
        if names == expected:
            return procs, prefix, None
        if time.monotonic() >= deadline:
            return procs, prefix, ("timed out waiting for BEFORE processes "
                                   "%s (children: %s)" % (expected, names))
        time.sleep(0.1)


class Output:
    """The tool's merged stdout+stderr, with the attach notification."""

    def __init__(self):
        self.raw = bytearray()
        self.scan = 0
        self.notified_at = None     # raw offset just after the notify line

    def feed(self, data, eof=False):
        """Append data; returns True when the notify line was just seen."""
        self.raw += data
        if self.notified_at is not None:
            return False
        raw = self.raw
        while True:
            nl = raw.find(b"\n", self.scan)
            cr = raw.find(b"\r", self.scan)
            ends = [i for i in (nl, cr) if i >= 0]
            if not ends:
                return False
            end = min(ends)
            if raw[end:end + 1] == b"\r":
                if end + 1 == len(raw) and not eof:
                    return False    # could be the first half of \r\n
                step = 2 if raw[end + 1:end + 2] == b"\n" else 1
            else:
                step = 1
            line = bytes(raw[self.scan:end])
            self.scan = end + step
            if line == NOTIFY_ATTACHED.encode():
                self.notified_at = self.scan
                return True

    def text(self, discard_before_notify=False):
        if discard_before_notify and self.notified_at is not None:
            return decode_output(bytes(self.raw[self.notified_at:]))
        return decode_output(bytes(self.raw))


def run_tool(cmd, t, ctx, on_attached):
    """Steps 7-10. Returns (status or None if timed out, Output, timed_out,
    why timed out)."""
    env = {
        "test": t.name,
        NOTIFY_ATTACHED: "1",
        NOTIFY_AOT: "1",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }
    # A sanitizer build's options (log_path, halt_on_error) reach the tool.
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if k in os.environ:
            env[k] = os.environ[k]
    # helper scripts that keep their own time scale it as TIMEOUT does
    env["TT_TIMEOUT_SCALE"] = str(ctx.scale)
    env.update(t.env)
    p = spawn(["/bin/sh", "-c", cmd], cwd=ctx.workdir, env=env,
              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
              stderr=subprocess.STDOUT)
    out = Output()
    fd = p.stdout.fileno()
    deadline = time.monotonic() + ATTACH_TIMEOUT * ctx.scale
    why = "no %s within %gs" % (NOTIFY_ATTACHED, ATTACH_TIMEOUT * ctx.scale)
    timed_out = False
    eof = False
    try:
        while not eof:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                continue
            data = os.read(fd, 65536)
            if not data:
                eof = True
                out.feed(b"", eof=True)
                break
            if out.feed(data):
                deadline = time.monotonic() + t.timeout * ctx.scale
                why = "still running %gs after attaching" % (
                    t.timeout * ctx.scale)
                on_attached()
        if not timed_out:
            try:
                p.wait(timeout=max(deadline - time.monotonic(), 0.01))
            except subprocess.TimeoutExpired:
                timed_out = True
        if timed_out:
            # Step 10: SIGTERM the group, 1 s to collect more, SIGKILL.
            killpg(p.pid, signal.SIGTERM)
            end = time.monotonic() + 1.0
            while not eof:
                left = end - time.monotonic()
                if left <= 0:
                    break
                r, _, _ = select.select([fd], [], [], left)
                if r:
                    data = os.read(fd, 65536)
                    if not data:
                        eof = True
                        out.feed(b"", eof=True)
                    else:
                        out.feed(data)
    finally:
        killpg(p.pid, signal.SIGKILL)
        p.stdout.close()
        p.wait()
        _live_groups.discard(p.pid)
    return p.returncode, out, timed_out, why


def excerpt(text, limit=3000):
    if len(text) > limit:
        text = "[... %d bytes ...]\n" % (len(text) - limit) + text[-limit:]
    return text


def run_test(t, ctx):
    """One test, steps 1-15 of 2.4, then its XFAIL marker."""
    res = _run_test_checked(t, ctx)
    if not t.xfail or res.status == "SKIP":
        return res
    if res.status == "PASS":
        out = Result("XPASS", "passes now: remove XFAIL (%s)" % t.xfail)
    else:
        out = Result("XFAIL", "%s [%s]" % (t.xfail, res.reason), res.detail)
    out.duration = res.duration
    return out


def _run_test_checked(t, ctx):
    reason = skip_reason(t, ctx)
    if reason:
        return Result("SKIP", reason)
    missing, err = missing_capabilities(t, ctx)
    if err:
        return Result("FAIL", err)
    if missing:
        res = Result("SKIP", "missing capability: " + ", ".join(missing))
        res.capabilities = missing
        return res
    files = []
    try:
        return _run_test(t, ctx, files)
    finally:
        for f in files:
            f.close()


def _run_test(t, ctx, files):
    befores = []
    after = [None]
    try:
        if t.setup:
            r = sh(t.setup, ctx)
            if r.returncode != 0:
                return Result("FAIL", "SETUP failed (%d): %s"
                              % (r.returncode, t.setup),
                              decode_output(r.stdout))
        if t.befores:
            befores, prefix, err = start_befores(t, ctx, files)
            if err:
                detail = "".join("BEFORE %s output:\n%s\n" % (b, read_file_text(f))
                                 for b, f in zip(t.befores, files))
                return Result("FAIL", err, detail)
        else:
            prefix = ""

        cmd = tool_command(t, ctx)
        if "{{BEFORE_PID}}" in cmd:
            if not t.befores or t.new_pidns:
                return Result("FAIL", "{{BEFORE_PID}} without a usable BEFORE")
            name = os.path.basename(t.befores[0].split()[-1])
            r = subprocess.run(["pidof", name], stdout=subprocess.PIPE,
                               universal_newlines=True)
            pids = r.stdout.split()
            if not pids:
                return Result("FAIL", "pidof %s found nothing" % name)
            # pidof's first PID, unless our own BEFORE is among them (another
            # run on the machine may have a process of the same name).
            mine = str(befores[0].pid)
            cmd = cmd.replace("{{BEFORE_PID}}",
                              mine if mine in pids else pids[0])
        cmd = prefix + cmd

        after_file = tempfile.TemporaryFile()
        files.append(after_file)

        def on_attached():
            if t.after:
                after[0] = spawn(["/bin/sh", "-c", t.after], cwd=ctx.workdir,
                                 stdin=subprocess.DEVNULL, stdout=after_file,
                                 stderr=subprocess.STDOUT)

        status, out, timed_out, why = run_tool(cmd, t, ctx, on_attached)
    finally:
        # Step 11: teardown.
        grace_end = time.monotonic() + 1.0
        for p in befores:
            finish(p, grace_end - time.monotonic())
        finish(after[0], 1.0)

    exact = any(k in ("EXPECT_FILE", "EXPECT_JSON") for k, _ in t.expects)
    output = out.text(discard_before_notify=exact)
    checks = check_expectations(t, output, ctx.workdir)
    all_ok = all(ok for _, _, ok, _ in checks)

    def detail():
        lines = ["command: %s" % cmd]
        for kind, text, ok, note in checks:
            if not ok:
                lines.append("%s (%s): %s" % (kind, note or "not satisfied",
                                              text))
        if status is not None and status < 0:
            st = "killed by signal %d" % -status
        else:
            st = "%s" % status
        lines.append("exit status: %s%s" % (st, " (timed out)" if timed_out else ""))
        lines.append("output:\n" + excerpt(output))
        if t.after:
            lines.append("AFTER output:\n" + excerpt(read_file_text(after_file), 1000))
        return "\n".join(lines)

    if timed_out and not all_ok:
        res = Result("TIMEOUT", why, detail())
    else:
        res = None

    # Step 12: CLEANUP.
    if t.cleanup:
        r = sh(t.cleanup, ctx)
        if r.returncode != 0:
            return Result("FAIL", "CLEANUP failed (%d): %s"
                          % (r.returncode, t.cleanup), decode_output(r.stdout))
    if res:
        return res
    # Step 13: AOT marker.
    if NOTIFY_AOT in out.text():
        return Result("SKIP", "tool reported AOT portability disabled")
    # Step 14: exit status (not checked after a timeout).
    if not timed_out:
        if t.will_fail and status == 0:
            return Result("FAIL", "exit status 0, WILL_FAIL expects failure",
                          detail())
        if not t.will_fail and status != t.return_code:
            what = ("killed by signal %d" % -status if status < 0
                    else "exit status %d" % status)
            return Result("FAIL", "%s, expected %d" % (what, t.return_code),
                          detail())
    # Step 15.
    if not all_ok:
        kind, text, _, note = next(c for c in checks if not c[2])
        first = text.split("\n")[0]
        if len(first) > 60:
            first = first[:57] + "..."
        return Result("FAIL", "%s %s%s" % (kind, "'%s'" % first,
                                           " (%s)" % note if note else ""),
                      detail())
    return Result("PASS")


# ---- main ------------------------------------------------------------------

def print_capability_skips(cap_skips, ctx):
    """The summary's list of skips for a missing capability."""
    if not cap_skips:
        return
    n = len(set(name for names in cap_skips.values() for name in names))
    print()
    print("%d test%s skipped for a missing capability (allowed, also with "
          "CI=true):" % (n, "" if n == 1 else "s"))
    for c in sorted(cap_skips):
        why = ctx.capability_explanation(c)
        print("  missing capability: %s%s" % (c, " (%s)" % why if why else ""))
        for name in cap_skips[c]:
            print("    %s" % name)


def print_xfails(xfails):
    """The summary's list of XFAIL tests and what each waits for."""
    if not xfails:
        return
    print()
    print("%d test%s expected to fail until a feature lands (XFAIL):"
          % (len(xfails), "" if len(xfails) == 1 else "s"))
    for name, what in xfails:
        print("  %s: %s" % (name, what))


def color(status, text):
    mode = os.environ.get("RUNTIME_TEST_COLOR", "auto")
    on = mode == "yes" or (mode == "auto" and sys.stdout.isatty())
    if not on:
        return text
    code = {"PASS": "32", "FAIL": "31", "TIMEOUT": "31", "SKIP": "33",
            "XFAIL": "35", "XPASS": "31"}[status]
    return "\033[%sm%s\033[0m" % (code, text)


def build_workdir(args, tool):
    work = tempfile.mkdtemp(prefix="tt-compat-")
    os.symlink(os.path.abspath(args.data), os.path.join(work, "runtime"))
    if args.testprogs:
        os.symlink(os.path.abspath(args.testprogs),
                   os.path.join(work, "testprogs"))
    if args.testlibs:
        os.symlink(os.path.abspath(args.testlibs),
                   os.path.join(work, "testlibs"))
    if args.tool_name:
        bindir = os.path.join(work, "bin")
        os.mkdir(bindir)
        link = os.path.join(bindir, args.tool_name)
        os.symlink(tool, link)
        tool = link
    return work, tool


def load_tests(args, keep, host):
    suites = []
    for suite, path in discover_suites(args.data):
        with open(path, encoding="utf-8") as f:
            tests = parse_suite(suite, f.read(), host)
        tests = [t for t in tests if keep(t.full_name)]
        tests.sort(key=Test.sort_key)
        suites.append((suite, tests))
    return suites


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Run bpftrace runtime-test suites against a tracer.")
    ap.add_argument("--tool", required=True, help="the tracer binary")
    ap.add_argument("--data", required=True,
                    help="directory of suite files with scripts/ and outputs/")
    ap.add_argument("--testprogs", help="directory of helper programs")
    ap.add_argument("--testlibs", help="directory of helper libraries")
    ap.add_argument("--filter", default=os.environ.get("TEST_FILTER", ""),
                    help="':'-separated regexes on <suite>.<NAME>; "
                    "'-' prefix excludes (default: $TEST_FILTER)")
    ap.add_argument("--allowlist", "--allowlist_file", dest="allowlist",
                    help="file of <suite>.<NAME> lines; other tests SKIP")
    ap.add_argument("--timeout-scale", type=float, default=1.0,
                    help="multiply every timeout by this factor")
    ap.add_argument("--tool-name",
                    help="run the tool through a symlink with this name "
                    "(e.g. bpftrace, for tests that look for it by name)")
    ap.add_argument("--pass-verify-llvm-ir", action="store_true",
                    help="pass --verify-llvm-ir like the reference runner")
    ap.add_argument("--list", action="store_true",
                    help="list the selected tests and exit")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="show command, expectation and output of failures")
    args = ap.parse_args(argv)

    if not os.path.isdir(args.data):
        sys.stderr.write("runner: no data directory %s\n" % args.data)
        return 2
    keep = compile_filter(args.filter)
    try:
        suites = load_tests(args, keep, host_arch_ids())
    except ParseError as e:
        sys.stderr.write("runner: parse error: %s\n" % e)
        return 2
    allowed = read_allowlist(args.allowlist) if args.allowlist else None

    if args.list:
        for _, tests in suites:
            for t in tests:
                print(t.full_name)
        return 0

    total = sum(len(tests) for _, tests in suites)
    tool = os.path.abspath(args.tool) if os.sep in args.tool \
        else (shutil.which(args.tool) or args.tool)
    if not (os.path.isfile(tool) and os.access(tool, os.X_OK)):
        sys.stderr.write("runner: tool %s is not an executable file\n" % tool)
        return 2
    ci = os.environ.get("CI") == "true"
    if os.geteuid() != 0:
        print("*** SKIPPING %d compatibility tests: they load BPF programs "
              "and need root (euid is %d) ***" % (total, os.geteuid()))
        if ci:
            print("CI=true: a skip for lack of root counts as failure")
            print("0 passed, %d failed, 0 skipped" % total)
            return 1
        print("0 passed, 0 failed, %d skipped" % total)
        return 77

    workdir, tool = build_workdir(args, tool)
    ctx = Context(args, workdir, tool)
    table = []
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    cap_skips = {}      # capability -> [test names]
    xfails = []         # (test name, what it waits for)
    try:
        for suite, tests in suites:
            row = {"PASS": 0, "FAIL": 0, "SKIP": 0}
            for t in tests:
                if allowed is not None and t.full_name not in allowed:
                    res = Result("SKIP", "not in allowlist")
                else:
                    start = time.monotonic()
                    res = run_test(t, ctx)
                    res.duration = time.monotonic() - start
                line = "%s %s" % (color(res.status, res.status), t.full_name)
                if res.status != "SKIP":
                    line += " (%.2fs)" % res.duration
                if res.reason:
                    line += ": " + res.reason
                print(line, flush=True)
                if args.verbose and res.status in ("FAIL", "TIMEOUT",
                                                   "XFAIL") and res.detail:
                    for l in res.detail.rstrip("\n").split("\n"):
                        print("    | " + l)
                    sys.stdout.flush()
                key = {"TIMEOUT": "FAIL", "XPASS": "FAIL"}.get(res.status,
                                                               res.status)
                if res.status == "XFAIL":
                    xfails.append((t.full_name, t.xfail))
                    row["XFAIL"] = row.get("XFAIL", 0) + 1
                    continue
                for c in res.capabilities:
                    cap_skips.setdefault(c, []).append(t.full_name)
                row[key] += 1
                counts[key] += 1
            if tests:
                table.append((suite, row))
    except KeyboardInterrupt:
        kill_all_live()
        print("interrupted")
        return 130
    finally:
        kill_all_live()
        shutil.rmtree(workdir, ignore_errors=True)

    print()
    width = max([len(s) for s, _ in table] + [5])
    print("%-*s %7s %7s %7s" % (width, "suite", "passed", "failed", "skipped"))
    for suite, row in table:
        xf = " (%d expected to fail)" % row["XFAIL"] if "XFAIL" in row else ""
        print("%-*s %7d %7d %7d%s" % (width, suite, row["PASS"], row["FAIL"],
                                      row["SKIP"], xf))
    print_capability_skips(cap_skips, ctx)
    print_xfails(xfails)
    print("%d passed, %d failed, %d skipped%s"
          % (counts["PASS"], counts["FAIL"], counts["SKIP"],
             ", %d expected to fail" % len(xfails) if xfails else ""))
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
