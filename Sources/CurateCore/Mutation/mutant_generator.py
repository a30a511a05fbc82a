"""Writes mutants of reference solutions: reads JSON lines {"id", "source"} on stdin and writes one JSON line per
input, {"id", "mutants": [...]} or {"id", "error"} when the source does not parse.

It only parses and unparses: no task code is ever executed (curate runs it beside Python, not in the sandbox). Each
mutant replaces the source text of one AST node (its lineno/col_offset/end_* span) and nothing else, and is kept
only when its parse equals the reference's tree with that one node replaced (so the text edit means exactly the
intended mutation; parentheses are added when precedence needs them). Mutants whose text equals the reference, or
an earlier mutant, are dropped. The order is deterministic; at most `max_mutants` per task are kept, taken round
robin over the operators (each in source order) and returned in source order.

argv[1] is a JSON object: {"max_mutants": N}.
"""
import ast
import copy
import json
import sys

ARITHMETIC = {ast.Add: [ast.Sub], ast.Sub: [ast.Add], ast.Mult: [ast.FloorDiv, ast.Add], ast.Div: [ast.Mult],
              ast.FloorDiv: [ast.Div, ast.Mult], ast.Mod: [ast.FloorDiv], ast.Pow: [ast.Mult]}
BITWISE = {ast.BitAnd: [ast.BitOr], ast.BitOr: [ast.BitAnd], ast.BitXor: [ast.BitOr], ast.LShift: [ast.RShift],
           ast.RShift: [ast.LShift]}
SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
           ast.Pow: "**", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^", ast.LShift: "<<", ast.RShift: ">>",
           ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.In: "in",
           ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.And: "and", ast.Or: "or"}
# Comparison replacements: (operator name, replacement); `<` to `<=` and back shift a boundary.
COMPARISONS = {ast.Lt: [("boundary", ast.LtE), ("comparison", ast.GtE)],
               ast.LtE: [("boundary", ast.Lt), ("comparison", ast.Gt)],
               ast.Gt: [("boundary", ast.GtE), ("comparison", ast.LtE)],
               ast.GtE: [("boundary", ast.Gt), ("comparison", ast.Lt)],
               ast.Eq: [("comparison", ast.NotEq)], ast.NotEq: [("comparison", ast.Eq)],
               ast.In: [("comparison", ast.NotIn)], ast.NotIn: [("comparison", ast.In)],
               ast.Is: [("comparison", ast.IsNot)], ast.IsNot: [("comparison", ast.Is)]}
NON_COMMUTATIVE = (ast.Sub, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.LShift, ast.RShift)
REMOVABLE = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.If, ast.For, ast.While, ast.Break,
             ast.Continue, ast.Delete)


class Source:
    """The reference's text as byte lines, so AST positions (UTF-8 byte columns) can be cut and spliced."""

    def __init__(self, text):
        self.text = text
        self.data = text.encode("utf-8")
        self.starts = [0]
        for line in self.data.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))

    def offset(self, line, column):
        return self.starts[line - 1] + column

    def span(self, node):
        return self.offset(node.lineno, node.col_offset), self.offset(node.end_lineno, node.end_col_offset)

    def cut(self, start, end):
        return self.data[start:end].decode("utf-8")

    def segment(self, node):
        return self.cut(*self.span(node))

    def replaced(self, start, end, text):
        return (self.data[:start] + text.encode("utf-8") + self.data[end:]).decode("utf-8")


def parents(tree):
    """Every node's (parent, field, index or None), to put a replacement where the node was."""
    links = {}
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if isinstance(value, list):
                for index, child in enumerate(value):
                    if isinstance(child, ast.AST):
                        links[id(child)] = (parent, field, index)
            elif isinstance(value, ast.AST):
                links[id(value)] = (parent, field, None)
    return links


