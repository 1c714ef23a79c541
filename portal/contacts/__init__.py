"""Contact logs: import, linking to complaints, audits and scorecards (database side).

The pure parts live in ``portal.domain`` (``contact_fields``, ``conduct``,
``linking``); the modules here read and write the database.
"""
