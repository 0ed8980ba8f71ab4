#!/usr/bin/env python3
"""Self-tests of tests/compat/runner.py: the suite-file parser (comments,
continuation lines, the dropped-last-block quirk, errors), ARCH and kernel
version rules, filters, matching, the attach-notification scanner, and a
few complete runs against fake tools written as shell scripts (no root or
BPF needed).  Prints `N passed, N failed, N skipped` at the end."""

import os
import shutil
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runner  # noqa: E402
from runner import ParseError, parse_suite  # noqa: E402

X86 = {"x86_64", "le"}
SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "..", "..", "..", "shared", "bpftrace-runtime-tests")


def one(text, host=X86):
    tests = parse_suite("s", text, host)
    assert len(tests) == 1, [t.name for t in tests]
    return tests[0]


class ParserTest(unittest.TestCase):
    def test_basic_block(self):
        t = one("NAME a b\nPROG begin { }\nEXPECT  x  y \nTIMEOUT 2\n")
        self.assertEqual(t.name, "a b")
        self.assertEqual(t.prog, "begin { }")
        self.assertEqual(t.expects, [("EXPECT", "x  y")])
        self.assertEqual(t.timeout, 2)
        self.assertEqual(t.full_name, "s.a b")

    def test_defaults(self):
        t = one("NAME a\nRUN true\nEXPECT x\n")
        self.assertEqual(t.timeout, 5)
        self.assertEqual(t.return_code, 0)
        self.assertFalse(t.will_fail)

    def test_prog_continuation(self):
        t = one("NAME a\nPROG begin {\n       printf(\"x\");  \n     }\n"
                "EXPECT x\n")
        # exactly len("PROG")+1 = 5 characters removed, the rest kept
        self.assertEqual(t.prog, "begin {\n  printf(\"x\");  \n}")

    def test_expect_continuation_keeps_alignment(self):
        t = one("NAME a\nPROG p\nEXPECT stdin:1:15-35: ERROR: e\n"
                "       begin { x }\n"
                "                     ~~~~\n")
        self.assertEqual(t.expects[0][1],
                         "stdin:1:15-35: ERROR: e\nbegin { x }\n"
                         "              ~~~~")

    def test_expect_regex_continuation(self):
        t = one("NAME a\nPROG p\nEXPECT_REGEX         f\\+\\d+$\n"
                "                     spin$\n")
        self.assertEqual(t.expects[0], ("EXPECT_REGEX",
                                        "f\\+\\d+$\n        spin$"))

    def test_continuation_must_reach_value_column(self):
        # 3 spaces < len("EXPECT")+1: parsed as a directive -> unknown
        with self.assertRaises(ParseError):
            parse_suite("s", "NAME a\nPROG p\nEXPECT x\n   more\n", X86)

    def test_no_continuation_for_other_directives(self):
        with self.assertRaises(ParseError):
            parse_suite("s", "NAME a\nPROG p\nEXPECT x\nRUN_X y\n", X86)
        with self.assertRaises(ParseError):
            parse_suite("s", "NAME a\nPROG p\nEXPECT_NONE x\n"
                        "             y\n", X86)

    def test_comments_dropped_anywhere(self):
        text = ("# head\nNAME a\n# inside\nPROG p\nEXPECT x\n\n"
                "NAME b\nPROG p\n#EXPECT y\nEXPECT z\n\n")
        tests = parse_suite("s", text, X86)
        self.assertEqual([t.name for t in tests], ["a", "b"])
        self.assertEqual(tests[1].expects, [("EXPECT", "z")])

    def test_indented_hash_is_data(self):
        t = one("NAME a\nPROG p\nEXPECT x\n       # y\n")
        self.assertEqual(t.expects[0][1], "x\n# y")

    def test_whitespace_line_does_not_separate(self):
        # a whitespace-only line after EXPECT continues it (empty line)
        t = one("NAME a\nPROG p\nEXPECT x\n  \nTIMEOUT 1\n")
        self.assertEqual(t.expects[0][1], "x\n")
        with self.assertRaises(ParseError):
            parse_suite("s", "NAME a\nPROG p\nEXPECT x\nTIMEOUT 1\n \n"
                        "NAME b\nPROG p\nEXPECT y\n", X86)

    def test_last_block_without_blank_line(self):
        tests = parse_suite("s", "NAME a\nPROG p\nEXPECT x\n\nNAME b\n"
                            "PROG p\nEXPECT y", X86)
        self.assertEqual([t.name for t in tests], ["a", "b"])

    def test_dropped_last_block_quirk(self):
        # the file ends with comment lines right after its last test
        text = ("NAME a\nPROG p\nEXPECT x\n\nNAME b\nPROG p\nEXPECT y\n"
                "# a trailing comment\n# another\n")
        self.assertEqual([t.name for t in parse_suite("s", text, X86)],
                         ["a"])
        # with a blank line before the comments it is kept
        text2 = text.replace("EXPECT y\n#", "EXPECT y\n\n#")
        self.assertEqual([t.name for t in parse_suite("s", text2, X86)],
                         ["a", "b"])

    def test_multiple_blank_lines(self):
        tests = parse_suite("s", "\n\nNAME a\nPROG p\nEXPECT x\n\n\n\n", X86)
        self.assertEqual(len(tests), 1)

    def test_errors(self):
        bad = [
            "PROG p\nEXPECT x\n",                       # no NAME
            "NAME a\nEXPECT x\n",                       # no RUN/PROG
            "NAME a\nRUN r\nPROG p\nEXPECT x\n",        # both
            "NAME a\nPROG p\n",                         # no expectation
            "NAME a\nPROG p\nEXPECT_FILE f\nEXPECT x\n",
            "NAME a\nPROG p\nEXPECT_JSON f.json\nEXPECT_NONE x\n",
            "NAME a\nPROG p\nEXPECT x\nWILL_FAIL\nRETURN_CODE 3\n",
            "NAME a\nPROG p\nEXPECT x\nREQUIRES_FEATURE btf nosuch\n",
            "NAME a\nPROG p\nEXPECT x\nREQUIRES_FEATURE !nosuch\n",
            "NAME a\nPROG p\nEXPECT x\nENV A=1=2\n",
            "NAME a\nPROG p\nEXPECT x\nENV A\n",
            "NAME a\nPROG p\nEXPECT x\nFOO bar\n",
            "NAME a\nPROG p\nEXPECT x\nTIMEOUT soon\n",
            "NAME a\nPROG p\nEXPECT x\nREQUIRES_CAPABILITY\n",
            "NAME a\nPROG p\nEXPECT x\nREQUIRES_CAPABILITY hw_nosuch\n",
            "NAME a\nPROG p\nEXPECT x\n"
            "REQUIRES_CAPABILITY hw_breakpoint !hw_pmu\n",
        ]
        for text in bad:
            with self.assertRaises(ParseError, msg=text):
                parse_suite("s", text, X86)

    def test_xfail_needs_a_reason(self):
        with self.assertRaises(runner.ParseError):
            runner.parse_suite("s", "NAME a\nPROG x\nEXPECT y\nXFAIL\n",
                               {"x86_64"})
        t = one("NAME a\nPROG x\nEXPECT y\nXFAIL ppid, getopt()\n")
        self.assertEqual(t.xfail, "ppid, getopt()")

    def test_return_code_alone_is_an_expectation(self):
        t = one("NAME a\nPROG p\nRETURN_CODE 69\n")
        self.assertEqual(t.return_code, 69)
        self.assertEqual(t.expects, [])

    def test_accumulating_directives(self):
        t = one("NAME a\nPROG p\nEXPECT x\nREQUIRES true\nREQUIRES ls\n"
                "REQUIRES_FEATURE btf !dwarf\nREQUIRES_FEATURE iter\n"
                "ENV A=1 B=2\nENV C=x=\nBEFORE ./x a\nBEFORE ./y\n"
                "AFTER one\nAFTER two\nNAME final\n".replace("C=x=", "C=3"))
        self.assertEqual(t.requires, ["true", "ls"])
        self.assertEqual(t.features, {"btf", "iter"})
        self.assertEqual(t.neg_features, {"dwarf"})
        self.assertEqual(t.env, {"A": "1", "B": "2", "C": "3"})
        self.assertEqual(t.befores, ["./x a", "./y"])
        self.assertEqual(t.after, "two")
        self.assertEqual(t.name, "final")

    def test_requires_capability(self):
        t = one("NAME a\nPROG p\nEXPECT x\n"
                "REQUIRES_CAPABILITY hw_breakpoint\n"
                "REQUIRES_CAPABILITY hw_pmu hw_breakpoint_exec hw_breakpoint\n")
        self.assertEqual(t.capabilities,
                         ["hw_breakpoint", "hw_pmu", "hw_breakpoint_exec"])
        self.assertEqual(one("NAME a\nPROG p\nEXPECT x\n").capabilities, [])
        with self.assertRaisesRegex(ParseError, r"s:4: unknown "
                                    r"REQUIRES_CAPABILITY 'hw_nosuch' "
                                    r"\(known: hw_breakpoint, "):
            parse_suite("s", "NAME a\nPROG p\nEXPECT x\n"
                        "REQUIRES_CAPABILITY hw_nosuch\n", X86)

    def test_arch(self):
        src = "NAME a\nPROG p\nEXPECT x\nARCH %s\n"
        cases = [("x86_64", X86, True), ("aarch64", X86, False),
                 ("aarch64|x86_64", X86, True), ("!x86_64", X86, False),
                 ("!s390", {"s390x", "be"}, True), ("!be", X86, True),
                 ("le", X86, True), ("!aarch64", X86, True),
                 ("s390x|!be", {"s390x", "be"}, False)]
        for arch, host, kept in cases:
            got = len(parse_suite("s", src % arch, host)) == 1
            self.assertEqual(got, kept, arch)

    def test_order_is_by_name_then_run_then_prog(self):
        tests = parse_suite("s", "NAME b\nPROG 2\nEXPECT x\n\nNAME a\n"
                            "PROG z\nEXPECT x\n\nNAME b\nPROG 1\nEXPECT x\n",
                            X86)
        tests.sort(key=runner.Test.sort_key)
        self.assertEqual([(t.name, t.prog) for t in tests],
                         [("a", "z"), ("b", "1"), ("b", "2")])

    @unittest.skipUnless(os.path.isdir(SHARED), "no shared runtime tests")
    def test_shared_suites_counts(self):
        counts = {}
        for suite, path in runner.discover_suites(SHARED):
            with open(path, encoding="utf-8") as f:
                counts[suite] = len(parse_suite(suite, f.read(), X86))
        self.assertEqual(len(counts), 25)
        self.assertEqual(sum(counts.values()), 786)
        self.assertEqual(counts["probe"], 125)   # uprobe_zip_archive dropped
        self.assertEqual(counts["call"], 171)


