"""Users who were here before roles keep what they could do: superusers become Admins and
everyone else a Team lead (before roles every user saw the queues and the reports). Users
added later start as Agents. The groups' permissions are written by ``roles.sync_roles`` right
after the migration, so only the names are needed here."""

from django.conf import settings
from django.db import migrations


def give_existing_users_roles(apps, schema_editor):
    db = schema_editor.connection.alias
    group_model = apps.get_model("auth", "Group")
    user_model = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    role_names = ["Agent", "Team lead", "Admin"]
    groups = {
        name: group_model.objects.using(db).get_or_create(name=name)[0] for name in role_names
    }
    # Someone who already has a role (a second run, or a hand-made group) keeps it.
    without_role = user_model.objects.using(db).exclude(groups__name__in=role_names)
    for user in list(without_role.filter(is_superuser=True)):
        user.groups.add(groups["Admin"])
    for user in list(without_role.filter(is_superuser=False)):
        user.groups.add(groups["Team lead"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_roles_and_temporary_passwords"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(give_existing_users_roles, migrations.RunPython.noop, elidable=False)
    ]
