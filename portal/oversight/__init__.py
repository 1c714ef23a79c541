"""Supervisors' oversight: systemic-issue alerts and regulator reports."""