class RulesTest(unittest.TestCase):
    def test_filters(self):
        keep = runner.compile_filter("basic\\.:-it lists")
        self.assertTrue(keep("basic.exit code"))
        self.assertFalse(keep("basic.it lists kprobes"))
        self.assertFalse(keep("call.exit"))
        keep = runner.compile_filter("-^probe\\.")
        self.assertTrue(keep("call.x"))
        self.assertFalse(keep("probe.x"))
        keep = runner.compile_filter("")
        self.assertTrue(keep("anything.at all"))
        keep = runner.compile_filter("^call\\.:^map\\.")
        self.assertTrue(keep("map.a") and keep("call.b"))
        self.assertFalse(keep("variable.map"))

    def test_versions(self):
        vc = runner.version_cmp
        self.assertLess(vc("6.1.0-28-amd64", "6.12"), 0)
        self.assertGreater(vc("6.18.44-fc-v445", "6.12"), 0)
        self.assertGreaterEqual(vc("6.12.0", "6.12"), 0)
        self.assertEqual(vc("6.12", "6.12"), 0)
        self.assertGreater(vc("6.1", "5.15.3"), 0)

    def test_expect_line(self):
        el = runner.expect_line
        out = "Attached 1 probes\n  @x: 1  \nfoo bar\n"
        self.assertFalse(el("Attached 1 probe", out))
        self.assertTrue(el("Attached 1 probes", out))
        self.assertTrue(el("@x: 1", out))
        self.assertFalse(el("bar", out))
        self.assertFalse(el("x.y", "xzy\n"))     # literal, not a regex
        self.assertTrue(el("a\n  b", "x\na\n  b\n"))
        self.assertFalse(el("a\n  b", "a\nb\n"))

    def test_regex(self):
        t = one("NAME a\nPROG p\nEXPECT_REGEX ^\\d+$\n"
                "EXPECT_REGEX_NONE ^bad\n"
                "EXPECT_REGEX @\\[{ .p = 0x[0-9a-f]+ }\\]: 1\n")
        res = runner.check_expectations(t, "x\n42\n@[{ .p = 0xab }]: 1\n")
        self.assertTrue(all(r[2] for r in res), res)
        res = runner.check_expectations(t, "x 42\nbad\n")
        self.assertEqual([r[2] for r in res], [False, False, False])

    def test_json(self):
        d = tempfile.mkdtemp()
        try:
            j = os.path.join(d, "a.json")
            with open(j, "w") as f:
                f.write('{\n  "type": "map",\n  "data": {"@x": 1.0, "@y": [1,2]}\n}\n')
            self.assertIsNone(runner.check_json(
                j, '\n{"data": {"@y": [1, 2], "@x": 1}, "type": "map"}\n'))
            self.assertIsNotNone(runner.check_json(
                j, '{"type": "map", "data": {"@x": 1, "@y": [2, 1]}}'))
            self.assertIsNotNone(runner.check_json(
                j, '{"type": "map", "data": {"@x": 1, "@y": [1, 2]}}\n{}'))
            n = os.path.join(d, "b.ndjson")
            with open(n, "w") as f:
                f.write('{"a": 1}\n{"b": 2}\n')
            self.assertIsNone(runner.check_json(n, '{"a":1}\n {"b":2.0} \n'))
            self.assertIsNotNone(runner.check_json(n, '{"b": 2}\n{"a": 1}'))
            self.assertIsNotNone(runner.check_json(n, '{"a": 1}'))
            self.assertIsNotNone(runner.check_json(n, '{"a": 1}\nnot json'))
            self.assertIsNotNone(runner.check_json(
                os.path.join(d, "missing.json"), '{}'))
        finally:
            shutil.rmtree(d)

    def test_notify_scanner(self):
        o = runner.Output()
        self.assertFalse(o.feed(b"Attached 1 probe\n__BPFTRACE_NOTIFY_"))
        self.assertTrue(o.feed(b"PROBES_ATTACHED\nhello\n"))
        self.assertEqual(o.text(True), "hello\n")
        self.assertIn("Attached", o.text())
        o = runner.Output()
        self.assertFalse(o.feed(b"x __BPFTRACE_NOTIFY_PROBES_ATTACHED\n"))
        self.assertFalse(o.feed(b"__BPFTRACE_NOTIFY_PROBES_ATTACHED\r"))
        self.assertTrue(o.feed(b"\nok\r\n"))
        self.assertEqual(o.text(True), "ok\n")
        o = runner.Output()
        self.assertFalse(o.feed(b"__BPFTRACE_NOTIFY_PROBES_ATTACHED"))
        self.assertFalse(o.feed(b"", eof=True))   # needs its newline
        self.assertEqual(runner.decode_output(b"a\xffb\r\n"), "a\\xffb\n")

    def test_tool_command(self):
        class A:
            pass
        ctx = A()
        ctx.tool = "/x/tinytrace"
        ctx.args = A()
        ctx.args.pass_verify_llvm_ir = False
        t = one("NAME a\nPROG begin { printf('x') }\nEXPECT x\n")
        self.assertEqual(runner.tool_command(t, ctx),
                         "/x/tinytrace -e 'begin { printf('\\''x'\\'') }'")
        t = one("NAME a\nPROG p\nEXPECT_JSON f.json\n")
        self.assertEqual(runner.tool_command(t, ctx),
                         "/x/tinytrace -q -f json -e 'p'")
        ctx.args.pass_verify_llvm_ir = True
        self.assertEqual(runner.tool_command(t, ctx),
                         "/x/tinytrace -q -f json --verify-llvm-ir -e 'p'")
        t = one("NAME a\nRUN {{BPFTRACE}} -l | grep {{BPFTRACE}}\nEXPECT x\n")
        self.assertEqual(runner.tool_command(t, ctx),
                         "/x/tinytrace --verify-llvm-ir -l | grep "
                         "/x/tinytrace --verify-llvm-ir")


