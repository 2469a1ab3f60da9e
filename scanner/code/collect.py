"""The one pass over a module's syntax tree that records its facts (`scanner.code.facts`).

Kept apart from the facts themselves: the collector is a libcst visitor, and defining it
loads libcst, which a scan that parses nothing does not need.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from scanner.code.facts import (
    Arm,
    Binding,
    CallSite,
    ClassInfo,
    ImportTarget,
    KeyRead,
    ModuleFacts,
    Mutation,
    Scope,
    Site,
    StringSite,
    callee_name,
    dotted_name,
    is_stringy,
    string_key,
)
from scanner.code.treewalk import walk_each


class FactCollector(cst.CSTVisitor):
    def __init__(self, path: str, module: cst.Module, symbols: frozenset[str]) -> None:
        super().__init__()
        self.facts = ModuleFacts(path, module, Scope("module", None, node=module))
        self.facts.scopes.append(self.facts.scope)
        self._scope = self.facts.scope
        self._symbols = symbols
        self._discarded: set[int] = set()
        self._tries: list[cst.Try] = []
        self._importing = False
        self._loops: list[int] = []
        self._saved_loops: list[list[int]] = []
        # The arm each block of a conditional statement is (see `Arms`), by the block's id,
        # and the arms the visit is in (each function starts with none of its own).
        self._arm_of: dict[int, Arm] = {}
        self._arms: list[Arm] = []
        self._saved_arms: list[list[Arm]] = []
        self._order = 0
        self._string_depth = 0
        self._raise_depth = 0
        self._stringy: set[int] = set()
        self._bare_strings: set[int] = set()
        # Subscripts written to or deleted (`row["birthday"] = …`, `del d["k"]`): no reads.
        self._stored: set[int] = set()

    @property
    def order(self) -> int:
        """The order of the last site seen (`Site.order`)."""
        return self._order

    def _site(self) -> Site:
        self._order += 1
        return Site(self._scope, self._order, tuple(self._loops), tuple(self._arms))

    def _bind(self, name: str, value: cst.BaseExpression | None, **extra: object) -> None:
        site = self._site()
        binding = Binding(site.order, value, site.loops, arms=site.arms, **extra)  # type: ignore[arg-type]
        self._scope.bind(name, binding)

    # arms of conditional statements --------------------------------------------------------
    def _arm(self, block: cst.CSTNode | None, statement: cst.CSTNode, index: int) -> None:
        if block is not None:
            self._arm_of[id(block)] = (id(statement), index, _leaves(block))

    def _enter_arm(self, node: cst.CSTNode) -> None:
        arm = self._arm_of.get(id(node))
        if arm is not None:
            self._arms.append(arm)

    def _leave_arm(self, node: cst.CSTNode) -> None:
        if id(node) in self._arm_of:
            self._arms.pop()

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._enter_arm(node)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self._leave_arm(original_node)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._enter_arm(node)

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        self._leave_arm(original_node)

    def visit_If(self, node: cst.If) -> None:
        self._enter_arm(node)  # an `elif`: the arm of the `if` before it
        self._arm(node.body, node, 0)
        orelse = node.orelse
        self._arm(orelse.body if isinstance(orelse, cst.Else) else orelse, node, 1)

    def leave_If(self, original_node: cst.If) -> None:
        self._leave_arm(original_node)

    # scopes -------------------------------------------------------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._bind(node.name.value, None)
        body = Scope("class", self._scope)
        bases = tuple(arg.value for arg in node.bases if arg.keyword is None and not arg.star)
        info = ClassInfo(node.name.value, body, bases=bases)
        body.owner = info
        self.facts.scopes.append(body)
        self.facts.classes.setdefault(node.name.value, info)
        self._scope = body

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._leave_scope()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._bind(node.name.value, None)
        owner = self._scope.owner if self._scope.kind == "class" else None
        if owner is None and self._scope.kind == "function":
            owner = self._scope.owner
        for decorator in node.decorators:
            self.facts.decorators.append((decorator, self._site(), node.name.value))
        self._scope = Scope("function", self._scope, owner, node=node)
        self.facts.scopes.append(self._scope)
        self._saved_loops.append(self._loops)
        self._loops = []
        self._saved_arms.append(self._arms)
        self._arms = []
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            self._bind(param.name.value, param.default, default=param.default is not None)
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                self._bind(star.name.value, None)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._loops = self._saved_loops.pop()
        self._arms = self._saved_arms.pop()
        self._leave_scope()

    def _leave_scope(self) -> None:
        assert self._scope.parent is not None
        self._scope = self._scope.parent

    # loops --------------------------------------------------------------------------------
    def visit_For(self, node: cst.For) -> None:
        self.facts.loops.append((node, self._site()))
        self._loop_arms(node)
        self._loops.append(id(node))
        if isinstance(node.target, cst.Name):
            self._bind(node.target.value, node.iter, iterated=True)
        else:
            self._bind_target(node.target, None)

    def leave_For(self, original_node: cst.For) -> None:
        self._loops.pop()

    # A comprehension's element is visited before its `for` clause: its targets are bound
    # first, so that `[c.get("birthday") for c in data["items"]]` reads `c` from the items.
    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._bind_comprehension(node.for_in)

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._bind_comprehension(node.for_in)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._bind_comprehension(node.for_in)

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._bind_comprehension(node.for_in)

    def _bind_comprehension(self, clause: cst.CompFor | None) -> None:
        while clause is not None:
            if isinstance(clause.target, cst.Name):
                self._bind(clause.target.value, clause.iter, iterated=True)
            else:
                self._bind_target(clause.target, None)
            clause = clause.inner_for_in

    def visit_While(self, node: cst.While) -> None:
        self.facts.loops.append((node, self._site()))
        self._loop_arms(node)
        self._loops.append(id(node))

    def _loop_arms(self, node: cst.For | cst.While) -> None:
        self._arm(node.body, node, 0)
        if node.orelse is not None:
            self._arm(node.orelse.body, node, 1)

    def visit_Raise(self, node: cst.Raise) -> None:
        self._raise_depth += 1

    def leave_Raise(self, original_node: cst.Raise) -> None:
        self._raise_depth -= 1

    def visit_Try(self, node: cst.Try) -> None:
        self._tries.append(node)
        self._arm(node.body, node, 0)
        if node.orelse is not None:
            self._arm(node.orelse.body, node, 0)
        for index, handler in enumerate(node.handlers, 1):
            self._arm(handler.body, node, index)
            self.facts.handlers.append((handler, node, self._site()))

    def leave_Try(self, original_node: cst.Try) -> None:
        self._tries.pop()

    def leave_While(self, original_node: cst.While) -> None:
        self._loops.pop()

    # bindings -----------------------------------------------------------------------------
    def _bind_target(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        if isinstance(target, cst.Name):
            self._bind(target.value, value)
        elif isinstance(target, cst.Tuple | cst.List):
            for element in target.elements:
                self._bind_target(element.value, None)
        elif isinstance(target, cst.Attribute) and value is not None:
            self.facts.attribute_assignments.append((target, value, self._site()))
            self._bind_attribute(target, value)
        elif isinstance(target, cst.Subscript) and value is not None:
            self._record_item_assignment(target, value)

    def _bind_attribute(self, target: cst.Attribute, value: cst.BaseExpression) -> None:
        owner = self._scope.owner
        if owner is None or not isinstance(target.value, cst.Name):
            return
        if target.value.value in ("self", "cls"):
            site = self._site()
            owner.instance_attrs.setdefault(target.attr.value, []).append(
                (Binding(site.order, value, site.loops), self._scope)
            )

    def _record_item_assignment(self, target: cst.Subscript, value: cst.BaseExpression) -> None:
        if len(target.slice) != 1:
            return
        index = target.slice[0].slice
        key = string_key(index.value) if isinstance(index, cst.Index) else None
        if key is None:
            return
        if isinstance(target.value, cst.Name):
            self._mutate(target.value.value, key, target, value)
        elif isinstance(target.value, cst.Attribute):
            self.facts.item_assignments.append((target, key, value, self._site()))

    def _mutate(self, name: str, key: str, node: cst.CSTNode, value: cst.BaseExpression) -> None:
        site = self._site()
        self._scope.mutations.setdefault(name, []).append(
            Mutation(site.order, key, node, value, site.loops)
        )

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._store(target.target)
            self._bind_target(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._store(node.target)
        self._bind_target(node.target, node.value)

    def visit_Del(self, node: cst.Del) -> None:
        self._store(node.target)

    def _store(self, target: cst.BaseExpression) -> None:
        """Note the subscripts a statement writes to (a tuple's elements too)."""
        if isinstance(target, cst.Subscript):
            self._stored.add(id(target))
        elif isinstance(target, cst.Tuple | cst.List):
            for element in target.elements:
                self._store(element.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name) and isinstance(node.operator, cst.AddAssign):
            self._bind(node.target.value, node.value, augmented=True)
        elif isinstance(node.target, cst.Name):
            self._bind(node.target.value, None)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target, node.value)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind_target(node.asname.name, node.item)

    def visit_Import(self, node: cst.Import) -> None:
        self._importing = True
        for alias in node.names:
            dotted = dotted_name(alias.name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self._bind(alias.asname.name.value, None, target=ImportTarget(0, dotted, None))
            else:
                first = dotted.split(".")[0]
                self._bind(first, None, target=ImportTarget(0, first, None))

    def leave_Import(self, original_node: cst.Import) -> None:
        self._importing = False

    def leave_ImportFrom(self, original_node: cst.ImportFrom) -> None:
        self._importing = False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._importing = True
        module = dotted_name(node.module) if node.module is not None else ""
        level = len(node.relative)
        if isinstance(node.names, cst.ImportStar):
            self.facts.star_imports.append(ImportTarget(level, module, None))
            return
        for alias in node.names:
            name = dotted_name(alias.name)
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self._bind(local, None, target=ImportTarget(level, module, name))

    # uses ---------------------------------------------------------------------------------
    def visit_Global(self, node: cst.Global) -> None:
        self.facts.declared_global.update(item.name.value for item in node.names)

    def visit_Call(self, node: cst.Call) -> None:
        name = callee_name(node.func)
        site = self._site()
        discarded = id(node) in self._discarded
        self.facts.calls.append(CallSite(node, name, site, discarded, bool(self._tries)))
        if name == "pop" and isinstance(node.func, cst.Attribute) and _first_index(node.args):
            self.facts.first_items.append((node, node.func.value, site))
        if name == "next" and node.args and isinstance(node.args[0].value, cst.Call):
            inner = node.args[0].value
            if callee_name(inner.func) == "iter" and inner.args:
                self.facts.first_items.append((node, inner.args[0].value, site))
        if not isinstance(node.func, cst.Attribute):
            return
        if name == "get" and node.args and (key := string_key(node.args[0].value)) is not None:
            self.facts.reads.append(KeyRead(node, key, node.func.value, site))
        if name == "update" and isinstance(node.func.value, cst.Name):
            self._record_update(node.func.value.value, node.args)
        self._visit_stringy(node)

    def _record_update(self, name: str, args: Sequence[cst.Arg]) -> None:
        for arg in args:
            if arg.keyword is not None:
                self._mutate(name, arg.keyword.value, arg, arg.value)
            elif isinstance(arg.value, cst.Dict):
                for element in arg.value.elements:
                    if isinstance(element, cst.DictElement):
                        key = string_key(element.key)
                        if key is not None:
                            self._mutate(name, key, element, element.value)

    def leave_Call(self, original_node: cst.Call) -> None:
        self._leave_stringy(original_node)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            index = node.slice[0].slice.value
            key = string_key(index)
            if key is not None and id(node) not in self._stored:
                self.facts.reads.append(KeyRead(node, key, node.value, self._site()))
            elif isinstance(index, cst.Integer) and index.value == "0":
                self.facts.first_items.append((node, node.value, self._site()))

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self._symbols and not self._importing:
            self.facts.symbols.append((node, node.value, self._site()))

    def visit_Match(self, node: cst.Match) -> None:
        self.facts.matches.append((node, self._site()))
        for index, case in enumerate(node.cases):
            self._arm(case.body, node, index)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self.facts.comparisons.append((node, self._site()))

    def visit_Set(self, node: cst.Set) -> None:
        self.facts.collections.append(node)

    def visit_Tuple(self, node: cst.Tuple) -> None:
        self.facts.collections.append(node)

    def visit_List(self, node: cst.List) -> None:
        self.facts.collections.append(node)

    def visit_Dict(self, node: cst.Dict) -> None:
        self.facts.collections.append(node)

    # strings ------------------------------------------------------------------------------
    def visit_Expr(self, node: cst.Expr) -> None:
        if isinstance(node.value, cst.SimpleString | cst.ConcatenatedString):
            self._bare_strings.add(id(node.value))
        value = node.value.expression if isinstance(node.value, cst.Await) else node.value
        self._discarded.add(id(value))

    def _visit_stringy(self, node: cst.BaseExpression) -> None:
        if not is_stringy(node):
            return
        self._stringy.add(id(node))
        if self._string_depth == 0 and id(node) not in self._bare_strings:
            self.facts.strings.append(StringSite(node, self._site()))
            if self._raise_depth:
                self.facts.raised.add(id(node))
        self._string_depth += 1

    def _leave_stringy(self, node: cst.BaseExpression) -> None:
        if id(node) in self._stringy:
            self._string_depth -= 1

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._visit_stringy(node)

    def leave_SimpleString(self, original_node: cst.SimpleString) -> None:
        self._leave_stringy(original_node)

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self._visit_stringy(node)

    def leave_ConcatenatedString(self, original_node: cst.ConcatenatedString) -> None:
        self._leave_stringy(original_node)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self._visit_stringy(node)

    def leave_FormattedString(self, original_node: cst.FormattedString) -> None:
        self._leave_stringy(original_node)

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        self._visit_stringy(node)

    def leave_BinaryOperation(self, original_node: cst.BinaryOperation) -> None:
        self._leave_stringy(original_node)


def _leaves(block: cst.CSTNode) -> bool:
    """Whether a block (an arm's: a suite, or an `elif`'s `if`, which never does) ends by
    leaving its function: its last statement returns or raises. (One that breaks or
    continues may still reach what follows its loop.)"""
    if isinstance(block, cst.SimpleStatementSuite):
        last: cst.CSTNode | None = block.body[-1] if block.body else None
    elif isinstance(block, cst.IndentedBlock) and block.body:
        line = block.body[-1]
        last = line.body[-1] if isinstance(line, cst.SimpleStatementLine) and line.body else None
    else:
        last = None
    return isinstance(last, cst.Return | cst.Raise)


def _first_index(args: Sequence[cst.Arg]) -> bool:
    return len(args) == 1 and isinstance(args[0].value, cst.Integer) and args[0].value.value == "0"


def collect(path: str, module: cst.Module, symbols: frozenset[str] = frozenset()) -> ModuleFacts:
    collector = FactCollector(path, module, symbols)
    # Statement by statement (the module node has no hook, and its header and footer are
    # trivia): where each begins in the order of sites tells which holds a fact.
    for _ in walk_each(module.body, collector, skip_trivia=True):
        collector.facts.top_orders.append(collector.order)
    return collector.facts
