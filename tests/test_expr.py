"""The CLI's expression parser: correct values for what it accepts, a clean ExprError for the rest.

Fuzzed with hypothesis on random text and on random syntax trees: it never
raises anything but ExprError and never runs code.
"""

import ast
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_lite.expr import ExprError, build, parse, parse_assignments


def test_a_neuron_with_labelled_steps():
    root = build("n = x1*w1 + x2*w2 + b; o = tanh(n)", dict(x1=2, w1=-3, x2=0, w2=1, b=6.8813735870195432))
    assert root.label == "o" and root.op == "tanh"
    assert root.data == pytest.approx(math.sqrt(0.5))
    assert root.parents[0].label == "n"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("x + 2*y", 2 + 2 * 5),
        ("-x ** 2", -(2**2)),
        ("(x - y) / 4", (2 - 5) / 4),
        ("x ^ 3", 8.0),  # ^ means power here, as on paper
        ("exp(log(y))", 5.0),
        ("sigmoid(0) + relu(-x) + abs(-y) + leaky_relu(-x, 0.5)", 0.5 + 0 + 5 - 1),
        ("sin(x)**2 + cos(x)**2", 1.0),
        ("2 * 3 + x", 8.0),
    ],
)
def test_values(text, expected):
    variables = {name: v for name, v in {"x": 2.0, "y": 5.0}.items() if re.search(rf"\b{name}\b", text)}
    assert build(text, variables).data == pytest.approx(expected)


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "empty"),
        ("x +", "cannot parse"),
        ("foo(x)", "unknown function 'foo'"),
        ("z * 2", "set it with --set z="),
        ("__import__('os').system('echo hacked')", "unknown function \"__import__('os').system\""),
        ("x.__class__", "attributes (a.b) are not allowed"),
        ("[x]", "lists are not allowed"),
        ("'text'", "not a number"),
        ("x if x else 1", "if-else expressions are not allowed"),
        ("x < 1", "comparisons (<, ==, ...) are not allowed"),
        ("x // 2", "// is not allowed"),
        ("tanh", "is a function: call it"),
        ("tanh(x, x)", "exactly one argument"),
        ("tanh(x=1)", "by position"),
        ("import os", "only expressions"),
        ("log(x - 2)", "log(x - 2) needs x - 2 > 0, but got x - 2 = 0.0"),
        ("x / 0", "divisor other than 0"),
        ("1e999 * x", "too large"),
        ("(" * 300 + "x" + ")" * 300, "cannot parse"),
        ("x + " * 600 + "x", "limit"),
        ("tanh = x", "function name"),
        ("a, b = x, x", "one variable"),
        ("y = 1; y = y + 1", "already names a step"),
        ("x = 2", "is set with --set"),
        ("m = x; m * 2", "second name"),
        ("True * x", "not a number"),
        ("1j * x", "not a number"),
        ("x\0", "NUL character"),
    ],
)
def test_errors_say_what_is_wrong(text, words):
    with pytest.raises(ExprError) as info:
        build(text, {"x": 2.0})
    assert words in str(info.value)


@pytest.mark.parametrize(
    "text, variables, message",
    [
        ("log(0)", {}, "log(0) needs 0 > 0"),
        ("10**400", {}, "10 ** 400 needs a result that fits in a float (below 1.8e308)"),
        ("log(x - 2)", {"x": 2}, "log(x - 2) needs x - 2 > 0, but got x - 2 = 0.0"),
        ("(-8) ** 0.5", {}, "(-8) ** 0.5 needs -8 >= 0 when the exponent is not a whole number"),
        ("3 / (x - x)", {"x": 1}, "3 / (x - x) needs x - x != 0, but got x - x = 0.0"),
        ("n = x - 1; log(n)", {"x": 1}, "log(n) needs n > 0, but got n = 0.0"),
        (
            "x ** 1e3",
            {"x": 10},
            "x ** 1e3 needs a result that fits in a float (below 1.8e308), but got x = 10.0",
        ),
        ("exp(1e3)", {}, "exp(1e3) needs 1e3 <= 709.78 so that exp(1e3) fits in a float"),
        (
            "x ** y",
            {"x": -1, "y": 2},
            "x ** y needs x > 0 when the exponent is not a constant, but got x = -1.0, y = 2.0",
        ),
        (
            "(-2) ** x",
            {"x": 0.5},
            "(-2) ** x needs the base -2 > 0 when the exponent is not a constant, but got x = 0.5",
        ),
    ],
)
def test_domain_errors_are_written_in_the_users_text(text, variables, message):
    with pytest.raises(ExprError) as info:
        build(text, variables)
    assert str(info.value) == message


