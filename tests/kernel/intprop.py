#!/usr/bin/env python3
"""tests/kernel/intprop.py — property test of bpftrace's integer semantics.

Generates random integer expressions (seeded, reproducible) over scratch
variables of mixed widths and signs, runs them with tinytrace as BEGIN
programs in the kernel, computes the expected value of each with a C
reference (written here from the rules in doc/integers.md, compiled with the
system C compiler) and compares the two line by line.

The C reference does all arithmetic in uint64_t, holding every value the way
a BPF register does: extended to 64 bits according to its type (sign- or
zero-extension), so nothing in it is undefined behaviour.  The rules it
models:
  - literals: smallest signed type that holds them (uint64 above INT64_MAX);
  - + - * & | ^ << >> / %: 64-bit; int64 if either side is signed or the
    operator is binary -, else uint64; / and % unsigned, x/0 = x%0 = 1;
    >> logical; shift amounts are kept in 0..63 (larger ones are undefined
    in bpftrace);
  - unary - and ~: int64, on the 64-bit value; ! && || and comparisons: bool;
  - comparisons are signed unless both sides are unsigned, or one is uint64
    and the other signed;
  - (T)e truncates then extends by T's sign; c ? a : b takes the type that
    holds both branches, a non-negative literal branch taking the other's
    sign (a ternary of two such branches is itself such a branch), int64
    when nothing holds both;
  - let $v: T = e converts e to T.
  - operators whose operands are all literals are folded at compile time
    with bpftrace's literal rules (fold() below: the mathematical value,
    signed / % >> when a side is negative; expressions whose folding
    overflows are compile errors and are not generated); a literal
    condition picks its branch.

Environment:
  TT_BIN        the tinytrace binary (default: src/tinytrace)
  INTPROP_SEED  the seed (default: from the clock; always printed)
  INTPROP_N     number of expressions (default 1200)
  CC            the C compiler (default: cc)
  CI            "true": a skip (no root, no BPF, no compiler) is a failure

Exit status: 0 all agree, 1 a mismatch or an error, 77 skipped.
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.environ.get("TT_SRCDIR") or os.path.dirname(os.path.dirname(HERE))


def skip(why):
    print("*" * 68)
    print("* SKIPPING the integer property test: %s" % why)
    print("*" * 68)
    if os.environ.get("CI") == "true":
        print("CI=true: a skipped kernel test counts as a failure")
        sys.exit(1)
    sys.exit(77)


# ---- types ------------------------------------------------------------------

class T:
    """An integer type (bits, signed) or bool (bits 0)."""

    def __init__(self, bits, signed):
        self.bits, self.signed = bits, signed

    @property
    def name(self):
        if self.bits == 0:
            return "bool"
        return ("int%d" if self.signed else "uint%d") % self.bits

    def __eq__(self, o):
        return self.bits == o.bits and self.signed == o.signed

    def __repr__(self):
        return self.name


BOOL = T(0, False)
I64, U64 = T(64, True), T(64, False)
INTS = [T(b, s) for b in (8, 16, 32, 64) for s in (True, False)]


def lit_type(v):
    """bpftrace's type of the literal v (v < 0 for -N)."""
    for b in (8, 16, 32, 64):
        if -(1 << (b - 1)) <= v < (1 << (b - 1)):
            return T(b, True)
    return U64


def tmin(t):
    return -(1 << (t.bits - 1)) if t.signed else 0


def tmax(t):
    return (1 << (t.bits - 1)) - 1 if t.signed else (1 << t.bits) - 1


def promote(a, b):
    """The type that holds both (ternary branches), or None."""
    if a.signed == b.signed:
        return a if a.bits >= b.bits else b
    s, u = (a, b) if a.signed else (b, a)
    if s.bits > u.bits:
        return s
    if u.bits < 64:
        return T(u.bits * 2, True)
    return None


def flexible(e):
    """A non-negative literal that fits int64, or a ternary whose branches
    both are: its sign adapts."""
    return e.flex or (e.lit and 0 <= e.val <= (1 << 63) - 1)


def promote_branches(a, b):
    """The type of c ? a : b (doc/integers.md): a flexible literal takes
    the other side's sign (two literals: the wider); else promote(), and
    int64 when nothing holds both."""
    fa, fb = flexible(a), flexible(b)
    if fa and fb:
        return a.t if a.t.bits >= b.t.bits else b.t
    if fa or fb:
        o = b.t if fa else a.t
        bits = max(a.t.bits, b.t.bits)
        return o if bits == o.bits else T(bits, o.signed)
    return promote(a.t, b.t) or I64


