"""The field inspector: every provider's value of one field, the rule that chose it, and the
actions "Use this value" and "Always prefer this provider for this field"."""