FAKE_TOOL = r"""#!/bin/sh
# a stand-in tracer: prints what the test asks for via -e
if [ "$1" = "--info" ]; then echo "btf: yes"; echo "iter: no"; exit 0; fi
[ "$1" = "-e" ] || exit 2
eval "$2"
"""


# a stand-in for testprogs/has_capability: hw_breakpoint and hw_pmu are
# there, hw_breakpoint_exec is not; every run is logged to probe.log
FAKE_PROBE = r"""#!/bin/sh
echo "$1" >> probe.log
case $1 in
hw_breakpoint|hw_pmu) echo "$1: yes (counted 100 writes)"; exit 0 ;;
hw_breakpoint_exec) echo "$1: no (the event opened, but counted 0 calls)"
	exit 1 ;;
esac
echo "has_capability: unknown capability '$1'" >&2
exit 2
"""


class RunTest(unittest.TestCase):
    """Complete runs through run_test() with a fake tool."""

    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.tool = os.path.join(self.dir, "faketool")
        with open(self.tool, "w") as f:
            f.write(FAKE_TOOL)
        os.chmod(self.tool, 0o755)
        os.mkdir(os.path.join(self.dir, "data"))
        with open(os.path.join(self.dir, "data", "out.txt"), "w") as f:
            f.write("\nline1\nline2\n")

        class A:
            pass
        args = A()
        args.pass_verify_llvm_ir = False
        args.timeout_scale = 0.2     # 10 s attach clock -> 2 s
        self.ctx = runner.Context(args, self.dir, self.tool)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def run_one(self, text):
        t = one(text)
        start = time.monotonic()
        r = runner.run_test(t, self.ctx)
        r.duration = time.monotonic() - start
        return r

    N = "echo __BPFTRACE_NOTIFY_PROBES_ATTACHED; "

    def test_pass_and_exit_status(self):
        r = self.run_one("NAME a\nPROG echo hello 3\nEXPECT hello 3\n")
        self.assertEqual(r.status, "PASS", r.detail)
        r = self.run_one("NAME a\nPROG echo hello; exit 3\nEXPECT hello\n")
        self.assertEqual(r.status, "FAIL")
        r = self.run_one("NAME a\nPROG echo hello; exit 3\nEXPECT hello\n"
                         "WILL_FAIL\n")
        self.assertEqual(r.status, "PASS", r.detail)
        r = self.run_one("NAME a\nPROG echo hello\nEXPECT hello\nWILL_FAIL\n")
        self.assertEqual(r.status, "FAIL")
        r = self.run_one("NAME a\nPROG exit 69\nRETURN_CODE 69\n")
        self.assertEqual(r.status, "PASS", r.detail)

    def test_xfail(self):
        r = self.run_one("NAME a\nPROG echo nope\nEXPECT hello\n"
                         "XFAIL feature x\n")
        self.assertEqual(r.status, "XFAIL", r.detail)
        self.assertTrue(r.reason.startswith("feature x [EXPECT 'hello'"),
                        r.reason)
        r = self.run_one("NAME a\nPROG echo hello\nEXPECT hello\n"
                         "XFAIL feature x\n")
        self.assertEqual(r.status, "XPASS")
        self.assertEqual(r.reason, "passes now: remove XFAIL (feature x)")
        r = self.run_one("NAME a\nPROG echo hello\nEXPECT hello\n"
                         "XFAIL feature x\nREQUIRES false\n")
        self.assertEqual(r.status, "SKIP")

    def test_env_of_tool(self):
        r = self.run_one("NAME my test\nPROG echo \"[$test][$HOME][$A]\"\n"
                         "EXPECT [my test][][1]\nENV A=1\n")
        self.assertEqual(r.status, "PASS", r.detail)

    def test_stderr_is_merged(self):
        r = self.run_one("NAME a\nPROG echo oops >&2\nEXPECT oops\n")
        self.assertEqual(r.status, "PASS", r.detail)

    def test_after_runs_only_after_notification(self):
        r = self.run_one("NAME a\nPROG " + self.N +
                         "sleep 0.3; cat after.out\nEXPECT from after\n"
                         "AFTER echo from after > after.out\n")
        self.assertEqual(r.status, "PASS", r.detail)
        os.unlink(os.path.join(self.dir, "after.out"))
        r = self.run_one("NAME a\nPROG sleep 0.3; cat after.out\n"
                         "EXPECT from after\nAFTER echo from after > after.out\n")
        self.assertEqual(r.status, "FAIL")
        self.assertFalse(os.path.exists(os.path.join(self.dir, "after.out")))

    def test_timeout_passes_when_expectations_hold(self):
        start = time.monotonic()
        r = self.run_one("NAME a\nPROG " + self.N +
                         "echo ready; sleep 30\nEXPECT ready\nTIMEOUT 1\n")
        self.assertEqual(r.status, "PASS", r.detail)
        self.assertLess(time.monotonic() - start, 5)
        r = self.run_one("NAME a\nPROG " + self.N +
                         "sleep 30\nEXPECT ready\nTIMEOUT 1\n")
        self.assertEqual(r.status, "TIMEOUT")

    def test_attach_clock_without_notification(self):
        # no notify line: TIMEOUT 100 does not apply, the (scaled) 10 s
        # attach clock does
        start = time.monotonic()
        r = self.run_one("NAME a\nPROG sleep 30\nEXPECT never\nTIMEOUT 100\n")
        self.assertEqual(r.status, "TIMEOUT")
        self.assertLess(time.monotonic() - start, 6)

    def test_sigterm_ignored_then_sigkill(self):
        r = self.run_one("NAME a\nPROG trap '' TERM; " + self.N +
                         "sleep 99 && echo no\nEXPECT_NONE no\nTIMEOUT 1\n")
        self.assertEqual(r.status, "PASS", r.detail)

    def test_expect_file_discards_before_notification(self):
        r = self.run_one("NAME a\nPROG echo Attached 1 probe; " + self.N +
                         "echo line1; echo line2\nEXPECT_FILE data/out.txt\n")
        self.assertEqual(r.status, "PASS", r.detail)
        r = self.run_one("NAME a\nPROG " + self.N +
                         "echo line1; echo line2; echo more\n"
                         "EXPECT_FILE data/out.txt\n")
        self.assertEqual(r.status, "FAIL")

    def test_requires_and_features(self):
        r = self.run_one("NAME a\nPROG echo x\nEXPECT x\nREQUIRES false\n")
        self.assertEqual(r.status, "SKIP")
        r = self.run_one("NAME a\nPROG echo x\nEXPECT x\nREQUIRES_FEATURE btf\n")
        self.assertEqual(r.status, "PASS", r.detail)
        r = self.run_one("NAME a\nPROG echo x\nEXPECT x\nREQUIRES_FEATURE iter\n")
        self.assertEqual(r.status, "SKIP")
        r = self.run_one("NAME a\nPROG echo x\nEXPECT x\nREQUIRES_FEATURE !btf\n")
        self.assertEqual(r.status, "SKIP")
        r = self.run_one("NAME a\nPROG echo x\nEXPECT x\nMIN_KERNEL 999.1\n")
        self.assertEqual(r.status, "SKIP")
        os.environ["TT_COMPAT_SELFTEST"] = "yes"
        r = self.run_one("NAME a\nPROG echo x\nEXPECT x\n"
                         "SKIP_IF_ENV_HAS TT_COMPAT_SELFTEST=yes\n")
        self.assertEqual(r.status, "SKIP")

    def write_probe(self, text=FAKE_PROBE):
        d = os.path.join(self.dir, "testprogs")
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "has_capability")
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o755)

    def probe_log(self):
        try:
            with open(os.path.join(self.dir, "probe.log")) as f:
                return f.read().split()
        except FileNotFoundError:
            return []

    def test_requires_capability(self):
        self.write_probe()
        r = self.run_one("NAME a\nPROG echo x\nEXPECT x\n"
                         "REQUIRES_CAPABILITY hw_breakpoint\n")
        self.assertEqual(r.status, "PASS", r.detail + r.reason)
        self.assertEqual(r.capabilities, [])
        # missing: skipped before anything runs, with the capability named
        r = self.run_one("NAME a\nPROG echo x > ran.txt\nEXPECT x\n"
                         "REQUIRES_CAPABILITY hw_breakpoint_exec\n"
                         "SETUP echo s > setup.txt\n")
        self.assertEqual(r.status, "SKIP")
        self.assertEqual(r.reason, "missing capability: hw_breakpoint_exec")
        self.assertEqual(r.capabilities, ["hw_breakpoint_exec"])
        self.assertFalse(os.path.exists(os.path.join(self.dir, "ran.txt")))
        self.assertFalse(os.path.exists(os.path.join(self.dir, "setup.txt")))
        # every one listed must be there; only the missing ones are named
        r = self.run_one("NAME a\nPROG echo x\nEXPECT x\n"
                         "REQUIRES_CAPABILITY hw_pmu hw_breakpoint_exec "
                         "hw_breakpoint\n")
        self.assertEqual(r.status, "SKIP")
        self.assertEqual(r.reason, "missing capability: hw_breakpoint_exec")
        # the probe runs once per capability per run (Context)
        self.assertEqual(sorted(self.probe_log()),
                         ["hw_breakpoint", "hw_breakpoint_exec", "hw_pmu"])
        self.assertEqual(self.ctx.capability_explanation("hw_breakpoint_exec"),
                         "the event opened, but counted 0 calls")
        # an ordinary skip comes first and is no capability skip
        r = self.run_one("NAME a\nPROG echo x\nEXPECT x\nREQUIRES false\n"
                         "REQUIRES_CAPABILITY hw_breakpoint_exec\n")
        self.assertEqual(r.status, "SKIP")
        self.assertEqual(r.capabilities, [])

    def test_requires_capability_probe_errors_fail(self):
        # no probe program: the test fails, it is not skipped
        r = self.run_one("NAME a\nPROG echo x\nEXPECT x\n"
                         "REQUIRES_CAPABILITY hw_breakpoint\n")
        self.assertEqual(r.status, "FAIL")
        self.assertIn("no testprogs/has_capability", r.reason)
        # an answer other than 0 or 1: fails, also for the next test
        self.write_probe("#!/bin/sh\necho crashed; exit 3\n")
        self.ctx._caps.clear()
        for _ in range(2):
            r = self.run_one("NAME a\nPROG echo x\nEXPECT x\n"
                             "REQUIRES_CAPABILITY hw_pmu\n")
            self.assertEqual(r.status, "FAIL")
            self.assertIn("gave no answer (exit status 3): crashed", r.reason)
        self.write_probe("#!/bin/sh\nkill -SEGV $$\n")
        self.ctx._caps.clear()
        r = self.run_one("NAME a\nPROG echo x\nEXPECT x\n"
                         "REQUIRES_CAPABILITY hw_pmu\n")
        self.assertEqual(r.status, "FAIL")
        self.assertIn("killed by signal 11", r.reason)

    def test_setup_cleanup(self):
        r = self.run_one("NAME a\nPROG cat s.txt\nEXPECT set\n"
                         "SETUP echo set > s.txt\nCLEANUP rm s.txt\n")
        self.assertEqual(r.status, "PASS", r.detail)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "s.txt")))
        r = self.run_one("NAME a\nPROG echo x\nEXPECT x\nCLEANUP false\n")
        self.assertEqual(r.status, "FAIL")
        r = self.run_one("NAME a\nPROG echo x\nEXPECT x\nSETUP false\n")
        self.assertEqual(r.status, "FAIL")

    def test_before_and_before_pid(self):
        sleeper = os.path.join(self.dir, "tt_sleeper")
        shutil.copy("/bin/sleep", sleeper)
        r = self.run_one("NAME a\nPROG cat /proc/{{BEFORE_PID}}/comm\n"
                         "EXPECT tt_sleeper\nBEFORE ./tt_sleeper 30\n")
        # the BEFORE's name is its last word's basename: "30" never shows
        # up as a child name, so the wait times out
        self.assertEqual(r.status, "FAIL")
        self.assertIn("timed out waiting", r.reason)
        wrapper = os.path.join(self.dir, "wrap")
        with open(wrapper, "w") as f:
            f.write("#!/bin/sh\nexec %s 30\n" % sleeper)
        os.chmod(wrapper, 0o755)
        r = self.run_one("NAME a\nPROG cat /proc/{{BEFORE_PID}}/comm\n"
                         "EXPECT tt_sleeper\nBEFORE ./wrap ./tt_sleeper\n")
        self.assertEqual(r.status, "PASS", r.detail + r.reason)
        # the BEFORE was killed at teardown
        time.sleep(0.1)
        self.assertEqual(runner.child_comms(os.getpid()), [])

    def test_before_that_exits_fails(self):
        r = self.run_one("NAME a\nPROG echo x\nEXPECT x\nBEFORE /bin/true\n")
        self.assertEqual(r.status, "FAIL")