def cmp_signed(a, b):
    if not a.signed and not b.signed:
        return False
    if (not a.signed and a.bits == 64) or (not b.signed and b.bits == 64):
        return False
    return True


# ---- literal folding (bpftrace's fold_literals) ------------------------------

IMAX, U = (1 << 63) - 1, 1 << 64
ERR, NOFOLD = "err", "nofold"


def trunc_div(a, b):
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def fold(op, l, r):
    """Value of literal l op literal r, ERR (a compile error) or NOFOLD
    (left to run time: a negative value with one above INT64_MAX)."""
    if (l < 0) != (r < 0) and max(l, r) > IMAX:
        return NOFOLD
    if op in ("<", "<=", ">", ">=", "==", "!="):
        return int(eval("l %s r" % op))
    if l >= 0 and r >= 0:
        v = {"+": lambda: l + r, "-": lambda: l - r, "*": lambda: l * r,
             "/": lambda: l // r if r else ERR,
             "%": lambda: l % r if r else ERR,
             "&": lambda: l & r, "|": lambda: l | r, "^": lambda: l ^ r,
             "<<": lambda: (l << (r & 63)) % U,
             ">>": lambda: l >> (r & 63)}[op]()
        if v == ERR or not -(1 << 63) <= v < U:
            return ERR
        return v
    # a side is negative: int64 arithmetic
    if op in ("/", "%") and r == 0:
        return ERR
    if op == "/":
        return trunc_div(l, r)
    if op == "%":
        return l - r * trunc_div(l, r)
    if op == "<<":
        v = (l << (r & 63)) % U
        return v - U if v > IMAX else v
    v = {"+": l + r, "-": l - r, "*": l * r, "&": l & r, "|": l | r,
         "^": l ^ r, ">>": l >> (r & 63)}[op]
    if op == "*" and l < 0 and r < 0:
        return v if v < U else ERR
    if op == "+" and l > 0 and r > 0:
        return v
    return v if -(1 << 63) <= v <= IMAX else ERR


# ---- expressions ------------------------------------------------------------

class E:
    """bt: bpftrace text; c: C text (a uint64_t); t: type; lit: the text is
    a literal (possibly negative); val: a literal's value."""

    def __init__(self, bt, c, t, lit=False, val=None, flex=False):
        self.bt, self.c, self.t, self.lit, self.val = bt, c, t, lit, val
        self.flex = flex


C_PRELUDE = r"""
#include <stdint.h>
#include <stdio.h>
typedef uint64_t u64;
typedef int64_t i64;
static u64 c_i8(u64 x) { return (u64)(i64)(int8_t)(uint8_t)x; }
static u64 c_u8(u64 x) { return (uint8_t)x; }
static u64 c_i16(u64 x) { return (u64)(i64)(int16_t)(uint16_t)x; }
static u64 c_u16(u64 x) { return (uint16_t)x; }
static u64 c_i32(u64 x) { return (u64)(i64)(int32_t)(uint32_t)x; }
static u64 c_u32(u64 x) { return (uint32_t)x; }
static u64 c_i64(u64 x) { return x; }
static u64 c_u64(u64 x) { return x; }
static u64 c_div(u64 a, u64 b) { return b ? a / b : 1; }
static u64 c_mod(u64 a, u64 b) { return b ? a % b : 1; }
static u64 c_shl(u64 a, u64 b) { return a << (b & 63); }
static u64 c_shr(u64 a, u64 b) { return a >> (b & 63); }
static u64 c_slt(u64 a, u64 b) { return (i64)a < (i64)b; }
static u64 c_sle(u64 a, u64 b) { return (i64)a <= (i64)b; }
static u64 c_sgt(u64 a, u64 b) { return (i64)a > (i64)b; }
static u64 c_sge(u64 a, u64 b) { return (i64)a >= (i64)b; }
"""

INTERESTING = [0, 1, 2, 3, 5, 7, 8, 10, 15, 16, 31, 32, 33, 63, 64, 100, 127,
               128, 200, 255, 256, 1000, 4096, 32767, 32768, 65535, 65536,
               100000, (1 << 31) - 1, 1 << 31, (1 << 32) - 1, 1 << 32,
               4000000000, 1 << 40, (1 << 63) - 1, 1 << 63, (1 << 64) - 1]


def c_const(v):
    return "((u64)0x%xULL)" % (v & ((1 << 64) - 1))


