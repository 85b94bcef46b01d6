import factory
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    job_title = "Officer"
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            roles = extracted if isinstance(extracted, list | tuple) else [extracted]
            for role in roles:
                self.groups.add(Group.objects.get(name=Role(role).label))


def draft_decision(*, user, type_code="PCD", title="A test decision", summary="Summary."):
    """A draft created the way officers create one."""
    from decisions.services import decision_create

    return decision_create(user=user, type_code=type_code, title=title, executive_summary=summary)


def complete_draft(*, user, type_code="PCD", title="Complete decision"):
    """A draft with everything submission needs (straight to the database, for speed)."""
    from django.utils import timezone

    from decisions.models import Paragraph, Recommendation

    decision = draft_decision(user=user, type_code=type_code, title=title, summary="Summary.")
    Recommendation.objects.create(decision=decision, position=1, text="Agree the plan.")
    for section in decision.sections.exclude(kind=9):
        Paragraph.objects.create(section=section, position=1, text=f"Text {section.kind}.")
    decision.declarations.exclude(kind="head_of_service").update(
        confirmed_by=user, confirmed_by_name=user.display_name, confirmed_at=timezone.now()
    )
    decision.deferred, decision.has_part2 = False, False
    decision.save()
    return decision


def approved_decision(*, user, decision, number, approved_at=None):
    """Approve a draft as a records manager's historical import (public access
    answered "no" if unset)."""
    from django.utils import timezone

    from decisions.services import (
        decision_import_approved,
        decision_public_access_set,
        reference_reserve,
    )

    decision.refresh_from_db()
    if decision.deferred is None:
        decision = decision_public_access_set(
            user=user, decision=decision, deferred=False, has_part2=False
        )
    records_manager = UserFactory(role=Role.RECORDS_MANAGER)
    decision = reference_reserve(user=records_manager, decision=decision, number=number)
    return decision_import_approved(
        user=records_manager,
        decision=decision,
        reference_number=number,
        approved_at=approved_at or timezone.now(),
    )
