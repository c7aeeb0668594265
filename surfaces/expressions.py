"""Functions users type, f(x, y), turned into Surfaces without ever executing their text.

The text goes through four gates, cheapest first:
1. characters: non-empty, at most `MAX_LENGTH` printable ASCII characters on one line, brackets
   nested at most `MAX_BRACKETS` deep (checked before `ast.parse`, whose recursion deep nesting
   can crash);
2. tokens and grammar, our own: plain decimal numbers, x, y, pi, e, the `FUNCTIONS` (called),
   + - * / ** ^, brackets and commas, each in a place a formula allows. The syntax is
   mathematics, not Python: comments, ;, @, :=, quotes, 1_000, 1j, 0x10, keywords are refused
   at their column, so no text but the formula travels in a shared link;
3. syntax: `ast.parse(mode="eval")` of those tokens only builds a tree, it runs nothing;
4. the tree, node by node, against an allow-list: numbers, x, y, pi, e, + - * / ** (and ^,
   read as power), unary signs, and one-argument functions from `FUNCTIONS`. Each allowed node
   is rebuilt with sympy's constructors; constant subtrees also carry a float estimate so that
   huge powers and overflowing constants are refused before sympy computes them.

sympy then differentiates exactly, and `lambdify` (fed our own expression, never the text)
compiles both. Every refusal is an `ExpressionError` saying what is wrong and at which column
(`reason`, `column`: 1-based in the text as given; one past its end when the text stops early).
"""

from __future__ import annotations

import ast
import math
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import NamedTuple, NoReturn

import sympy

from surfaces.search import estimate_minimum, pick_start
from surfaces.surface import Surface, X, Y, check_domain, gradient

MAX_LENGTH = 300  # characters
MAX_BRACKETS = 20  # nesting depth of (), [], {}
MAX_PARTS = 100  # numbers, names, operations and calls (bounds the cost of the derivative)
MAX_DEPTH = 100  # syntax-tree depth (a sum of many terms is a deep left-leaning tree)
MAX_DIGITS = 30  # characters in one number
MAX_EXPONENT = 100  # |constant exponent|
MAX_TOWER = 2  # powers inside exponents: x^y^z is fine, x^x^x^x is not
MAX_MAGNITUDE = 1e300  # largest constant (a float tops out near 1.8e308)

DEFAULT_DOMAIN = ((-3.0, 3.0), (-3.0, 3.0))


class ExpressionError(ValueError):
    """A typed function was refused: `reason` says what is wrong, `column` where (or None)."""

    def __init__(self, reason: str, column: int | None = None):
        super().__init__(reason, column)
        self.reason, self.column = reason, column

    def __str__(self) -> str:
        return self.reason if self.column is None else f"{self.reason} at column {self.column}"


# name -> (sympy constructor, float function used to estimate constant arguments)
FUNCTIONS = {
    "sin": (sympy.sin, math.sin),
    "cos": (sympy.cos, math.cos),
    "tan": (sympy.tan, math.tan),
    "exp": (sympy.exp, math.exp),
    "log": (sympy.log, math.log),
    "ln": (sympy.log, math.log),
    "sqrt": (sympy.sqrt, math.sqrt),
    "abs": (sympy.Abs, abs),
    "sinh": (sympy.sinh, math.sinh),
    "cosh": (sympy.cosh, math.cosh),
    "tanh": (sympy.tanh, math.tanh),
    "arcsin": (sympy.asin, math.asin),
    "arccos": (sympy.acos, math.acos),
    "arctan": (sympy.atan, math.atan),
    "arcsinh": (sympy.asinh, math.asinh),
    "arccosh": (sympy.acosh, math.acosh),
    "arctanh": (sympy.atanh, math.atanh),
}
FUNCTIONS |= {name.replace("arc", "a"): f for name, f in FUNCTIONS.items() if "arc" in name}
KNOWN = ", ".join(name for name in FUNCTIONS if not name.startswith(("asin", "acos", "atan")))
SYNTAX_HELP = (
    "Type f(x, y) with x, y, numbers (2.5, 1e-3), pi, e, + - * /, ^ or ** for powers, "
    f"parentheses and the functions {KNOWN} (asin, acos, atan, ... also work). "
    "Write products with *: 2*x, not 2x."
)
CONSTANTS = {"pi": (sympy.pi, math.pi), "e": (sympy.E, math.e)}
VARIABLES = {"x": X, "y": Y}