class Gen:
    def __init__(self, rng):
        self.r = rng
        self.vars = []          # (name, type, value)

    # -- literals and variables --

    def value_of(self, t):
        r = self.r
        k = r.random()
        if k < 0.35:
            v = r.choice([tmin(t), tmax(t), 0, 1, -1, tmax(t) - 1, tmin(t) + 1,
                          2, 3, 7, 100])
        elif k < 0.7:
            v = r.choice(INTERESTING)
            if r.random() < 0.5:
                v = -v
        else:
            v = r.randint(tmin(t), tmax(t))
        return max(tmin(t), min(tmax(t), v))

    def literal_text(self, v):
        r = self.r
        if v < 0:
            return "-%d" % -v
        if v >= 10 and r.random() < 0.3:
            return "0x%x" % v if r.random() < 0.5 else "0X%X" % v
        s = "%d" % v
        if v >= 10000 and r.random() < 0.15:
            # digit separators: 1_000_000
            g = []
            while s:
                g.insert(0, s[-3:])
                s = s[:-3]
            s = "_".join(g)
        return s

    def literal(self, lo=None, hi=None):
        r = self.r
        if lo is not None:
            v = r.randint(lo, hi)
        else:
            k = r.random()
            if k < 0.6:
                v = r.choice(INTERESTING)
            else:
                v = r.getrandbits(r.choice([4, 8, 16, 31, 32, 40, 63, 64]))
            if r.random() < 0.3 and v > 0 and v <= 1 << 63:
                v = -v
        return E(self.literal_text(v), c_const(v), lit_type(v), True, v)

    def var(self):
        name, t, _ = self.r.choice(self.vars)
        return E("$" + name, name, t)

    # -- expressions --

    def int_expr(self, d, nonlit=False):
        """An integer (not bool) expression of depth <= d; nonlit: not one
        that folds to a literal."""
        r = self.r
        if d <= 0 or r.random() < 0.2:
            if nonlit or r.random() < 0.7:
                return self.var()
            return self.literal()
        k = r.random()
        if k < 0.55:
            return self.binop(d, nonlit)
        if k < 0.7:
            return self.unop(d, nonlit)
        if k < 0.85:
            return self.cast(d)
        return self.ternary(d, nonlit)

    def any_expr(self, d, nonlit=False):
        r = self.r
        k = r.random()
        if d > 0 and k < 0.25:
            return self.compare(d, nonlit)
        if d > 0 and k < 0.35:
            return self.logical(d, nonlit)
        return self.int_expr(d, nonlit)

    def pair(self, d, nonlit):
        """Two operands; both literals (folded) only now and then."""
        both = not nonlit and self.r.random() < 0.25
        a = self.int_expr(d - 1)
        b = self.int_expr(d - 1, nonlit=a.lit and not both)
        if self.r.random() < 0.5:
            a, b = b, a
        return a, b

    def binop(self, d, nonlit=False):
        r = self.r
        for _ in range(50):
            op = r.choice(["+", "-", "*", "/", "%", "&", "|", "^", "<<",
                           ">>", "+", "-", "*", "/", "%"])
            if op in ("<<", ">>"):
                if r.random() < 0.6:
                    b = self.literal(0, 63)
                    a = self.int_expr(d - 1, nonlit=nonlit or
                                      r.random() < 0.7)
                else:
                    a = self.int_expr(d - 1, nonlit=True)
                    x = self.int_expr(d - 1)
                    if x.lit:
                        x = self.var()
                    b = E("(%s & 63)" % x.bt, "(%s & 63)" % x.c, I64)
            else:
                a, b = self.pair(d, nonlit)
            bt = "(%s %s %s)" % (a.bt, op, b.bt)
            if a.lit and b.lit:
                v = fold(op, a.val, b.val)
                if v == ERR:
                    continue
                if v != NOFOLD:
                    return E(bt, c_const(v), lit_type(v), True, v)
            t = I64 if (a.t.signed or b.t.signed or op == "-") else U64
            fn = {"/": "c_div", "%": "c_mod", "<<": "c_shl", ">>": "c_shr"}
            if op in fn:
                c = "%s(%s, %s)" % (fn[op], a.c, b.c)
            else:
                c = "(u64)(%s %s %s)" % (a.c, op, b.c)
            return E(bt, c, t)
        return self.var()

    def unop(self, d, nonlit=False):
        op = self.r.choice(["-", "~"])
        a = self.int_expr(d - 1, nonlit=nonlit or self.r.random() < 0.8)
        bt = "%s%s" % (op, paren(a.bt))
        if a.lit:
            v = a.val
            if op == "-":
                if v > 1 << 63:
                    return self.var()
                v = -v
            else:
                v = U - 1 - v if v >= 0 else -v - 1
            return E(bt, c_const(v), lit_type(v), True, v)
        return E(bt, "(u64)(%s%s)" % ("(u64)0 - " if op == "-" else "~",
                                      a.c), I64)

    def cast(self, d):
        t = self.r.choice(INTS)
        a = self.int_expr(d - 1)
        return E("(%s)%s" % (t.name, paren(a.bt)),
                 "c_%s(%s)" % (t.name.replace("int", "i").replace("ui", "u"),
                               a.c), t)

    def cond(self, d, nonlit=True):
        """A condition: a bool or an integer; a literal only when
        nonlit is false."""
        for _ in range(20):
            c = self.any_expr(d)
            if not (c.lit and nonlit):
                return c
        return self.var()

    def ternary(self, d, nonlit=False):
        for _ in range(20):
            c = self.cond(d - 1, nonlit or self.r.random() < 0.85)
            a, b = self.int_expr(d - 1), self.int_expr(d - 1)
            bt = "(%s ? %s : %s)" % (c.bt, a.bt, b.bt)
            if c.lit:
                # folded: the branch taken, with its own type
                x = a if c.val else b
                return E(bt, x.c, x.t, x.lit, x.val, x.flex)
            t = promote_branches(a, b)
            return E(bt, "((%s) ? %s : %s)" % (c.c, a.c, b.c), t,
                     flex=flexible(a) and flexible(b))
        return self.var()

    def compare(self, d, nonlit=False):
        op = self.r.choice(["<", "<=", ">", ">=", "==", "!="])
        a, b = self.pair(d, nonlit)
        bt = "(%s %s %s)" % (a.bt, op, b.bt)
        if a.lit and b.lit:
            v = fold(op, a.val, b.val)
            if v != NOFOLD:
                return E(bt, c_const(v), BOOL, True, v)
        if op in ("==", "!=") or not cmp_signed(a.t, b.t):
            c = "(u64)(%s %s %s)" % (a.c, op, b.c)
        else:
            fn = {"<": "c_slt", "<=": "c_sle", ">": "c_sgt", ">=": "c_sge"}
            c = "%s(%s, %s)" % (fn[op], a.c, b.c)
        return E(bt, c, BOOL)

    def logical(self, d, nonlit=False):
        r = self.r
        k = r.random()
        lit_ok = not nonlit and r.random() < 0.2
        if k < 0.3:
            a = self.cond(d - 1, not lit_ok)
            bt = "!%s" % paren(a.bt)
            if a.lit:
                return E(bt, c_const(int(not a.val)), BOOL, True,
                         int(not a.val))
            return E(bt, "(u64)!(%s)" % a.c, BOOL)
        op = "&&" if k < 0.65 else "||"
        a = self.cond(d - 1, not lit_ok)
        b = self.cond(d - 1, not lit_ok)
        bt = "(%s %s %s)" % (a.bt, op, b.bt)
        if a.lit and b.lit:
            v = int(bool(a.val) and bool(b.val) if op == "&&"
                    else bool(a.val) or bool(b.val))
            return E(bt, c_const(v), BOOL, True, v)
        return E(bt, "(u64)((%s) %s (%s))" % (a.c, op, b.c), BOOL)


