"""A safe parser for the expressions the CLI takes: `tanh(x1*w1 + x2*w2 + b)`.

The text is parsed with `ast` and walked against a whitelist — numbers,
names, `+ - * / **`, unary minus, parentheses, the op table's functions, and
`name = expr;` statements to label intermediate results. Nothing is ever
passed to `eval`; anything else is an `ExprError` that says what is allowed.
Errors quote the user's own text (`log(x - 2) needs x - 2 > 0`), never the
engine's placeholder names.
"""

from __future__ import annotations

import ast
import copy
import difflib
import functools
import keyword
import math
import re
import unicodedata
import warnings
from dataclasses import dataclass, field

from .engine import Value, fmt, topological_order
from .ops import FUNCTIONS, OpError

MAX_CHARS = 2000
MAX_NODES = 1000
MAX_TEXT = 60  # characters of the user's text quoted in a message
ALLOWED = (
    "numbers, variable names, + - * / **, unary minus, parentheses, "
    f"the functions {', '.join(FUNCTIONS)}, and `name = expression;` statements"
)
NAME_RULE = "a name starts with a letter or _ and goes on with letters, digits and _ (x1, w_2, θ)"
FLOAT_RANGE = "floats stop near ±1.8e308"
BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
#: Functions people reach for that are spelled differently here.
SPELLINGS = {
    "sqrt": "for a square root write x ** 0.5",
    "ln": "for the natural log write log(x)",
    "pow": "for a power write x ** y",
    "max": "for max(x, 0) write relu(x)",
}
#: What the refused pieces of Python are called in an error message.
WORDS = {
    "Compare": "comparisons (<, ==, ...)", "BoolOp": "and / or operators",
    "IfExp": "if-else expressions", "Lambda": "lambdas", "Attribute": "attributes (a.b)",
    "Subscript": "indexing (a[i])", "List": "lists", "Tuple": "tuples", "Dict": "dicts", "Set": "sets",
    "ListComp": "comprehensions", "GeneratorExp": "generators", "JoinedStr": "f-strings",
    "Starred": "*args", "NamedExpr": ":= assignments", "Await": "await", "Yield": "yield",
    "FloorDiv": "//", "Mod": "%", "MatMult": "@", "LShift": "<<", "RShift": ">>", "BitOr": "|",
    "BitAnd": "&", "Not": "not", "Invert": "~",
}  # fmt: skip
#: Typed or pasted look-alikes, read as what they mean (one character each, so columns stay right).
LOOKALIKES = str.maketrans({"−": "-", "×": "*", "⋅": "*"})  # not ·: Python names may hold it


def _word(node: ast.AST) -> str:
    return WORDS.get(type(node).__name__, type(node).__name__)


class ExprError(ValueError):
    """The expression or a variable setting is not one the parser accepts."""


def is_name(text: str) -> bool:
    """Whether `text` is a variable name: a Python identifier (θ too), not a keyword."""
    return text.isidentifier() and not keyword.iskeyword(text)


def _in_range(x: float, text: str, subject: str) -> float:
    """`x` (read from `text`) if a float holds it; else an error saying it is too large or small."""
    if math.isinf(x):
        raise ExprError(f"{subject} is too large for a float ({FLOAT_RANGE})")
    if x == 0 and re.search(r"[1-9]", re.split(r"[eE]", text)[0]):
        raise ExprError(f"{subject} is too small for a float: it would be 0.0 (the smallest is about 5e-324)")
    return x


def _close(word: str, candidates) -> str | None:
    """The candidate `word` is most likely a typo of (case aside), if any."""
    by_lower = {c.lower(): c for c in sorted(candidates)}
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=1)
    return by_lower[close[0]] if close else None


