"""Seeded text for generated decisions: titles, summaries, recommendations and
paragraphs built from word lists.

Search benchmarks need the shape of real text: words on nearly every decision
("violence", "policing"), phrases on many ("host borough"), words on few
(a rare word list drawn sparingly) and words on none. Every sentence is plain text
with no Markdown syntax, so what is stored is what search and the digest read.
"""

from __future__ import annotations

import random

BOROUGHS = (
    "Barking and Dagenham", "Barnet", "Bexley", "Brent", "Bromley", "Camden", "Croydon",
    "Ealing", "Enfield", "Greenwich", "Hackney", "Hammersmith and Fulham", "Haringey",
    "Harrow", "Havering", "Hillingdon", "Hounslow", "Islington", "Kensington and Chelsea",
    "Kingston upon Thames", "Lambeth", "Lewisham", "Merton", "Newham", "Redbridge",
    "Richmond upon Thames", "Southwark", "Sutton", "Tower Hamlets", "Waltham Forest",
    "Wandsworth", "Westminster",
)  # fmt: skip

PROGRAMMES = (
    "youth mentoring", "violence reduction", "victim support", "knife crime prevention",
    "domestic abuse advocacy", "community safety", "offender management", "drug treatment",
    "custody healthcare", "neighbourhood policing", "hate crime reporting", "road safety",
    "restorative justice", "street outreach", "exploitation prevention", "sexual violence support",
    "serious youth violence", "integrated offender management", "witness care", "rape crisis",
)  # fmt: skip

SUBJECTS = (
    "The programme", "The service", "The pilot", "The contract", "The grant", "The partnership",
    "The proposal", "The evaluation", "The provider", "The commissioning plan", "The board",
    "The Violence Reduction Unit", "The Metropolitan Police Service", "Each host borough",
    "The lead authority", "The steering group", "MOPAC", "The delivery partner",
)  # fmt: skip

VERBS = (
    "will fund", "supports", "extends", "has reduced", "will evaluate", "delivers",
    "commissions", "reviews", "strengthens", "will measure", "complements", "replaces",
    "coordinates", "monitors", "targets", "will expand", "builds on", "prioritises",
)  # fmt: skip

OBJECTS = (
    "support for victims of violence", "early intervention for young people",
    "the host borough arrangements", "the reduction of repeat offending",
    "referrals from schools and youth services", "specialist advocacy for survivors",
    "the violence against women and girls strategy", "the safeguarding of vulnerable adults",
    "community engagement in every host borough", "the data sharing agreement",
    "joint working with local health partners", "outcomes for children at risk of exploitation",
    "the police and crime plan priorities", "trauma informed practice across the partnership",
    "the value for money assessment", "independent evaluation of the results",
    "training for frontline officers", "the procurement timetable", "the equality impact assessment",
    "the monitoring of key performance indicators", "a reduction in serious violence",
)  # fmt: skip

CLAUSES = (
    "in line with the Police and Crime Plan", "subject to the agreement of each host borough",
    "over the next three financial years", "following consultation with community groups",
    "as set out in the business case", "within the existing budget envelope",
    "under the terms of the grant agreement", "to reduce violence in the capital",
    "with quarterly reports to the oversight board", "after a competitive procurement",
    "in partnership with the voluntary sector", "so that victims receive support sooner",
    "where the evidence shows the greatest need", "in accordance with MOPAC procedures",
)  # fmt: skip

# Rare words: each appears in only a small share of decisions (search for a rare term).
RARE = (
    "aardvark", "quixotic", "zephyr", "palimpsest", "obfuscation", "sesquipedalian",
    "juxtaposition", "ephemeral", "lugubrious", "mellifluous", "perspicacious", "recalcitrant",
    "serendipity", "vicissitude", "xylograph", "yeomanry", "zeitgeist", "bellwether",
    "cromulent", "defenestration", "equanimity", "farrago", "gallimaufry", "hinterland",
)  # fmt: skip

FUNDING_SOURCES = (
    "MOPAC Violence Reduction Unit budget", "Home Office Serious Violence Fund",
    "Ministry of Justice Victims Grant", "MOPAC Crime Prevention Fund", "GLA Group reserves",
    "Police Property Act Fund", "London Crime Prevention Fund",
)  # fmt: skip

COUNTERPARTIES = (
    "Safer London", "Victim Support", "St Giles Trust", "Redthread", "Catch22", "Refuge",
    "Solace Women's Aid", "Power the Fight", "Street Doctors", "Mentivity",
)  # fmt: skip

TITLE_FORMS = (
    "{programme} in {borough}", "Funding for {programme} {years}",
    "Extension of the {programme} contract", "{programme} grant to {counterparty}",
    "Procurement of {programme} services", "{programme} pilot in {borough} and {borough2}",
    "Evaluation of the {programme} programme", "{programme} partnership {years}",
)  # fmt: skip


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS)]
    if rng.random() < 0.6:
        words.append(rng.choice(CLAUSES))
    if rng.random() < 0.25:
        words.append(f"in {rng.choice(BOROUGHS)}")
    if rng.random() < 0.02:
        words.append(f"despite the {rng.choice(RARE)}")
    return " ".join(words) + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 4)))


def title(rng: random.Random, year: int) -> str:
    borough, borough2 = rng.sample(BOROUGHS, 2)
    form = rng.choice(TITLE_FORMS)
    text = form.format(
        programme=rng.choice(PROGRAMMES),
        borough=borough,
        borough2=borough2,
        counterparty=rng.choice(COUNTERPARTIES),
        years=f"{year} to {year + rng.randint(1, 3)}",
    )
    return _cap(text)


def summary(rng: random.Random, decision_title: str) -> str:
    lead = f"This decision concerns {decision_title[:1].lower()}{decision_title[1:]}."
    return " ".join([lead, *(sentence(rng) for _ in range(rng.randint(2, 4)))])


RECOMMENDING = (
    "Approve", "Approve expenditure on", "Delegate authority for", "Note", "Agree",
    "Approve a grant for", "Approve the extension of", "Approve the procurement of",
)  # fmt: skip


def recommendation(rng: random.Random) -> str:
    return f"{rng.choice(RECOMMENDING)} {rng.choice(OBJECTS)} {rng.choice(CLAUSES)}."