def paren(s):
    return s if s.startswith("(") and s.endswith(")") else "(" + s + ")"


def generate(seed, n):
    """Returns (bpftrace script, C source, list of expression texts)."""
    rng = random.Random(seed)
    g = Gen(rng)
    decls = []
    cdecls = []
    for i in range(12):
        t = rng.choice(INTS)
        v = g.value_of(t)
        name = "v%d" % i
        g.vars.append((name, t, v))
        lit = g.literal_text(v)
        if rng.random() < 0.5:
            # hidden from constant folding: $z is 0 at run time
            init = "(%s)(%s + $z)" % (t.name, lit)
        else:
            init = lit
        decls.append("let $%s: %s = %s;" % (name, t.name, init))
        cdecls.append("u64 %s = %s;" % (name, c_const(v)))
    exprs = []
    for _ in range(n):
        exprs.append(g.any_expr(rng.randint(1, 4)))

    chunk = 100
    probes = []
    for k in range(0, n, chunk):
        body = ["  $z = nsecs >> 62;"] + ["  " + x for x in decls]
        for e in exprs[k:k + chunk]:
            body.append('  printf("%%lld\\n", %s);' % e.bt)
        if k + chunk >= n:
            body.append("  exit();")
        probes.append("BEGIN {\n%s\n}\n" % "\n".join(body))
    script = "\n".join(probes)

    c = [C_PRELUDE, "int main(void)\n{"]
    c += ["\t" + x for x in cdecls]
    for e in exprs:
        c.append('\tprintf("%%lld\\n", (long long)(i64)(%s));' % e.c)
    c.append("\treturn 0;\n}")
    return script, "\n".join(c) + "\n", [e.bt for e in exprs], decls


