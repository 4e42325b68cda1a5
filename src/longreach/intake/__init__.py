"""Public intake: reporting without an account, receipts, replies, triage into cases.

The reporter's side (``views_public``) can write reports sealed to a
compartment's intake public key and can never read one back; the staff side
(``views_staff``) opens them with the intake private key, which only
compartment members can unseal.
"""
