"""A safe parser for the expressions the CLI takes: `tanh(x1*w1 + x2*w2 + b)`.

The text is parsed with `ast` and walked against a whitelist — numbers,
names, `+ - * / **`, unary minus, parentheses, the op table's functions, and
`name = expr;` statements to label intermediate results. Nothing is ever
passed to `eval`; anything else is an `ExprError` that says what is allowed.
"""

from __future__ import annotations

import ast
import math
import re

from .engine import Value, fmt
from .ops import FUNCTIONS

MAX_CHARS = 2000
MAX_NODES = 1000
ALLOWED = (
    "numbers, variable names, + - * / **, unary minus, parentheses, "
    f"the functions {', '.join(FUNCTIONS)}, and `name = expression;` statements"
)
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
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


def _word(node: ast.AST) -> str:
    return WORDS.get(type(node).__name__, type(node).__name__)


class ExprError(ValueError):
    """The expression or a variable setting is not one the parser accepts."""


def parse_assignments(items: list[str]) -> dict[str, float]:
    """`["x=2", "w=-3"]` → `{"x": 2.0, "w": -3.0}`, with a clear error for anything else."""
    values: dict[str, float] = {}
    for item in items:
        name, sep, number = item.partition("=")
        name, number = name.strip(), number.strip()
        if not sep or not name or not number:
            raise ExprError(f"--set takes name=number pairs such as x=2 or w=-3.5, got {item!r}")
        if not NAME.match(name):
            raise ExprError(
                f"{name!r} is not a variable name (letters, digits and _, not starting with a digit)"
            )
        if name in FUNCTIONS:
            raise ExprError(f"{name!r} is a function name; choose another variable name")
        try:
            x = float(number)
        except ValueError:
            raise ExprError(f"the value of {name} must be a number, got {number!r}") from None
        if not math.isfinite(x):
            raise ExprError(f"the value of {name} must be a finite number, got {number!r}")
        if name in values:
            raise ExprError(f"--set gives {name} twice ({fmt(values[name])} and {fmt(x)}); give it once")
        values[name] = x
    return values


def build(text: str, variables: dict[str, float]) -> Value:
    """Build the graph of `text` from leaves named by `variables`; returns the root.

    `text` is an expression, or statements `n = x*w + b; o = tanh(n)` whose
    last one is the result (each assigned name labels its node).
    """
    if not isinstance(text, str):
        raise ExprError("the expression must be text")
    if len(text) > MAX_CHARS:
        raise ExprError(f"the expression is {len(text):,} characters long; the limit is {MAX_CHARS:,}")
    if not text.strip():
        raise ExprError("the expression is empty; try something like 'tanh(x*w + b)'")
    try:
        tree = ast.parse(text.replace("^", "**") if "^" in text else text, mode="exec")
    except SyntaxError as e:
        where = f" at column {e.offset}" if e.offset else ""
        raise ExprError(f"cannot parse the expression{where}: {e.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExprError("the expression is nested too deeply to parse") from None
    count = sum(1 for _ in ast.walk(tree))
    if count > MAX_NODES:
        raise ExprError(f"the expression has {count:,} parts; the limit is {MAX_NODES:,}")
    if not tree.body:
        raise ExprError("the expression is empty; try something like 'tanh(x*w + b)'")

    env: dict[str, Value] = {name: Value(x, label=name) for name, x in variables.items()}
    result = None
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            if len(statement.targets) != 1 or not isinstance(statement.targets[0], ast.Name):
                raise ExprError("an assignment names one variable: `n = x*w + b`")
            name = statement.targets[0].id
            if name in FUNCTIONS:
                raise ExprError(f"{name!r} is a function name; choose another name")
            if name in env:
                given = "is set with --set" if name in variables else "already names a step"
                raise ExprError(f"{name!r} {given}; each name labels one node, so choose a new one")
            value = _walk(statement.value, env)
            if value.label is not None:  # `m = x`: another name for a node that has one
                raise ExprError(
                    f"{name} = {value.label} gives {value.label} a second name; use {value.label}"
                )
            value.label = name
            env[name] = result = value
        elif isinstance(statement, ast.Expr):
            result = _walk(statement.value, env)
        else:
            raise ExprError(f"only expressions are allowed: {ALLOWED}")
    unused = sorted(set(variables) - _names_used(tree))
    if unused:
        raise ExprError(f"--set gives {', '.join(unused)}, which the expression never uses (a typo?)")
    return result


def _names_used(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _walk(node: ast.AST, env: dict[str, Value]) -> Value:
    """One whitelisted AST node → a Value (numbers become constants inside ops)."""
    try:
        return _as_value(_eval(node, env))
    except ExprError:
        raise
    except RecursionError:
        raise ExprError("the expression is nested too deeply") from None
    except (ArithmeticError, ValueError, TypeError) as e:  # the engine's own domain errors
        raise ExprError(str(e)) from None


def _as_value(x) -> Value:
    return x if isinstance(x, Value) else Value(x)


def _eval(node: ast.AST, env: dict[str, Value]):
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise ExprError(f"{node.value!r} is not a number; allowed: {ALLOWED}")
        try:
            number = float(node.value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise ExprError("a number in the expression is too large for a float (max ~1.8e308)")
        return number
    if isinstance(node, ast.Name):
        if node.id in env:
            return env[node.id]
        if node.id in FUNCTIONS:
            raise ExprError(f"{node.id} is a function: call it, as in {node.id}(x)")
        raise ExprError(f"the variable {node.id!r} has no value; set it with --set {node.id}=NUMBER")
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, env)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        raise ExprError(f"{_word(node.op)} is not allowed; allowed: {ALLOWED}")
    if isinstance(node, ast.BinOp):
        symbol = BINARY.get(type(node.op))
        if symbol is None:
            raise ExprError(f"{_word(node.op)} is not allowed; allowed: {ALLOWED}")
        left, right = _eval(node.left, env), _eval(node.right, env)
        if not isinstance(left, Value) and not isinstance(right, Value):
            left = Value(left)  # two numbers: let the engine do it, with its checks
        return _apply(symbol, left, right)
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            called = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)[:40]
            raise ExprError(f"unknown function {called!r}; the functions are {', '.join(FUNCTIONS)}")
        name = node.func.id
        if node.keywords:
            raise ExprError(f"{name}() takes its arguments by position")
        args = [_eval(a, env) for a in node.args]
        if name == "leaky_relu":
            if len(args) not in (1, 2) or (len(args) == 2 and isinstance(args[1], Value)):
                raise ExprError("leaky_relu takes a value and optionally a number slope: leaky_relu(x, 0.1)")
            return _as_value(args[0]).leaky_relu(*args[1:])
        if len(args) != 1:
            raise ExprError(f"{name}() takes exactly one argument, got {len(args)}")
        value = _as_value(args[0])
        return abs(value) if name == "abs" else getattr(value, name)()
    raise ExprError(f"{_word(node)} are not allowed in an expression; allowed: {ALLOWED}")


def _apply(symbol: str, left, right) -> Value:
    if symbol == "+":
        return left + right
    if symbol == "-":
        return left - right
    if symbol == "*":
        return left * right
    if symbol == "/":
        return left / right
    return left**right
