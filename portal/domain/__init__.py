"""Pure domain logic: no Flask, no database.

Each module here can be imported and tested on its own: jurisdiction
profiles (profiles), business calendars (calendars), complaint deadlines
(deadlines), the complaint status machine (status), and the modules of the
other domain areas beside them.
"""
