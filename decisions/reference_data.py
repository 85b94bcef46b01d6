"""The reference series of DESIGN.md: PCD (approved by the DMPC) and CEOD (by the
Chief Executive), with the statements each signer signs. The scheme of delegation
limit is data: a CEOD must be under £500,000. Setup only adds missing rows; it
never overwrites what is stored.
"""

CHIEF_EXECUTIVE_ADVICE = (
    "I have been consulted about the proposal and confirm that financial, legal and equalities "
    "advice has been taken into account in the preparation of this report."
)
APPROVAL_LINE = "The above request has my approval."

DECISION_TYPES = [
    {
        "code": "PCD",
        "name": "DMPC Decision",
        "final_approver": "dmpc",
        "approver_title": "Deputy Mayor for Policing and Crime",
        "approver_short_title": "DMPC",
        "recommendation_preamble": "The Deputy Mayor for Policing and Crime is recommended to:",
        "delegation_limit_pence": None,
        "wordings": [
            {
                "role": "chief_executive",
                "statement": CHIEF_EXECUTIVE_ADVICE
                + " I am satisfied that this is an appropriate request to be submitted to the "
                "Deputy Mayor for Policing and Crime.",
                "approval_line": "",
            },
            {
                "role": "dmpc",
                "statement": (
                    "I confirm I have considered whether or not I have any personal or "
                    "prejudicial interest in this matter and take the proposed decision in "
                    "compliance with the Code of Conduct. Any such interests are recorded below."
                ),
                "approval_line": APPROVAL_LINE,
                "records_interests": True,
            },
        ],
    },
    {
        "code": "CEOD",
        "name": "Chief Executive Decision",
        "final_approver": "chief_executive",
        "approver_title": "Chief Executive Officer",
        "recommendation_preamble": "The Chief Executive Officer is recommended to:",
        "delegation_limit_pence": 500_000 * 100,
        "wordings": [
            {
                "role": "chief_executive",
                "statement": CHIEF_EXECUTIVE_ADVICE
                + " I approve this decision under the scheme of delegation.",
                "approval_line": APPROVAL_LINE,
            },
        ],
    },
]