def parse_assignments(items: list[str]) -> dict[str, float]:
    """`["x=2", "w=-3"]` → `{"x": 2.0, "w": -3.0}`, with a clear error for anything else."""
    values: dict[str, float] = {}
    for item in items:
        name, sep, number = item.partition("=")
        name, number = name.strip(), number.strip()
        if not sep or not name or not number:
            raise ExprError(f"--set takes name=number pairs such as x=2 or w=-3.5, got {item!r}")
        name = unicodedata.normalize("NFKC", name)  # as Python reads names in the expression (µ is μ)
        if keyword.iskeyword(name):
            raise ExprError(f"{name!r} is a Python keyword, so it cannot be a variable name; try {name}_")
        if not name.isidentifier():
            raise ExprError(f"{name!r} is not a variable name: {NAME_RULE}")
        if name in FUNCTIONS:
            raise ExprError(f"{name!r} is a function name; choose another variable name")
        try:
            x = float(number.translate(LOOKALIKES))
        except ValueError:
            comma = re.fullmatch(r"[-+]?\d+,\d+", number)
            hint = f" (write decimals with a point: {number.replace(',', '.')})" if comma else ""
            raise ExprError(
                f"the value of {name} must be a number such as 2, -3.5 or 1e-3, got {number!r}{hint}"
            ) from None
        if math.isnan(x) or (math.isinf(x) and "inf" in number.lower()):
            raise ExprError(f"the value of {name} must be a finite number, got {number!r}")
        _in_range(x, number, f"the value of {name}, {number},")
        if name in values:
            raise ExprError(f"--set gives {name} twice ({fmt(values[name])} and {fmt(x)}); give it once")
        values[name] = x
    return values


@dataclass
class Expression:
    """A parsed expression: its graph's root, and the text each node was written as."""

    root: Value
    source: str = field(repr=False)
    nodes: dict[Value, ast.AST] = field(repr=False)

    def text(self, value: Value) -> str:
        """What the user wrote for `value`: its name, or its piece of the expression."""
        if value.label is not None:
            return value.label
        node = self.nodes.get(value)
        return _text(node, self.source) if node is not None else fmt(value.data)

    def backward(self) -> None:
        """Run backward; an infinite or NaN gradient is an ExprError naming whose it is and why."""
        self.root.backward()
        order = topological_order(self.root)
        for p in reversed(order):  # from the root: the first bad grad is where it starts
            if _finite(p.grad):
                continue
            # Every node that uses p comes before it here, so their grads are all finite.
            for c in order:
                for parent, local in zip(c.parents, c.local_grads):
                    if parent is p and not _finite(local * c.grad):
                        raise ExprError(self._gradient_message(p, c, local))
            raise ExprError(f"the gradient of {self.text(p)} is {fmt(p.grad)}; backward needs finite numbers")

    def _gradient_message(self, p: Value, c: Value, local: float) -> str:
        start = f"the gradient of {self.text(p)} is {fmt(p.grad)}: "
        if not _finite(local):
            why = (
                f"the slope of {self.text(c)} with respect to {self.text(p)} is {fmt(local)} "
                f"at {self.text(p)} = {fmt(p.data)}"
            )
        else:
            why = (
                f"the slope of {self.text(c)} with respect to {self.text(p)} ({fmt(local)}) times "
                f"the gradient of {self.text(c)} ({fmt(c.grad)}) does not fit in a float ({FLOAT_RANGE})"
            )
        return start + why + "; choose values where every derivative is finite"


def _finite(x) -> bool:
    return math.isfinite(x)


def build(text: str, variables: dict[str, float]) -> Value:
    """Build the graph of `text` from leaves named by `variables`; returns the root.

    `text` is an expression, or statements `n = x*w + b; o = tanh(n)` whose
    last one is the result (each assigned name labels its node).
    """
    return parse(text, variables).root


def parse(text: str, variables: dict[str, float]) -> Expression:
    """Like `build`, keeping the text of every node for messages about it."""
    if not isinstance(text, str):
        raise ExprError("the expression must be text")
    if len(text) > MAX_CHARS:
        raise ExprError(f"the expression is {len(text):,} characters long; the limit is {MAX_CHARS:,}")
    if not text.strip():
        raise ExprError("the expression is empty; try something like 'tanh(x*w + b)'")
    if "\0" in text:
        raise ExprError("the expression holds a NUL character (\\0), which is not text; type it again")
    source = text.translate(LOOKALIKES).replace("^", "**")
    tree, names = _tree(source)
    builder = _Builder(source, variables, names)
    root = builder.run(tree)
    unused = sorted(set(variables) - builder.used)
    if unused:
        typo = ""
        if len(unused) == 1:
            close = _close(unused[0], builder.used)
            typo = f" (a typo for {close}?)" if close else " (a typo?)"
        raise ExprError(f"--set gives {', '.join(unused)}, which the expression never uses{typo}")
    return Expression(root, source, builder.nodes)