# The tokens of a formula (spaces are skipped); `_tokens` refuses everything else.
TOKEN = re.compile(
    r"(?P<space> +)|(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_]\w*)"
    r"|(?P<operator>\*\*|[-+*/^](?!/))|(?P<bracket>[(),])"
)
# Why a character that starts no token is refused (anything else gets a generic message).
REFUSED_CHARACTERS = {
    "#": "comments (#) are not allowed: type only the formula",
    ";": "';' is not allowed: type one formula",
    "@": "'@' (matrix product) is not allowed; write products with *",
    ":": "':' is not allowed (no := assignments, slices or lambdas)",
    "=": "'=' is not allowed: type only the right-hand side, f(x, y)",
    ".": "'.' is only allowed inside a number such as 0.5 (no attributes, no ...)",
    "'": "quotes are not allowed: a formula has no text strings",
    '"': "quotes are not allowed: a formula has no text strings",
    "%": "'%' (remainder) is not allowed",
    "!": "'!' is not allowed (no factorials, no !=)",
    **dict.fromkeys("<>", "comparisons (< > == !=) are not allowed"),
    **dict.fromkeys("&|~", "bitwise operators (& | ~) are not allowed"),
    **dict.fromkeys("[]{}", "only round brackets ( ) are allowed"),
}
# Refused in the first pass over the text: they change how Python would read lines.
REFUSED_FIRST = {
    "\\": "backslash is not allowed (no line continuations or escapes)",
    "\n": "line breaks are not allowed: type the formula on one line",
    "\r": "line breaks are not allowed: type the formula on one line",
    "\t": "tabs are not allowed: use spaces",
    "\0": "NUL byte",
}
# Why a syntax node is refused: only reachable if the token gates above let it through.
REFUSED = {ast.Tuple: "tuples (a, b) are not allowed: give one expression"}
OPERATORS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}
UNARY = {ast.USub: lambda a: -a, ast.UAdd: lambda a: a}
HELP = "use x, y, pi, e, numbers, + - * / ^ and functions such as sin(x)"


def _refuse(message: str, column: int | None = None) -> NoReturn:
    raise ExpressionError(message, column)


def _check_characters(text: str) -> None:
    """Printable ASCII on one line, brackets not nested too deeply (all before any parsing)."""
    depth = 0
    for column, char in enumerate(text, start=1):
        if char in REFUSED_FIRST:
            _refuse(REFUSED_FIRST[char], column)
        if char < " " or char == "\x7f":
            _refuse(f"control character U+{ord(char):04X} is not allowed", column)
        if char > "~":
            name = unicodedata.name(char, "unnamed")
            _refuse(f"character {char!r} (U+{ord(char):04X} {name}) is not ASCII", column)
        depth += (char in "([{") - (char in ")]}")
        if depth > MAX_BRACKETS:
            _refuse(f"brackets are nested more than {MAX_BRACKETS} deep", column)


class Token(NamedTuple):
    kind: str  # "number", "name", "operator" (+ - * / ** ^), "(", ")" or ","
    text: str
    column: int  # 1-based, in the text as typed


def _tokens(text: str) -> Iterator[Token]:
    """The text cut into the formula's tokens, left to right; anything else is refused at
    its column (comments, ;, @, :=, quotes, 1_000, 1j, 0x10, ...: Python, not mathematics)."""
    position = 0
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None:
            _refuse(_why_not_a_token(text, position), position + 1)
        kind, token = match.lastgroup, match.group()
        if kind == "number":
            _check_number_end(text, token, match.end())
        elif kind == "name":
            if text[match.end() : match.end() + 1] in ("'", '"'):  # b'', f"": string prefixes
                _refuse(REFUSED_CHARACTERS["'"], match.end() + 1)
            _check_name(token, _next_character(text, match.end()), position + 1)
        if kind != "space":
            yield Token(token if kind == "bracket" else kind, token, position + 1)
        position = match.end()


def _why_not_a_token(text: str, position: int) -> str:
    char = text[position]
    if text.startswith("//", position):
        return "// (floor division) is not allowed; write /"
    return REFUSED_CHARACTERS.get(char, f"character {char!r} is not allowed; {HELP}")


