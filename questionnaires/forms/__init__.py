"""Forms: parsing and cleaning of HTTP input, one module per kind of page.

- ``questionnaire``: the questionnaire form built from an instrument definition.
- ``screening``: starting a screening, the family start and resume, the kiosk hand-back.
- ``patients``, ``accounts``, ``exports``: the clinician, account and export pages.

Forms clean only; saving is a service's job (``questionnaires.services``).
"""