def bpf_refused():
    """Why this kernel refuses BPF programs, or None: loads "r0 = 0; exit"
    as a socket filter with the raw bpf() system call."""
    import ctypes
    import platform
    nr = {"x86_64": 321, "aarch64": 280, "s390x": 351, "ppc64le": 361,
          "riscv64": 280}.get(platform.machine())
    if nr is None:
        return None             # unknown arch: let the test find out
    libc = ctypes.CDLL(None, use_errno=True)
    insns = (ctypes.c_uint64 * 2)(0xb7, 0x95)
    lic = ctypes.create_string_buffer(b"GPL")
    attr = (ctypes.c_uint64 * 16)()
    attr[0] = 1 | (2 << 32)     # BPF_PROG_TYPE_SOCKET_FILTER, 2 insns
    attr[1] = ctypes.addressof(insns)
    attr[2] = ctypes.addressof(lic)
    fd = libc.syscall(nr, 5, ctypes.byref(attr), 128)   # BPF_PROG_LOAD
    if fd < 0:
        return os.strerror(ctypes.get_errno())
    os.close(fd)
    return None


def main():
    tt = os.environ.get("TT_BIN") or os.path.join(SRCDIR, "src", "tinytrace")
    if os.geteuid() != 0:
        skip("it loads BPF programs and needs root (uid is %d)" % os.geteuid())
    why = bpf_refused()
    if why:
        skip("this kernel refuses to load a BPF program (%s)" % why)
    if not os.access(tt, os.X_OK):
        print("intprop: no tinytrace binary at %s" % tt, file=sys.stderr)
        return 1
    cc = os.environ.get("CC") or "cc"
    if not shutil.which(cc):
        skip("no C compiler (%s) for the reference" % cc)

    seed = int(os.environ.get("INTPROP_SEED") or
               (time.time_ns() % 1000000007))
    n = int(os.environ.get("INTPROP_N") or 1200)
    print("intprop: seed %d, %d expressions (rerun with INTPROP_SEED=%d)"
          % (seed, n, seed))
    t0 = time.monotonic()
    script, csrc, texts, decls = generate(seed, n)

    work = tempfile.mkdtemp(prefix="intprop.")
    keep = False
    try:
        bt = os.path.join(work, "prop.bt")
        cfile = os.path.join(work, "ref.c")
        exe = os.path.join(work, "ref")
        with open(bt, "w") as f:
            f.write(script)
        with open(cfile, "w") as f:
            f.write(csrc)
        p = subprocess.run([cc, "-std=c11", "-O1", "-w", "-o", exe, cfile],
                           capture_output=True, text=True)
        if p.returncode:
            keep = True
            print("intprop: the C reference does not compile (kept in %s):\n%s"
                  % (work, p.stderr[:4000]))
            return 1
        expect = subprocess.run([exe], capture_output=True, text=True,
                                check=True).stdout.splitlines()
        t1 = time.monotonic()
        try:
            p = subprocess.run([tt, "-q", bt], capture_output=True, text=True,
                               timeout=120)
        except subprocess.TimeoutExpired:
            keep = True
            print("intprop: tinytrace timed out (script kept in %s)" % work)
            return 1
        except OSError as e:
            keep = True
            print("intprop: cannot run %s: %s (script kept in %s)"
                  % (tt, e, work))
            return 1
        t2 = time.monotonic()
        # the blank lines the end of a run prints are not results
        got = p.stdout.rstrip("\n").splitlines()
        if p.returncode != 0 or len(got) != len(expect):
            keep = True
            print("intprop: tinytrace exited %d with %d of %d lines "
                  "(script kept in %s); stderr:\n%s"
                  % (p.returncode, len(got), len(expect), work,
                     p.stderr[-6000:]))
            if p.returncode != 0:
                return 1
        bad = 0
        for i, e in enumerate(expect):
            g = got[i] if i < len(got) else "(missing)"
            if g != e:
                bad += 1
                if bad <= 25:
                    print("MISMATCH #%d: %s\n    expected %s, tinytrace %s"
                          % (i, texts[i], e, g))
        if bad:
            keep = True
            print("intprop: %d of %d expressions differ (seed %d); "
                  "variables:\n    %s\nscript and reference kept in %s"
                  % (bad, len(expect), seed, "\n    ".join(decls), work))
            return 1
        print("intprop: all %d expressions agree (generate+compile %.2fs, "
              "tinytrace %.2fs)" % (len(expect), t1 - t0, t2 - t1))
        return 0
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