@pytest.mark.parametrize(
    "text, message",
    [
        ("x * 1e308 * 10", "x * 1e308 * 10 is inf: too large for a float (floats stop near ±1.8e308), "
         "with x * 1e308 = 1e+308"),
        ("1e308 + 1e308 - x", "1e308 + 1e308 is inf: too large for a float (floats stop near ±1.8e308)"),
        ("tanh(-x * 1e308 * 1e308)", "-x * 1e308 * 1e308 is -inf: too large for a float (floats stop near "
         "±1.8e308), with -x * 1e308 = -1e+308"),
    ],
)  # fmt: skip
def test_an_overflow_on_the_way_is_an_error_naming_that_value(text, message):
    with pytest.raises(ExprError) as info:
        build(text, {"x": 1.0})
    assert str(info.value) == message


@pytest.mark.parametrize(
    "text, x, message",
    [
        ("x ** 0.5", 0.0, "the gradient of x is inf: the slope of x ** 0.5 with respect to x is inf at "
         "x = 0.0; choose values where every derivative is finite"),
        ("n = x ** 0.5; 0 * n", 0.0, "the gradient of x is nan: the slope of n with respect to x is inf at "
         "x = 0.0; choose values where every derivative is finite"),
    ],
)  # fmt: skip
def test_an_infinite_or_nan_gradient_is_an_error_naming_whose(text, x, message):
    expression = parse(text, {"x": x})
    with pytest.raises(ExprError) as info:
        expression.backward()
    assert str(info.value).startswith(message)


def test_a_gradient_that_overflows_on_the_way_back_is_named():
    # forward finite (|sin| <= 1), but d/dx = 1e200 * cos(x * 1e200) * 1e200 overflows
    expression = parse("1e200 * sin(x * 1e200)", {"x": 1.0})
    with pytest.raises(ExprError) as info:
        expression.backward()
    upstream = 1e200 * math.cos(1e200)  # the gradient of x * 1e200, by hand
    assert str(info.value) == (
        f"the gradient of x is {'-' if upstream < 0 else ''}inf: the slope of x * 1e200 with respect to x "
        f"(1e+200) times the gradient of x * 1e200 ({upstream:.4g}) does not fit in a float "
        "(floats stop near ±1.8e308); choose values where every derivative is finite"
    )


def test_finite_gradients_pass_the_check():
    expression = parse("n = x*w; tanh(n)", {"x": 1.0, "w": 0.5})
    expression.backward()
    (n,) = expression.root.parents
    assert n.parents[0].grad == pytest.approx(0.5 * (1 - math.tanh(0.5) ** 2))


def test_a_bare_expression_before_the_last_statement_is_refused():
    with pytest.raises(ExprError) as info:
        build("x * 2; n = x * 3", {"x": 1.0})
    assert str(info.value) == (
        "only the last statement is the result, so 'x * 2' would be thrown away; "
        "name it with = to keep it as a step (n = x * 2; ...), or remove it"
    )
    with pytest.raises(ExprError) as info:  # a bare name: `n = x` would be refused as a second name
        build("x; x * 2", {"x": 1.0})
    assert str(info.value) == (
        "only the last statement is the result, so 'x' does nothing there; "
        "remove it (to keep a step, name an expression with =, as in n = x*w; ...)"
    )
    assert build("n = x * 2; n * 3", {"x": 1.0}).data == 6.0  # named steps are fine


def test_names_are_what_python_takes_as_identifiers():
    values = parse_assignments(["θ=1", "ω_2=2", "_b=0.5", "Δx=3"])
    assert values == {"θ": 1.0, "ω_2": 2.0, "_b": 0.5, "Δx": 3.0}
    assert build("θ * ω_2 + _b - Δx", values).data == pytest.approx(-0.5)
    # Python reads names in NFKC form (the micro sign µ is the Greek μ): --set reads them the same way
    assert build("µ * 2", parse_assignments(["µ=1.5"])).data == 3.0


@pytest.mark.parametrize(
    "item, words",
    [("if=1", "'if' is a Python keyword"), ("lambda=1", "try lambda_"), ("x-1=2", "not a variable name"),
     ("x.y=2", "not a variable name"), ("1x=2", "a name starts with a letter or _")],
)  # fmt: skip
def test_names_python_refuses_are_refused(item, words):
    with pytest.raises(ExprError, match=re.escape(words)):
        parse_assignments([item])


def test_a_thousand_parts_is_the_limit_counting_numbers_names_and_operations():
    assert build("+".join(["x"] * 500), {"x": 1.0}).data == 500.0  # 999 parts, 500 deep
    with pytest.raises(ExprError, match="has 1,001 numbers, names and operations; the limit is 1,000"):
        build("+".join(["x"] * 501), {"x": 1.0})


@pytest.mark.parametrize(
    "text, words",
    [("1" + "0" * 400 + " * x", "is too large for a float"), ("1e-400 * x", "the number 1e-400 is too small"),
     ("x * 0.0", None), ("x * 0e-400", None)],
)  # fmt: skip
def test_numbers_a_float_cannot_hold_are_refused(text, words):
    if words is None:  # a zero written as zero is fine
        assert build(text, {"x": 1.0}).data == 0.0
    else:
        with pytest.raises(ExprError, match=words):
            build(text, {"x": 1.0})


