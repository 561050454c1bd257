"""Finds words shown to people that are not marked for translation (tests/test_i18n.py).

Templates: text between tags, the attributes people read (`title`, `alt`, `placeholder`,
`aria-label`, a button's `value`), and quoted phrases handed to tags and filters
(`|default:"No one yet"`, `{% include … with label="Your code" %}`), outside
`{% translate %}` and `{% blocktranslate %}`.

Python: phrases given where Django and our own shapes show them: validation and permission
errors, page messages, form and model labels and help, choice labels, notification texts,
report and decision wording. A phrase wrapped in `gettext`/`gettext_lazy`/`ngettext`/`pgettext`
(usually imported as `_`) is marked; an f-string never can be.

Left out: the demo (its words are data, like any organisation's), migrations, management
commands (for operators), and the API schema's own documentation (field help, filter labels).

Both are heuristics that err on the side of asking: a phrase is at least one word of two
letters. What is the same in every language (the product's name, acronyms) is allowed below.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT_APPS = [
    "accounts",
    "secondments",
    "strategy",
    "missions",
    "lessons",
    "capabilities",
    "funding",
    "outreach",
    "publication",
    "offline",
    "reports",
    "charts",
    "config",
]
# The same in English and French: the product, standards and formats, units.
SAME_IN_EVERY_LANGUAGE = {
    "Joined Forces",
    "IATI",
    "IATI XML",
    "PDF",
    "CSV",
    "API",
    "OpenAPI",
    "Atom",
    "UTC",
    "DAC",
    "XML",
    "SVG",
    "JSON",
    "ISO",
    "URL",
    "OK",
    "Français",
    "English",
}

WORD = re.compile(r"[A-Za-zÀ-ÿ]{2,}")


@dataclass(frozen=True)
class Untranslated:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


def _is_phrase(text: str) -> bool:
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)
    for same in sorted(SAME_IN_EVERY_LANGUAGE, key=len, reverse=True):
        text = text.replace(same, " ")
    return bool(WORD.search(text))


# --- templates ----------------------------------------------------------------------------------

_REMOVED_BLOCKS = [
    re.compile(r"\{#.*?#\}", re.S),
    re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S),
    re.compile(r"\{%\s*blocktrans(?:late)?\b.*?\{%\s*endblocktrans(?:late)?\s*%\}", re.S),
    re.compile(r"<script\b.*?</script>", re.S | re.I),
    re.compile(r"<style\b.*?</style>", re.S | re.I),
    re.compile(r"<svg\b.*?</svg>", re.S | re.I),
]
_TRANSLATE_TAG = re.compile(r"\{%\s*(?:trans|translate)\s.*?%\}", re.S)
_TAG_OR_VARIABLE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
_QUOTED = re.compile(r"\"([^\"]*)\"|'([^']*)'")
_HTML_TAG = re.compile(r"<[^>]*>", re.S)
_READ_ATTRIBUTES = re.compile(
    r"\b(?:title|alt|placeholder|aria-label|aria-description|aria-roledescription|"
    r"data-confirm|data-label|label)\s*=\s*(\"[^\"]*\"|'[^']*')",
    re.I,
)
_BUTTON_VALUE = re.compile(
    r"<input\b[^>]*type=[\"'](?:submit|button|reset)[\"'][^>]*\bvalue=(\"[^\"]*\"|'[^']*')", re.I
)
# Quoted arguments of tags that are names, not words: templates, URLs, static files, ids.
_NAME_ARGUMENT = re.compile(r"^[\w./:#?=&%-]*$")


def _blank(match: re.Match[str]) -> str:
    """Keep line numbers: replace a removed span by its newlines."""
    return "\n" * match.group(0).count("\n")


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def scan_template(path: Path) -> Iterator[Untranslated]:
    source = path.read_text(encoding="utf-8")
    relative = str(path.relative_to(ROOT))
    text = source
    for block in _REMOVED_BLOCKS:
        text = block.sub(_blank, text)
    text = _TRANSLATE_TAG.sub(lambda m: " " * len(m.group(0).replace("\n", "")) + _blank(m), text)
    # Phrases handed to tags and filters.
    for match in _TAG_OR_VARIABLE.finditer(text):
        for quoted in _QUOTED.finditer(match.group(0)):
            phrase = quoted.group(1) if quoted.group(1) is not None else quoted.group(2)
            if not _NAME_ARGUMENT.match(phrase) and " " in phrase.strip() and _is_phrase(phrase):
                yield Untranslated(relative, _line_of(text, match.start()), phrase)
    without_django = _TAG_OR_VARIABLE.sub(lambda m: " " + _blank(m), text)
    # Attributes people read.
    for pattern in (_READ_ATTRIBUTES, _BUTTON_VALUE):
        for match in pattern.finditer(without_django):
            value = match.group(1)[1:-1]
            if _is_phrase(value):
                yield Untranslated(relative, _line_of(without_django, match.start()), value)
    # Text between tags.
    words_only = _HTML_TAG.sub(lambda m: " " + _blank(m), without_django)
    for number, line in enumerate(words_only.splitlines(), start=1):
        if _is_phrase(line):
            yield Untranslated(relative, number, line.strip())


def template_paths() -> list[Path]:
    return sorted(
        p for p in (ROOT / "templates").rglob("*") if p.suffix in {".html", ".txt", ".xml"}
    )


# --- Python -------------------------------------------------------------------------------------

_SHOWN_FIRST_ARGUMENT = {
    "ValidationError",
    "PermissionDenied",
    "ReportError",
    "ParseError",
    "NotFound",
    "Http404",
}
_MESSAGE_FUNCTIONS = {"success", "error", "info", "warning", "add_message"}
_SHOWN_KEYWORDS = {
    "label",
    "help_text",
    "verbose_name",
    "verbose_name_plural",
    "empty_label",
    "violation_error_message",
    "text",
    "title",
    "description",
    "reason_needed",
    "refused",
    "refused_for",
    "ambiguous",
    "choose_prompt",
    "decide_for_help",
    "detail",
    "message",
    "round_label",
}
_SHOWN_DICT_KEYWORDS = {"labels", "verbs", "error_messages", "help_texts"}
_WORDING_CLASSES = {"Section"}
# Modules outside an app's api/ that write the API schema's documentation (for developers).
API_MODULES = {
    "accounts/api.py",
    "accounts/drf.py",
    "accounts/idempotency.py",
    "accounts/schema.py",
    "accounts/pagination.py",
    "reports/api.py",
}


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _literal(node: ast.expr | None) -> str | None:
    """The phrase a node shows as is: a string constant, an f-string, or a concatenation."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value if isinstance(part, ast.Constant) else "{…}" for part in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _literal(node.left)
    return None


