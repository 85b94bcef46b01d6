"""PCD 1406 - demo data for the decision that PCD 1620 amends.

Children and Young People Violence & Exploitation Support Services. The original form is
not in the seed set, so this shorter record is written only from what PCD 1620 says about
PCD 1406 (approval of a £17.2m budget, to be awarded via an open and competitive procurement
process; the Alliance contract of up to £16m awarded in February 2024), plus the standard
wording of the DMPC form. Plain data only: the demo loader turns it into model instances.
"""

from datetime import date

REFERENCE_PREFIX = "PCD"
REFERENCE_NUMBER = 1406

TITLE = "Children and Young People Violence & Exploitation Support Services"

EXECUTIVE_SUMMARY = (
    "This decision seeks approval of a budget of £17.2million for support to children and young "
    "people impacted by violence and exploitation, to be awarded via an open and competitive "
    "procurement process.\n\n"
    "MOPAC currently commissions support for children and young people impacted by violence "
    "through London Gang Exit (LGE), Empower and Rescue and Response. The current grant "
    "agreements for these services end in June 2024."
)

RECOMMENDATION_PREAMBLE = "The Deputy Mayor for Policing and Crime is recommended to:"

RECOMMENDATIONS: list[str] = [
    (
        "Approve a budget of £17.2million to procure a new service(s) to deliver support to "
        "children and young people who have been impacted by violence and exploitation, to be "
        "awarded via an open and competitive procurement process."
    ),
]

# Numbered paragraphs of Part I, keyed by section number (see pcd_1620 for the headings).
SECTIONS: dict[int, list[str]] = {
    1: [
        # 1.1
        (
            "Reducing and preventing violence and protecting people from being exploited or harmed "
            "are key priorities in London's Police and Crime Plan (PCP) 2022-25. Tackling violence "
            "is a top priority for the Mayor and the PCP commits to continuing to invest in the "
            "provision of support for children and young people impacted by violence including "
            "those seen to be offenders but have also often experienced victimisation to reduce "
            "the risk of violence to both themselves and others."
        ),
        # 1.2
        (
            "MOPAC has been commissioning support for children and young people impacted by "
            "violence since 2016 through London Gang Exit (LGE) and Empower and since 2018 through "
            "Rescue and Response. These services support children and young people aiming to "
            "reduce violent victimisation, reduce violent offending and reduce harmful behaviours "
            "in relation to violence and exploitation."
        ),
        # 1.3
        "The current grant agreements for LGE, Empower and Rescue and Response end in June 2024.",
    ],
    2: [
        # 2.1
        (
            "It is proposed that a new service(s) to deliver support to children and young people "
            "who have been impacted by violence and exploitation is procured via an open and "
            "competitive procurement process, to be in place when the current grant agreements "
            "end in June 2024."
        ),
    ],
    3: [
        # 3.1
        (
            "The total budget requirement for this work is £17,200,000. The programme will be "
            "funded from within the Commissioning & Partnership Directorate's core funding."
        ),
    ],
    4: [
        # 4.1
        (
            "MOPAC's general powers are set out in the Police Reform and Social Responsibility Act "
            '2011 (the 2011 Act). Section 3(6) of the 2011 Act provides that MOPAC must "secure '
            "the maintenance of the Metropolitan Police Service and secure that the Metropolitan "
            'Police Service is efficient and effective." Under Schedule 3, paragraph 7 (1) MOPAC '
            'has wide incidental powers to "do anything which is calculated to facilitate, or is '
            'conducive or incidental to, the exercise of the functions of the Office." Paragraph '
            "7(2) (a) provides that this includes entering into contracts and other agreements."
        ),
        # 4.2
        (
            "Under MOPAC's Scheme of Consent and Delegation, the DMPC has delegated authority for "
            "the award of contracts with a total value of £500,000 or above."
        ),
    ],
    5: [
        # 5.1
        "The new service(s) will be awarded via an open and competitive procurement process.",
    ],
    6: [
        # 6.1
        (
            "The service(s) included in this decision will support children and young people who "
            "have already been impacted by violence and exploitation or are at high risk of being "
            "impacted, intervening to ensure ongoing issues are well managed to avoid further "
            "crises and reduce the harmful consequences of the issues already faced."
        ),
    ],
    7: [
        # 7.1
        (
            "MOPAC will adhere to the Data Protection Act (DPA) 2018 and ensure that any providers "
            "who are commissioned to do work with or on behalf of MOPAC are fully compliant with "
            "the policy and understand their GDPR responsibilities."
        ),
    ],
    8: [
        # 8.1
        (
            "MOPAC is required to comply with the public sector equality duty set out in section "
            "149(1) of the Equality Act 2010. This requires MOPAC to have due regard to the need "
            "to eliminate discrimination, advance equality of opportunity and foster good "
            "relations by reference to people with protected characteristics. The protected "
            "characteristics are: age, disability, gender reassignment, marriage and civil "
            "partnership, pregnancy and maternity, race, religion or belief, sex and sexual "
            "orientation."
        ),
    ],
    9: [],
}

