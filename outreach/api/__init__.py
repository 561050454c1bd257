"""Public diplomacy API under /api/v1/."""

from django.urls import URLPattern

api_urls: list[URLPattern] = []
