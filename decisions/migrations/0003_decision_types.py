"""The two reference series of DESIGN.md: PCD (DMPC) and CEOD (Chief Executive).

The scheme of delegation limit is data here: a CEOD must be under £500,000.
"""

from django.db import migrations

TYPES = [
    {
        "code": "PCD",
        "name": "DMPC Decision",
        "final_approver": "dmpc",
        "approver_title": "Deputy Mayor for Policing and Crime",
        "recommendation_preamble": "The Deputy Mayor for Policing and Crime is recommended to:",
        "delegation_limit_pence": None,
    },
    {
        "code": "CEOD",
        "name": "Chief Executive Decision",
        "final_approver": "chief_executive",
        "approver_title": "Chief Executive Officer",
        "recommendation_preamble": "The Chief Executive Officer is recommended to:",
        "delegation_limit_pence": 500_000 * 100,
    },
]


def create_types(apps, schema_editor):
    DecisionType = apps.get_model("decisions", "DecisionType")
    for fields in TYPES:
        DecisionType.objects.get_or_create(code=fields["code"], defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0002_decisionevent_append_only")]

    operations = [migrations.RunPython(create_types, migrations.RunPython.noop)]