def _check_number_end(text: str, number: str, end: int) -> None:
    """Python's number forms that are not plain decimals, refused where they go astray."""
    follower = text[end : end + 1]
    if follower == "_":
        _refuse("underscores in numbers are not allowed: write 1000, not 1_000", end + 1)
    if follower in ("j", "J"):
        _refuse("imaginary numbers (1j) are not allowed", end + 1)
    if follower and follower in "xXoObB" and number == "0":
        _refuse("hexadecimal, octal and binary numbers are not allowed: write decimals", end)


def _next_character(text: str, position: int) -> str:
    rest = text[position:].lstrip(" ")
    return rest[:1]


def _check_name(name: str, following: str, column: int) -> None:
    """Only x, y, the constants and the functions; a function must be called, nothing else."""
    called = following == "("
    if name in VARIABLES or name in CONSTANTS:
        if called:
            _refuse(f"{name} is not a function: write products with *, {name}*(...)", column)
    elif name in FUNCTIONS:
        if not called:
            _refuse(f"{name} is a function: write {name}(...)", column)
    elif called:
        _refuse(f"'{name}' is not a known function; known: {KNOWN}", column)
    else:
        _refuse(f"unknown name '{name}'; {HELP}", column)


def _checked_grammar(tokens: Iterator[Token], end: int) -> list[Token]:
    """The tokens, once they are known to form a formula: terms joined by + - * / ^ **, each
    term optionally signed; a term is a number, a name, f(argument, ...) or (formula).
    Refuses the first token out of place at its column, or at `end` if the text stops early."""
    seen: list[Token] = []
    calls: list[tuple[Token, bool]] = []  # open brackets, and whether each one is a call
    term_expected = True
    for token in tokens:
        previous = seen[-1] if seen else None
        if term_expected:
            term_expected = _next_in_term(token, previous, calls)
        else:
            term_expected = _next_after_term(token, previous, calls)
        seen.append(token)
    if seen and term_expected:
        last = seen[-1]
        _refuse(f"the text stops after '{last.text}': a term is missing", end)
    if calls:
        _refuse(f"the '(' at column {calls[-1][0].column} is never closed: add ')'", end)
    return seen


def _next_in_term(token: Token, previous: Token | None, calls: list) -> bool:
    """Where a term must start; returns whether a term is still expected after `token`."""
    if token.kind in ("number", "name"):
        return False
    if token.kind == "(":
        calls.append((token, False))
        return True
    if token.kind == "operator" and token.text in "+-":
        return True  # a sign
    if token.kind == ")" and previous is not None and previous.kind == "(":
        if calls.pop()[1]:
            return False  # f(): its argument count is checked when the tree is built
        _refuse("empty brackets () are not allowed", previous.column)
    where = f"after '{previous.text}'" if previous is not None else "at the start"
    _refuse(
        f"'{token.text}' {where}: a number, x, y, a function or '(' must come first", token.column
    )


def _next_after_term(token: Token, previous: Token, calls: list) -> bool:
    """After a complete term; returns whether a term is expected after `token`."""
    if token.kind == "operator":
        return True
    if token.kind == ")":
        if not calls:
            _refuse("')' has no matching '('", token.column)
        calls.pop()
        return False
    if token.kind == ",":
        if not (calls and calls[-1][1]):
            _refuse("commas only separate a function's arguments: give one formula", token.column)
        return True
    if token.kind == "(" and previous.kind == "name":  # a function: names were checked
        calls.append((token, True))
        return True
    _refuse(
        f"missing operator before '{token.text}': write products with * (2*x, not 2x)", token.column
    )


def _ast_from(text: str) -> tuple[ast.Expression, list[int]]:
    """The syntax tree of `text` with ^ read as power, and each position's column in `text`.

    Python's parser only sees tokens our own gates let through, joined by single spaces."""
    end = len(text.rstrip(" ")) + 1
    source, columns = [], []
    for token in _checked_grammar(_tokens(text), end):
        piece = {"^": "**"}.get(token.text, token.text)
        if token.kind == "number" and re.fullmatch(r"0+\d+", piece):
            piece = piece.lstrip("0") or "0"  # 007 is 7 (Python refuses leading zeros)
        offsets = range(len(piece)) if len(piece) == len(token.text) else [0] * len(piece)
        source.append(piece)
        columns += [token.column + k for k in offsets] + [token.column + len(token.text)]
    columns.append(end)
    try:
        tree = ast.parse(" ".join(source), mode="eval")
    except SyntaxError as error:  # not expected: the grammar above is a subset of Python's
        offset = min(max((error.offset or 1) - 1, 0), len(columns) - 1)
        _refuse(f"syntax error ({error.msg})", columns[offset])
    except (ValueError, MemoryError, RecursionError):
        _refuse("the expression cannot be parsed")
    parts = sum(isinstance(node, ast.expr) for node in ast.walk(tree))
    if parts > MAX_PARTS:
        _refuse(f"the expression has {parts} parts; at most {MAX_PARTS} are allowed")
    return tree, columns