def swap_in(links, node, replacement):
    """Puts `replacement` where `node` is and returns how to undo it."""
    parent, field, index = links[id(node)]
    if index is None:
        setattr(parent, field, replacement)
        return lambda: setattr(parent, field, node)
    getattr(parent, field)[index] = replacement
    return lambda: getattr(parent, field).__setitem__(index, node)


def is_integer(node):
    """True for an integer literal, whose shifts by one the constant mutants already make."""
    return isinstance(node, ast.Constant) and type(node.value) is int


def operator_gap(source, left, right, symbol):
    """The byte span of `symbol` between two operands (parentheses, spaces and comments may surround it)."""
    start, end = source.span(left)[1], source.span(right)[0]
    gap = source.data[start:end]
    code = gap.split(b"#", 1)[0] if b"\n" not in gap else gap
    words = symbol.encode("utf-8").split()
    at = code.find(words[0])
    if at < 0:
        return None
    if len(words) == 2:
        second = code.find(words[1], at + len(words[0]))
        if second < 0:
            return None
        return start + at, start + second + len(words[1])
    return start + at, start + at + len(words[0])


class Generator:
    def __init__(self, text):
        self.source = Source(text)
        self.tree = ast.parse(text)
        self.expected_dump = None
        self.links = parents(self.tree)
        self.inside_fstring = set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.JoinedStr):
                self.inside_fstring.update(id(child) for child in ast.walk(node))
        self.docstrings = set()
        for node in ast.walk(self.tree):
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
                first = node.body[0]
                if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                    self.docstrings.add(id(first))
                    self.docstrings.add(id(first.value))
        self.candidates = []
        self.seen = {text}

    def propose(self, operator, node, replacement, edits):
        """Keeps the first of `edits` ((start, end, text) splices of the node's span) whose parse is the reference
        tree with `node` replaced by `replacement`; each edit is also tried with the whole node parenthesized."""
        undo = swap_in(self.links, node, replacement)
        try:
            expected = ast.dump(self.tree)
        finally:
            undo()
        node_start, node_end = self.source.span(node)
        for start, end, text in edits:
            plain = self.source.cut(node_start, start) + text + self.source.cut(end, node_end)
            for wrapped in (plain, "(" + plain + ")"):
                mutant = self.source.replaced(node_start, node_end, wrapped)
                try:
                    parsed = ast.dump(ast.parse(mutant))
                except (SyntaxError, ValueError, MemoryError, RecursionError):
                    continue
                if parsed != expected:
                    continue
                if mutant not in self.seen:
                    self.seen.add(mutant)
                    self.candidates.append({
                        "operator": operator, "line": node.lineno, "column": node.col_offset,
                        "end_line": node.end_lineno, "end_column": node.end_col_offset,
                        "original": self.source.cut(node_start, node_end), "replacement": wrapped, "source": mutant,
                        "order": (node_start, len(self.candidates))})
                return

    def whole(self, node, text):
        start, end = self.source.span(node)
        return [(start, end, text)]

    def unparsed(self, node, replacement):
        return self.whole(node, ast.unparse(replacement))

    def visit(self):
        handlers = {ast.BinOp: self.binary, ast.AugAssign: self.augmented, ast.Compare: self.compare,
                    ast.BoolOp: self.boolean, ast.UnaryOp: self.unary, ast.Constant: self.constant,
                    ast.Subscript: self.subscript, ast.Call: self.range_call, ast.If: self.negate,
                    ast.While: self.negate, ast.IfExp: self.negate, ast.Return: self.returned}
        for node in ast.walk(self.tree):
            if id(node) in self.inside_fstring or not hasattr(node, "lineno") or getattr(node, "end_lineno", None) is None:
                continue
            handler = handlers.get(type(node))
            if handler is not None:
                handler(node)
            if type(node) in REMOVABLE and id(node) not in self.docstrings:
                self.remove(node)

    def binary(self, node):
        table = ARITHMETIC if type(node.op) in ARITHMETIC else BITWISE
        name = "arithmetic" if table is ARITHMETIC else "bitwise"
        gap = operator_gap(self.source, node.left, node.right, SYMBOLS[type(node.op)])
        for new_op in table.get(type(node.op), []):
            replacement = ast.BinOp(left=node.left, op=new_op(), right=node.right)
            edits = [(gap[0], gap[1], SYMBOLS[new_op])] if gap else []
            self.propose(name, node, replacement, edits + self.unparsed(node, replacement))
        if isinstance(node.op, NON_COMMUTATIVE):
            replacement = ast.BinOp(left=node.right, op=node.op, right=node.left)
            start, end = self.source.span(node)
            left, right = self.source.segment(node.left), self.source.segment(node.right)
            middle = self.source.cut(self.source.span(node.left)[1], self.source.span(node.right)[0])
            edits = [(start, end, right + middle + left)] if self.source.segment(node).startswith(left) else []
            self.propose("swap-operands", node, replacement, edits + self.unparsed(node, replacement))

    def augmented(self, node):
        table = ARITHMETIC if type(node.op) in ARITHMETIC else BITWISE
        start = self.source.span(node.target)[1]
        end = self.source.span(node.value)[0]
        symbol = (SYMBOLS[type(node.op)] + "=").encode("utf-8")
        at = self.source.data.find(symbol, start, end)
        for new_op in table.get(type(node.op), []):
            replacement = ast.AugAssign(target=node.target, op=new_op(), value=node.value)
            edits = [(at, at + len(symbol), SYMBOLS[new_op] + "=")] if at >= 0 else []
            self.propose("augmented", node, replacement, edits)

    def compare(self, node):
        left = node.left
        for index, (op, right) in enumerate(zip(node.ops, node.comparators)):
            gap = operator_gap(self.source, left, right, SYMBOLS[type(op)])
            for name, new_op in COMPARISONS.get(type(op), []):
                ops = list(node.ops)
                ops[index] = new_op()
                replacement = ast.Compare(left=node.left, ops=ops, comparators=node.comparators)
                edits = [(gap[0], gap[1], SYMBOLS[new_op])] if gap else []
                self.propose(name, node, replacement, edits)
            left = right

    def boolean(self, node):
        new_op = ast.Or if isinstance(node.op, ast.And) else ast.And
        replacement = ast.BoolOp(op=new_op(), values=node.values)
        edits = []
        for left, right in zip(node.values, node.values[1:]):
            gap = operator_gap(self.source, left, right, SYMBOLS[type(node.op)])
            if gap is None:
                break
            edits.append((gap[0], gap[1], SYMBOLS[new_op]))
        if edits and len(edits) == len(node.values) - 1:
            text = self.source.segment(node)
            base = self.source.span(node)[0]
            for start, end, symbol in reversed(edits):
                text = text[:len(self.source.cut(base, start))] + symbol + text[len(self.source.cut(base, end)):]
            self.propose("logical", node, replacement, self.whole(node, text))

    def unary(self, node):
        if isinstance(node.op, (ast.Not, ast.USub, ast.Invert)):
            name = "logical" if isinstance(node.op, ast.Not) else "arithmetic"
            self.propose(name, node, node.operand, self.whole(node, self.source.segment(node.operand)))

    def constant(self, node):
        if id(node) in self.docstrings:
            return
        value = node.value
        if isinstance(value, bool):
            options = [not value]
        elif isinstance(value, int):
            options = [value + 1, value - 1] + ([0] if value not in (0, 1, -1) else [])
        elif isinstance(value, float):
            options = [value + 1.0, 0.0] if value != 0.0 else [1.0]
        elif isinstance(value, str):
            options = [""] if value else ["x"]
        else:
            return
        for new_value in options:
            replacement = ast.Constant(value=new_value)
            if isinstance(new_value, (int, float)) and not isinstance(new_value, bool) and new_value < 0:
                replacement = ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=-new_value))
            self.propose("constant", node, replacement, self.whole(node, repr(new_value)))

    def subscript(self, node):
        index = node.slice
        if isinstance(index, ast.Slice):
            for bound in ("lower", "upper"):
                part = getattr(index, bound)
                if part is None or is_integer(part):
                    continue
                text = self.source.segment(part)
                for delta, sign in ((1, "+"), (-1, "-")):
                    shifted = ast.BinOp(left=part, op=ast.Add() if delta > 0 else ast.Sub(), right=ast.Constant(1))
                    self.propose("slice", part, shifted, self.whole(part, "%s %s 1" % (text, sign)))
                self.propose("slice", part, ast.Constant(value=None), self.whole(part, "None"))
        elif not isinstance(index, (ast.Constant, ast.Tuple)):
            text = self.source.segment(index)
            for op, sign in ((ast.Add, "+"), (ast.Sub, "-")):
                shifted = ast.BinOp(left=index, op=op(), right=ast.Constant(1))
                self.propose("index", index, shifted, self.whole(index, "%s %s 1" % (text, sign)))

    def range_call(self, node):
        if not (isinstance(node.func, ast.Name) and node.func.id == "range") or not 1 <= len(node.args) <= 3:
            return
        bounds = [node.args[0]] if len(node.args) == 1 else node.args[:2]
        for bound in bounds:
            if is_integer(bound):
                continue
            text = self.source.segment(bound)
            for op, sign in ((ast.Add, "+"), (ast.Sub, "-")):
                shifted = ast.BinOp(left=bound, op=op(), right=ast.Constant(1))
                self.propose("range-bound", bound, shifted, self.whole(bound, "%s %s 1" % (text, sign)))

    def negate(self, node):
        test = node.test
        replacement = ast.UnaryOp(op=ast.Not(), operand=test)
        self.propose("negate-condition", test, replacement, self.whole(test, "not (%s)" % self.source.segment(test)))

    def returned(self, node):
        if node.value is None:
            return
        if not (isinstance(node.value, ast.Constant) and node.value.value is None):
            self.propose("return-value", node, ast.Return(value=ast.Constant(None)), self.whole(node, "return None"))
        if isinstance(node.value, ast.Tuple) and len(node.value.elts) >= 2:
            elts = list(node.value.elts)
            elts[0], elts[1] = elts[1], elts[0]
            replacement = ast.Tuple(elts=elts, ctx=ast.Load())
            self.propose("return-value", node.value, replacement, self.unparsed(node.value, replacement))

    def remove(self, node):
        start, end = self.source.span(node)
        self.propose("remove-statement", node, ast.Pass(), [(start, end, "pass")])


def selected(candidates, limit):
    """At most `limit` candidates, round robin over operators (each in source order), back in source order."""
    by_operator = {}
    for candidate in sorted(candidates, key=lambda c: c["order"]):
        by_operator.setdefault(candidate["operator"], []).append(candidate)
    queues = [by_operator[name] for name in sorted(by_operator)]
    chosen = []
    round_index = 0
    while len(chosen) < limit and any(round_index < len(queue) for queue in queues):
        for queue in queues:
            if round_index < len(queue) and len(chosen) < limit:
                chosen.append(queue[round_index])
        round_index += 1
    chosen.sort(key=lambda c: c["order"])
    for candidate in chosen:
        del candidate["order"]
    return chosen


def mutants(text, limit):
    generator = Generator(text)
    generator.visit()
    return selected(generator.candidates, limit)


def main():
    config = json.loads(sys.argv[1])
    limit = config["max_mutants"]
    sys.setrecursionlimit(10000)
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        item = json.loads(line)
        try:
            result = {"id": item["id"], "mutants": mutants(item["source"], limit)}
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            result = {"id": item["id"], "error": "%s: %s" % (type(error).__name__, error)}
        out.write(json.dumps(result) + "\n")
    out.flush()


main()