@functools.lru_cache(maxsize=256)
def _tree(source: str) -> tuple[ast.Module, frozenset[str]]:
    """The checked syntax tree of `source` and the names it reads, kept for the next parse of the
    same text (descend evaluates one formula at thousands of points). Nothing mutates the tree."""
    try:
        with warnings.catch_warnings():  # `2(x)` warns "'int' object is not callable": refused below
            warnings.simplefilter("ignore")
            tree = ast.parse(source, mode="exec")
    except SyntaxError as e:
        raise ExprError(_syntax_message(e, source)) from None
    except (RecursionError, MemoryError):
        raise ExprError("the expression is nested too deeply to parse") from None
    count = sum(1 for n in ast.walk(tree) if isinstance(n, ast.expr))  # each gives at most one value
    if count > MAX_NODES:
        raise ExprError(
            f"the expression has {count:,} numbers, names and operations; the limit is {MAX_NODES:,} "
            "(a graph that big is too big to read)"
        )
    if not tree.body:
        raise ExprError("the expression is empty; try something like 'tanh(x*w + b)'")
    return tree, frozenset(_names_used(tree))


def _syntax_message(e: SyntaxError, source: str) -> str:
    lines = source.splitlines() or [""]
    where = ""
    if e.offset:
        line = lines[(e.lineno or 1) - 1] if (e.lineno or 1) <= len(lines) else ""
        where = f" at line {e.lineno}, column {e.offset}" if len(lines) > 1 else f" at column {e.offset}"
        if 0 < e.offset <= len(line):
            where += f" ({line[e.offset - 1 :][:12]!r})"
    msg = e.msg
    if "decimal literal" in msg:
        msg += " (a number followed by a name: for a product write 2*x, not 2x)"
    elif msg.startswith("invalid character"):
        msg += f"; allowed: {ALLOWED}"
    return f"cannot parse the expression{where}: {msg}"


