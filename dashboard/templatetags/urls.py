"""``{% url %}`` as Django's, with each URL worked out once per process.

A thread page names some seventy URLs (each message's edit and delete, each property form), and
Django's ``reverse`` walks the URL patterns and quotes every argument each time: a tenth of a
cold page's rendering. The same view name and arguments always give the same URL for a given
URL configuration and script prefix, so the answer is kept, keyed on all four. Registered as a
builtin after Django's, so every template's ``{% url %}`` is this one.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()


@lru_cache(maxsize=8192)
def _reversed(view_name, args, kwargs, current_app, urlconf, root, prefix) -> str:
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


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
            key = (get_urlconf(), settings.ROOT_URLCONF, get_script_prefix())
            try:
                url = _reversed(view_name, args, kwargs, current_app, *key)
            except TypeError:  # an argument that cannot be a key: as Django does it
                url = reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)
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
