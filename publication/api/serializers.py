"""Publication API serializers: the shape of input; the services decide the rest."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from publication.models import PlanPublication


class PublicationSerializer(serializers.Serializer):
    """A plan's public page: whether it is published, where, and with which words. A plan
    never published answers `published: false` with the rest empty."""

    plan = serializers.IntegerField(read_only=True)
    published = serializers.BooleanField(read_only=True)
    slug = serializers.CharField(read_only=True, allow_null=True)
    url = serializers.CharField(
        read_only=True, allow_null=True, help_text="The public page, while published."
    )
    public_title = serializers.CharField(read_only=True)
    public_summary = serializers.CharField(read_only=True)
    published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    published_by = serializers.IntegerField(read_only=True, allow_null=True)
    version = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Null until first published."
    )

    @staticmethod
    def of(plan_id: int, publication: PlanPublication | None, request: Any) -> dict[str, Any]:
        if publication is None:
            return {
                "plan": plan_id,
                "published": False,
                "slug": None,
                "url": None,
                "public_title": "",
                "public_summary": "",
                "published_at": None,
                "published_by": None,
                "version": None,
            }
        url = (
            request.build_absolute_uri(publication.get_absolute_url())
            if publication.published
            else None
        )
        return {
            "plan": plan_id,
            "published": publication.published,
            "slug": publication.slug,
            "url": url,
            "public_title": publication.public_title,
            "public_summary": publication.public_summary,
            "published_at": publication.published_at,
            "published_by": publication.published_by_id,
            "version": publication.version,
        }


class PublishSerializer(serializers.Serializer):
    public_title = serializers.CharField(
        max_length=200, help_text="The mission's name for the public."
    )
    public_summary = serializers.CharField(
        help_text="What the joined-up mission is, in words for the public: the only words about "
        "the plan itself its public page shows."
    )
    slug = serializers.SlugField(
        max_length=80,
        required=False,
        allow_blank=True,
        help_text="The address, /public/plans/<slug>/; by default the one it had, else made "
        "from `public_title`.",
    )
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="The publication's version you read; needed once the plan was published "
        "(a stale one answers 409).",
    )


class WithdrawSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="The version you read (a stale one answers 409)."
    )