class _Builder:
    """Rebuilds an allowed syntax tree as a sympy expression.

    Each visit returns (expression, estimate): the float value of a constant subtree, or None
    when the subtree depends on x or y.
    """

    def __init__(self, columns: list[int]):
        self.columns = columns

    def refuse(self, message: str, node: ast.AST):
        offset = getattr(node, "col_offset", None)
        _refuse(message, None if offset is None else self.columns[offset])

    def build(self, node: ast.AST, depth: int = 0, tower: int = 0):
        if depth > MAX_DEPTH:
            self.refuse(f"the expression is nested more than {MAX_DEPTH} deep", node)
        visit = getattr(self, f"visit_{type(node).__name__}", None)
        if visit is None:
            reason = REFUSED.get(type(node), f"'{type(node).__name__}' is not allowed")
            self.refuse(reason, node)
        expression, estimate = visit(node, depth + 1, tower)
        if estimate is not None and not abs(estimate) <= MAX_MAGNITUDE:
            self.refuse("this constant is too large", node)
        return expression, estimate

    def visit_Constant(self, node, depth, tower):
        value = node.value
        if type(value) not in (int, float):
            kind = "text strings are" if isinstance(value, str | bytes) else f"{value!r} is"
            self.refuse(f"{kind} not allowed; {HELP}", node)
        digits = (node.end_col_offset or 0) - node.col_offset
        if digits > MAX_DIGITS:
            self.refuse(f"a number with {digits} characters is too long", node)
        if isinstance(value, int) and abs(value) <= 2**53:
            return sympy.Integer(value), float(value)
        if not math.isfinite(float(value)):
            self.refuse("this number is too large", node)
        return sympy.Float(float(value)), float(value)

    def visit_Name(self, node, depth, tower):
        if node.id in VARIABLES:
            return VARIABLES[node.id], None
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        if node.id in FUNCTIONS:
            self.refuse(f"{node.id} is a function: write {node.id}(...)", node)
        self.refuse(f"unknown name '{node.id}'; {HELP}", node)

    def visit_UnaryOp(self, node, depth, tower):
        apply = UNARY.get(type(node.op))
        if apply is None:
            self.refuse(f"operator {type(node.op).__name__} is not allowed; {HELP}", node)
        operand, estimate = self.build(node.operand, depth, tower)
        return apply(operand), None if estimate is None else apply(estimate)

    def visit_BinOp(self, node, depth, tower):
        if isinstance(node.op, ast.Pow):
            return self.power(node, depth, tower)
        apply = OPERATORS.get(type(node.op))
        if apply is None:
            self.refuse(f"operator {type(node.op).__name__} is not allowed; {HELP}", node)
        left, a = self.build(node.left, depth, tower)
        right, b = self.build(node.right, depth, tower)
        if isinstance(node.op, ast.Div) and b == 0:
            self.refuse("division by zero", node.right)
        estimate = None if a is None or b is None else apply(a, b)
        return apply(left, right), estimate

    def power(self, node, depth, tower):
        if tower >= MAX_TOWER:
            self.refuse(f"power towers higher than {MAX_TOWER} are not allowed", node)
        base, b = self.build(node.left, depth, tower)
        exponent, p = self.build(node.right, depth, tower + 1)
        if p is not None and abs(p) > MAX_EXPONENT:
            self.refuse(f"exponent {p:.6g} is too large (at most {MAX_EXPONENT})", node.right)
        estimate = None
        if b is not None and p is not None:
            if b == 0 and p < 0:
                self.refuse("0 to a negative power (division by zero)", node)
            if b < 0 and p != int(p):
                self.refuse("a negative number to a fractional power is undefined", node)
            if b != 0 and p * math.log10(abs(b)) > math.log10(MAX_MAGNITUDE):
                self.refuse("this power is astronomically large", node)
            estimate = b**p
        elif b is not None and b < 0:
            self.refuse("a negative number to a power that depends on x or y is undefined", node)
        if isinstance(exponent, sympy.Float) and p == int(p):
            exponent = sympy.Integer(int(p))  # x^2.0 is x^2
        return sympy.Pow(base, exponent), estimate

    def visit_Call(self, node, depth, tower):
        if not isinstance(node.func, ast.Name):
            self.refuse("only named functions can be called; write products with *", node)
        name = node.func.id
        if name not in FUNCTIONS:
            self.refuse(f"'{name}' is not a known function; known: {KNOWN}", node)
        if node.keywords:
            self.refuse(f"{name}() takes no keyword arguments", node.keywords[0].value)
        if len(node.args) != 1:
            self.refuse(f"{name}() takes exactly one argument, got {len(node.args)}", node)
        construct, estimate_with = FUNCTIONS[name]
        argument, a = self.build(node.args[0], depth, tower)
        estimate = None
        if a is not None:
            try:
                estimate = float(estimate_with(a))
            except (ValueError, ZeroDivisionError):
                self.refuse(f"{name}({a:.6g}) is undefined", node)
            except OverflowError:
                self.refuse(f"{name}({a:.6g}) is too large", node)
        return construct(argument), estimate


