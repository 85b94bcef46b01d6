"""A Chief Executive decision written for the demo: a short extension of a small
grant to a youth charity MOPAC already funds. Under the delegation limit, so the
Chief Executive approves it; the loader takes it through the real workflow
(submitted, cleared, approved), so its reference comes from the CEOD series and
its sign-off from the wording stored for the type.

Plain data only: the demo loader turns it into model instances.
"""

# The series only: the number is the next in the series when it is submitted.
REFERENCE_PREFIX = "CEOD"

TITLE = "Youth mentoring in Lambeth and Southwark: four-month extension of the Bridges Youth Trust grant"

EXECUTIVE_SUMMARY = (
    "This decision seeks approval to extend MOPAC's mentoring grant to Bridges Youth Trust by "
    "four months, to 31 March 2027, at a cost of up to £38,000.\n\n"
    "The grant pays for one-to-one mentoring for young people aged 11 to 18 in Lambeth and "
    "Southwark who are at risk of exclusion from school or of being drawn into crime. It ends "
    "on 30 November 2026. The extension keeps mentoring going for the 64 young people now in "
    "the programme until the new pan-London support service approved in PCD 1406 takes "
    "referrals in both boroughs."
)

RECOMMENDATIONS: list[str] = [
    "Approve a four-month extension of the youth mentoring grant to Bridges Youth Trust, from "
    "1 December 2026 to 31 March 2027, and a budget of up to £38,000 in 2026/27.",
    "Delegate authority to sign the grant variation to the Director of Commissioning & "
    "Partnerships.",
]

SECTIONS: dict[int, list[str]] = {
    1: [
        "In 2024 MOPAC awarded Bridges Youth Trust, a registered charity working in Lambeth and "
        "Southwark, a grant of £228,000 to provide one-to-one mentoring for young people aged 11 "
        "to 18 referred by schools, youth offending teams and children's social care. The grant "
        "runs to 30 November 2026.",
        "The trust has met the targets in its grant agreement. In 2025/26 it mentored 141 young "
        "people, 82% of whom completed their mentoring plan.",
    ],
    2: [
        "The new pan-London support service approved in PCD 1406 will take referrals in Lambeth "
        "and Southwark from April 2027. If the grant ends as planned, 64 young people would lose "
        "their mentor part of the way through their plan, and the trust would have to give its "
        "mentors notice.",
        "An extension on the same terms and at the same monthly rate (£9,500) keeps the service "
        "running until the new service opens. The trust has agreed to hand its open cases over "
        "to the new service from February 2027.",
    ],
    3: [
        "The total cost of the extension is £38,000, funded from the Commissioning & Partnership "
        "Directorate's core funding in 2026/27. The budget allocation is set out below.",
        "The value is below the scheme of delegation's limit for decisions by the Chief Executive.",
    ],
    4: [
        "MOPAC's general powers are set out in the Police Reform and Social Responsibility Act "
        "2011. Under Schedule 3, paragraph 7, MOPAC may do anything calculated to facilitate, or "
        "conducive or incidental to, the exercise of its functions, which includes making and "
        "varying grants.",
    ],
    5: [
        "The extension varies an existing grant agreement; it is not a new award. It is short, "
        "on the same terms, and the Procurement Contract and Grants Team has confirmed that it "
        "complies with MOPAC's grant-making rules.",
    ],
    6: [
        "Mentoring is early intervention: it works with young people when problems first show, "
        "before they escalate, in line with City Hall's public health approach.",
    ],
    7: [
        "The data-sharing terms of the existing grant agreement continue to apply. The trust "
        "holds the young people's personal data as a controller and has an up-to-date data "
        "protection impact assessment for the service.",
    ],
    8: [
        "MOPAC is required to comply with the public sector equality duty set out in section "
        "149(1) of the Equality Act 2010. In 2025/26, 71% of the young people the trust mentored "
        "were from Black, Asian or mixed ethnic backgrounds and 38% were girls. Ending the "
        "service early would fall hardest on these young people.",
    ],
}

# The budget table is rendered from the allocations after paragraph 3.1.
BUDGET_TABLE_AFTER = (3, 1)

TOTAL_PENCE = 3_800_000
# Financial year start year -> amount in pence (2026 = 2026/27).
ALLOCATIONS: dict[int, int] = {2026: 3_800_000}
FUNDING_SOURCE = "Commissioning & Partnership Directorate's core funding"
ENVELOPE_DESCRIPTION = "Youth mentoring grant extension: Bridges Youth Trust"
LINE_DESCRIPTION = "Grant variation: Bridges Youth Trust, 1 December 2026 to 31 March 2027"

# The officer's rows of the declaration (the Head of Service's row is confirmed by
# clearing): (kind, statement).
DECLARATIONS: list[tuple[str, str]] = [
    (
        "financial",
        "The Strategic Finance and Resource Management Team has been consulted on this proposal.",
    ),
    ("legal", "Legal advice is not required."),
    ("equalities", "Equality and diversity issues are covered in the body of the report."),
    (
        "public_health",
        "The programme has been reviewed against City Hall's public health approach and is "
        "supported by a senior manager within the VRU.",
    ),
    (
        "commercial",
        "The Procurement Contract and Grants Team has been consulted on the commercial issues "
        "within this report.",
    ),
    (
        "gdpr",
        "GDPR compliance issues are covered in the body of the report. A DPIA is not required.",
    ),
    (
        "drafting_officer",
        "Violet Alvarez has drafted this report in accordance with MOPAC procedures.",
    ),
]