def test_typed_lookalikes_of_minus_and_times_are_read_as_them():
    assert build("−x × 3", {"x": 2.0}).data == -6.0  # U+2212 minus, U+00D7 times
    assert parse_assignments(["x=−2.5"]) == {"x": -2.5}


def test_unused_settings_are_reported_as_a_likely_typo():
    with pytest.raises(ExprError, match="never uses"):
        build("x * 2", {"x": 1.0, "X": 3.0})


@pytest.mark.parametrize(
    "items, words",
    [(["x"], "name=number"), (["x=abc"], "must be a number"), (["1x=2"], "not a variable name"),
     (["x=nan"], "finite"), (["exp=1"], "function name"), (["=3"], "name=number")],
)  # fmt: skip
def test_bad_assignments(items, words):
    with pytest.raises(ExprError, match=words):
        parse_assignments(items)


def test_a_constant_can_be_named_without_a_phantom_node():
    root = build("k = 3; k * x", {"x": 2.0})
    (k,) = [p for p in root.parents if p.label == "k"]
    assert k.op is None and k.data == 3.0 and root.data == 6.0


def test_a_variable_set_twice_is_refused():
    with pytest.raises(ExprError, match="gives x twice"):
        parse_assignments(["x=1", "x=2"])


def test_assignments():
    assert parse_assignments(["x=2", " w = -3.5 ", "b=1e-3"]) == {"x": 2.0, "w": -3.5, "b": 0.001}


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60))
def test_random_text_gives_a_value_or_a_clean_error(text):
    try:
        root = build(text, {"x": 0.5})
    except ExprError as e:
        assert str(e)
    else:
        assert root is not None


# Random syntax trees: whitelisted pieces and a few forbidden ones.
leaves = st.one_of(
    st.floats(-3, 3, allow_nan=False).map(lambda v: ast.Constant(v)),
    st.just(ast.Name("x", ast.Load())),
    st.just(ast.Name("open", ast.Load())),
)


def _extend(children):
    binop = st.builds(
        ast.BinOp,
        children,
        st.sampled_from([ast.Add(), ast.Sub(), ast.Mult(), ast.Div(), ast.Pow(), ast.Mod(), ast.BitXor()]),
        children,
    )
    unary = st.builds(ast.UnaryOp, st.sampled_from([ast.USub(), ast.UAdd(), ast.Not()]), children)
    call = st.builds(
        lambda f, a: ast.Call(ast.Name(f, ast.Load()), [a], []),
        st.sampled_from(["tanh", "exp", "log", "sigmoid", "relu", "sin", "abs", "eval", "print"]),
        children,
    )
    attr = st.builds(lambda v: ast.Attribute(v, "real", ast.Load()), children)
    return st.one_of(binop, unary, call, attr)


trees = st.recursive(leaves, _extend, max_leaves=12)


def reference(node):
    """An independent evaluator for the whitelisted subset (plain floats and math)."""
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return 0.5
    if isinstance(node, ast.UnaryOp):
        return -reference(node.operand) if isinstance(node.op, ast.USub) else reference(node.operand)
    if isinstance(node, ast.BinOp):
        a, b = reference(node.left), reference(node.right)
        op = type(node.op)
        if op is ast.Div:
            return a / b
        if op in (ast.Pow, ast.BitXor):  # the parser reads ^ as a power, as on paper
            return a**b
        return {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b}[op]
    f = node.func.id
    x = reference(node.args[0])
    return {"tanh": math.tanh, "exp": math.exp, "log": math.log, "sin": math.sin, "abs": abs,
            "relu": lambda v: max(v, 0.0), "sigmoid": lambda v: 1 / (1 + math.exp(-v))}[f](x)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(trees)
def test_random_trees_give_the_right_value_or_a_clean_error(tree):
    text = ast.unparse(ast.fix_missing_locations(ast.Expression(tree)))
    try:
        root = build(text, {"x": 0.5} if re.search(r"\bx\b", text) else {})
    except ExprError as e:
        assert str(e)
        return
    try:  # the parser reads ^ as **, with **'s precedence: evaluate the text as it reads it
        expected = reference(ast.parse(text.replace("^", "**"), mode="eval").body)
    except (ArithmeticError, ValueError, TypeError):
        return  # the engine accepted something plain math refuses: a complex power, say
    assert isinstance(expected, float)
    assert root.data == pytest.approx(expected, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(
    "template",
    [
        "__import__('os').system('touch {p}')",
        "open('{p}', 'w')",
        "exec(\"open('{p}', 'w')\")",
        "(lambda: open('{p}', 'w'))()",
        "[c for c in ().__class__.__base__.__subclasses__()]",
    ],
)
def test_code_in_an_expression_never_runs(template, tmp_path):
    sentinel = tmp_path / "ran"
    with pytest.raises(ExprError):
        build(template.format(p=sentinel), {})
    assert not sentinel.exists()
