"""``{% url %}`` as Django's, with each URL worked out once per process (see
``dashboard.reversing``). Registered as a builtin after Django's, so every template's
``{% url %}`` is this one.
"""

from __future__ import annotations

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.utils.html import conditional_escape

from dashboard.reversing import kept_reverse

register = template.Library()


class _KeptURLNode(URLNode):
    def render(self, context) -> str:
        from django.urls import NoReverseMatch

        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple(sorted((k, v.resolve(context)) for k, v in self.kwargs.items()))
        view_name = self.view_name.resolve(context)
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        url = ""
        try:
            url = kept_reverse(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token) -> _KeptURLNode:
    node = django_url(parser, token)
    return _KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)
