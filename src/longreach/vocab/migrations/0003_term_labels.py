from django.db import migrations


def load(apps, schema_editor):
    # The shipped codebook gained labels in six languages; sync updates shipped terms only.
    from longreach.vocab.codebook import load as load_codebook
    from longreach.vocab.sync import sync

    sync(apps.get_model("vocab", "Vocabulary"), apps.get_model("vocab", "Term"), load_codebook())


class Migration(migrations.Migration):
    dependencies = [("vocab", "0002_load_codebook")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
