"""Sites become the team's: one TeamSite per WordPress address, each user's row its connection.

Every existing connection is kept (its id, credential, cache token and everything keyed by it:
snoozes, signatures, preferences); users who had connected the same address now share one team
site, named by the label of its first connection and keeping that connection's colour.
"""

import re

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils.text import slugify


def _slug(label, base_url, taken):
    host = base_url.split("://")[-1].replace(".", " ")
    stem = slugify(label).replace("_", "-")[:40].strip("-") or slugify(host)[:40].strip("-")
    if not stem or stem.isdigit():
        stem = f"site-{stem}".strip("-")
    slug, n = stem, 2
    while slug in taken:
        slug, n = f"{stem}-{n}", n + 1
    taken.add(slug)
    return slug


def to_team_sites(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    TeamSite = apps.get_model("sites", "TeamSite")
    taken = set(TeamSite.objects.values_list("slug", flat=True))
    by_url = {}
    for site in Site.objects.order_by("pk"):
        url = re.sub(r"/+$", "", site.base_url)
        team = by_url.get(url)
        if team is None:
            team = TeamSite.objects.create(
                base_url=url,
                label=site.label,
                slug=_slug(site.label, url, taken),
                tone=site.pk * 7 % 12,
                created_by_id=site.owner_id,
            )
            by_url[url] = team
        site.team_site = team
        site.save(update_fields=["team_site"])


def to_user_sites(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    for site in Site.objects.select_related("team_site"):
        site.label = site.team_site.label
        site.base_url = site.team_site.base_url
        site.save(update_fields=["label", "base_url"])


class Migration(migrations.Migration):
    dependencies = [
        ("sites", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="TeamSite",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("base_url", models.URLField(max_length=300, unique=True)),
                ("label", models.CharField(max_length=80)),
                ("slug", models.SlugField(unique=True)),
                ("tone", models.PositiveSmallIntegerField(default=0)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["label", "pk"]},
        ),
        migrations.AddField(
            model_name="site",
            name="team_site",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="connections",
                to="sites.teamsite",
            ),
        ),
        migrations.RemoveConstraint(model_name="site", name="one_connection_per_site_and_user"),
        migrations.RunPython(to_team_sites, to_user_sites),
        migrations.AlterModelOptions(name="site", options={"ordering": ["team_site__label", "pk"]}),
        # Defaults only so that a rollback can add the columns back before filling them in.
        migrations.AlterField(
            model_name="site", name="label", field=models.CharField(max_length=80, default="")
        ),
        migrations.AlterField(
            model_name="site", name="base_url", field=models.URLField(max_length=300, default="")
        ),
        migrations.RemoveField(model_name="site", name="label"),
        migrations.RemoveField(model_name="site", name="base_url"),
        migrations.AlterField(
            model_name="site",
            name="team_site",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="connections",
                to="sites.teamsite",
            ),
        ),
        migrations.AddConstraint(
            model_name="site",
            constraint=models.UniqueConstraint(
                fields=("owner", "team_site"), name="one_connection_per_team_site_and_user"
            ),
        ),
    ]