class MainTest(unittest.TestCase):
    """runner.main() end to end: the summary and the exit status."""

    SUITE = ("NAME plain\nPROG echo x\nEXPECT x\n\n"
             "NAME needs exec bp\nPROG echo x\nEXPECT x\n"
             "REQUIRES_CAPABILITY hw_breakpoint_exec\n\n"
             "NAME needs bp\nPROG echo x\nEXPECT x\n"
             "REQUIRES_CAPABILITY hw_breakpoint\n\n"
             "NAME needs exec bp too\nPROG echo x\nEXPECT x\n"
             "REQUIRES_CAPABILITY hw_breakpoint_exec\n\n"
             "NAME other skip\nPROG echo x\nEXPECT x\nREQUIRES false\n")

    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.tool = os.path.join(self.dir, "faketool")
        with open(self.tool, "w") as f:
            f.write(FAKE_TOOL)
        os.chmod(self.tool, 0o755)
        self.data = os.path.join(self.dir, "data")
        os.mkdir(self.data)
        with open(os.path.join(self.data, "caps"), "w") as f:
            f.write(self.SUITE)
        self.progs = os.path.join(self.dir, "progs")
        os.mkdir(self.progs)
        probe = os.path.join(self.progs, "has_capability")
        with open(probe, "w") as f:
            f.write(FAKE_PROBE.replace("probe.log", "/dev/null"))
        os.chmod(probe, 0o755)
        self.saved_ci = os.environ.get("CI")

    def tearDown(self):
        if self.saved_ci is None:
            os.environ.pop("CI", None)
        else:
            os.environ["CI"] = self.saved_ci
        shutil.rmtree(self.dir)

    def main(self, ci):
        import contextlib
        import io
        os.environ["CI"] = "true" if ci else "false"
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            st = runner.main(["--tool", self.tool, "--data", self.data,
                              "--testprogs", self.progs,
                              "--timeout-scale", "0.2"])
        return st, buf.getvalue()

    @unittest.skipUnless(os.geteuid() == 0, "runner.main needs root")
    def test_capability_skips_in_summary(self):
        for ci in (False, True):
            st, out = self.main(ci)
            self.assertEqual(st, 0, out)     # capability skips do not fail
            lines = out.rstrip("\n").split("\n")
            self.assertEqual(lines[-1], "2 passed, 0 failed, 3 skipped", out)
            self.assertIn("SKIP caps.needs exec bp: missing capability: "
                          "hw_breakpoint_exec", lines)
            self.assertIn("SKIP caps.other skip: REQUIRES failed: false",
                          lines)
            i = lines.index("2 tests skipped for a missing capability "
                            "(allowed, also with CI=true):")
            self.assertEqual(lines[i + 1:-1], [
                "  missing capability: hw_breakpoint_exec (the event "
                "opened, but counted 0 calls)",
                "    caps.needs exec bp",
                "    caps.needs exec bp too"])

    @unittest.skipUnless(os.geteuid() == 0, "runner.main needs root")
    def test_no_capability_section_without_capability_skips(self):
        with open(os.path.join(self.data, "caps"), "w") as f:
            f.write("NAME plain\nPROG echo x\nEXPECT x\n")
        st, out = self.main(True)
        self.assertEqual(st, 0, out)
        self.assertNotIn("missing capability", out)
        self.assertTrue(out.endswith("\n1 passed, 0 failed, 0 skipped\n"))

    @unittest.skipUnless(os.geteuid() == 0, "runner.main needs root")
    def test_xfail_in_summary(self):
        with open(os.path.join(self.data, "caps"), "w") as f:
            f.write("NAME plain\nPROG echo x\nEXPECT x\n\n"
                    "NAME waits\nPROG echo x\nEXPECT y\nXFAIL getopt()\n")
        st, out = self.main(True)
        self.assertEqual(st, 0, out)
        lines = out.rstrip("\n").split("\n")
        self.assertEqual(lines[-1], "1 passed, 0 failed, 0 skipped, "
                         "1 expected to fail", out)
        i = lines.index("1 test expected to fail until a feature lands "
                        "(XFAIL):")
        self.assertEqual(lines[i + 1], "  caps.waits: getopt()")
        with open(os.path.join(self.data, "caps"), "w") as f:
            f.write("NAME waits\nPROG echo x\nEXPECT x\nXFAIL getopt()\n")
        st, out = self.main(False)
        self.assertEqual(st, 1, out)
        self.assertIn("XPASS caps.waits", out)
        self.assertTrue(out.endswith("\n0 passed, 1 failed, 0 skipped\n"))

    @unittest.skipUnless(os.geteuid() == 0, "runner.main needs root")
    def test_probe_failure_fails_the_run(self):
        os.unlink(os.path.join(self.progs, "has_capability"))
        st, out = self.main(False)
        self.assertEqual(st, 1, out)
        self.assertTrue(out.endswith("\n1 passed, 3 failed, 1 skipped\n"),
                        out)
        self.assertIn("FAIL caps.needs bp (", out)
        self.assertNotIn("skipped for a missing capability", out)


