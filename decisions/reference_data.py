"""The reference series of DESIGN.md: PCD (approved by the DMPC) and CEOD (by the
Chief Executive). The scheme of delegation limit is data: a CEOD must be under
£500,000. Records managers may change these rows; setup only adds missing ones.
"""

DECISION_TYPES = [
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
