"""The checks: card workbooks → cards, the validation rules, a folder validated, the validation report and its
texts, the cache of checked cards."""