class _Finder(ast.NodeVisitor):
    def __init__(self, relative: str, in_api: bool) -> None:
        self.relative = relative
        self.in_api = in_api
        self.found: list[Untranslated] = []

    def _check(self, node: ast.expr | None) -> None:
        phrase = _literal(node)
        if node is not None and phrase is not None and " " in phrase and _is_phrase(phrase):
            self.found.append(Untranslated(self.relative, node.lineno, phrase))

    def _check_dict(self, node: ast.expr) -> None:
        if isinstance(node, ast.Dict):
            for value in node.values:
                self._check(value)

    def visit_Call(self, node: ast.Call) -> None:
        name = _name(node.func)
        if name in _SHOWN_FIRST_ARGUMENT and node.args:
            first = node.args[0]
            self._check(first)
            self._check_dict(first)
        if name in _MESSAGE_FUNCTIONS and len(node.args) >= 2:
            self._check(node.args[-1])
        if name in _WORDING_CLASSES:
            for arg in node.args[1:]:
                self._check(arg)
        for keyword in node.keywords:
            # The API's schema (help texts, descriptions) is for developers and stays English.
            if keyword.arg in _SHOWN_KEYWORDS and not (
                self.in_api and keyword.arg in {"help_text", "description", "title", "label"}
            ):
                self._check(keyword.value)
            if keyword.arg in _SHOWN_DICT_KEYWORDS:
                self._check_dict(keyword.value)
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        bases = {_name(base) for base in node.bases}
        if bases & {"TextChoices", "IntegerChoices", "Choices"}:
            for statement in node.body:
                if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Tuple):
                    for element in statement.value.elts[1:]:
                        self._check(element)
        for statement in node.body:
            # Meta's labels and help texts (forms), and verbose names (models).
            if isinstance(statement, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id in _SHOWN_DICT_KEYWORDS | _SHOWN_KEYWORDS
                for t in statement.targets
            ):
                self._check(statement.value)
                self._check_dict(statement.value)
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        # The API's own error bodies: {"detail": "..."}.
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and key.value == "detail":
                self._check(value)
        self.generic_visit(node)


def scan_python(path: Path) -> list[Untranslated]:
    relative = str(path.relative_to(ROOT))
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
    finder = _Finder(relative, in_api="/api" in relative or relative in API_MODULES)
    finder.visit(tree)
    return finder.found


def python_paths(app: str) -> list[Path]:
    return sorted(
        p
        for p in (ROOT / app).rglob("*.py")
        if not {"migrations", "management"} & set(p.parts) and p.name != "demo.py"
    )


def _template_app(path: Path) -> str:
    """templates/<app>/… belongs to the app; the rest (the layout, sign-in) to `config`."""
    first = path.relative_to(ROOT / "templates").parts[0]
    return first if first in PROJECT_APPS else "config"


def untranslated_in(app: str) -> list[Untranslated]:
    """Every unmarked phrase of one app: its Python, and its templates (templates/<app>/;
    the project's own templates count as `config`)."""
    found: list[Untranslated] = []
    if (ROOT / app).is_dir():
        for path in python_paths(app):
            found += scan_python(path)
    templates = [p for p in template_paths() if _template_app(p) == app]
    for path in templates:
        found += scan_template(path)
    return found
