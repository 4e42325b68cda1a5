from django.db import migrations


def load(apps, schema_editor):
    from longreach.geo.memberships import load as load_memberships
    from longreach.geo.sync import sync

    sync(apps.get_model("geo", "RegionalMembership"), load_memberships())


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