class CapabilityProgramTest(unittest.TestCase):
    """The real tests/testprogs/has_capability, when make has built it
    (TT_BIN names the build tree), knows exactly the runner's names and
    answers 0/1 for each, 2 for an unknown one."""

    def setUp(self):
        b = os.environ.get("TT_BIN")
        prog = os.path.join(os.path.dirname(os.path.dirname(b)), "tests",
                            "testprogs", "has_capability") if b else ""
        if not (prog and os.access(prog, os.X_OK)):
            self.skipTest("no built tests/testprogs/has_capability")
        self.prog = prog

    def run_prog(self, *args):
        import subprocess
        return subprocess.run([self.prog] + list(args), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT,
                              universal_newlines=True, timeout=60)

    def test_names_match_the_runner(self):
        r = self.run_prog("--list")
        self.assertEqual(r.returncode, 0)
        self.assertEqual(sorted(r.stdout.split()),
                         sorted(runner.CAPABILITIES))

    def test_answers(self):
        for name in runner.CAPABILITIES:
            r = self.run_prog(name)
            self.assertIn(r.returncode, (0, 1), r.stdout)
            self.assertRegex(r.stdout, r"^%s: %s \(.+\)\n$" % (
                name, "yes" if r.returncode == 0 else "no"))
        r = self.run_prog("hw_nosuch")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown capability 'hw_nosuch'", r.stdout)
        self.assertEqual(self.run_prog().returncode, 2)


if __name__ == "__main__":
    prog = unittest.main(exit=False, verbosity=1,
                         testRunner=unittest.TextTestRunner(
                             stream=sys.stdout))
    r = prog.result
    failed = len(r.failures) + len(r.errors) + len(r.unexpectedSuccesses)
    skipped = len(r.skipped)
    print("%d passed, %d failed, %d skipped"
          % (r.testsRun - failed - skipped, failed, skipped))
    sys.exit(1 if failed else 0)
