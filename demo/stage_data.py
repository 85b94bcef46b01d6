"""Decisions written for the demo, one at each stage of the workflow, so that every
demo login lands on a realistic home page: a draft in progress, one with the Head of
Service, one with the Chief Executive, one awaiting the Deputy Mayor, one returned
to the officer with a comment, one approved with its publication deferred, and one
the officer withdrew.

Short but complete: each has what submission needs (a summary, recommendations, a
paragraph in every required section, the officer's declarations, the public access
answers), in the style of a real DMPC decision. Plain data only: demo/stages.py
takes each through the real services and workflow.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    route: str
    line_description: str
    envelope_description: str
    # Financial year start year -> pence (2026 = 2026/27).
    allocations: dict[int, int]
    funding_source: str = "MOPAC's Violence Against Women and Girls budget"

    @property
    def total_pence(self) -> int:
        return sum(self.allocations.values())


@dataclass(frozen=True)
class StageDecision:
    # Where the loader leaves it: "draft", "submitted", "cleared", "awaiting_approval",
    # "returned", "deferred" or "withdrawn".
    stage: str
    title: str
    executive_summary: str
    recommendations: list[str]
    # Section number -> its paragraphs.
    sections: dict[int, list[str]]
    budget: Budget | None = None
    # Deferred decisions: the reason, and how many days after loading it ends.
    deferral_reason: str = ""
    deferred_for_days: int = 0
    # What the reviewer who returned it, or the officer who withdrew it, said.
    comment: str = ""
    # The draft in progress has only some of its steps done.
    complete: bool = True
    type_code: str = "PCD"


# The officer's rows of the declaration, as officers usually confirm them.
DECLARATIONS: list[tuple[str, str]] = [
    ("financial", "The Strategic Finance and Resource Management Team has advised on this proposal."),
    ("legal", "The MOPAC legal team has advised on this proposal."),
    ("equalities", "Equality and diversity issues are covered in the body of the report."),
    (
        "public_health",
        "The proposal has been reviewed against City Hall's public health approach.",
    ),
    (
        "commercial",
        "The Procurement Contract and Grants Team has been consulted on the commercial issues "
        "within this report.",
    ),
    ("gdpr", "GDPR compliance issues are covered in the body of the report."),
    ("drafting_officer", "Violet Alvarez has drafted this report in accordance with MOPAC procedures."),
]  # fmt: skip

POWERS = (
    "MOPAC's general powers are set out in the Police Reform and Social Responsibility Act 2011. "
    "Under Schedule 3, paragraph 7, MOPAC may do anything calculated to facilitate, or conducive "
    "or incidental to, the exercise of its functions."
)
EQUALITY_DUTY = (
    "MOPAC is required to comply with the public sector equality duty set out in section "
    "149(1) of the Equality Act 2010."
)

STAGE_DECISIONS: list[StageDecision] = [
    StageDecision(
        stage="draft",
        complete=False,
        title="Domestic abuse perpetrator programme: extension to Barnet, Enfield and Haringey",
        executive_summary=(
            "This decision seeks approval to extend the Drive domestic abuse perpetrator "
            "programme to three more north London boroughs from April 2027."
        ),
        recommendations=[
            "Approve the extension of the Drive programme to Barnet, Enfield and Haringey from "
            "1 April 2027.",
        ],
        sections={
            1: [
                "Drive works with high-harm perpetrators of domestic abuse to reduce abuse and "
                "protect victims. MOPAC has funded it in eight London boroughs since 2021.",
            ],
        },
    ),
    StageDecision(
        stage="submitted",
        title="Safer Streets lighting fund: grants to four boroughs",
        executive_summary=(
            "This decision seeks approval to award grants totalling £420,000 to four London "
            "boroughs to improve street lighting on routes where women and girls have told us "
            "they feel unsafe after dark."
        ),
        recommendations=[
            "Approve grants of up to £420,000 in 2026/27 to Brent, Hackney, Newham and Southwark "
            "councils for improved street lighting.",
            "Delegate authority to sign the grant agreements to the Director of Commissioning & "
            "Partnerships.",
        ],
        sections={
            1: [
                "In the 2025 Safer Streets survey, 61% of women in London said they felt unsafe "
                "walking alone after dark. Poor lighting was the reason they gave most often.",
            ],
            2: [
                "Boroughs were invited to bid in September 2026. Four bids met every criterion, "
                "each naming the routes to be lit and how the change will be measured.",
            ],
            3: [
                "The grants total £420,000, funded from MOPAC's Violence Against Women and Girls "
                "budget in 2026/27. The allocation is set out below.",
            ],
            4: [POWERS],
            5: [
                "The awards are grants, made under MOPAC's grant-making rules following an open "
                "bidding round.",
            ],
            6: [
                "Better lighting is a place-based prevention measure, in line with City Hall's "
                "public health approach.",
            ],
            7: ["No personal data is shared under these grants."],
            8: [
                EQUALITY_DUTY + " The routes were chosen with women's groups in each borough; "
                "the improvements are expected to benefit women and girls most.",
            ],
        },
        budget=Budget(
            route="grant",
            line_description="Grants to Brent, Hackney, Newham and Southwark councils",
            envelope_description="Safer Streets lighting fund 2026/27",
            allocations={2026: 42_000_000},
        ),
    ),
    StageDecision(
        stage="cleared",
        title="Independent Sexual Violence Advisers at the Havens: contract variation",
        executive_summary=(
            "This decision seeks approval to vary the contract for Independent Sexual Violence "
            "Advisers (ISVAs) at London's three Havens, adding six advisers for two years at a "
            "cost of up to £650,000."
        ),
        recommendations=[
            "Approve a variation of the Havens ISVA contract, adding six advisers from 1 January "
            "2027 to 31 December 2028, at a cost of up to £650,000.",
        ],
        sections={
            1: [
                "The Havens are London's sexual assault referral centres. Their ISVAs support "
                "victims from the first examination through any criminal trial.",
            ],
            2: [
                "Referrals rose by 18% in 2025/26 and the average caseload is now 92 against a "
                "recommended maximum of 60. Six more advisers bring caseloads within that limit.",
            ],
            3: [
                "The variation costs up to £650,000 over 2026/27 to 2028/29, within existing budgets."
            ],
            4: [
                POWERS
                + " The variation is permitted under Regulation 72 of the Public Contracts Regulations 2015."
            ],
            5: [
                "The Procurement Contract and Grants Team has confirmed the variation is within the contract's terms."
            ],
            6: [
                "Early, continuous support makes it more likely that victims stay engaged with the criminal justice process."
            ],
            7: ["The existing data processing agreement covers the additional advisers."],
            8: [EQUALITY_DUTY + " Most Havens clients are women and girls; 40% are under 25."],
        },
    ),
    StageDecision(
        stage="awaiting_approval",
        title="Body-worn video: replacement cameras for the Metropolitan Police Service",
        executive_summary=(
            "This decision seeks approval for the Metropolitan Police Service (MPS) to replace "
            "its 22,000 body-worn video cameras, which reach the end of their supported life in "
            "2027, at a capital cost of up to £8.4m."
        ),
        recommendations=[
            "Approve capital expenditure of up to £8.4m in 2026/27 and 2027/28 for the "
            "replacement of the MPS's body-worn video cameras.",
            "Approve the procurement of the cameras through an open competitive process.",
        ],
        sections={
            1: [
                "Every MPS officer on patrol wears a body-worn video camera. Footage is used as "
                "evidence and to review the use of force and stop and search.",
            ],
            2: [
                "The current cameras were bought in 2019. The supplier's support ends in June "
                "2027, after which faults cannot be repaired and security updates stop.",
            ],
            3: [
                "The cost of up to £8.4m is met from the MPS capital programme. The allocation "
                "by financial year is set out below.",
            ],
            4: [POWERS],
            5: [
                "The cameras will be bought through an open competitive procurement run by the MPS."
            ],
            6: ["Not applicable: this is equipment for policing."],
            7: ["A data protection impact assessment has been updated for the new cameras."],
            8: [
                EQUALITY_DUTY
                + " Footage supports scrutiny of stop and search, which falls disproportionately on Black Londoners."
            ],
        },
        budget=Budget(
            route="open_procurement",
            line_description="Replacement body-worn video cameras and docking stations",
            envelope_description="MPS body-worn video replacement",
            allocations={2026: 300_000_000, 2027: 540_000_000},
            funding_source="MPS capital programme",
        ),
    ),
    StageDecision(
        stage="returned",
        title="Hate crime victim advocacy: grant to the London Victim and Witness Service",
        executive_summary=(
            "This decision seeks approval for a grant of up to £310,000 to the London Victim and "
            "Witness Service to provide specialist advocates for victims of hate crime in 2027/28."
        ),
        recommendations=[
            "Approve a grant of up to £310,000 to the London Victim and Witness Service for hate "
            "crime advocacy from 1 April 2027 to 31 March 2028.",
        ],
        sections={
            1: [
                "MOPAC has funded specialist hate crime advocates since 2022. The current grant ends on 31 March 2027."
            ],
            2: [
                "In 2025/26 the advocates supported 1,140 victims; 87% said they felt better able to cope."
            ],
            3: [
                "The grant of up to £310,000 is funded from MOPAC's victims' services budget in 2027/28."
            ],
            4: [POWERS],
            5: ["The grant is made under MOPAC's grant-making rules."],
            6: ["Support soon after a crime reduces the risk of repeat victimisation."],
            7: ["The existing data-sharing agreement with the service continues to apply."],
            8: [EQUALITY_DUTY],
        },
        comment=(
            "Please add the findings of the equality impact assessment to section 8, and confirm "
            "with Finance that the £310,000 is in the 2027/28 budget, before you resubmit."
        ),
    ),
    StageDecision(
        stage="deferred",
        title="Stop and search: MOPAC's response to the independent community review",
        executive_summary=(
            "This decision approves MOPAC's response to the independent community review of stop "
            "and search in London, and the actions MOPAC will ask of the MPS."
        ),
        recommendations=[
            "Approve MOPAC's response to the independent community review of stop and search.",
            "Approve the six actions for the MPS set out in the response.",
        ],
        sections={
            1: [
                "In 2025 MOPAC commissioned an independent review of stop and search, led by community members from each London borough."
            ],
            2: [
                "The response accepts 14 of the review's 16 recommendations and explains why two are not accepted."
            ],
            3: ["The actions will be delivered within existing MOPAC and MPS budgets."],
            4: [
                POWERS
                + " MOPAC holds the Commissioner to account for the exercise of police functions."
            ],
            5: ["There are no commercial issues."],
            6: ["Trust in policing is a protective factor for communities affected by violence."],
            7: ["The response contains no personal data."],
            8: [
                EQUALITY_DUTY
                + " Black Londoners are stopped and searched at more than three times the rate of white Londoners."
            ],
        },
        deferral_reason=(
            "The review and MOPAC's response are to be published together; the review panel "
            "has set its publication date."
        ),
        deferred_for_days=14,
    ),
    StageDecision(
        stage="withdrawn",
        complete=False,
        title="Youth diversion pilot in Croydon: grant to Croydon Council",
        executive_summary=(
            "This decision sought approval for a grant to Croydon Council for a 12-month youth "
            "diversion pilot."
        ),
        recommendations=[],
        sections={},
        comment=(
            "Croydon Council has withdrawn its bid. The pilot will run in Lewisham instead, "
            "under a new decision."
        ),
    ),
]
