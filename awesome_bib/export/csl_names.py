"""Fixes to citeproc-py's name elements: ``cs:names`` (and the hidden variables of its
``cs:substitute``), and ``cs:name``'s options and initials.  Wired into parsed styles by
:mod:`csl_model`.
"""

from __future__ import annotations

from typing import Any

from citeproc import model as csl
from citeproc.source import VariableError
from citeproc.string import String, join

from awesome_bib.export.csl_state import STATE, recording_substitute, substitute_record
from awesome_bib.export.marks import NAMES_CLOSE, NAMES_OPEN


class NamesFix:
    """Hidden substituted variables stay hidden, each alone; the entry's first name list is marked
    (:data:`NAMES_OPEN`), inside the element's affixes, for subsequent-author-substitute.

    Speed: names without a substitute, none of whose variables the entry has, fail at once."""

    def process(
        self, item: Any, names_context: Any = None, context: Any = None, **kwargs: Any
    ) -> Any:
        memo = self.__dict__
        if "_roles" not in memo:  # read as the style has them (the attribute is put back below)
            memo["_roles"] = tuple(self.get("variable", "").split())
            memo["_alone"] = self.get("variable") is not None and self.substitute() is None
        roles = memo["_roles"]
        if memo["_alone"] and not any(role in item.reference for role in roles):
            raise VariableError  # no substitute: where citeproc-py comes to, in one step
        context = self if context is None else context
        hidden = context.get_layout().repressed.get(self.tag, ())
        visible = [role for role in roles if role not in hidden]
        if roles and not visible:
            raise VariableError
        marking = not STATE.names_marked
        STATE.names_marked = True
        if len(visible) < len(roles):  # "editor translator" after editor stood in for the author
            self.set("variable", " ".join(visible))
        try:
            text = super().process(item, names_context, context, **kwargs)
        except VariableError:
            STATE.names_marked = not marking
            raise
        finally:
            if len(visible) < len(roles):
                self.set("variable", " ".join(roles))
        if marking:
            if text:
                text = join([String(NAMES_OPEN), text, String(NAMES_CLOSE)])
            else:
                STATE.names_marked = False
        record = substitute_record(context)
        if record is not None and text:
            record.update(
                (self.tag, role) for role in roles if role.replace("-", "_") in item.reference
            )
        return text


class NameFix:
    def get_option(self, name: str, context: Any = None, sort_options: Any = None) -> Any:
        """``after-inverted-name`` (CSL 1.0.1), unknown to citeproc-py: a delimiter before the last
        name (or et al.) when the name before it is inverted (``Leong, G. B., & Silva``)."""
        options = self.__dict__.setdefault("_options", {})
        key = (name, context, None if sort_options is None else tuple(sort_options.items()))
        if key not in options:  # the style's options, for this context and sort key
            options[key] = super().get_option(name, context, sort_options)
        value = options[key]
        in_sort_key = isinstance(sort_options, dict) and "et-al-use-first" in sort_options
        if name == "et-al-min" and not in_sort_key and not self._sets("et-al-use-first", context):
            return 0  # CSL: et al. needs both et-al-min and et-al-use-first; citeproc-py needs one
        if value == "after-inverted-name":
            order = super().get_option("name-as-sort-order", context, sort_options)
            names = self.__dict__.get("_names") or []
            # the name before the last: inverted unless a literal (an institution's name)
            before_last = names[-2] if len(names) > 1 else None
            inverted = order == "all" or (order == "first" and len(names) == 2)
            return "always" if inverted and before_last is not None and "literal" not in before_last else "never"
        return value

    def process(self, item: Any, variable: str, *args: Any, **kwargs: Any) -> Any:
        self.__dict__["_names"] = item.reference.get(variable, [])
        return super().process(item, variable, *args, **kwargs)

    def _sets(self, option: str, context: Any) -> bool:
        """Whether this name, its citation or bibliography, or the style sets ``option``."""
        if self.get(option) is not None:
            return True
        expression = "./ancestor::*[self::cs:citation or self::cs:bibliography][1]"
        scopes = (self if context is None else context).xpath_search(expression)
        return any(scope.get(option) is not None for scope in scopes) or (
            self.get_root().get(option) is not None
        )

    def initialize(self, given: str, mark: str, context: Any) -> str:
        """``initialize="false"`` (CSL 1.0.1): keep given names, only punctuate initials.  A given
        name with no capital letter at all ("seung-won", as some arXiv metadata has it) stays as
        written, as citeproc-js keeps it: citeproc-py would take each word for a particle (the
        embedded list's APA reference list, ``default-list-apa.txt``)."""
        if not any(char.isupper() for char in given):
            return given
        # A lower-case part after a hyphen ("Wen-tau") gives no initial, as in citeproc-js ("W.").
        given = "-".join(part for number, part in enumerate(given.split("-"))
                         if number == 0 or any(char.isupper() for char in part))
        if self.get("initialize", "true") != "false":
            return str(super().initialize(given, mark, context))
        return " ".join(
            part[0] + mark.rstrip() if len(part.rstrip(".")) == 1 and part[0].isupper() else part
            for part in given.split()
        )


class SubstituteFix:
    """Suppresses every variable the chosen substitute rendered, macros included (CSL 1.0.2)."""

    def render(self, item: Any, context: Any = None, **kwargs: Any) -> Any:
        layout = (self if context is None else context).get_layout()
        memo = self.__dict__
        if "_children" not in memo:  # each with whether it is a cs:names without a cs:name
            memo["_children"] = tuple(
                (child, isinstance(child, csl.Names) and child.name is None) for child in self.getchildren()
            )
        for child, bare_names in memo["_children"]:
            with recording_substitute(layout) as record:
                try:
                    if bare_names:
                        text = child.render(
                            item, names_context=self.getparent(), context=context, **kwargs
                        )
                    else:
                        text = child.render(item, context=context, **kwargs)
                except VariableError:
                    continue
            if text:
                for tag, variable in record:
                    layout.repressed.setdefault(tag, []).append(variable)
                return text
        return None
