"""Add N published decisions (default 100,000) to a migrated database with the demo
loaded, quickly, in SQL: enough for measuring the public list, search, filters and
API (bench/search.py). Not the generator of issue 12 (`generate_decisions`): no
sections, paragraphs, history or PDFs; the search text and vector are built the way
`decision_search_index` builds them (title A, summary B, body C, 'english').

    .venv/bin/python bench/search_data.py postgres://postgres@127.0.0.1:5432/dr_search_big

About 97% of the decisions say "violence", 5% "host borough", 3 "zeugmatic"; 1% are
deferred to a date to come and 0.5% withdrawn (neither is public); 60% have a budget
(envelope, one or two lines, allocations over one to three financial years).
"""

from __future__ import annotations

import random
import sys
import time

import psycopg

SYLLABLES = [
    "ab",
    "ac",
    "ad",
    "al",
    "am",
    "an",
    "ar",
    "as",
    "at",
    "ba",
    "be",
    "bi",
    "bo",
    "ca",
    "ce",
    "ci",
    "co",
    "cu",
    "da",
    "de",
    "di",
    "do",
    "du",
    "el",
    "em",
    "en",
    "er",
    "es",
    "fa",
    "fe",
    "fi",
    "fo",
    "ga",
    "ge",
    "gi",
    "go",
    "ha",
    "he",
    "hi",
    "ho",
    "il",
    "im",
    "in",
    "ir",
    "is",
    "la",
    "le",
    "li",
    "lo",
    "lu",
    "ma",
    "me",
    "mi",
    "mo",
    "mu",
    "na",
    "ne",
    "ni",
    "no",
    "nu",
    "ob",
    "oc",
    "of",
    "om",
    "on",
    "or",
    "pa",
    "pe",
    "pi",
    "po",
    "pu",
    "ra",
    "re",
    "ri",
    "ro",
    "ru",
    "sa",
    "se",
    "si",
    "so",
    "su",
    "ta",
    "te",
    "ti",
    "to",
    "tu",
    "ul",
    "um",
    "un",
    "ur",
    "us",
    "va",
    "ve",
    "vi",
    "vo",
]
COMMON = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "on",
    "with",
    "as",
    "by",
    "be",
    "this",
    "are",
    "from",
    "at",
    "or",
    "an",
    "will",
    "which",
    "it",
    "not",
    "have",
    "has",
    "been",
    "was",
    "were",
    "their",
    "its",
    "these",
    "those",
    "may",
    "would",
    "should",
    "could",
    "also",
    "police",
    "policing",
    "crime",
    "mayor",
    "office",
    "london",
    "officers",
    "community",
    "safety",
    "funding",
    "grant",
    "service",
    "services",
    "contract",
    "budget",
    "financial",
    "year",
    "years",
    "provision",
    "support",
    "young",
    "people",
    "victims",
    "partners",
    "borough",
    "local",
    "delivery",
    "programme",
    "project",
    "outcomes",
    "evaluation",
    "risk",
    "equality",
    "legal",
    "commercial",
    "procurement",
    "framework",
    "award",
    "value",
    "approval",
    "decision",
    "recommendation",
    "deputy",
    "commissioner",
    "metropolitan",
    "strategy",
    "plan",
    "public",
    "health",
    "approach",
    "data",
    "privacy",
    "impact",
    "assessment",
    "governance",
    "board",
    "report",
    "reports",
    "quarterly",
    "performance",
    "training",
    "staff",
    "resources",
    "capital",
    "revenue",
    "investment",
    "estate",
    "technology",
    "digital",
    "prevention",
    "intervention",
    "diversion",
    "youth",
    "justice",
    "probation",
    "courts",
    "prison",
    "housing",
    "education",
    "schools",
    "health",
    "mental",
    "substance",
    "misuse",
    "domestic",
    "abuse",
    "exploitation",
    "knife",
    "weapons",
    "gangs",
    "neighbourhood",
    "wards",
    "town",
    "centres",
    "transport",
    "night",
    "economy",
]
VIOLENCE = [
    "The Violence Reduction Unit leads the public health approach to serious violence.",
    "This supports the Serious Violence Duty across the partnership.",
    "The service works with victims of violence against women and girls.",
    "Knife crime and youth violence remain priorities in the Police and Crime Plan.",
]
HOST = "The host borough agreed to lead the commissioning for the sub-region."
BOROUGHS = [
    "Barking",
    "Barnet",
    "Bexley",
    "Brent",
    "Bromley",
    "Camden",
    "Croydon",
    "Ealing",
    "Enfield",
    "Greenwich",
    "Hackney",
    "Haringey",
    "Harrow",
    "Havering",
    "Hillingdon",
    "Hounslow",
    "Islington",
    "Lambeth",
    "Lewisham",
    "Merton",
    "Newham",
    "Redbridge",
    "Richmond",
    "Southwark",
    "Sutton",
    "Wandsworth",
    "Westminster",
]
TOPICS = [
    "Grant for community safety in {b}",
    "Contract award: custody healthcare in {b}",
    "Funding for youth diversion in {b}",
    "Estate disposal at {b} police station",
    "Victim support services in {b}",
    "Violence reduction programme in {b}",
    "Technology refresh for {b} command unit",
]


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    made = {"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(size * 2)}
    made -= {"violence", "host", "borough"}
    return COMMON + sorted(made)[:size]


def paragraph(rng: random.Random, words: list[str]) -> str:
    # Zipf-like: common words far more often than rare ones.
    n = len(words)
    picked = [words[int(n * rng.random() ** 3)] for _ in range(rng.randint(50, 110))]
    picked[0] = picked[0].capitalize()
    return " ".join(picked) + "."


def main(dsn: str, count: int = 100_000, seed: int = 1620) -> None:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    words = vocabulary(rng)
    pool = [paragraph(rng, words) for _ in range(3000)]
    started = time.monotonic()
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT id FROM accounts_user WHERE username = 'officer'")
        (officer,) = cur.fetchone()
        cur.execute("SELECT code, id FROM decisions_decisiontype")
        types = dict(cur.fetchall())
        cur.execute("SELECT coalesce(max(reference_number), 0) FROM decisions_decision")
        (first,) = cur.fetchone()
        cur.execute(
            "CREATE TEMP TABLE gen (g int, title text, summary text, body text, "
            "type_id bigint, approved timestamptz, deferred_until date, withdrawn bool)"
        )
        with cur.copy("COPY gen FROM STDIN") as copy:
            for g in range(1, count + 1):
                body = [rng.choice(pool) for _ in range(rng.randint(4, 9))]
                if g % 100 < 97:
                    body.insert(rng.randrange(len(body)), rng.choice(VIOLENCE))
                if g % 20 == 0:
                    body.insert(rng.randrange(len(body)), HOST)
                if g in (7, count // 2, count - 3):
                    body.append("A zeugmatic turn of phrase closes the paper.")
                title = rng.choice(TOPICS).format(b=rng.choice(BOROUGHS))
                approved = "2026-11-01T12:00:00Z"
                deferred = f"2027-{1 + g % 12:02d}-01" if g % 100 == 50 else None
                copy.write_row(
                    (
                        g,
                        title,
                        rng.choice(pool),
                        "\n".join(body),
                        types["CEOD"] if g % 5 == 0 else types["PCD"],
                        approved,
                        deferred,
                        g % 200 == 0,
                    )
                )
        # Spread over about nine years, newest last in g.
        cur.execute(
            "UPDATE gen SET approved = timestamptz '2026-11-01 12:00Z' "
            "- ((%s - g) * interval '47 minutes')",
            [count],
        )
        print(f"texts copied: {time.monotonic() - started:.0f} s", flush=True)
        cur.execute(
            """
            INSERT INTO decisions_decision (reference_number, title, executive_summary,
                state, deferred, deferral_reason, deferred_until, has_part2, created_at,
                updated_at, approved_at, version, drafted_by_id, decision_type_id,
                publication_withdrawal_reason, publication_withdrawn_at,
                recommendations_lead_in)
            SELECT %(first)s + g, title, summary, 'approved', deferred_until IS NOT NULL,
                CASE WHEN deferred_until IS NULL THEN '' ELSE 'Operational reasons' END,
                deferred_until, g %% 7 = 0, approved - interval '30 days', approved,
                approved, 1, %(officer)s, type_id,
                CASE WHEN withdrawn THEN 'Published in error' ELSE '' END,
                CASE WHEN withdrawn THEN approved + interval '1 day' END, 'recommended'
            FROM gen ORDER BY g
            """,
            {"first": first, "officer": officer},
        )
        cur.execute(
            """
            INSERT INTO decisions_decisionsearch (decision_id, text, vector)
            SELECT d.id, gen.title || E'\\n' || gen.summary || E'\\n' || gen.body,
                setweight(to_tsvector('english', gen.title), 'A')
                || setweight(to_tsvector('english', gen.summary), 'B')
                || setweight(to_tsvector('english', gen.body), 'C')
            FROM gen JOIN decisions_decision d ON d.reference_number = %(first)s + gen.g
                AND d.decision_type_id = gen.type_id
            """,
            {"first": first},
        )
        conn.commit()
        print(f"decisions and search rows: {time.monotonic() - started:.0f} s", flush=True)
        cur.execute(
            """
            CREATE TEMP TABLE env AS
            SELECT d.id AS decision_id, gen.g, extract(year FROM gen.approved)::int AS y,
                (1 + (gen.g * 7919) %% 2000) * 1000000::bigint AS total
            FROM gen JOIN decisions_decision d ON d.reference_number = %(first)s + gen.g
                AND d.decision_type_id = gen.type_id
            WHERE gen.g %% 10 < 6
            """,
            {"first": first},
        )
        cur.execute(
            "INSERT INTO funding_budgetenvelope (decision_id, description, funding_source, "
            "total_pence) SELECT decision_id, 'Programme budget', 'MOPAC budget', total "
            "FROM env"
        )
        cur.execute(
            """
            INSERT INTO funding_budgetline (position, route, description, amount_pence,
                active, envelope_id, set_by_id)
            SELECT p, 'grant', 'Line ' || p, env.total / (1 + (env.g % 2)), true, e.id,
                env.decision_id
            FROM env JOIN funding_budgetenvelope e USING (decision_id),
                generate_series(1, 1 + env.g % 2) p
            """
        )
        cur.execute(
            """
            INSERT INTO funding_allocation (financial_year, amount_pence, line_id)
            SELECT env.y + k, l.amount_pence / (1 + env.g % 3), l.id
            FROM funding_budgetline l JOIN funding_budgetenvelope e ON e.id = l.envelope_id
                JOIN env USING (decision_id), generate_series(0, env.g % 3) k
            WHERE env.y + k <= 2099
            """
        )
        print(f"budgets: {time.monotonic() - started:.0f} s", flush=True)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"done: {count} decisions in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1], *(int(a) for a in sys.argv[2:]))