def _names_used(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


@functools.lru_cache(maxsize=4096)
def _text(node: ast.AST, source: str) -> str:
    """The user's text for an AST node: `x * 1e308`, numbers as they were typed; long ones cut."""
    segment = ast.get_source_segment(source, node) or ""
    if not isinstance(node, ast.Constant):

        class Typed(ast.NodeTransformer):
            def visit_Constant(self, c: ast.Constant) -> ast.AST:
                typed = ast.get_source_segment(source, c)
                return ast.Name(typed) if typed else c

        if len(segment) < 200:  # unparse recurses: a short text is never deep
            segment = ast.unparse(Typed().visit(copy.deepcopy(node)))
    segment = " ".join(segment.split())
    return segment if len(segment) <= MAX_TEXT else segment[: MAX_TEXT - 3] + "..."


def _is_literal(node: ast.AST) -> bool:
    """A number as typed (`3`, `-2.5`): an error need not say what its value is."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        node = node.operand
    return isinstance(node, ast.Constant)


class _Builder:
    """Walks the whitelisted AST, building Values and remembering the text of each."""

    def __init__(self, source: str, variables: dict[str, float], named: frozenset[str]):
        self.source = source
        self.variables = variables
        self.env: dict[str, Value] = {name: Value(x, label=name) for name, x in variables.items()}
        self.unused_settings = set(variables) - named  # for "did you mean" hints
        self.used: set[str] = set()
        self.nodes: dict[Value, ast.AST] = {}

    def text(self, node: ast.AST) -> str:
        return _text(node, self.source)

    def run(self, tree: ast.Module) -> Value:
        result = None
        last = len(tree.body) - 1
        for i, statement in enumerate(tree.body):
            if isinstance(statement, ast.Assign):
                if len(statement.targets) != 1 or not isinstance(statement.targets[0], ast.Name):
                    raise ExprError("an assignment names one variable: `n = x*w + b`")
                name = statement.targets[0].id
                if name in FUNCTIONS:
                    raise ExprError(f"{name!r} is a function name; choose another name")
                if name in self.env:
                    given = "is set with --set" if name in self.variables else "already names a step"
                    raise ExprError(f"{name!r} {given}; each name labels one node, so choose a new one")
                value = self.walk(statement.value)
                if value.label is not None:  # `m = x`: another name for a node that has one
                    raise ExprError(
                        f"{name} = {value.label} gives {value.label} a second name; use {value.label}"
                    )
                value.label = name
                self.env[name] = result = value
            elif isinstance(statement, ast.Expr):
                if i != last:
                    piece = self.text(statement.value)
                    if isinstance(statement.value, ast.Name | ast.Constant):  # `n = x` would be refused
                        raise ExprError(
                            f"only the last statement is the result, so {piece!r} does nothing there; "
                            "remove it (to keep a step, name an expression with =, as in n = x*w; ...)"
                        )
                    raise ExprError(
                        f"only the last statement is the result, so {piece!r} would be thrown away; "
                        f"name it with = to keep it as a step (n = {piece}; ...), or remove it"
                    )
                result = self.walk(statement.value)
            else:
                raise ExprError(f"only expressions are allowed: {ALLOWED}")
        assert result is not None  # tree.body is not empty
        return result

    def walk(self, node: ast.AST) -> Value:
        """One whitelisted AST node → a Value (numbers become constants inside ops)."""
        x = self.interpret(node)
        return x if isinstance(x, Value) else self.constant(node, x)

    def constant(self, node: ast.AST, x: float) -> Value:
        v = Value(x)
        self.nodes[v] = node
        return v

    def interpret(self, root: ast.AST) -> Value | float:
        """Walk the whitelisted tree (never Python eval) depth first with a stack: `x+x+...` nests deep."""
        done: dict[ast.AST, Value | float] = {}
        stack: list[tuple[ast.AST, list[ast.AST] | None]] = [(root, None)]
        while stack:
            node, children = stack.pop()
            if children is None:  # first visit: refuse what is not allowed before its operands run
                children = self.operands(node)
                stack.append((node, children))
                stack.extend((c, None) for c in reversed(children))
            else:
                done[node] = self.combine(node, [done[c] for c in children])
        return done[root]

    def operands(self, node: ast.AST) -> list[ast.AST]:
        """The sub-expressions `node` needs, after checking that `node` is allowed."""
        if isinstance(node, ast.Constant | ast.Name):
            return []
        if isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.UAdd | ast.USub):
                raise ExprError(f"{_word(node.op)} is not allowed; allowed: {ALLOWED}")
            return [node.operand]
        if isinstance(node, ast.BinOp):
            if type(node.op) not in BINARY:
                raise ExprError(f"{_word(node.op)} is not allowed; allowed: {ALLOWED}")
            return [node.left, node.right]
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                raise ExprError(self.unknown_function(node))
            if node.keywords:
                raise ExprError(f"{node.func.id}() takes its arguments by position")
            return list(node.args)
        raise ExprError(f"{_word(node)} are not allowed in an expression; allowed: {ALLOWED}")

    def combine(self, node: ast.AST, args: list) -> Value | float:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise ExprError(f"{self.text(node)} is not a number; allowed: {ALLOWED}")
            text = self.text(node)
            try:
                x = float(node.value)
            except OverflowError:  # a whole number with hundreds of digits
                x = math.inf
            return _in_range(x, text, f"the number {text}")
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp):
            (operand,) = args
            if isinstance(node.op, ast.UAdd):
                return operand
            if not isinstance(operand, Value):
                return -operand
            return self.apply(node, lambda: -operand, [(node.operand, operand)])
        if isinstance(node, ast.BinOp):
            return self.binary(node, *args)
        assert isinstance(node, ast.Call)
        return self.call(node, args)

    def name(self, node: ast.Name) -> Value:
        if node.id in self.env:
            self.used.add(node.id)
            return self.env[node.id]
        if node.id in FUNCTIONS:
            raise ExprError(f"{node.id} is a function: call it, as in {node.id}(x)")
        message = f"the variable {node.id!r} has no value; set it with --set {node.id}=NUMBER"
        close = _close(node.id, self.unused_settings)
        if close:
            message += f" (--set gives {close}, which the expression never uses: a typo?)"
        raise ExprError(message)

    def binary(self, node: ast.BinOp, left, right) -> Value:
        if not isinstance(left, Value) and not isinstance(right, Value):
            left = self.constant(node.left, left)  # two numbers: let the engine do it, with its checks
        a, b = left, right
        operands = [(node.left, left), (node.right, right)]
        symbol = BINARY[type(node.op)]
        if symbol == "+":
            return self.apply(node, lambda: a + b, operands)
        if symbol == "-":
            return self.apply(node, lambda: a - b, operands)
        if symbol == "*":
            return self.apply(node, lambda: a * b, operands)
        if symbol == "/":
            return self.apply(node, lambda: a / b, operands)
        return self.apply(node, lambda: a**b, operands)

    def call(self, node: ast.Call, args: list) -> Value:
        assert isinstance(node.func, ast.Name)
        name = node.func.id
        if name == "leaky_relu":
            if len(args) not in (1, 2) or (len(args) == 2 and isinstance(args[1], Value)):
                raise ExprError("leaky_relu takes a value and optionally a number slope: leaky_relu(x, 0.1)")
            x = args[0] if isinstance(args[0], Value) else self.constant(node.args[0], args[0])
            slope = [a for a in args[1:] if not isinstance(a, Value)]
            return self.apply(node, lambda: x.leaky_relu(*slope), list(zip(node.args, [x, *slope])))
        if len(args) != 1:
            raise ExprError(f"{name}() takes exactly one argument, got {len(args)}")
        x = args[0] if isinstance(args[0], Value) else self.constant(node.args[0], args[0])
        if name == "abs":
            return self.apply(node, lambda: abs(x), [(node.args[0], x)])
        return self.apply(node, getattr(x, name), [(node.args[0], x)])

    def unknown_function(self, node: ast.Call) -> str:
        func = node.func
        functions = ", ".join(FUNCTIONS)
        if isinstance(func, ast.Attribute) and func.attr in FUNCTIONS:  # math.tanh(x), np.exp(x)
            return f"write {func.attr}(...), not {self.text(func)}(...): the functions are {functions}"
        if isinstance(func, ast.Constant) or (isinstance(func, ast.Name) and func.id in self.env):
            what = self.text(func)
            return f"{what}(...) is not a function call; for a product write {what}*(...)"
        called = func.id if isinstance(func, ast.Name) else self.text(func)[:40]
        hint = ""
        if isinstance(func, ast.Name):
            if func.id.lower() in SPELLINGS:
                hint = f" ({SPELLINGS[func.id.lower()]})"
            else:
                close = _close(func.id, FUNCTIONS)
                hint = f" (did you mean {close}?)" if close else ""
        return f"unknown function {called!r}{hint}; the functions are {functions}"

    def apply(self, node: ast.AST, op, operands: list) -> Value:
        """Run one op of the engine; its errors and overflows are told in the user's text."""
        try:
            out = op()
        except (ArithmeticError, ValueError) as e:  # the engine's domain errors
            raise ExprError(self.domain_message(node, operands, e)) from None
        self.nodes[out] = node
        if not _finite(out.data):
            got = self.got(operands)
            raise ExprError(
                f"{self.text(node)} is {fmt(out.data)}: too large for a float ({FLOAT_RANGE})"
                + (f", with {got}" if got else "")
            )
        return out

    def got(self, operands: list) -> str:
        seen: dict[str, str] = {}
        for sub, v in operands:
            if isinstance(v, Value) and not _is_literal(sub):
                seen.setdefault(self.text(sub) if v.label is None else v.label, fmt(v.data))
        return ", ".join(f"{t} = {x}" for t, x in seen.items())

    def domain_message(self, node: ast.AST, operands: list, e: Exception) -> str:
        # The engine raises its message `from None` while handling the op table's OpError, whose
        # template (`{x} > 0`) we fill with the user's text instead of placeholder names.
        cause = e.__context__
        if not isinstance(cause, OpError):
            return str(e)
        names: dict[str, str] = {}
        keys = iter(("x", "y"))
        for sub, v in operands:
            names[next(keys) if isinstance(v, Value) else "c"] = (
                v.label if isinstance(v, Value) and v.label is not None else self.text(sub)
            )
        try:
            needs = cause.needs.format(**names)
        except (KeyError, IndexError):
            return str(e)
        needs = needs.replace("is a Value", "is not a constant")  # here a Value is what a variable makes
        got = self.got(operands)
        return f"{self.text(node)} needs {needs}" + (f", but got {got}" if got else "")