def _finish(expression: sympy.Expr) -> sympy.Expr:
    """Refuse complex or infinite results (or slopes); big exact integers become floats."""
    big = {i: sympy.Float(i) for i in expression.atoms(sympy.Integer) if abs(i) > 2**53}
    expression = expression.xreplace(big)
    bad = (sympy.I, sympy.zoo, sympy.oo, sympy.nan)
    if any(part.has(b) for part in (expression, *gradient(expression)) for b in bad):
        _refuse("the function or its slope is complex or infinite (a division by zero, say)")
    return expression


def expression_of(text: str) -> sympy.Expr:
    """The sympy expression for `text`, or ExpressionError saying what is wrong and where."""
    if not isinstance(text, str):
        _refuse(f"expected text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        _refuse(f"the expression has {len(text)} characters; at most {MAX_LENGTH} are allowed")
    _check_characters(text)
    if not text.strip():
        _refuse("the expression is empty: type a function of x and y, such as x^2 + y^2")
    tree, columns = _ast_from(text)
    with _unexpected_errors_refused("built"):
        expression, _ = _Builder(columns).build(tree.body)
        return _finish(expression)


@contextmanager
def _unexpected_errors_refused(stage: str):
    """A safety net: whatever sympy or NumPy might raise reaches the user as ExpressionError."""
    try:
        yield
    except ExpressionError:
        raise
    except (ArithmeticError, TypeError, ValueError, RecursionError, MemoryError) as error:
        raise ExpressionError(
            f"the expression cannot be {stage} ({type(error).__name__})"
        ) from None


def _estimated(surface: Surface) -> dict:
    """Fields that follow from the domain: the estimated global minimum and a start point."""
    minimum = estimate_minimum(surface)
    minima = () if minimum is None else (minimum,)
    return {"minima": minima, "start": pick_start(surface, minimum)}


@lru_cache(maxsize=64)
def _parse(text: str, domain) -> Surface:
    try:
        return _surface_of(text, domain)
    finally:
        # sympy memoises ~60 calls per new function in ~125 caches of 1000 entries each:
        # bounded, but it takes thousands of functions (tens of MB) to fill. Our surfaces keep
        # what they need; clearing costs the next new function ~8 ms.
        sympy.core.cache.clear_cache()


def _surface_of(text: str, domain) -> Surface:
    expression = expression_of(text)
    with _unexpected_errors_refused("evaluated"):
        return Surface(
            name="custom",
            label=text.strip(),
            description=f"Your function f(x, y) = {text.strip()}; its minimum is estimated.",
            group="custom",
            expression=expression,
            domain=domain,
            start=(domain[0][0], domain[1][1]),
            refresh=_estimated,
        )._replace()  # estimates the minimum and a start point


def parse(text: str, domain=DEFAULT_DOMAIN) -> Surface:
    """A Surface (group "custom") for a typed f(x, y), or ExpressionError.

    Accepted: numbers, x, y, pi, e, + - * / ** ^ (power), unary signs, parentheses and the
    one-argument `FUNCTIONS`. Results are cached (64 most recent texts and domains).
    """
    if not isinstance(text, str):
        _refuse(f"expected text, got {type(text).__name__}")
    return _parse(text, check_domain(domain))