# No per-year breakdown of the £17.2m is known, so no budget table is shown.
BUDGET_TABLE_AFTER = None
ALLOCATIONS: dict[int, int] = {}
TOTAL_PENCE = 1_720_000_000
FUNDING_SOURCE = "Commissioning & Partnership Directorate's core funding"
ENVELOPE_DESCRIPTION = "Support to children and young people impacted by violence and exploitation"

APPENDICES: list[str] = []

PUBLIC_ACCESS_STATEMENT = (
    "Information in this form (Part 1) is subject to the Freedom of Information Act 2000 (FOIA) "
    "and will be made available on the MOPAC website following approval.\n\n"
    "If immediate publication risks compromising the implementation of the decision it can be "
    "deferred until a specific date. Deferral periods should be kept to the shortest length "
    "strictly necessary."
)

DEFERRED = False
DEFERRAL_REASON = ""
DEFERRED_UNTIL = None

HAS_PART2 = False
PART2_STATEMENT = (
    "Only the facts or advice considered as likely to be exempt from disclosure under the FOIA "
    "should be in the separate Part 2 form, together with the legal rationale for non-publication."
)

# Originating officer declarations, in form order: (kind, heading, statement).
DECLARATIONS: list[tuple[str, str, str]] = [
    (
        "financial",
        "Financial Advice",
        "The Strategic Finance and Resource Management Team has been consulted on this proposal.",
    ),
    (
        "legal",
        "Legal Advice",
        "Legal advice is not required.",
    ),
    (
        "equalities",
        "Equalities Advice",
        "Equality and diversity issues are covered in the body of the report.",
    ),
    (
        "public_health",
        "Public Health Approach",
        (
            "Due diligence has been given to determine whether the programme sits within the "
            "Violence Reduction Unit's public approach to reducing violence. This has been "
            "reviewed and supported by a senior manager within the VRU."
        ),
    ),
    (
        "commercial",
        "Commercial Issues",
        (
            "The Procurement Contract and Grants Team has been consulted on the commercial issues "
            "within this report. The proposal is in keeping with the GLA Group Responsible "
            "Procurement Policy."
        ),
    ),
    (
        "gdpr",
        "GDPR/Data Privacy",
        "GDPR compliance issues are covered in the body of the report. A DPIA is not required.",
    ),
    (
        "drafting_officer",
        "Drafting Officer",
        "Violet Alvarez has drafted this report in accordance with MOPAC procedures.",
    ),
    (
        "head_of_service",
        "Director/Head of Service",
        (
            "The Head of Policy and Commissioning has reviewed the request and is satisfied it is "
            "correct and consistent with the MOPAC's plans and priorities."
        ),
    ),
]
DRAFTING_OFFICER_NAME = "Violet Alvarez"

CHIEF_EXECUTIVE_STATEMENT = (
    "I have been consulted about the proposal and confirm that financial, legal and equalities "
    "advice has been taken into account in the preparation of this report. I am satisfied that "
    "this is an appropriate request to be submitted to the Deputy Mayor for Policing and Crime."
)
CHIEF_EXECUTIVE_SIGNED_ON = date(2023, 3, 6)

DMPC_STATEMENT = (
    "I confirm I have considered whether or not I have any personal or prejudicial interest in "
    "this matter and take the proposed decision in compliance with the Code of Conduct. Any such "
    "interests are recorded below."
)
DMPC_APPROVAL_LINE = "The above request has my approval."
DMPC_INTERESTS = ""
DMPC_SIGNED_ON = date(2023, 3, 9)

# The contract awarded under this decision's envelope (PCD 1620, paragraph 1.5).
ALLIANCE_COMMITMENT = {
    "counterparty": "Children and Young Adult Violence & Exploitation Support Service Alliance",
    "kind": "contract",
    "route": "open_procurement",
    "max_value_pence": 1_600_000_000,
    "awarded_on": date(2024, 2, 29),
    "description": (
        "Contract with the Alliance procured through an open and competitive procurement "
        "process, completed in February 2024, with a contract value up to £16million."
    ),
}
